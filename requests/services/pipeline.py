"""The worker side of a request: submit it, poll for its result, merge the file, record the outcome.

Every step works on a chunk of request ids and follows the same pattern, so that a
task delivered twice, or redelivered after its worker died, does no harm:

1. **claim**: one conditional UPDATE stamps the rows that are in the expected state
   and not claimed by a live worker with a fresh ``claim_token`` and a lease
   (``claimed_until``). Rows another worker holds, or that moved on, are skipped.
   (A conditional UPDATE works the same on SQLite, which has no row locks, and on
   PostgreSQL; the write in step 3 also locks the rows there.)
2. **act** outside any transaction: call the endpoint.
3. **record** in one transaction: keep only the rows whose claim is still ours
   (a worker whose lease ran out lost them to the sweeper), merge their dossiers
   and write every row with one bulk UPDATE. Merge and status commit together, so
   a file is never merged twice and never merged without its request knowing.

Between steps a row with ``claim_token`` empty and ``claimed_until`` set is
*reserved*: a task for it is queued. When a reservation or claim expires, the
sweeper queues the row again (the recovery path when a broker loses a message).

Transient endpoint failures are retried with capped exponential backoff and
jitter, at most ``OSO_REQUEST_MAX_ATTEMPTS`` times in a row; permanent ones fail
the request at once with the client's Dutch reason.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone, translation

from audit.models import SYSTEM_ACTOR, AuditAction
from audit.services import AuditInput, audit_record_many
from common.bulk import bulk_update_rows
from common.chunks import id_chunks
from oso_format.reader import dossier_validate_many
from oso_format.types import DossierError, ParsedDossier
from portal_text import Message, legacy, messages_to_json
from requests.client import (
    DocumentAsk,
    EndpointError,
    RequestResult,
    ResultState,
    TransientEndpointError,
    submit_item_for,
)
from requests.client.messages import UNKNOWN_REQUEST
from requests.client.texts import endpoint_error_text, refusal_text, result_error_text
from requests.models import (
    OPEN_STATUSES,
    RequestBatch,
    RequestStatus,
    TransferRequest,
)
from requests.services import texts
from requests.services.backoff import retry_delay
from requests.services.enqueue import capped_countdown, chunked, enqueue_poll, enqueue_submit
from requests.services.exchange_client import exchange_client
from requests.services.lease import claim_lease, claims_kept
from requests.services.notifications import notifications_after_poll
from requests.services.signoffs import signoffs_create
from requests.services.waiting import WAIT_FIELDS, request_wait, wait_expired_text
from requests.services.work_units import work_units_ours
from students.models import DossierOutcome, Student
from students.services.dossier_merge import DossierIn, dossiers_merge_parsed
from students.services.dossier_merge.texts import dossier_error_text
from students.services.elk import students_elk_fetched

logger = logging.getLogger(__name__)

# Stored errors are read by staff: always in Dutch, whatever language the worker runs in.
STORED_LANGUAGE = "nl"

# The merge outcome decides the request's final status.
_STATUS_FOR_OUTCOME: dict[str, str] = {
    DossierOutcome.CREATED: RequestStatus.PROCESSED,
    DossierOutcome.PROCESSED: RequestStatus.PROCESSED,
    DossierOutcome.PROCESSED_WITH_REMARKS: RequestStatus.PROCESSED_WITH_REMARKS,
    DossierOutcome.NOT_CHANGED: RequestStatus.NOT_CHANGED,
    DossierOutcome.FAILED: RequestStatus.FAILED,
}

# Every field a step may change (bulk_update_rows needs them listed).
# A request that ends so has the endpoint's current file (or was told nothing is newer).
_FETCHED_STATUSES = frozenset(
    {RequestStatus.PROCESSED, RequestStatus.PROCESSED_WITH_REMARKS, RequestStatus.NOT_CHANGED}
)
_ROW_FIELDS = (
    "status",
    "sent_at",
    "attempts",
    "polls",
    "resubmits",
    "next_attempt_at",
    "claimed_until",
    "claim_token",
    "failure",
    "remarks",
    "changed_fields",
    "dossier",
    "completed_at",
    "last_activity_at",
    "session_id",
    *WAIT_FIELDS,
)


@dataclass(frozen=True)
class StepOutcome:
    """What a submit or poll step did, and what the task should do next."""

    claimed: int = 0
    # Accepted by the endpoint: a results poll is queued for these.
    poll_ids: list[int] = field(default_factory=list)
    # A transient failure: the same step is queued again for these, ``retry_in`` seconds on.
    retry_ids: list[int] = field(default_factory=list)
    retry_in: float = 0.0
    final: int = 0
    waiting: int = 0


# --- Submit -----------------------------------------------------------------------


def transfer_requests_submit(*, request_ids: Sequence[int]) -> StepOutcome:
    """Hand the given *Aangevraagd* requests that were not sent yet to the endpoint.

    Accepted ones stay *Aangevraagd* and get a results poll queued; refused ones
    fail with the endpoint's Dutch message.
    """
    now = timezone.now()
    token = uuid.uuid4()
    rows = _claim(
        request_ids=request_ids,
        token=token,
        now=now,
        condition=Q(status=RequestStatus.REQUESTED, sent_at__isnull=True),
        related=("student", "student__primary_school", "batch"),
    )
    if not rows:
        return StepOutcome()
    with claims_kept(request_ids=[row.id for row in rows], token=token):
        return _submit_claimed(rows, token=token, now=now)


def _submit_claimed(rows: list[TransferRequest], *, token: uuid.UUID, now: datetime) -> StepOutcome:
    with translation.override(STORED_LANGUAGE):
        items = []
        sendable: list[TransferRequest] = []
        for row in rows:
            if row.student.signup_group_id is None:
                # OSO allows a request only for a pupil signed up at the school; one who
                # left every group after the request was queued is not asked for.
                _finish(
                    row,
                    RequestStatus.FAILED,
                    now=now,
                    error=texts.NOT_SIGNED_UP(),
                )
                continue
            try:
                items.append(
                    submit_item_for(
                        request_id=str(row.public_id),
                        student=row.student,
                        changed_since=row.changed_since,
                    )
                )
                sendable.append(row)
            except Exception as exc:  # one bad student must not stop the chunk
                logger.warning("request %s cannot be prepared: %s", row.pk, type(exc).__name__)
                _finish(
                    row,
                    RequestStatus.FAILED,
                    now=now,
                    error=texts.NOT_PREPARED(
                        reason=dossier_error_text(exc)
                        if isinstance(exc, DossierError)
                        else legacy(getattr(exc, "message", None) or str(exc))
                    ),
                )
        retry_rows: list[TransferRequest] = []
        if sendable:
            try:
                acks = exchange_client().open_transfers(items)
            except TransientEndpointError as exc:
                retry_rows = _transient_all(sendable, message=endpoint_error_text(exc), now=now)
                acks = []
            except EndpointError as exc:
                for row in sendable:
                    _finish(row, RequestStatus.FAILED, now=now, error=endpoint_error_text(exc))
                acks = []
            by_id = {ack.request_id: ack for ack in acks}
            if acks:
                accepted_until = now + timedelta(seconds=settings.OSO_POLL_FIRST_DELAY_SECONDS)
                missing: list[TransferRequest] = []
                for row in sendable:
                    ack = by_id.get(str(row.public_id))
                    if ack is None:
                        missing.append(row)
                        continue
                    row.session_id = ack.session_id  # signed off when the request ends
                    if ack.accepted:
                        row.sent_at = now
                        row.attempts = 0
                        row.error = ""
                        row.next_attempt_at = accepted_until
                        _reserve(row, until=accepted_until + _grace())
                        row.last_activity_at = now
                    else:
                        _finish(
                            row,
                            RequestStatus.FAILED,
                            now=now,
                            error=refusal_text(ack) if ack.refusal_code else texts.REFUSED(),
                        )
                if missing:
                    retry_rows = _transient_all(missing, message=texts.NO_ANSWER(), now=now)
    ours = _record(rows, token=token)
    ours_ids = {r.id for r in ours}
    poll_ids = [r.id for r in ours if r.status == RequestStatus.REQUESTED and r.sent_at == now]
    retry_rows = [r for r in retry_rows if r.id in ours_ids and r.status in OPEN_STATUSES]
    retry_ids = [r.id for r in retry_rows]
    if poll_ids:
        _batches_mark_submitted({r.batch_id for r in ours if r.batch_id}, now=now)
        enqueue_poll(poll_ids, countdown=settings.OSO_POLL_FIRST_DELAY_SECONDS)
    if retry_ids:
        enqueue_submit(retry_ids, countdown=_retry_in(retry_rows, now=now))
    return StepOutcome(
        claimed=len(ours),
        poll_ids=poll_ids,
        retry_ids=retry_ids,
        retry_in=_retry_in(retry_rows, now=now),
        final=sum(1 for r in ours if r.status not in OPEN_STATUSES),
    )


# --- Poll and merge -----------------------------------------------------------------


def transfer_requests_poll(*, request_ids: Sequence[int]) -> StepOutcome:
    """Ask the endpoint for the results of sent requests; merge every file that came back.

    Outcomes: a dossier is merged and the request gets the merge's status; *not
    changed since* gives *Leerlinginfo niet gewijzigd*; pending gives *Wacht op
    basisschool* (asked again later, see ``transfer_requests_dispatch_due``); an
    error fails the request, or is retried when transient.
    """
    now = timezone.now()
    token = uuid.uuid4()
    rows = _claim(
        request_ids=request_ids,
        token=token,
        now=now,
        condition=Q(
            status__in=(RequestStatus.REQUESTED, RequestStatus.WAITING), sent_at__isnull=False
        ),
    )
    if not rows:
        return StepOutcome()
    with claims_kept(request_ids=[row.id for row in rows], token=token):
        return _poll_claimed(rows, token=token, now=now)


def _poll_claimed(rows: list[TransferRequest], *, token: uuid.UUID, now: datetime) -> StepOutcome:
    retry_rows: list[TransferRequest] = []
    resubmit_rows: list[TransferRequest] = []
    to_merge: list[tuple[TransferRequest, RequestResult]] = []
    released_on: dict[int, date] = {}
    with translation.override(STORED_LANGUAGE):
        results = _fetch_results(rows)
        for row in rows:
            result = results.get(str(row.public_id))
            if result is None:
                retry_rows.append(row)
                _transient(row, message=texts.NO_ANSWER(), now=now)
                continue
            if isinstance(result, EndpointError):
                if result.transient:
                    retry_rows.append(row)
                    _transient(row, message=endpoint_error_text(result), now=now)
                else:
                    _finish(row, RequestStatus.FAILED, now=now, error=endpoint_error_text(result))
                continue
            if _endpoint_lost_it(row, result):
                _resubmit(row, now=now)
                resubmit_rows.append(row)
                continue
            if result.published_on is not None:
                released_on[row.id] = result.published_on
            _apply_result(row, result, now=now, retry_rows=retry_rows, to_merge=to_merge)
        # Still in the act phase, outside any transaction: the XSD, the official check and
        # the rules run before the rows are locked, on the tree the client parsed.
        received = _read_files(to_merge)
    ours = _record(rows, token=token, received=received, now=now, released_on=released_on)
    # Still waiting: the endpoint is asked to call back when the file is released.
    notifications_after_poll(rows=ours, now=now)
    ours_ids = {r.id for r in ours}
    retry_rows = [r for r in retry_rows if r.id in ours_ids and r.status in OPEN_STATUSES]
    if retry_rows:
        enqueue_poll([r.id for r in retry_rows], countdown=_retry_in(retry_rows, now=now))
    resubmit_ids = [r.id for r in resubmit_rows if r.id in ours_ids]
    if resubmit_ids:
        logger.info("endpoint lost %d requests; submitting them again", len(resubmit_ids))
        enqueue_submit(resubmit_ids, countdown=_retry_in(resubmit_rows, now=now))
    return StepOutcome(
        claimed=len(ours),
        retry_ids=[r.id for r in retry_rows],
        retry_in=_retry_in(retry_rows, now=now),
        final=sum(1 for r in ours if r.status not in OPEN_STATUSES),
        waiting=sum(1 for r in ours if r.status == RequestStatus.WAITING),
    )


def _fetch_results(rows: list[TransferRequest]) -> dict[str, RequestResult | EndpointError]:
    """The endpoint's answer per public id, or the error that stands for it."""
    client = exchange_client()
    asks = {
        str(row.public_id): DocumentAsk(
            request_id=str(row.public_id), session_id=row.session_id, request_date=row.changed_since
        )
        for row in rows
    }
    public_ids = list(asks)
    try:
        return {result.request_id: result for result in client.ask_documents(list(asks.values()))}
    except TransientEndpointError as exc:
        return dict.fromkeys(public_ids, exc)
    except EndpointError as exc:
        if len(public_ids) == 1:
            return {public_ids[0]: exc}
        # A permanent failure of the whole answer (say, one broken file in it):
        # ask one by one, so that only the request it belongs to fails.
        logger.info("results call failed permanently; asking %d one by one", len(public_ids))
        answers: dict[str, RequestResult | EndpointError] = {}
        for public_id in public_ids:
            try:
                for result in client.ask_documents([asks[public_id]]):
                    answers[result.request_id] = result
            except EndpointError as single:
                answers[public_id] = single
        return answers


