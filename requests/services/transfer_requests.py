"""What staff do with requests: add students, send, retry, delete, re-request a signup group.

Every write is one or a few bulk statements, so selecting 10,000 students costs the
same handful of queries as selecting ten. Sending claims the ready rows with one
conditional UPDATE (``WHERE status = 'ready'``): a double submit, or two staff
members pressing *Aanvragen* at once, sends each request once. The worker tasks are
queued only after the transaction commits (requests/services/enqueue.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import SYSTEM_ACTOR, AuditAction
from audit.services import AuditInput, audit_record_many
from common.chunks import id_chunk_size, id_chunks
from portal_text import Message
from requests.models import (
    OPEN_STATUSES,
    RequestBatch,
    RequestMode,
    RequestStatus,
    TransferRequest,
)
from requests.selectors import students_needing_rerequest
from requests.services.enqueue import chunked, enqueue_submit
from requests.services.signoffs import signoffs_create_for
from students.models import PriorEducation, SignupGroup, Student


@dataclass(frozen=True)
class AddResult:
    added: int
    skipped_open: int
    # The requests this call added (not a concurrent call's): what a caller may send.
    request_ids: tuple[int, ...] = ()


def transfer_requests_add(*, student_ids: Iterable[int], user: str) -> AddResult:
    """Give each student a request *Klaar om op te vragen*; one with an open request is skipped.

    Unknown ids are ignored, and so is a student who is not signed up in a signup
    group: OSO allows a file to be requested only for a pupil who signed up at the
    school (every way of requesting comes through here or ``_claim_ready``).
    Safe against a double click: the unique constraint on open requests turns a
    concurrent second insert into a no-op.
    """
    wanted = sorted(set(student_ids))
    if not wanted:
        return AddResult(added=0, skipped_open=0)
    with transaction.atomic():
        existing: list[int] = []
        with_open: set[int] = set()
        for ids in id_chunks(wanted):
            existing += Student.objects.filter(id__in=ids, signup_group__isnull=False).values_list(
                "id", flat=True
            )
            with_open.update(
                TransferRequest.objects.filter(
                    student_id__in=ids, status__in=OPEN_STATUSES
                ).values_list("student_id", flat=True)
            )
        to_add = sorted(set(existing) - with_open)
        rows = [
            TransferRequest(student_id=student_id, status=RequestStatus.READY, created_by=user)
            for student_id in to_add
        ]
        TransferRequest.objects.bulk_create(
            rows,
            batch_size=1000,
            # A request added meanwhile by someone else wins; ours is dropped.
            ignore_conflicts=True,
        )
        # Our rows are the ones with the request ids we made: a concurrent add (the
        # same user's double click) has other ids, so neither call counts or audits
        # the other's rows.
        ours = [row.public_id for row in rows]
        added_rows: list[tuple[int, int, str]] = []
        for public_ids in id_chunks(ours):
            added_rows += TransferRequest.objects.filter(public_id__in=public_ids).values_list(
                "id", "student_id", "student__student_number"
            )
        _audit_requests(
            [
                _AuditRow(request_id, student_id, student_number, summary="ready")
                for request_id, student_id, student_number in added_rows
            ],
            action=AuditAction.REQUEST_ADDED,
            user=user,
        )
    added = len(added_rows)
    return AddResult(
        added=added,
        skipped_open=len(existing) - added,
        request_ids=tuple(sorted(request_id for request_id, _s, _n in added_rows)),
    )


def transfer_requests_send(
    *,
    request_ids: Iterable[int],
    mode: str,
    changed_since: date | None,
    user: str,
    signup_group: SignupGroup | None = None,
) -> RequestBatch | None:
    """Send the selected requests that are *Klaar om op te vragen* as one batch.

    ``mode`` is ``current`` (the whole current file) or ``changes_since``. With
    changes-since, ``changed_since`` applies to every request; ``None`` means each
    student's own collection date of the last dossier applied (no dossier yet: the
    whole file). Returns the batch, or ``None`` when nothing was ready (a double
    submit). The submit tasks are queued after commit, in chunks of
    ``OSO_REQUEST_CHUNK_SIZE``.

    A changes-since date after today raises ValidationError (in the active
    language) and changes nothing: every entry point (the page, the admin, the
    ``request_dossiers`` command) shares this check.
    """
    if mode not in RequestMode.values:
        raise ValueError(f"unknown request mode {mode!r}")
    if mode == RequestMode.CURRENT:
        changed_since = None
    if changed_since is not None and changed_since > timezone.localdate():
        raise ValidationError(
            _("The date for changes since cannot be in the future."), code="future"
        )
    ids = sorted(set(request_ids))
    if not ids:
        return None
    with transaction.atomic():
        batch = RequestBatch.objects.create(
            created_by=user, mode=mode, changed_since=changed_since, signup_group=signup_group
        )
        sent = _claim_ready(ids=ids, batch=batch, mode=mode, changed_since=changed_since, user=user)
        if not sent:
            batch.delete()
            return None
        _audit_sent(sent, action=AuditAction.REQUEST_SENT, user=user, batch=batch)
        for chunk in chunked([row.id for row in sent]):
            enqueue_submit(chunk)
    return batch


@dataclass(frozen=True)
class _AuditRow:
    """One request to put on record: whose it is, and what to say about it."""

    request_id: int
    student_id: int
    student_number: str
    summary: str
    details: dict = field(default_factory=dict)


def _audit_requests(rows: Iterable[_AuditRow], *, action: str, user: str) -> None:
    """One entry per request (so per student), all in one INSERT; never a BSN.

    ``user`` is the actor (``system`` without one); every entry's details hold
    the request's id, plus what the row adds.
    """
    audit_record_many(
        entries=[
            AuditInput(
                actor=user or SYSTEM_ACTOR,
                action=action,
                student_id=row.student_id,
                student_number=row.student_number,
                summary=row.summary,
                details={"request_id": row.request_id, **row.details},
            )
            for row in rows
        ]
    )


def _audit_sent(rows: Iterable[_SentRow], *, action: str, user: str, batch: RequestBatch) -> None:
    """One entry per student sent (or retried): the mode, the changes-since date, the batch."""
    _audit_requests(
        [
            _AuditRow(
                row.id,
                row.student_id,
                row.student_number,
                summary=_sent_summary(row, batch=batch),
                details={
                    "batch_id": batch.pk,
                    "mode": row.mode,
                    "changed_since": row.changed_since.isoformat() if row.changed_since else None,
                },
            )
            for row in rows
        ],
        action=action,
        user=user,
    )


def _sent_summary(row: _SentRow, *, batch: RequestBatch) -> str:
    """Plain data for the audit log: the mode, the changes-since date, the batch."""
    if row.mode == RequestMode.CHANGES_SINCE:
        # No date: the student has no dossier yet, so the whole file is asked for.
        since = row.changed_since.isoformat() if row.changed_since else "-"
        return f"changes since {since}, batch {batch.pk}"
    return f"current file, batch {batch.pk}"


@dataclass(frozen=True)
class _SentRow:
    """What the audit log needs of a request that was sent."""

    id: int
    student_id: int
    student_number: str
    mode: str
    changed_since: date | None


def _claim_ready(
    *, ids: list[int], batch: RequestBatch, mode: str, changed_since: date | None, user: str
) -> list[_SentRow]:
    """Move the ready rows among ``ids`` to *Aangevraagd* in this batch; return them."""
    now = timezone.now()
    since_value: Subquery | date | None
    if mode == RequestMode.CHANGES_SINCE and changed_since is None:
        since_value = Subquery(
            PriorEducation.objects.filter(student_id=OuterRef("student_id")).values(
                "last_dossier_date"
            )[:1]
        )
    else:
        since_value = changed_since
    claimed_total = 0
    for part in id_chunks(ids):
        claimed_total += TransferRequest.objects.filter(
            # Only for pupils signed up in a group (see transfer_requests_add).
            id__in=part,
            status=RequestStatus.READY,
            student__signup_group__isnull=False,
        ).update(**_reset_to_requested(batch=batch, now=now), mode=mode, changed_since=since_value)
    if not claimed_total:
        return []
    return [
        _SentRow(*values)
        for values in TransferRequest.objects.filter(batch=batch)
        .order_by("id")
        .values_list("id", "student_id", "student__student_number", "mode", "changed_since")
    ]


def _reset_to_requested(*, batch: RequestBatch, now: datetime) -> dict[str, Any]:
    """The values that put a row on its way afresh, as *Aangevraagd* in ``batch``.

    Sending a ready row and retrying a failed one both use them. Nothing of an
    earlier try is kept: a new transfer has a new session, and a new wait with its
    own end. The row is reserved: the submit task queued next should claim it by
    then, or the sweeper queues another one.
    """
    reserved_until = now + timedelta(seconds=settings.OSO_REQUEST_DISPATCH_GRACE_SECONDS)
    return {
        "status": RequestStatus.REQUESTED,
        "batch": batch,
        "sent_at": None,
        "attempts": 0,
        "polls": 0,
        "failure": None,
        "remarks": [],
        "changed_fields": [],
        "dossier": None,
        "completed_at": None,
        "session_id": "",
        "wait_reason": "",
        "waiting_since": None,
        "claim_token": None,
        "claimed_until": reserved_until,
        "next_attempt_at": reserved_until,
        "last_activity_at": now,
    }


def transfer_requests_retry(*, request_ids: Iterable[int], user: str) -> int:
    """Send the selected *Mislukt* requests again, at once, as one new batch.

    The row itself goes back to *Aangevraagd* with a fresh endpoint request id
    (the endpoint answers a known id with the same answer it gave before), its
    original mode and date, and its error cleared. A student who meanwhile got
    another open request is skipped. Returns how many were sent.
    """
    ids = sorted(set(request_ids))
    if not ids:
        return 0
    with transaction.atomic():
        # Locked (PostgreSQL) so that two staff retrying at once send each row once.
        failed = list(
            # Only the request rows are locked, not the students joined for their number.
            TransferRequest.objects.select_for_update(of=("self",))
            .filter(id__in=ids, status=RequestStatus.FAILED, student__signup_group__isnull=False)
            .exclude(
                Exists(
                    TransferRequest.objects.filter(
                        student_id=OuterRef("student_id"), status__in=OPEN_STATUSES
                    )
                )
            )
            .order_by("id")
            .only("id", "student_id", "mode", "changed_since", "session_id")
            .annotate(audit_student_number=F("student__student_number"))
        )
        if not failed:
            return 0
        # The failed transfer is signed off before its row starts a new one (normally done
        # when it failed; this adds nothing then).
        signoffs_create_for(request_ids=[row.id for row in failed])
        batch = RequestBatch.objects.create(created_by=user, mode=failed[0].mode)
        now = timezone.now()
        retried: list[TransferRequest] = []
        seen_students: set[int] = set()
        for row in failed:
            # Two failed rows of one student: only one may become open.
            if row.student_id in seen_students:
                continue
            seen_students.add(row.student_id)
            row.public_id = uuid.uuid4()
            for name, value in _reset_to_requested(batch=batch, now=now).items():
                setattr(row, name, value)
            retried.append(row)
        TransferRequest.objects.bulk_update(
            retried,
            fields=["public_id", *_reset_to_requested(batch=batch, now=now)],
            batch_size=id_chunk_size(),
        )
        sent = [row.id for row in retried]
        _audit_sent(
            [
                _SentRow(
                    row.id, row.student_id, row.audit_student_number, row.mode, row.changed_since
                )
                for row in retried
            ],
            action=AuditAction.REQUEST_RETRIED,
            user=user,
            batch=batch,
        )
        for chunk in chunked(sent):
            enqueue_submit(chunk)
    return len(sent)


def transfer_requests_delete(*, request_ids: Iterable[int], user: str) -> int:
    """Delete the selected requests that are still *Klaar om op te vragen*; returns the count."""
    ids = sorted(set(request_ids))
    if not ids:
        return 0
    with transaction.atomic():
        ready: list[tuple[int, int, str]] = []
        for part in id_chunks(ids):
            # Locked (PostgreSQL) so that a send in between cannot take a row we record.
            ready += (
                TransferRequest.objects.select_for_update(of=("self",))
                .filter(id__in=part, status=RequestStatus.READY)
                .order_by("id")
                .values_list("id", "student_id", "student__student_number")
            )
        deleted = 0
        ready_ids = [request_id for request_id, _student_id, _number in ready]
        for part in id_chunks(ready_ids):
            count, _detail = TransferRequest.objects.filter(
                id__in=part, status=RequestStatus.READY
            ).delete()
            deleted += count
        _audit_requests(
            [
                _AuditRow(request_id, student_id, student_number, summary="ready request deleted")
                for request_id, student_id, student_number in ready
            ],
            action=AuditAction.REQUEST_DELETED,
            user=user,
        )
    return deleted


def signup_group_rerequest(*, signup_group_id: int, user: str) -> RequestBatch | None:
    """Queue and send a changes-since request for every student of the group that needs one.

    Who needs one: see ``students_needing_rerequest``. Each request asks for the
    changes since that student's own last dossier. Returns the batch, or ``None``
    when nobody needed a re-request.
    """
    group = SignupGroup.objects.get(pk=signup_group_id)
    with transaction.atomic():
        student_ids = list(
            students_needing_rerequest(signup_group_id=group.pk).values_list("id", flat=True)
        )
        transfer_requests_add(student_ids=student_ids, user=user)
        ready_ids = list(
            TransferRequest.objects.filter(
                student_id__in=student_ids, status=RequestStatus.READY
            ).values_list("id", flat=True)
        )
        return transfer_requests_send(
            request_ids=ready_ids,
            mode=RequestMode.CHANGES_SINCE,
            changed_since=None,
            user=user,
            signup_group=group,
        )


def transfer_requests_stop(*, student_ids: Iterable[int], reason: Message, user: str) -> int:
    """End the students' open requests as *Mislukt* with ``reason``; the pupils stay.

    A worker that holds such a row loses its claim, so what it fetched is not
    recorded. One ``request_stopped`` entry per request. Returns how many stopped.
    """
    ids = sorted(set(student_ids))
    if not ids:
        return 0
    now = timezone.now()
    stopped: list[tuple[int, int, str]] = []
    with transaction.atomic():
        for part in id_chunks(ids):
            rows = list(
                TransferRequest.objects.select_for_update(of=("self",))
                .filter(student_id__in=part, status__in=OPEN_STATUSES)
                .order_by("id")
                .values_list("id", "student_id", "student__student_number")
            )
            TransferRequest.objects.filter(id__in=[row[0] for row in rows]).update(
                status=RequestStatus.FAILED,
                failure=reason.as_json(),
                completed_at=now,
                next_attempt_at=None,
                claim_token=None,
                claimed_until=None,
                last_activity_at=now,
            )
            stopped += rows
        # Stopped transfers are signed off like any that ends.
        signoffs_create_for(request_ids=[row[0] for row in stopped])
        batch_ids = set(
            TransferRequest.objects.filter(id__in=[row[0] for row in stopped])
            .exclude(batch_id=None)
            .values_list("batch_id", flat=True)
        )
        RequestBatch.objects.filter(id__in=batch_ids, finished_at__isnull=True).exclude(
            Exists(
                TransferRequest.objects.filter(batch_id=OuterRef("pk"), status__in=OPEN_STATUSES)
            )
        ).update(finished_at=now)
        _audit_requests(
            [
                _AuditRow(
                    request_id,
                    student_id,
                    number,
                    summary=f"stopped: {reason.code}",
                    details={"failure": reason.as_json()},
                )
                for request_id, student_id, number in stopped
            ],
            action=AuditAction.REQUEST_STOPPED,
            user=user,
        )
    return len(stopped)
