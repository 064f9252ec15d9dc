"""ELK's feed: each student's placement status and dot, and the re-requests a blue dot sets off.

The dot (DOMAIN.md): **green** once the file was fetched, **blue** when the primary
school added data since. The feed says which pupils changed since a moment; each
read asks since the previous read's ``as_of`` (``ElkFeedRead``), in the feed's own
clock, which is never compared with ours.

A listed change turns the dot blue unless

* it is no newer than the change already recorded for the student
  (``Student.elk_changed_at``): a feed that repeats itself re-requests nothing; or
* the file we hold was collected on or after the day of the change.

The dot turns green again when a request for the student ends with a file or
*Leerlinginfo niet gewijzigd* (requests/services/pipeline.py). Every write to a student's ELK
columns goes through students' services (students/services/elk.py).

Placements. The feed lists every current placement at each read. A placement of a
pupil we do not know signs the pupil up (``OSO_ELK_SIGNUPS``, on by default) in
the group ``OSO_ELK_SIGNUP_GROUP`` of the school year that starts the first
1 August after the placement date, and sends the first request at once. A pupil
we knew as placed who is no longer listed (or listed with a status we do not
know as a placement) has had the placement withdrawn: their open requests stop
with a reason, the pupil stays, and no blue dot asks for them again.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from common.chunks import id_chunks
from common.clock import aware
from requests.client import EndpointError, Feed, Placement, exchange_from_settings
from requests.models import (
    ElkFeedRead,
    RequestBatch,
    RequestMode,
    RequestStatus,
    TransferRequest,
)
from requests.selectors import students_with_blue_dot_due
from requests.services import texts
from requests.services.first_requests import signups_request_first
from requests.services.transfer_requests import (
    transfer_requests_add,
    transfer_requests_send,
    transfer_requests_stop,
)
from students.models import ElkStatus, SignupSource
from students.services.elk import (
    ElkChangeIn,
    ElkPlacementIn,
    students_elk_apply,
    students_elk_placements_set,
    students_elk_withdraw,
)
from students.services.signups import SignupIn, signup_clean, signups_create
from students.services.students import signup_group_for_import
from students.validators import school_year_for

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
    client = exchange_from_settings()
    try:
        feed = client.feed(since=last.as_of if last else None)
    except EndpointError as exc:
        logger.warning("reading the ELK feed failed: %s", exc.message)
        return ElkFeedRead.objects.create(error=exc.message)
    finally:
        client.close()
    return elk_feed_apply(feed=feed)


def elk_feed_apply(*, feed: Feed) -> ElkFeedRead:
    """Write one feed's placements and changes onto the students (students' services)."""
    placements = [
        (placement, _placement_in(placement))
        for placement in feed.placements
        if placement.status in _ELK_STATUS  # not a placement (withdrawn): handled below
    ]
    with transaction.atomic():
        applied = students_elk_apply(
            placements=[placement_in for _placement, placement_in in placements],
            changes=[
                ElkChangeIn(
                    bsn=change.bsn,
                    education_number=change.education_number,
                    changed_at=aware(change.changed_at),
                )
                for change in feed.changed
            ],
        )
        _placements_withdrawn(placed_ids=applied.placed_ids)
        unknown = [placements[position][0] for position in applied.unknown]
        if unknown and settings.OSO_ELK_SIGNUPS:
            _placements_sign_up(unknown)
        return ElkFeedRead.objects.create(
            as_of=aware(feed.as_of) if feed.as_of else None,
            placements=len(feed.placements),
            changed=len(feed.changed),
            blue_dots=applied.blue,
        )


def _placement_in(placement: Placement) -> ElkPlacementIn:
    return ElkPlacementIn(
        bsn=placement.bsn,
        education_number=placement.education_number,
        status=_ELK_STATUS[placement.status],
        date=placement.date,
    )


def _placements_withdrawn(*, placed_ids: set[int]) -> int:
    """Students placed until now whom the feed no longer lists as placed: stop asking."""
    withdrawn = students_elk_withdraw(placed_ids=placed_ids)
    if not withdrawn:
        return 0
    transfer_requests_stop(
        student_ids=withdrawn, reason=texts.STOPPED_WITHDRAWN(), user=ELK_FEED_USER
    )
    logger.info("ELK feed: %d placements withdrawn", len(withdrawn))
    return len(withdrawn)


def _placements_sign_up(placements: list[Placement]) -> int:
    """Sign up the placed pupils we do not know, one group per school year; send at once."""
    by_year: dict[str, list[tuple[Placement, SignupIn]]] = {}
    for placement in placements:
        try:
            signup = signup_clean(
                {
                    "bsn": placement.bsn,
                    "education_number": placement.education_number,
                    "birth_date": placement.birth_date,
                    "surname": placement.surname,
                    "prefix": placement.prefix,
                    "given_name": placement.given_name,
                    "primary_school_brin": placement.primary_school_brin,
                }
            )
        except ValidationError as error:
            # Never the number itself in a log line.
            logger.warning("ELK placement not signed up: %s", "; ".join(error.messages))
            continue
        by_year.setdefault(school_year_for(placement.date), []).append((placement, signup))
    signed_up = 0
    for school_year, items in sorted(by_year.items()):
        group, _created = signup_group_for_import(
            name=settings.OSO_ELK_SIGNUP_GROUP, school_year=school_year
        )
        result = signups_create(
            signups=[signup for _placement, signup in items],
            signup_group=group,
            source=SignupSource.ELK,
            user=ELK_FEED_USER,
            file_name="ELK",
        )
        if not result.student_ids:
            continue
        students_elk_placements_set(
            student_ids=result.student_ids,
            placements=[_placement_in(placement) for placement, _signup in items],
        )
        signups_request_first(student_ids=result.student_ids, user=ELK_FEED_USER, send_now=True)
        signed_up += len(result.student_ids)
    if signed_up:
        logger.info("ELK feed: %d placed pupils signed up", signed_up)
    return signed_up


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