def _endpoint_lost_it(row: TransferRequest, result: RequestResult) -> bool:
    """The endpoint no longer knows a request it accepted (it restarted, or lost a session).

    Nothing was wrong with the request: it is handed over again, with the same request
    id (the endpoint's idempotency key, so a submit that it did remember stays one
    request), a bounded number of times before the request fails.
    """
    return (
        result.state == ResultState.ERROR
        and result.error_code == UNKNOWN_REQUEST
        and row.resubmits < settings.OSO_REQUEST_MAX_RESUBMITS
    )


def _resubmit(row: TransferRequest, *, now: datetime) -> None:
    row.resubmits += 1
    row.status = RequestStatus.REQUESTED
    row.sent_at = None  # what the submit step claims
    row.session_id = ""  # the endpoint lost that session: nothing to sign off
    row.error = ""
    row.next_attempt_at = now + timedelta(seconds=capped_countdown(retry_delay(row.resubmits)))
    row.last_activity_at = now
    _reserve(row, until=row.next_attempt_at + _grace())


def _apply_result(
    row: TransferRequest,
    result: RequestResult,
    *,
    now: datetime,
    retry_rows: list[TransferRequest],
    to_merge: list[tuple[TransferRequest, RequestResult]],
) -> None:
    row.polls += 1
    if result.state == ResultState.DOSSIER:
        if result.dossier_xml:
            to_merge.append((row, result))
        else:
            _finish(row, RequestStatus.FAILED, now=now, error=texts.EMPTY_FILE())
    elif result.state == ResultState.NOT_CHANGED:
        _finish(row, RequestStatus.NOT_CHANGED, now=now)
    elif result.state == ResultState.PENDING:
        if not request_wait(row, result, now=now):
            _finish(row, RequestStatus.FAILED, now=now, error=wait_expired_text(row))
    elif result.transient:
        retry_rows.append(row)
        _transient(row, message=_result_text(result), now=now)
    else:
        _finish(row, RequestStatus.FAILED, now=now, error=_result_text(result))


