"""ELK's feed: each student's placement status and dot, and the re-requests a blue dot sets off.

The dot (DOMAIN.md): **green** once the file was fetched, **blue** when the primary
school added data since. The feed says which pupils changed since a moment; each
read asks since the previous read's ``as_of`` (``ElkFeedRead``), in the feed's own
clock, which is never compared with ours.

What a placement or a change does to a student is students' business
(students/services/elk.py); this module reads the feed and re-requests.

The dot turns green again when a request for the student ends with a file or
*Leerlinginfo niet gewijzigd* (requests/services/pipeline.py).
"""

from __future__ import annotations

import logging

from django.db import transaction

from common.chunks import id_chunks
from common.clock import aware
from requests.client import EndpointError, Feed, endpoint_client_from_settings
from requests.models import (
    ElkFeedRead,
    RequestBatch,
    RequestMode,
    RequestStatus,
    TransferRequest,
)
from requests.selectors import students_with_blue_dot_due
from requests.services.transfer_requests import transfer_requests_add, transfer_requests_send
from students.models import ElkStatus
from students.services.elk import ElkChangeIn, ElkPlacementIn, students_elk_apply

logger = logging.getLogger(__name__)

# Recorded as the user who added and sent the requests a blue dot sets off.
ELK_FEED_USER = "elk-feed"

_ELK_STATUS = {
    "Geplaatst": ElkStatus.PLACED,
    "Geplaatst doorbegeleid": ElkStatus.PLACED_GUIDED,
}


def elk_feed_sync(*, user: str = ELK_FEED_USER) -> ElkFeedRead:
    """Read the feed, then queue and send a changes-since request for every blue dot."""
    read = elk_feed_read()
    batch = elk_blue_dots_rerequest(user=user)
    if batch is not None:
        read.requests_sent = batch.requests.count()
        read.save(update_fields=["requests_sent"])
    return read


def elk_feed_read() -> ElkFeedRead:
    """Read what changed since the last successful read and update the students."""
    last = (
        ElkFeedRead.objects.filter(error="", as_of__isnull=False)
        .order_by("-read_at", "-id")
        .first()
    )
    client = endpoint_client_from_settings()
    try:
        feed = client.feed(since=last.as_of if last else None)
    except EndpointError as exc:
        logger.warning("reading the ELK feed failed: %s", exc.message)
        return ElkFeedRead.objects.create(error=exc.message)
    finally:
        client.close()
    return elk_feed_apply(feed=feed)


def elk_feed_apply(*, feed: Feed) -> ElkFeedRead:
    """Write one feed's placements and changes onto the students (a few bulk queries)."""
    placements = [
        ElkPlacementIn(
            bsn=placement.bsn,
            education_number=placement.education_number,
            status=_ELK_STATUS[placement.status],
            date=placement.date,
        )
        for placement in feed.placements
        if placement.status in _ELK_STATUS
    ]
    changes = [
        ElkChangeIn(
            bsn=change.bsn, education_number=change.education_number, changed_at=change.changed_at
        )
        for change in feed.changed
    ]
    with transaction.atomic():
        blue = students_elk_apply(placements=placements, changes=changes)
        return ElkFeedRead.objects.create(
            as_of=aware(feed.as_of) if feed.as_of else None,
            placements=len(feed.placements),
            changed=len(feed.changed),
            blue_dots=blue,
        )


def elk_blue_dots_rerequest(*, user: str = ELK_FEED_USER) -> RequestBatch | None:
    """Queue and send a changes-since request (each student's own date) for every blue dot due.

    A student whose request is already *Klaar om op te vragen* gets that one sent.
    """
    with transaction.atomic():
        student_ids = list(students_with_blue_dot_due().values_list("id", flat=True))
        if not student_ids:
            return None
        transfer_requests_add(student_ids=student_ids, user=user)
        ready_ids: list[int] = []
        for part in id_chunks(student_ids):
            ready_ids += TransferRequest.objects.filter(
                student_id__in=part, status=RequestStatus.READY
            ).values_list("id", flat=True)
        return transfer_requests_send(
            request_ids=ready_ids, mode=RequestMode.CHANGES_SINCE, changed_since=None, user=user
        )
