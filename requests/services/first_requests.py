"""The first OSO request of each new signup: *Klaar om op te vragen*, or sent at once.

Every way in (the form, a signup list, the command, ELK's placements) signs
pupils up with ``students.services.signups`` and then calls this. A pupil
without a file is identified by the signup itself (requests/client/items.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from common.chunks import id_chunks
from requests.models import RequestBatch, RequestMode, RequestStatus, TransferRequest
from requests.services.transfer_requests import transfer_requests_add, transfer_requests_send


@dataclass(frozen=True)
class FirstRequests:
    added: int
    batch: RequestBatch | None


def signups_request_first(
    *, student_ids: Sequence[int], user: str, send_now: bool
) -> FirstRequests:
    """Give each new signup a request; with ``send_now`` send them as one batch (whole file)."""
    ids = sorted(set(student_ids))
    if not ids:
        return FirstRequests(added=0, batch=None)
    with transaction.atomic():
        added = transfer_requests_add(student_ids=ids, user=user).added
        batch = None
        if send_now:
            ready: list[int] = []
            for part in id_chunks(ids):
                ready += TransferRequest.objects.filter(
                    student_id__in=part, status=RequestStatus.READY
                ).values_list("id", flat=True)
            batch = transfer_requests_send(
                request_ids=ready, mode=RequestMode.CURRENT, changed_since=None, user=user
            )
    return FirstRequests(added=added, batch=batch)