@dataclass(frozen=True)
class _ReceivedFile:
    """A file the endpoint returned, read (XSD, official check, rules) before the merge."""

    row: TransferRequest
    raw: bytes
    parsed: ParsedDossier | DossierError


def _read_files(to_merge: list[tuple[TransferRequest, RequestResult]]) -> list[_ReceivedFile]:
    """Read every returned file from the tree the client parsed: no second parse."""
    if not to_merge:
        return []
    parsed = dossier_validate_many(
        raws=[result.dossier_xml or b"" for _row, result in to_merge],
        parsed=[result.dossier_tree for _row, result in to_merge],
    )
    return [
        _ReceivedFile(row=row, raw=result.dossier_xml or b"", parsed=value)
        for (row, result), value in zip(to_merge, parsed, strict=True)
    ]


def _merge(received: list[_ReceivedFile], *, received_by: str, now: datetime) -> None:
    """Merge the read files in one call (few queries); set each row's status from its outcome.

    The merge itself falls back to one file at a time when a sub-chunk fails, and
    records a file that still fails as *Mislukt*: nothing here retries.
    """
    items = [
        DossierIn(
            raw=file.raw,
            source_name="",
            expected_student_id=file.row.student_id,
            name_after_pupil=True,
        )
        for file in received
    ]
    with transaction.atomic():
        results = dossiers_merge_parsed(
            items=items, parsed=[file.parsed for file in received], received_by=received_by
        )
    for file, merged in zip(received, results, strict=True):
        _finish(
            file.row,
            _STATUS_FOR_OUTCOME.get(merged.outcome, RequestStatus.FAILED),
            now=now,
            error=merged.reason_message if merged.outcome == DossierOutcome.FAILED else None,
            remarks=list(merged.remark_messages),
        )
        file.row.changed_fields = list(merged.changed_fields)
        file.row.dossier_id = merged.dossier_id


