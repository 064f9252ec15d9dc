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
*Leerlinginfo niet gewijzigd* (requests/services/pipeline.py).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from requests.client import EndpointError, Feed, endpoint_client_from_settings
from requests.models import (
    OPEN_STATUSES,
    ElkFeedRead,
    RequestBatch,
    RequestMode,
    RequestStatus,
    TransferRequest,
)
from requests.services.transfer_requests import transfer_requests_add, transfer_requests_send
from students.models import ElkDot, ElkStatus, PriorEducation, Student

logger = logging.getLogger(__name__)

# Recorded as the user who added and sent the requests a blue dot sets off.
ELK_FEED_USER = "elk-feed"

_ELK_STATUS = {
    "Geplaatst": ElkStatus.PLACED,
    "Geplaatst doorbegeleid": ElkStatus.PLACED_GUIDED,
}
_DOT_FIELDS = ("elk_status", "elk_status_date", "elk_dot", "elk_changed_at")


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
    with transaction.atomic():
        index = _StudentIndex.load(
            bsns={item.bsn for item in [*feed.placements, *feed.changed] if item.bsn},
            education_numbers={
                item.education_number
                for item in [*feed.placements, *feed.changed]
                if item.education_number
            },
        )
        touched: dict[int, Student] = {}
        blue = 0
        for placement in feed.placements:
            student = index.find(placement.bsn, placement.education_number)
            status = _ELK_STATUS.get(placement.status)
            if student is None or status is None:
                continue
            if (student.elk_status, student.elk_status_date) != (status, placement.date):
                student.elk_status = status
                student.elk_status_date = placement.date
                touched[student.pk] = student
            if not student.elk_dot and index.last_dossier_date(student) is not None:
                student.elk_dot = ElkDot.GREEN
                touched[student.pk] = student
        for change in feed.changed:
            student = index.find(change.bsn, change.education_number)
            if student is None:
                continue
            changed_at = _aware(change.changed_at)
            if student.elk_changed_at is not None and changed_at <= student.elk_changed_at:
                continue  # a change we already know of
            student.elk_changed_at = changed_at
            held = index.last_dossier_date(student)
            if held is not None and changed_at.date() <= held:
                if not student.elk_dot:
                    student.elk_dot = ElkDot.GREEN
            else:
                student.elk_dot = ElkDot.BLUE
                blue += 1
            touched[student.pk] = student
        Student.objects.bulk_update(list(touched.values()), fields=_DOT_FIELDS, batch_size=500)
        return ElkFeedRead.objects.create(
            as_of=_aware(feed.as_of) if feed.as_of else None,
            placements=len(feed.placements),
            changed=len(feed.changed),
            blue_dots=blue,
        )


def students_with_blue_dot_due():
    """Blue-dot students to re-request: no open request, and no failure within the cooldown."""
    cooldown_start = timezone.now() - timedelta(hours=settings.OSO_ELK_FAILED_COOLDOWN_HOURS)
    return (
        Student.objects.filter(elk_dot=ElkDot.BLUE)
        .exclude(
            Exists(
                TransferRequest.objects.filter(
                    student_id=OuterRef("pk"), status__in=OPEN_STATUSES
                ).exclude(status=RequestStatus.READY)
            )
        )
        .exclude(
            Exists(
                TransferRequest.objects.filter(
                    student_id=OuterRef("pk"),
                    status=RequestStatus.FAILED,
                    completed_at__gte=cooldown_start,
                )
            )
        )
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
        for start in range(0, len(student_ids), 500):
            ready_ids += TransferRequest.objects.filter(
                student_id__in=student_ids[start : start + 500], status=RequestStatus.READY
            ).values_list("id", flat=True)
        return transfer_requests_send(
            request_ids=ready_ids, mode=RequestMode.CHANGES_SINCE, changed_since=None, user=user
        )


class _StudentIndex:
    """The feed's pupils matched to students by BSN or education number."""

    def __init__(self, students: Iterable[Student], last_dates: dict[int, object]) -> None:
        self.by_bsn: dict[str, Student] = {}
        self.by_education_number: dict[str, Student] = {}
        for student in students:
            if student.bsn:
                self.by_bsn[student.bsn] = student
            if student.education_number:
                self.by_education_number[student.education_number] = student
        self._last_dates = last_dates

    @classmethod
    def load(cls, *, bsns: set[str], education_numbers: set[str]) -> _StudentIndex:
        students: dict[int, Student] = {}
        for field_name, values in (
            ("bsn", sorted(bsns)),
            ("education_number", sorted(education_numbers)),
        ):
            for start in range(0, len(values), 500):
                for student in Student.objects.filter(
                    **{f"{field_name}__in": values[start : start + 500]}
                ).only("id", "bsn", "education_number", *_DOT_FIELDS):
                    students[student.pk] = student
        last_dates: dict[int, object] = {}
        ids = sorted(students)
        for start in range(0, len(ids), 500):
            last_dates.update(
                PriorEducation.objects.filter(student_id__in=ids[start : start + 500]).values_list(
                    "student_id", "last_dossier_date"
                )
            )
        return cls(students.values(), last_dates)

    def find(self, bsn: str, education_number: str) -> Student | None:
        if bsn and bsn in self.by_bsn:
            return self.by_bsn[bsn]
        if education_number:
            return self.by_education_number.get(education_number)
        return None

    def last_dossier_date(self, student: Student):
        return self._last_dates.get(student.pk)


def _aware(value: datetime) -> datetime:
    if timezone.is_naive(value):
        return timezone.make_aware(value, UTC)
    return value
