"""The reads of a pupil's requests that the students pages show, handed to students.

Students never imports this app; ``OsoRequestsConfig.ready`` gives it these
through ``students.request_status``.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Value
from django.db.models.lookups import Exact

from requests.models import OPEN_STATUSES, RequestStatus, TransferRequest
from requests.selectors import latest_request_status
from students.request_status import StudentRequestReads


def open_request() -> Exists:
    return Exists(TransferRequest.objects.filter(student=OuterRef("pk"), status__in=OPEN_STATUSES))


def latest_failed() -> Exact:
    return Exact(latest_request_status(), Value(RequestStatus.FAILED))


def student_requests(student_id: int) -> list[TransferRequest]:
    return list(
        TransferRequest.objects.filter(student_id=student_id).order_by("-created_at", "-pk")
    )


def student_request_reads() -> StudentRequestReads:
    return StudentRequestReads(
        open_request=open_request, latest_failed=latest_failed, student_requests=student_requests
    )