# --- Beat: re-poll what is due, sweep what is stuck ----------------------------------


@dataclass(frozen=True)
class DispatchResult:
    submit_ids: list[int] = field(default_factory=list)
    poll_ids: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.submit_ids) + len(self.poll_ids)


def transfer_requests_dispatch_due(*, now: datetime | None = None) -> DispatchResult:
    """Queue a poll for every sent request whose next attempt is due and that nobody holds.

    This is how *Wacht op basisschool* is asked again with no click, and how a
    request whose retry message was lost goes on. Unsent due rows get a submit.
    """
    now = now or timezone.now()
    due = TransferRequest.objects.filter(
        Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True),
        status__in=(RequestStatus.REQUESTED, RequestStatus.WAITING),
        claimed_until__isnull=True,
    )
    return _reserve_and_enqueue(due, now=now)


def transfer_requests_sweep(*, now: datetime | None = None) -> DispatchResult:
    """Queue again every open request whose claim or reservation expired.

    A worker killed mid-chunk leaves its rows claimed; a broker without a visibility
    timeout (the filesystem transport) loses the message for good. Either way the
    lease runs out and the rows are queued again here. Safe if the first worker was
    only slow: its write finds the claim gone and records nothing.
    """
    now = now or timezone.now()
    stuck = TransferRequest.objects.filter(
        status__in=(RequestStatus.REQUESTED, RequestStatus.WAITING), claimed_until__lt=now
    )
    return _reserve_and_enqueue(stuck, now=now)


