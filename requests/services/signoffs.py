"""Sign-offs (``afmeldingRequest``): every transfer the chain took is signed off exactly once.

1. **Create**, in the transaction that makes a request final (the pipeline's record step, a
   stop, a retry that starts a new transfer): one ``RequestSignoff`` per transfer that has a
   session, keyed by its request id at the endpoint. ``ignore_conflicts`` on that unique key:
   whoever comes second (a redelivered task, the retry's safety net) adds nothing. The rows are
   reserved and their task is queued after commit.
2. **Sign off** (the task ``sign_off_requests``): claim the pending rows with one conditional
   UPDATE (a token and a lease), call the exchange outside any transaction, record in one
   transaction only the rows whose claim is still ours. A redelivered task finds nothing
   pending; transient failures are retried with backoff and jitter, a refusal is kept.
3. **Sweep** (with the requests' sweeper): pending rows whose reservation or claim expired
   are queued again.

A worker killed after the endpoint answered and before the record leaves the row pending: it
is signed off again after the lease, which the exchange treats as a no-op (docs/INTEGRATION.md).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from requests.client import (
    SIGNOFF_FOR_WAIT,
    EndpointError,
    SignoffAck,
    SignoffItem,
    SignoffResult,
    WaitReason,
)
from requests.models import RequestSignoff, RequestStatus, SignoffStatus, TransferRequest
from requests.services import texts
from requests.services.enqueue import enqueue_signoff
from requests.services.exchange_client import exchange_client
from requests.services.work_units import (
    WORK_UNIT_FIELDS,
    UnitStatuses,
    dispatch_grace,
    retry_in,
    work_unit_answer,
    work_units_claim,
    work_units_ours,
    work_units_sweep,
)

logger = logging.getLogger(__name__)

_SIGNOFF_FIELDS = (*WORK_UNIT_FIELDS, "signed_off_at")
_STATUSES = UnitStatuses(
    pending=SignoffStatus.PENDING,
    accepted=SignoffStatus.DONE,
    refused=SignoffStatus.REFUSED,
    failed=SignoffStatus.FAILED,
)


def signoff_result_for(row: TransferRequest) -> SignoffResult:
    """The best result the transfer reached."""
    if row.status in (RequestStatus.PROCESSED, RequestStatus.PROCESSED_WITH_REMARKS):
        return SignoffResult.DOSSIER
    if row.status == RequestStatus.NOT_CHANGED:
        return SignoffResult.DOSSIER if row.dossier_id else SignoffResult.NOT_CHANGED
    if (row.failure or {}).get("code") == texts.WAIT_EXPIRED.code and row.wait_reason:
        return SIGNOFF_FOR_WAIT[WaitReason(row.wait_reason)]
    return SignoffResult.FAILED


# --- 1. Create ---------------------------------------------------------------------------


def signoffs_create(*, rows: Iterable[TransferRequest], now: datetime | None = None) -> int:
    """A pending sign-off for each final row the chain took; queued on commit. Call in the
    transaction that makes the rows final. Returns how many were new."""
    now = now or timezone.now()
    new = [
        RequestSignoff(
            request_id=row.id,
            public_id=row.public_id,
            session_id=row.session_id,
            result=str(signoff_result_for(row)),
            claimed_until=now + dispatch_grace(),  # reserved for the task queued below
        )
        for row in rows
        if row.status not in (RequestStatus.READY, RequestStatus.REQUESTED, RequestStatus.WAITING)
        and row.session_id
    ]
    if not new:
        return 0
    RequestSignoff.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)
    # bulk_create with ignore_conflicts gives no ids: read back the ones still pending.
    pending = list(
        RequestSignoff.objects.filter(
            public_id__in=[signoff.public_id for signoff in new],
            status=SignoffStatus.PENDING,
            claim_token__isnull=True,
        )
        .order_by("id")
        .values_list("id", flat=True)
    )
    enqueue_signoff(pending)
    return len(pending)


def signoffs_create_for(*, request_ids: Sequence[int]) -> int:
    """The same for request rows changed by a queryset UPDATE (a stop) or about to start a
    new transfer (a retry)."""
    rows = list(
        TransferRequest.objects.filter(id__in=list(request_ids))
        .exclude(session_id="")
        .only("id", "public_id", "session_id", "status", "dossier_id", "failure", "wait_reason")
    )
    return signoffs_create(rows=rows)


# --- 2. Sign off -------------------------------------------------------------------------


@dataclass(frozen=True)
class SignoffOutcome:
    claimed: int = 0
    done: int = 0
    refused: int = 0
    retry_ids: tuple[int, ...] = ()


def request_signoffs_send(*, signoff_ids: Sequence[int]) -> SignoffOutcome:
    """Sign off the given pending rows at the endpoint (claim, call, record)."""
    now = timezone.now()
    token, rows = work_units_claim(
        RequestSignoff.objects.all(), ids=signoff_ids, pending=SignoffStatus.PENDING, now=now
    )
    if not rows:
        return SignoffOutcome()
    items = [
        SignoffItem(str(row.public_id), row.session_id, SignoffResult(row.result)) for row in rows
    ]
    answers: dict[str, SignoffAck | EndpointError]
    try:
        answers = {ack.request_id: ack for ack in exchange_client().sign_off(items)}
    except EndpointError as exc:
        answers = dict.fromkeys((item.request_id for item in items), exc)
    retry: list[RequestSignoff] = []
    for row in rows:
        if work_unit_answer(
            row,
            answers.get(str(row.public_id)),
            statuses=_STATUSES,
            max_attempts=settings.OSO_REQUEST_MAX_ATTEMPTS,
            now=now,
        ):
            retry.append(row)
        elif row.status == SignoffStatus.DONE:
            row.signed_off_at = now
    with transaction.atomic():
        mine = work_units_ours(RequestSignoff, rows, token=token)
        RequestSignoff.objects.bulk_update(mine, _SIGNOFF_FIELDS, batch_size=500)
        ours = {row.id for row in mine}
        retry = [row for row in retry if row.id in ours]
        enqueue_signoff([row.id for row in retry], countdown=retry_in(retry, now=now))
    logger.info(
        "sign-off: %d claimed, %d done, %d refused, %d to retry",
        len(mine),
        sum(1 for r in mine if r.status == SignoffStatus.DONE),
        sum(1 for r in mine if r.status == SignoffStatus.REFUSED),
        len(retry),
    )
    return SignoffOutcome(
        claimed=len(mine),
        done=sum(1 for r in mine if r.status == SignoffStatus.DONE),
        refused=sum(1 for r in mine if r.status in (SignoffStatus.REFUSED, SignoffStatus.FAILED)),
        retry_ids=tuple(r.id for r in retry),
    )


# --- 3. Sweep ----------------------------------------------------------------------------


def signoffs_sweep(*, now: datetime | None = None) -> int:
    """Queue again the pending sign-offs whose task was lost or whose worker died."""
    return work_units_sweep(
        RequestSignoff,
        pending=SignoffStatus.PENDING,
        now=now or timezone.now(),
        enqueue=enqueue_signoff,
    )
