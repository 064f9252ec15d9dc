"""*Opnieuw aanvragen*: request finished requests' pupils again, in one action.

A new request per pupil (the finished one stays as history), sent at once in the
mode staff chose. Safe against a double click and two staff at once: the new rows
are added through ``transfer_requests_add`` (the unique constraint on open
requests lets one of two concurrent adds win) and only the rows this call added
are sent, so no pupil gets two new requests.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from common.chunks import id_chunks
from requests.models import FINAL_STATUSES, RequestBatch, RequestMode, TransferRequest
from requests.services.transfer_requests import transfer_requests_add, transfer_requests_send


@dataclass(frozen=True)
class RerequestResult:
    """What ``transfer_requests_rerequest`` did.

    ``batch``: the send, or None when nothing was sent. ``students``: the pupils of
    the finished requests selected; ``sent``: how many of them were requested
    again; ``skipped_open``: how many already had an open request (or may not be
    requested: not signed up); ``not_finished``: selected requests that were not
    finished (ready, requested or waiting), left alone.
    """

    batch: RequestBatch | None
    students: int
    sent: int
    skipped_open: int
    not_finished: int


def transfer_requests_rerequest(
    *, request_ids: Iterable[int], mode: str, changed_since: date | None, user: str
) -> RerequestResult:
    """Queue a new request for the pupil of each selected finished request and send them.

    Finished: *Verwerkt* (with or without remarks), *Leerlinginfo niet gewijzigd*
    or *Mislukt*. One new request per pupil however many of their rows were
    selected; a pupil with an open request is skipped. ``mode`` and
    ``changed_since`` as for ``transfer_requests_send`` (a future date raises
    ValidationError and changes nothing). All in one transaction.
    """
    if mode not in RequestMode.values:
        raise ValueError(f"unknown request mode {mode!r}")
    if mode == RequestMode.CHANGES_SINCE and changed_since and changed_since > timezone.localdate():
        raise ValidationError(
            _("The date for changes since cannot be in the future."), code="future"
        )
    ids = sorted(set(request_ids))
    with transaction.atomic():
        finished: list[tuple[int, int]] = []
        for part in id_chunks(ids):
            finished += TransferRequest.objects.filter(
                id__in=part, status__in=FINAL_STATUSES
            ).values_list("id", "student_id")
        not_finished = len(ids) - len(finished)
        student_ids = sorted({student_id for _id, student_id in finished})
        added = transfer_requests_add(student_ids=student_ids, user=user)
        batch = None
        if added.request_ids:
            batch = transfer_requests_send(
                request_ids=added.request_ids, mode=mode, changed_since=changed_since, user=user
            )
        sent = batch.requests.count() if batch else 0
    return RerequestResult(
        batch=batch,
        students=len(student_ids),
        sent=sent,
        skipped_open=len(student_ids) - sent,
        not_finished=not_finished,
    )
