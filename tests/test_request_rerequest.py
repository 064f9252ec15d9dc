"""transfer_requests_rerequest (*Opnieuw aanvragen*): a new request per pupil of the
selected finished requests, sent at once in the chosen mode; never two for one pupil."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from audit.models import AuditAction, AuditEntry
from requests.models import OPEN_STATUSES, RequestBatch, RequestMode, RequestStatus, TransferRequest
from requests.services import transfer_requests_rerequest
from tests.concurrency import run_together
from tests.factories import SignupGroupFactory, StudentFactory, TransferRequestFactory


def _finished(count: int, status: str = RequestStatus.NOT_CHANGED) -> list:
    group = SignupGroupFactory()
    return [
        TransferRequestFactory(student=StudentFactory(signup_group=group), status=status)
        for _ in range(count)
    ]


@pytest.mark.django_db
def test_each_finished_rows_pupil_gets_a_new_request_sent_in_the_chosen_mode(no_enqueue):
    finished = _finished(2) + _finished(1, RequestStatus.FAILED)

    result = transfer_requests_rerequest(
        request_ids=[r.pk for r in finished],
        mode=RequestMode.CHANGES_SINCE,
        changed_since=dt.date(2021, 3, 20),
        user="marieke",
    )

    assert result.batch is not None
    assert (result.students, result.sent, result.skipped_open) == (3, 3, 0)
    new = TransferRequest.objects.filter(batch=result.batch)
    assert {r.student_id for r in new} == {r.student_id for r in finished}
    assert {(r.status, r.mode, r.changed_since) for r in new} == {
        (RequestStatus.REQUESTED, RequestMode.CHANGES_SINCE, dt.date(2021, 3, 20))
    }
    # The finished rows stay as history, unchanged.
    for row in finished:
        old_status = row.status
        row.refresh_from_db()
        assert row.status == old_status and row.batch_id != result.batch.pk
    assert sorted(pk for ids in no_enqueue for pk in ids) == sorted(r.pk for r in new)
    assert AuditEntry.objects.filter(action=AuditAction.REQUEST_SENT).count() == 3


@pytest.mark.django_db
def test_two_selected_rows_of_one_pupil_give_one_new_request(no_enqueue):
    [first] = _finished(1, RequestStatus.PROCESSED)
    second = TransferRequestFactory(student=first.student, status=RequestStatus.NOT_CHANGED)

    result = transfer_requests_rerequest(
        request_ids=[first.pk, second.pk], mode=RequestMode.CURRENT, changed_since=None, user="m"
    )

    assert (result.students, result.sent) == (1, 1)
    assert TransferRequest.objects.filter(student=first.student).count() == 3


@pytest.mark.django_db
def test_rows_that_are_not_finished_and_pupils_with_an_open_request_are_left_alone(no_enqueue):
    [ready] = _finished(1, RequestStatus.READY)
    [done] = _finished(1, RequestStatus.PROCESSED)
    waiting = TransferRequestFactory(student=done.student, status=RequestStatus.WAITING)

    result = transfer_requests_rerequest(
        request_ids=[ready.pk, done.pk], mode=RequestMode.CURRENT, changed_since=None, user="m"
    )

    assert result.batch is None
    assert (result.students, result.sent, result.skipped_open, result.not_finished) == (
        1,
        0,
        1,
        1,
    )
    assert TransferRequest.objects.count() == 3
    waiting.refresh_from_db()
    assert waiting.status == RequestStatus.WAITING
    assert not RequestBatch.objects.exists()


@pytest.mark.django_db
def test_a_second_click_after_the_first_adds_nothing(no_enqueue):
    finished = _finished(3)
    ids = [r.pk for r in finished]

    first = transfer_requests_rerequest(
        request_ids=ids, mode=RequestMode.CURRENT, changed_since=None, user="m"
    )
    second = transfer_requests_rerequest(
        request_ids=ids, mode=RequestMode.CURRENT, changed_since=None, user="m"
    )

    assert first.sent == 3 and second.sent == 0 and second.skipped_open == 3
    assert TransferRequest.objects.count() == 6


@pytest.mark.django_db
def test_a_future_date_changes_nothing(no_enqueue):
    finished = _finished(2)

    with pytest.raises(ValidationError):
        transfer_requests_rerequest(
            request_ids=[r.pk for r in finished],
            mode=RequestMode.CHANGES_SINCE,
            changed_since=dt.date.today() + dt.timedelta(days=2),
            user="m",
        )

    assert TransferRequest.objects.count() == 2
    assert no_enqueue == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_rerequests_give_each_pupil_one_new_request(no_enqueue):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent connections need PostgreSQL; SQLite serialises writers anyway")
    finished = _finished(200)
    ids = [r.pk for r in finished]

    def click():
        return transfer_requests_rerequest(
            request_ids=ids, mode=RequestMode.CURRENT, changed_since=None, user="m"
        )

    results = run_together(click, click)

    assert TransferRequest.objects.count() == 400
    assert TransferRequest.objects.filter(status__in=OPEN_STATUSES).count() == 200
    assert sum(result.sent for result in results) == 200
    assert AuditEntry.objects.filter(action=AuditAction.REQUEST_SENT).count() == 200