def _reserve_and_enqueue(queryset, *, now: datetime) -> DispatchResult:
    until = now + _grace()
    with transaction.atomic():
        # Locked while we reserve them (PostgreSQL; SQLite's IMMEDIATE transaction locks
        # the whole database), so two dispatchers never queue the same row.
        rows = list(
            queryset.select_for_update(skip_locked=True).order_by("id").values_list("id", "sent_at")
        )
        ids = [row_id for row_id, _sent_at in rows]
        for part in id_chunks(ids):
            TransferRequest.objects.filter(id__in=part).update(
                claim_token=None, claimed_until=until
            )
        submit_ids = [row_id for row_id, sent_at in rows if sent_at is None]
        poll_ids = [row_id for row_id, sent_at in rows if sent_at is not None]
        for chunk in chunked(submit_ids):
            enqueue_submit(chunk)
        for chunk in chunked(poll_ids):
            enqueue_poll(chunk)
    return DispatchResult(submit_ids=submit_ids, poll_ids=poll_ids)


# --- Helpers ------------------------------------------------------------------------


def _grace() -> timedelta:
    return timedelta(seconds=settings.OSO_REQUEST_DISPATCH_GRACE_SECONDS)


def _claim(
    *,
    request_ids: Sequence[int],
    token: uuid.UUID,
    now: datetime,
    condition: Q,
    related: tuple[str, ...] = ("batch",),
) -> list[TransferRequest]:
    """Stamp the rows in the expected state that no live worker holds; return them.

    ``related``: what the step reads of each row besides the row (submit needs the
    student; poll only the batch, the merge loads and locks the students itself).
    """
    ids = list(dict.fromkeys(request_ids))
    lease = now + claim_lease()
    free = Q(claim_token__isnull=True) | Q(claimed_until__lt=now)
    claimed: list[TransferRequest] = []
    for part in id_chunks(ids):
        TransferRequest.objects.filter(condition, free, id__in=part).update(
            claim_token=token, claimed_until=lease
        )
        # By id (the primary key) as well as the token: no scan of the whole table.
        claimed += TransferRequest.objects.filter(id__in=part, claim_token=token).select_related(
            *related
        )
    return sorted(claimed, key=lambda row: row.id)


