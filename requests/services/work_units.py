"""The life of a unit of background work beside the requests: a sign-off, a notification
registration. Each is one row with an explicit status, and both live the same way, kept here once:

1. **claim**: one conditional UPDATE gives the pending rows that nobody holds (or whose lease
   ran out) a token and a lease; only the rows that carry our token are worked on. The lease
   outlasts one endpoint call at its read timeout, so no second worker takes a row meanwhile;
2. **answer**: accepted, refused (the endpoint said no: kept), or a failure: one that will not
   work later ends the row, a transient one is tried again after a bounded exponential
   backoff with jitter until the attempts run out;
3. **record**: in one transaction, only the rows whose claim is still ours;
4. **sweep**: pending rows whose reservation or lease expired (the task was lost, the worker
   died) are queued again.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q

from requests.client import EndpointError
from requests.services.backoff import retry_delay
from requests.services.enqueue import capped_countdown
from requests.services.lease import claim_lease

logger = logging.getLogger(__name__)

# The fields every unit's record step writes (each service adds its own timestamps).
WORK_UNIT_FIELDS = (
    "status",
    "attempts",
    "next_attempt_at",
    "claimed_until",
    "claim_token",
    "failure_code",
)

Unit = TypeVar("Unit", bound=models.Model)


class Answer(Protocol):
    """What the endpoint answers per unit (``SignoffAck``, ``NotificationAck``)."""

    @property
    def accepted(self) -> bool: ...

    @property
    def code(self) -> str: ...


@dataclass(frozen=True)
class UnitStatuses:
    """A unit model's status values for each way its work can end."""

    pending: str
    accepted: str
    refused: str
    failed: str


def dispatch_grace() -> timedelta:
    """How long a queued task may take to start before the sweeper queues its rows again."""
    return timedelta(seconds=settings.OSO_REQUEST_DISPATCH_GRACE_SECONDS)


def work_units_claim(
    queryset: models.QuerySet[Unit], *, ids: Sequence[int], pending: str, now: datetime
) -> tuple[uuid.UUID, list[Unit]]:
    """Claim the free pending rows among ``ids``; the token and the rows now ours, by id."""
    token = uuid.uuid4()
    free = Q(claim_token__isnull=True) | Q(claimed_until__lt=now)
    lease = now + claim_lease() + timedelta(seconds=settings.OSO_ENDPOINT_READ_TIMEOUT)
    ids = list(dict.fromkeys(ids))
    queryset.model._default_manager.filter(free, id__in=ids, status=pending).update(
        claim_token=token, claimed_until=lease
    )
    return token, list(queryset.filter(id__in=ids, claim_token=token).order_by("id"))


def work_unit_answer(
    row: Any,
    answer: Answer | EndpointError | None,
    *,
    statuses: UnitStatuses,
    max_attempts: int,
    now: datetime,
) -> bool:
    """Apply the endpoint's answer for one claimed row; True when it is to be tried again."""
    if isinstance(answer, EndpointError) and not answer.transient:
        work_unit_end(row, statuses.failed, code=answer.code or "refused")
        return False
    if answer is not None and not isinstance(answer, EndpointError):
        if answer.accepted:
            work_unit_end(row, statuses.accepted, code="")
        else:
            work_unit_end(row, statuses.refused, code=answer.code)
        return False
    row.attempts += 1
    row.failure_code = (answer.code if answer else "no_answer")[:50]
    if row.attempts >= max_attempts:
        work_unit_end(row, statuses.failed, code=row.failure_code)
        return False
    row.next_attempt_at = now + timedelta(seconds=capped_countdown(retry_delay(row.attempts)))
    row.claim_token = None
    row.claimed_until = row.next_attempt_at + dispatch_grace()
    return True


def work_unit_end(row: Any, status: str, *, code: str) -> None:
    row.status = status
    row.failure_code = code[:50]
    row.next_attempt_at = None
    row.claim_token = None
    row.claimed_until = None


def work_units_ours(model: type[Unit], rows: Sequence[Unit], *, token: uuid.UUID) -> list[Unit]:
    """Lock the rows whose claim is still ours and return them; call in the record's transaction."""
    ours = set(
        model._default_manager.select_for_update()
        .filter(id__in=[row.pk for row in rows], claim_token=token)
        .values_list("id", flat=True)
    )
    mine = [row for row in rows if row.pk in ours]
    if len(mine) < len(rows):
        logger.warning(
            "%d %s rows were taken over by another worker",
            len(rows) - len(mine),
            model.__name__,
        )
    return mine


def retry_in(rows: Iterable[Any], *, now: datetime) -> float:
    """Seconds until the latest of these rows' next attempts (0 without any)."""
    return max(
        ((row.next_attempt_at - now).total_seconds() for row in rows if row.next_attempt_at),
        default=0.0,
    )


def work_units_sweep(
    model: type[models.Model],
    *,
    pending: str,
    now: datetime,
    enqueue: Callable[[list[int]], None],
) -> int:
    """Queue again the pending rows whose reservation or lease expired; how many."""
    with transaction.atomic():
        stuck = list(
            model._default_manager.select_for_update(skip_locked=True)
            .filter(Q(claimed_until__lt=now) | Q(claimed_until__isnull=True), status=pending)
            .order_by("id")
            .values_list("id", flat=True)
        )
        if stuck:
            model._default_manager.filter(id__in=stuck).update(
                claim_token=None, claimed_until=now + dispatch_grace()
            )
            enqueue(stuck)
    return len(stuck)
