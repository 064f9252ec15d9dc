"""Reads about requests (status counts, batches, who needs a new request) for every caller."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db.models import CharField, Count, Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.lookups import Exact
from django.utils import timezone

from requests.models import (
    FINAL_STATUSES,
    OPEN_STATUSES,
    RequestBatch,
    RequestStatus,
    TransferRequest,
)
from students.models import ElkDot, FinalTestResult, Student

# Settled: nothing more happens without the primary school (DOMAIN.md: waiting is
# asked again periodically, but it may take weeks). Progress bars and
# `request_dossiers --wait` stop once every request is settled.
SETTLED_STATUSES: tuple[str, ...] = (*FINAL_STATUSES, RequestStatus.WAITING)


def latest_request_status() -> Subquery:
    """On a Student queryset: the status of the student's latest request (NULL without one)."""
    return Subquery(latest_request().values("status")[:1], output_field=CharField())


def request_status_label(status: str) -> str:
    """A status value's label in the active language (the value itself if unknown)."""
    try:
        return str(RequestStatus(status).label)
    except ValueError:
        return status


def request_status_counts(
    *,
    batch_id: int | None = None,
    signup_group_id: int | None = None,
    request_ids: Iterable[int] | None = None,
) -> dict[str, int]:
    """Requests per status, every status in flow order, zeros included. One query.

    ``batch_id``: the requests of that send. ``signup_group_id``: each student of
    the group counts once, with their latest request. ``request_ids``: exactly those.
    With no argument: every request.
    """
    queryset = TransferRequest.objects.all()
    if batch_id is not None:
        queryset = queryset.filter(batch_id=batch_id)
    if signup_group_id is not None:
        latest = latest_request(student_ref="student_id").values("id")[:1]
        queryset = queryset.filter(student__signup_group_id=signup_group_id, id=Subquery(latest))
    if request_ids is not None:
        queryset = queryset.filter(id__in=list(request_ids))
    found = dict(
        queryset.order_by()
        .values_list("status")
        .annotate(count=Count("id"))
        .values_list("status", "count")
    )
    return {status: found.get(status, 0) for status in RequestStatus.values}


def batch_progress(*, batch_id: int) -> dict:
    """How far one send is: for a progress bar that stops when the batch is settled.

    ``{"batch_id", "total", "done", "settled", "percent", "counts": {status: n},
    "finished"}``; ``done`` counts final statuses, ``settled`` adds *Wacht op
    basisschool*, and ``finished`` is true once every request is settled.
    """
    counts = request_status_counts(batch_id=batch_id)
    total = sum(counts.values())
    done = sum(counts[status] for status in FINAL_STATUSES)
    settled = sum(counts[status] for status in SETTLED_STATUSES)
    return {
        "batch_id": batch_id,
        "total": total,
        "done": done,
        "settled": settled,
        "percent": round(100 * settled / total) if total else 100,
        "counts": counts,
        "finished": settled == total,
    }


def batch_to_follow(*, batch_id: int | None) -> RequestBatch | None:
    """The batch whose progress the overview shows: the one asked for, else the latest."""
    batches = RequestBatch.objects.order_by("-created_at", "-pk")
    if batch_id is not None:
        return batches.filter(pk=batch_id).first()
    return batches.first()


def requests_overview_queryset() -> QuerySet[TransferRequest]:
    """The requests overview table: one query whatever the page size."""
    return TransferRequest.objects.select_related(
        "student", "student__signup_group", "student__primary_school", "batch", "dossier"
    ).defer("dossier__raw_xml")


def requests_unsettled_count(*, request_ids: Iterable[int]) -> int:
    """How many of these requests are still on their way (ready or requested)."""
    return (
        TransferRequest.objects.filter(id__in=list(request_ids))
        .exclude(status__in=SETTLED_STATUSES)
        .count()
    )


# --- What the students pages show about requests (students.request_reads) -----------


def latest_request(*, student_ref: str = "pk") -> QuerySet[TransferRequest]:
    """The latest request of the student that ``OuterRef(student_ref)`` names (slice it)."""
    return TransferRequest.objects.filter(student_id=OuterRef(student_ref)).order_by(
        "-created_at", "-id"
    )


class StudentRequestReads:
    """The reads students.request_reads asks for, installed by OsoRequestsConfig.ready."""

    def open_request_exists(self) -> Exists:
        return Exists(
            TransferRequest.objects.filter(student=OuterRef("pk"), status__in=OPEN_STATUSES)
        )

    def latest_request_failed(self) -> Exact:
        return Exact(latest_request_status(), Value(RequestStatus.FAILED))

    def latest_request_status(self) -> Subquery:
        return latest_request_status()

    def status_label(self, status: str) -> str:
        return request_status_label(status)

    def student_requests(self, *, student_id: int) -> list[TransferRequest]:
        return list(
            TransferRequest.objects.filter(student_id=student_id).order_by("-created_at", "-pk")
        )


# --- Who needs a file fetched again -------------------------------------------------


def students_needing_rerequest(*, signup_group_id: int) -> QuerySet[Student]:
    """Students of the group who need their file fetched again.

    A blue ELK dot (new data at the primary school), no final test on the card yet,
    or a last request that failed. Students with an open request are left out.
    """
    latest_status = latest_request_status()
    has_final_test = Exists(
        FinalTestResult.objects.filter(prior_education__student_id=OuterRef("pk"))
    )
    has_open = Exists(
        TransferRequest.objects.filter(student_id=OuterRef("pk"), status__in=OPEN_STATUSES)
    )
    return (
        Student.objects.filter(signup_group_id=signup_group_id)
        .annotate(latest_request_status=latest_status)
        .filter(
            Q(elk_dot=ElkDot.BLUE) | ~has_final_test | Q(latest_request_status=RequestStatus.FAILED)
        )
        .exclude(has_open)
    )


def students_with_blue_dot_due() -> QuerySet[Student]:
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
