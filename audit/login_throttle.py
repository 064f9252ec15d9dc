"""Login throttling: after repeated failures per username or per client address, refuse.

The counts live in ``audit.LoginFailure`` (see there why not in the cache).
``ThrottledAuthenticationForm`` in ``audit.forms`` calls these three functions;
another login path (an API, SSO) can call them the same way.

Limits (settings): ``LOGIN_THROTTLE_MAX_FAILURES_PER_USERNAME`` (5) and
``LOGIN_THROTTLE_MAX_FAILURES_PER_ADDRESS`` (20, higher because a school's
office shares one address) within ``LOGIN_THROTTLE_WINDOW_SECONDS`` (15 minutes).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from audit.models import SYSTEM_ACTOR, AuditAction, LoginFailure
from audit.services import audit_record


def _normalise(username: str) -> str:
    return (username or "").strip().lower()[:150]


def _window_start() -> dt.datetime:
    return timezone.now() - dt.timedelta(seconds=settings.LOGIN_THROTTLE_WINDOW_SECONDS)


def _recent_counts(*, username: str, address: str) -> tuple[int, int]:
    counts = LoginFailure.objects.filter(
        Q(username=username) | Q(client_address=address), at__gte=_window_start()
    ).aggregate(
        by_username=Count("pk", filter=Q(username=username)),
        by_address=Count("pk", filter=Q(client_address=address)),
    )
    return counts["by_username"], counts["by_address"]


def _over_limit(by_username: int, by_address: int) -> bool:
    return (
        by_username >= settings.LOGIN_THROTTLE_MAX_FAILURES_PER_USERNAME
        or by_address >= settings.LOGIN_THROTTLE_MAX_FAILURES_PER_ADDRESS
    )


def login_throttled(*, username: str, address: str) -> bool:
    """True when this username or this address has failed too often lately."""
    by_username, by_address = _recent_counts(username=_normalise(username), address=address)
    return _over_limit(by_username, by_address)


def login_failure_record(*, username: str, address: str) -> bool:
    """Count one failed login; returns True when this failure reaches a limit.

    Reaching a limit is written to the audit log once (not for every refused
    attempt after it, so that an attacker cannot flood the log). Rows older
    than the window are deleted here: they no longer count.
    """
    username = _normalise(username)
    LoginFailure.objects.filter(at__lt=_window_start()).delete()
    LoginFailure.objects.create(username=username, client_address=address)
    by_username, by_address = _recent_counts(username=username, address=address)
    reached_now = (
        by_username == settings.LOGIN_THROTTLE_MAX_FAILURES_PER_USERNAME
        or by_address == settings.LOGIN_THROTTLE_MAX_FAILURES_PER_ADDRESS
    )
    if reached_now:
        audit_record(
            actor=SYSTEM_ACTOR,
            action=AuditAction.LOGIN_BLOCKED,
            summary=f"{username} {address}",
            details={
                "username": username,
                "client_address": address,
                "failures_for_username": by_username,
                "failures_for_address": by_address,
            },
        )
    return _over_limit(by_username, by_address)


def login_failures_clear(*, username: str) -> int:
    """Forget a username's failures after it logged in successfully."""
    deleted, _per_model = LoginFailure.objects.filter(username=_normalise(username)).delete()
    return deleted
