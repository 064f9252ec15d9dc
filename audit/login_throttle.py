"""Login throttling: after repeated failures per username or per client address, refuse.

The counts live in ``audit.LoginFailure`` (see there why not in the cache).
``ThrottledAuthenticationForm`` in ``audit.forms`` calls these functions; another
login path (an API, SSO) can call them the same way.

Checking the count and then checking the password is a race: forty wrong passwords
sent at once would all see "four failures so far" and all be checked. So an attempt
is first *reserved* (``login_attempt_reserve``): under a lock per username and per
address, the recent rows are counted and, below the limit, a row for this attempt is
written in the same transaction. The row counts as a failure from that moment, so at
most the limit's attempts are ever checked at once. A right password removes it
(``login_attempt_succeeded``), a valid login that is refused for another reason too
(``login_attempt_withdraw``); a wrong one leaves it (``login_failure_record``).

Limits (settings): ``LOGIN_THROTTLE_MAX_FAILURES_PER_USERNAME`` (5) and
``LOGIN_THROTTLE_MAX_FAILURES_PER_ADDRESS`` (20, higher because a school's
office shares one address) within ``LOGIN_THROTTLE_WINDOW_SECONDS`` (15 minutes).
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.db import connection, transaction
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


def _lock(*keys: str) -> None:
    """Serialise reservations for these keys until the transaction ends.

    PostgreSQL: transaction-scoped advisory locks, taken in a fixed order so two
    attempts never wait for each other. SQLite has one writer at a time: the reserving
    transaction starts by writing, so it already runs alone.
    """
    if connection.vendor != "postgresql":
        LoginFailure.objects.filter(at__lt=_window_start()).delete()
        return
    with connection.cursor() as cursor:
        for key in sorted(set(keys)):
            digest = hashlib.sha256(f"oso-login-throttle:{key}".encode()).digest()
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest[:8], "big", signed=True)]
            )
    LoginFailure.objects.filter(at__lt=_window_start()).delete()


def login_attempt_reserve(*, username: str, address: str) -> int | None:
    """Reserve one password check; None when a limit is reached (do not check it).

    The reservation is a LoginFailure row (its id is returned): it counts as a
    failure until the attempt turns out right.
    """
    username = _normalise(username)
    with transaction.atomic():
        _lock(f"user:{username}", f"address:{address}")
        by_username, by_address = _recent_counts(username=username, address=address)
        if _over_limit(by_username, by_address):
            return None
        return LoginFailure.objects.create(username=username, client_address=address).pk


def login_attempt_withdraw(*, attempt_id: int) -> None:
    """The attempt was no wrong password after all (e.g. a non-staff user at the admin)."""
    LoginFailure.objects.filter(pk=attempt_id).delete()


def login_attempt_succeeded(*, attempt_id: int, username: str) -> None:
    """The right password: forget this attempt and the username's earlier failures."""
    login_attempt_withdraw(attempt_id=attempt_id)
    login_failures_clear(username=username)


def login_failure_record(*, username: str, address: str, attempt_id: int | None = None) -> bool:
    """Count one failed login; returns True when this failure reaches a limit.

    ``attempt_id``: the reservation of this attempt, which already counts; without
    it a new failure row is written. Reaching a limit is written to the audit log
    once (not for every refused attempt after it, so that an attacker cannot flood
    the log). Rows older than the window are deleted: they no longer count.
    """
    username = _normalise(username)
    if attempt_id is None:
        LoginFailure.objects.filter(at__lt=_window_start()).delete()
        LoginFailure.objects.create(username=username, client_address=address)
        by_username, by_address = _recent_counts(username=username, address=address)
    else:
        by_username, by_address = _counts_up_to(attempt_id, username=username, address=address)
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


def _counts_up_to(attempt_id: int, *, username: str, address: str) -> tuple[int, int]:
    """The counts as this attempt's reservation saw them (it was the last one then)."""
    counts = LoginFailure.objects.filter(
        Q(username=username) | Q(client_address=address),
        at__gte=_window_start(),
        pk__lte=attempt_id,
    ).aggregate(
        by_username=Count("pk", filter=Q(username=username)),
        by_address=Count("pk", filter=Q(client_address=address)),
    )
    return counts["by_username"], counts["by_address"]


def login_failures_clear(*, username: str) -> int:
    """Forget a username's failures after it logged in successfully."""
    deleted, _per_model = LoginFailure.objects.filter(username=_normalise(username)).delete()
    return deleted
