"""Delays between attempts: exponential, capped, with jitter."""

from __future__ import annotations

import random

from django.conf import settings

_random = random.SystemRandom()


def backoff_delay(attempt: int, *, base: float, cap: float, rng: random.Random = _random) -> float:
    """Seconds to wait before attempt ``attempt + 1`` (``attempt`` counts from 1).

    ``base * 2 ** (attempt - 1)``, capped at ``cap``, then "equal jitter": half of it
    fixed, half random, so retries of many rows that failed together spread out
    while none comes back sooner than half the nominal delay.
    """
    nominal = min(float(cap), float(base) * 2 ** max(attempt - 1, 0))
    return nominal / 2 + rng.uniform(0, nominal / 2)


def retry_delay(attempt: int) -> float:
    """After a transient endpoint failure (timeout, 5xx, broken connection)."""
    return backoff_delay(
        attempt, base=settings.OSO_RETRY_BASE_SECONDS, cap=settings.OSO_RETRY_MAX_DELAY_SECONDS
    )


def pending_delay(polls: int) -> float:
    """After the endpoint said the primary school has not released the file yet."""
    return backoff_delay(
        polls, base=settings.OSO_POLL_BASE_SECONDS, cap=settings.OSO_POLL_MAX_DELAY_SECONDS
    )
