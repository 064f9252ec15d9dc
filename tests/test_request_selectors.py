"""Reads about requests: counts per status, batch progress, the overview queryset."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from requests.models import RequestStatus, TransferRequest
from requests.selectors import (
    batch_progress,
    latest_request_id,
    latest_request_status,
    latest_requests,
    request_status_counts,
    requests_overview_queryset,
)
from students.models import Student
from tests.factories import (
    RequestBatchFactory,
    SignupGroupFactory,
    StudentFactory,
    TransferRequestFactory,
)

pytestmark = pytest.mark.django_db


def test_counts_list_every_status_in_flow_order_with_zeros():
    TransferRequestFactory(status=RequestStatus.FAILED)
    TransferRequestFactory(status=RequestStatus.FAILED)
    TransferRequestFactory(status=RequestStatus.READY)

    counts = request_status_counts()

    assert list(counts) == [
        "ready",
        "requested",
        "waiting",
        "processed",
        "processed_with_remarks",
        "not_changed",
        "failed",
    ]
    assert counts["failed"] == 2 and counts["ready"] == 1 and counts["processed"] == 0


def test_counts_for_a_batch_and_for_a_list_of_requests():
    batch = RequestBatchFactory()
    TransferRequestFactory(batch=batch, status=RequestStatus.PROCESSED)
    other = TransferRequestFactory(status=RequestStatus.WAITING)

    assert request_status_counts(batch_id=batch.pk)["processed"] == 1
    assert sum(request_status_counts(batch_id=batch.pk).values()) == 1
    assert request_status_counts(request_ids=[other.pk])["waiting"] == 1


def test_group_counts_take_each_students_latest_request_only():
    group = SignupGroupFactory(name="Groep 8 - Tellen")
    student = StudentFactory(signup_group=group)
    TransferRequestFactory(student=student, status=RequestStatus.FAILED)
    TransferRequestFactory(student=student, status=RequestStatus.PROCESSED)
    TransferRequestFactory(student=StudentFactory(signup_group=group), status=RequestStatus.READY)
    TransferRequestFactory(status=RequestStatus.READY)  # another group

    counts = request_status_counts(signup_group_id=group.pk)

    assert counts["failed"] == 0
    assert counts["processed"] == 1
    assert counts["ready"] == 1


def test_batch_progress_counts_waiting_as_settled_and_finishes_when_all_are():
    batch = RequestBatchFactory()
    TransferRequestFactory(batch=batch, status=RequestStatus.PROCESSED)
    TransferRequestFactory(batch=batch, status=RequestStatus.WAITING)
    requested = TransferRequestFactory(batch=batch, status=RequestStatus.REQUESTED)

    progress = batch_progress(batch_id=batch.pk)
    assert (progress["total"], progress["done"], progress["settled"]) == (3, 1, 2)
    assert progress["finished"] is False
    assert progress["counts"]["requested"] == 1

    requested.status = RequestStatus.NOT_CHANGED
    requested.save()
    progress = batch_progress(batch_id=batch.pk)
    assert progress["finished"] is True
    assert progress["percent"] == 100


def test_the_overview_reads_any_number_of_rows_in_one_query():
    for _ in range(3):
        TransferRequestFactory()

    def render(count):
        with CaptureQueriesContext(connection) as queries:
            for row in requests_overview_queryset()[:count]:
                (row.student.student_number, row.student.signup_group, row.student.primary_school)
        return len(queries)

    small = render(1)
    for _ in range(20):
        TransferRequestFactory()
    assert render(20) == small == 1


def _created(request, when):
    TransferRequest.objects.filter(pk=request.pk).update(created_at=when)


def test_latest_requests_keep_one_row_per_pupil_the_latest_created():
    student = StudentFactory()
    newer_row_older_date = TransferRequestFactory(student=student, status=RequestStatus.FAILED)
    latest = TransferRequestFactory(student=student, status=RequestStatus.PROCESSED)
    # The latest is the latest created, not the highest id.
    _created(newer_row_older_date, dt.datetime(2021, 3, 1, tzinfo=dt.UTC))
    _created(latest, dt.datetime(2021, 5, 11, tzinfo=dt.UTC))
    _created(
        TransferRequestFactory(student=student, status=RequestStatus.NOT_CHANGED),
        dt.datetime(2021, 4, 1, tzinfo=dt.UTC),
    )
    other = TransferRequestFactory(status=RequestStatus.READY)

    assert set(latest_requests().values_list("id", flat=True)) == {latest.pk, other.pk}
    # A status filter applied after it drops the pupil instead of showing an older row.
    assert not latest_requests().filter(student=student, status=RequestStatus.FAILED).exists()


def test_latest_requests_break_a_tie_on_created_at_by_id():
    student = StudentFactory()
    first = TransferRequestFactory(student=student, status=RequestStatus.FAILED)
    second = TransferRequestFactory(student=student, status=RequestStatus.READY)
    same = dt.datetime(2021, 5, 11, tzinfo=dt.UTC)
    _created(first, same)
    _created(second, same)

    assert list(latest_requests(TransferRequest.objects.filter(student=student))) == [second]


def test_latest_request_id_and_status_annotate_students_null_without_a_request():
    student = StudentFactory()
    TransferRequestFactory(student=student, status=RequestStatus.FAILED)
    latest = TransferRequestFactory(student=student, status=RequestStatus.WAITING)
    lonely = StudentFactory()

    rows = dict(
        Student.objects.filter(pk__in=[student.pk, lonely.pk])
        .annotate(latest_id=latest_request_id(), latest_status=latest_request_status())
        .values_list("pk", "latest_id")
    )
    statuses = dict(Student.objects.annotate(s=latest_request_status()).values_list("pk", "s"))

    assert rows == {student.pk: latest.pk, lonely.pk: None}
    assert statuses[student.pk] == RequestStatus.WAITING and statuses[lonely.pk] is None
