"""Notifications: the chain tells us when a file we wait for is released, and we fetch it at once.

1. **Register** (``notifications_after_poll``, then the task ``register_notifications``): every
   request that a poll left *Wacht op basisschool* gets one ``NotificationRegistration``,
   registered at the endpoint by a task that claims it like any unit of work (conditional
   UPDATE and lease; transient failures retried with backoff and jitter; refused or given up:
   ``failed``, and the request is simply polled as before). Once registered, the request is
   polled only every ``OSO_NOTIFICATION_FALLBACK_POLL_SECONDS``: the fallback.
2. **Callback** (``notification_callback_receive``, from the view): a signed, fresh, readable
   callback whose delivery id is new reserves the named open requests that no worker holds and
   queues their results poll on commit: the normal claim and merge (pipeline.py) fetch the
   file. A duplicate does no harm: the claim decides. A request a worker holds right now is
   marked notified; if that worker's poll still finds it waiting, it registers again and the
   endpoint, which has the file out, calls back at once.
3. **Sweep** (``notifications_sweep``, with the requests' sweeper): registrations whose task
   was lost are queued again; remembered deliveries older than twice the window are dropped
   (their timestamp alone refuses them by then).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from requests.client import EndpointError
from requests.client.notifications import (
    Callback,
    CallbackRejected,
    NotificationAck,
    callback_verify,
)
from requests.models import (
    NotificationDelivery,
    NotificationRegistration,
    NotificationStatus,
    RequestStatus,
    TransferRequest,
)
from requests.services.enqueue import chunked, enqueue_poll, enqueue_register
from requests.services.exchange_client import exchange_client
from requests.services.waiting import wait_limit, waiting_remarks_at
from requests.services.work_units import (
    WORK_UNIT_FIELDS,
    UnitStatuses,
    dispatch_grace,
    retry_in,
    work_unit_answer,
    work_unit_end,
    work_units_claim,
    work_units_ours,
    work_units_sweep,
)

logger = logging.getLogger(__name__)

_POLLABLE = (RequestStatus.REQUESTED, RequestStatus.WAITING)
# The endpoint's answer for a request it does not know (it restarted and lost it).
_LOST = "unknown_request"


def _grace() -> timedelta:
    return dispatch_grace()


# --- 1. Register ----------------------------------------------------------------------


def notifications_after_poll(*, rows: Sequence[TransferRequest], now: datetime) -> list[int]:
    """After a poll: register the requests it left waiting; returns the registrations queued.

    New waits get a registration; a wait after a callback registers again (the file was not
    there when the worker that held the row asked), and so does one the endpoint had lost
    (``unknown_request``: it restarted; the request was submitted again since), and one made
    for an earlier transfer of the row (registered before it was last sent: a retry gives a
    new request id, a resubmit follows an endpoint that forgot it); a registered wait is next
    polled only at the fallback interval.
    """
    sent_at = {row.id: row.sent_at for row in rows if row.status == RequestStatus.WAITING}
    waiting = list(sent_at)
    if not waiting or not notifications_enabled():
        return []
    until = now + _grace()
    with transaction.atomic():
        existing = {
            request_id: (status, code, registered_at)
            for request_id, status, code, registered_at in NotificationRegistration.objects.filter(
                request_id__in=waiting
            ).values_list("request_id", "status", "failure_code", "registered_at")
        }
        NotificationRegistration.objects.bulk_create(
            [
                NotificationRegistration(request_id=request_id, claimed_until=until)
                for request_id in waiting
                if request_id not in existing
            ],
            ignore_conflicts=True,
        )
        register_again = (
            Q(status=NotificationStatus.NOTIFIED)
            | Q(status=NotificationStatus.FAILED, failure_code=_LOST)
            | Q(status=NotificationStatus.REGISTERED, registered_at__lt=F("request__sent_at"))
        )

        def earlier_transfer(rid: int, registered_at: datetime | None) -> bool:
            sent = sent_at[rid]
            return registered_at is not None and sent is not None and registered_at < sent

        again = [
            rid
            for rid, (status, code, registered_at) in existing.items()
            if status == NotificationStatus.NOTIFIED
            or (status == NotificationStatus.FAILED and code == _LOST)
            or (status == NotificationStatus.REGISTERED and earlier_transfer(rid, registered_at))
        ]
        if again:
            NotificationRegistration.objects.filter(register_again, request_id__in=again).update(
                status=NotificationStatus.PENDING,
                attempts=0,
                next_attempt_at=None,
                claim_token=None,
                claimed_until=until,
                failure_code="",
            )
        registered = [
            rid
            for rid, (status, _code, _at) in existing.items()
            if status == NotificationStatus.REGISTERED and rid not in again
        ]
        _poll_at_fallback(registered, now=now)
        queued = list(
            NotificationRegistration.objects.filter(
                request_id__in=[rid for rid in waiting if rid not in existing] + again,
                status=NotificationStatus.PENDING,
                claim_token__isnull=True,
            ).values_list("id", flat=True)
        )
        enqueue_register(queued)
    return queued


def _poll_at_fallback(request_ids: Sequence[int], *, now: datetime) -> None:
    """The endpoint will call back: ask these waiting requests again only at the fallback."""
    if not request_ids:
        return
    until = now + timedelta(seconds=settings.OSO_NOTIFICATION_FALLBACK_POLL_SECONDS)
    TransferRequest.objects.filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lt=until),
        # A wait that reaches its limit before then keeps its last question at the limit.
        Q(waiting_since__isnull=True) | Q(waiting_since__gt=until - wait_limit()),
        id__in=list(request_ids),
        status=RequestStatus.WAITING,
        claimed_until__isnull=True,
    ).update(next_attempt_at=until, remarks=waiting_remarks_at(until))


@dataclass(frozen=True)
class RegisterOutcome:
    claimed: int = 0
    registered: int = 0
    failed: int = 0
    retry_ids: tuple[int, ...] = ()
    retry_in: float = 0.0


_UNIT_STATUSES = UnitStatuses(
    pending=NotificationStatus.PENDING,
    accepted=NotificationStatus.REGISTERED,
    # Refused by the endpoint, or given up: the request is simply polled as before.
    refused=NotificationStatus.FAILED,
    failed=NotificationStatus.FAILED,
)


def notification_registrations_register(*, registration_ids: Sequence[int]) -> RegisterOutcome:
    """Register the given pending registrations at the endpoint (claim, call, record)."""
    now = timezone.now()
    token, rows = work_units_claim(
        NotificationRegistration.objects.select_related("request"),
        ids=registration_ids,
        pending=NotificationStatus.PENDING,
        now=now,
    )
    if not rows:
        return RegisterOutcome()
    waiting = [row for row in rows if row.request.status == RequestStatus.WAITING]
    for row in rows:
        if row.request.status != RequestStatus.WAITING:
            # Fetched (or failed) meanwhile: nothing to wait for.
            work_unit_end(row, NotificationStatus.FAILED, code="not_waiting")
    acks: dict[str, NotificationAck | EndpointError] = {}
    if waiting:
        public_ids = [str(row.request.public_id) for row in waiting]
        try:
            answers = exchange_client().register_notifications(
                public_ids, callback_url=settings.OSO_NOTIFICATION_CALLBACK_URL
            )
            acks = {ack.request_id: ack for ack in answers}
        except EndpointError as exc:
            acks = dict.fromkeys(public_ids, exc)
    retry: list[NotificationRegistration] = []
    for row in waiting:
        again = work_unit_answer(
            row,
            acks.get(str(row.request.public_id)),
            statuses=_UNIT_STATUSES,
            max_attempts=settings.OSO_NOTIFICATION_MAX_ATTEMPTS,
            now=now,
        )
        if again:
            retry.append(row)
        elif row.status == NotificationStatus.REGISTERED:
            row.registered_at = now
    with transaction.atomic():
        mine = work_units_ours(NotificationRegistration, rows, token=token)
        NotificationRegistration.objects.bulk_update(mine, (*WORK_UNIT_FIELDS, "registered_at"))
        registered = [r for r in mine if r.status == NotificationStatus.REGISTERED]
        _poll_at_fallback([r.request_id for r in registered], now=now)
        ours = {r.id for r in mine}
        retry = [r for r in retry if r.id in ours]
        wait = retry_in(retry, now=now)
        enqueue_register([r.id for r in retry], countdown=wait)
    return RegisterOutcome(
        claimed=len(mine),
        registered=len(registered),
        failed=sum(1 for r in mine if r.status == NotificationStatus.FAILED),
        retry_ids=tuple(r.id for r in retry),
        retry_in=wait,
    )


def notifications_enabled() -> bool:
    """Notifications are on and the exchange the settings name can register for them."""
    return bool(settings.OSO_NOTIFICATIONS) and bool(
        getattr(import_string(settings.OSO_EXCHANGE_BACKEND), "supports_notifications", False)
    )


# --- 2. Callback ----------------------------------------------------------------------


@dataclass(frozen=True)
class CallbackOutcome:
    delivery_id: str
    known: int  # request ids of ours in the callback
    fetching: int  # of those, queued for a results poll now


def notification_callback_receive(
    *, body: bytes, timestamp: str, signature: str, now: datetime | None = None
) -> CallbackOutcome:
    """Check a callback and fetch the files it announces; ``CallbackRejected`` changes nothing.

    401 bad signature or stale timestamp, 400 unreadable, 409 a delivery seen before, 404 no
    request of ours named. Work is queued only when the transaction commits.
    """
    now = now or timezone.now()
    if not settings.OSO_NOTIFICATIONS:
        raise CallbackRejected(404, "notifications_off")
    callback = callback_verify(
        body=body,
        timestamp=timestamp,
        signature=signature,
        secret=settings.OSO_NOTIFICATION_SECRET or "",
        now=now.timestamp(),
        max_age=settings.OSO_NOTIFICATION_MAX_AGE_SECONDS,
    )
    return notification_delivery_apply(
        delivery_id=callback.delivery_id, request_ids=callback.request_ids, now=now
    )


def notification_delivery_apply(
    *, delivery_id: str, request_ids: Sequence[str], now: datetime | None = None
) -> CallbackOutcome:
    """Fetch at once the files a trusted notification announces (one transaction).

    The entry point for any binding: the HTTP callback view calls it after the signature
    check; a binding that receives the chain's ``notificatieRequest`` otherwise (its own
    authentication) calls it with the chain's delivery id and our request ids.
    ``CallbackRejected`` (409 a delivery seen before, 404 no request of ours) changes nothing.
    """
    now = now or timezone.now()
    callback = Callback(delivery_id=delivery_id, request_ids=tuple(dict.fromkeys(request_ids)))
    with transaction.atomic():
        return _callback_apply(callback, now=now)


def _callback_apply(callback: Callback, *, now: datetime) -> CallbackOutcome:
    try:
        with transaction.atomic():
            delivery = NotificationDelivery.objects.create(
                delivery_id=callback.delivery_id,
                received_at=now,
                request_count=len(callback.request_ids),
            )
    except IntegrityError:
        raise CallbackRejected(409, "replayed") from None
    public_ids = [_uuid(value) for value in callback.request_ids]
    known = list(
        TransferRequest.objects.filter(public_id__in=[p for p in public_ids if p]).values_list(
            "id", "status", "sent_at"
        )
    )
    if not known:
        # Rolls the delivery back too: a callback naming nothing of ours leaves no trace.
        raise CallbackRejected(404, "unknown_request")
    known_ids = [row_id for row_id, _status, _sent in known]
    NotificationRegistration.objects.filter(request_id__in=known_ids).exclude(
        status=NotificationStatus.NOTIFIED
    ).update(
        status=NotificationStatus.NOTIFIED,
        notified_at=now,
        next_attempt_at=None,
        claim_token=None,
        claimed_until=None,
    )
    pollable = [row_id for row_id, status, sent in known if status in _POLLABLE and sent]
    # Rows a worker holds right now are left to it (see notifications_after_poll).
    free = list(
        TransferRequest.objects.select_for_update(skip_locked=True)
        .filter(id__in=pollable, status__in=_POLLABLE, claim_token__isnull=True)
        .order_by("id")
        .values_list("id", flat=True)
    )
    if free:
        TransferRequest.objects.filter(id__in=free).update(
            next_attempt_at=now, claimed_until=now + _grace()
        )
        for chunk in chunked(free):
            enqueue_poll(chunk)
    delivery.fetched_count = len(free)
    delivery.save(update_fields=["fetched_count"])
    logger.info(
        "notification %s: %d requests of ours, %d fetched now",
        callback.delivery_id,
        len(known),
        len(free),
    )
    return CallbackOutcome(delivery_id=callback.delivery_id, known=len(known), fetching=len(free))


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


# --- 3. Sweep -------------------------------------------------------------------------


def notifications_sweep(*, now: datetime | None = None) -> int:
    """Queue again the pending registrations whose task was lost; forget old deliveries."""
    now = now or timezone.now()
    if not settings.OSO_NOTIFICATIONS:
        return 0
    horizon = now - timedelta(seconds=2 * settings.OSO_NOTIFICATION_MAX_AGE_SECONDS)
    NotificationDelivery.objects.filter(received_at__lt=horizon).delete()
    return work_units_sweep(
        NotificationRegistration,
        pending=NotificationStatus.PENDING,
        now=now,
        enqueue=enqueue_register,
    )
