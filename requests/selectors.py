"""Reads about requests (every caller: pages, command line, tasks): the latest request per
pupil, status counts and progress, the overview table, who needs a file fetched again."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db.models import (
    CharField,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from requests.models import (
    FINAL_STATUSES,
    OPEN_STATUSES,
    RequestBatch,
    RequestStatus,
    TransferRequest,
)
from students.models import ElkDot, ElkStatus, FinalTestResult, Student
from students.selectors.students import has_file

# Settled: nothing more happens without the primary school (DOMAIN.md: waiting is
# asked again periodically, but it may take weeks). Progress bars and
# `request_dossiers --wait` stop once every request is settled.
SETTLED_STATUSES: tuple[str, ...] = (*FINAL_STATUSES, RequestStatus.WAITING)


def _latest_request_of(student_ref: str) -> QuerySet[TransferRequest]:
    """The requests of the outer row's student, latest first (slice and pick a value)."""
    # "Latest" means the latest created, ties broken by id: one definition for every
    # page, count, command and re-request rule, so they never disagree about a pupil.
    return TransferRequest.objects.filter(student_id=OuterRef(student_ref)).order_by(
        "-created_at", "-id"
    )


def latest_request_id(*, student_ref: str = "pk") -> Subquery:
    """The id of the student's latest request (NULL without one).

    ``student_ref`` names the outer query's student id: ``"pk"`` on a Student
    queryset, ``"student_id"`` on a TransferRequest queryset.
    """
    return Subquery(_latest_request_of(student_ref).values("id")[:1], output_field=IntegerField())


def latest_request_status(*, student_ref: str = "pk") -> Subquery:
    """The status of the student's latest request (NULL without one); see ``latest_request_id``."""
    return Subquery(_latest_request_of(student_ref).values("status")[:1], output_field=CharField())


def latest_requests(
    queryset: QuerySet[TransferRequest] | None = None,
) -> QuerySet[TransferRequest]:
    """Only each pupil's latest request: one row per pupil who has a request.

    Filters ``queryset`` (all requests by default); filter on the pupil (group,
    name) freely, but filter on the request itself (status, mode) *after* this, so
    that a pupil whose latest request does not match drops out rather than showing
    an older one.
    """
    base = TransferRequest.objects.all() if queryset is None else queryset
    # "No later request of the same pupil" rather than "id = the latest id": the same
    # rows, but PostgreSQL answers it with one hash anti-join instead of a subquery per
    # row (at 16,000 requests the overview's counts took 25 ms instead of 110 ms).
    later = TransferRequest.objects.filter(student_id=OuterRef("student_id")).filter(
        Q(created_at__gt=OuterRef("created_at"))
        | Q(created_at=OuterRef("created_at"), id__gt=OuterRef("id"))
    )
    return base.filter(~Exists(later))


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
        queryset = latest_requests(queryset.filter(student__signup_group_id=signup_group_id))
    if request_ids is not None:
        queryset = queryset.filter(id__in=list(request_ids))
    return overview_status_counts(queryset)


def overview_status_counts(queryset: QuerySet[TransferRequest]) -> dict[str, int]:
    """The rows of ``queryset`` per status, every status in flow order, zeros included.

    One query. The overview passes its filter without the status choice, so the
    counts are those of the rows shown (one per pupil unless the history is on),
    and the table takes its row count from them.
    """
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
    return (
        TransferRequest.objects.select_related(
            "student", "student__signup_group", "student__primary_school", "batch", "dossier"
        )
        .defer("dossier__raw_xml")
        .annotate(student_has_file=has_file("student_id"))
    )


def requests_unsettled_count(*, request_ids: Iterable[int]) -> int:
    """How many of these requests are still on their way (ready or requested)."""
    return (
        TransferRequest.objects.filter(id__in=list(request_ids))
        .exclude(status__in=SETTLED_STATUSES)
        .count()
    )


# --- Who needs a file fetched again ---------------------------------------------------


def _has_open_request(*, except_ready: bool = False) -> Exists:
    open_requests = TransferRequest.objects.filter(
        student_id=OuterRef("pk"), status__in=OPEN_STATUSES
    )
    if except_ready:
        open_requests = open_requests.exclude(status=RequestStatus.READY)
    return Exists(open_requests)


def students_needing_rerequest(*, signup_group_id: int) -> QuerySet[Student]:
    """Students of the group who need their file fetched again.

    A blue ELK dot (new data at the primary school), no final test on the card yet,
    or a last request that failed. Students with an open request are left out.
    """
    has_final_test = Exists(
        FinalTestResult.objects.filter(prior_education__student_id=OuterRef("pk"))
    )
    return (
        Student.objects.filter(signup_group_id=signup_group_id)
        .annotate(latest_request_status=latest_request_status())
        .filter(
            Q(elk_dot=ElkDot.BLUE) | ~has_final_test | Q(latest_request_status=RequestStatus.FAILED)
        )
        .exclude(_has_open_request())
    )


def students_with_blue_dot_due() -> QuerySet[Student]:
    """Blue-dot students to re-request: no open request, and no failure within the cooldown.

    A request *Klaar om op te vragen* does not hold a student back: it is sent.
    """
    cooldown_start = timezone.now() - timedelta(hours=settings.OSO_ELK_FAILED_COOLDOWN_HOURS)
    return (
        Student.objects.filter(elk_dot=ElkDot.BLUE)
        .exclude(elk_status=ElkStatus.WITHDRAWN)
        .exclude(_has_open_request(except_ready=True))
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