def _reserve(row: TransferRequest, *, until: datetime) -> None:
    row.claim_token = None
    row.claimed_until = until


def _finish(
    row: TransferRequest,
    status: str,
    *,
    now: datetime,
    error: Message | None = None,
    remarks: list[Message] | None = None,
) -> None:
    row.status = status
    row.error = error
    row.remarks = messages_to_json(remarks or [])
    row.completed_at = now
    row.next_attempt_at = None
    row.claim_token = None
    row.claimed_until = None
    row.last_activity_at = now


def _result_text(result: RequestResult) -> Message:
    return result_error_text(result, max_dossier_bytes=settings.OSO_DOSSIER_MAX_BYTES)


def _transient(row: TransferRequest, *, message: Message, now: datetime) -> None:
    """Count a transient failure; give up after OSO_REQUEST_MAX_ATTEMPTS in a row."""
    row.attempts += 1
    row.last_activity_at = now
    if row.attempts >= settings.OSO_REQUEST_MAX_ATTEMPTS:
        _finish(
            row,
            RequestStatus.FAILED,
            now=now,
            error=texts.GIVEN_UP(attempts=row.attempts, reason=message),
        )
        return
    delay = capped_countdown(retry_delay(row.attempts))
    row.error = message
    row.next_attempt_at = now + timedelta(seconds=delay)
    # Reserved for the retry the task queues; the sweeper steps in if that is lost.
    _reserve(row, until=row.next_attempt_at + _grace())


def _transient_all(
    rows: list[TransferRequest], *, message: Message, now: datetime
) -> list[TransferRequest]:
    for row in rows:
        _transient(row, message=message, now=now)
    return [row for row in rows if row.status in OPEN_STATUSES]


def _retry_in(rows: list[TransferRequest], *, now: datetime) -> float:
    waits = [
        (row.next_attempt_at - now).total_seconds()
        for row in rows
        if row.status in OPEN_STATUSES and row.next_attempt_at
    ]
    return max(waits, default=0.0)


def _record(
    rows: list[TransferRequest],
    *,
    token: uuid.UUID,
    received: list[_ReceivedFile] | None = None,
    now: datetime | None = None,
    released_on: dict[int, date] | None = None,
) -> list[TransferRequest]:
    """Write the rows whose claim is still ours, with their merges, in one transaction.

    ``released_on``: per row, the day the endpoint says the file it served was released.
    """
    with transaction.atomic():
        ours = work_units_ours(TransferRequest, rows, token=token)
        ours_ids = {row.id for row in ours}
        merging = [file for file in (received or []) if file.row.id in ours_ids]
        if merging:
            with translation.override(STORED_LANGUAGE):
                _merge(merging, received_by=_received_by(merging), now=now or timezone.now())
        bulk_update_rows(ours, _ROW_FIELDS)
        # Every transfer that ends is signed off once (requests/services/signoffs.py).
        signoffs_create(rows=[row for row in ours if not row.is_open], now=now)
        _audit_finished_unmerged(ours)
        fetched = [row.student_id for row in ours if row.status in _FETCHED_STATUSES]
        if fetched:
            # ELK's green dot: the file was fetched, with the changes up to its release.
            students_elk_fetched(
                student_ids=fetched, released_on=_released_on(ours, released_on or {})
            )
        finished_batches = {row.batch_id for row in ours if row.batch_id and not row.is_open}
        if finished_batches:
            _batches_mark_finished(finished_batches, now=now or timezone.now())
    return ours


def _released_on(rows: list[TransferRequest], released_on: dict[int, date]) -> dict[int, date]:
    """Student id -> the day the primary school released the file just fetched for them."""
    return {
        row.student_id: released_on[row.id]
        for row in rows
        if row.id in released_on and row.status in _FETCHED_STATUSES
    }


def _audit_finished_unmerged(rows: list[TransferRequest]) -> None:
    """Put on record the requests that ended without a merged file, in one INSERT.

    A refusal, an error, *not changed since* or giving up never reaches the merge,
    which records every file it handles (``dossier_imported``, with the dossier's
    id). A row that finished without a dossier id is one of these.
    """
    finished = [row for row in rows if not row.is_open and row.dossier_id is None]
    if not finished:
        return
    # Submit loaded the students with the rows; poll did not: one query for the numbers.
    numbers = {
        row.student_id: row.student.student_number
        for row in finished
        if TransferRequest.student.is_cached(row)
    }
    missing = {row.student_id for row in finished} - numbers.keys()
    if missing:
        numbers.update(Student.objects.filter(id__in=missing).values_list("id", "student_number"))
    with translation.override(STORED_LANGUAGE):
        entries = [
            AuditInput(
                actor=SYSTEM_ACTOR,
                action=AuditAction.REQUEST_FINISHED,
                student_id=row.student_id,
                student_number=numbers.get(row.student_id, ""),
                summary=": ".join(
                    part for part in (str(RequestStatus(row.status).label), row.error[:200]) if part
                ),
                # The reason's code too: the audit page renders it in the reader's language.
                details={
                    "request_id": row.id,
                    "batch_id": row.batch_id,
                    "status": row.status,
                    **({"failure": row.failure} if row.failure else {}),
                },
            )
            for row in finished
        ]
    audit_record_many(entries=entries)


def _received_by(merging: list[_ReceivedFile]) -> str:
    row = merging[0].row
    user = row.batch.created_by if row.batch_id and row.batch else ""
    return user or "ELK/OSO"


def _batches_mark_submitted(batch_ids: set[int], *, now: datetime) -> None:
    RequestBatch.objects.filter(id__in=batch_ids, submitted_at__isnull=True).exclude(
        Exists(
            TransferRequest.objects.filter(
                batch_id=OuterRef("pk"), status=RequestStatus.REQUESTED, sent_at__isnull=True
            )
        )
    ).update(submitted_at=now)


def _batches_mark_finished(batch_ids: set[int], *, now: datetime) -> None:
    RequestBatch.objects.filter(id__in=batch_ids, finished_at__isnull=True).exclude(
        Exists(TransferRequest.objects.filter(batch_id=OuterRef("pk"), status__in=OPEN_STATUSES))
    ).update(finished_at=now)
