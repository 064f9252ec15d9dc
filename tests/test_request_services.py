"""The staff-facing request services: add, send, retry, delete, re-request a signup group."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from audit.models import SYSTEM_ACTOR, AuditAction, AuditEntry
from common.security import find_identifiers
from requests.models import RequestBatch, RequestMode, RequestStatus, TransferRequest
from requests.services import (
    signup_group_rerequest,
    transfer_requests_add,
    transfer_requests_delete,
    transfer_requests_retry,
    transfer_requests_send,
)
from students.models import ElkDot, FinalTestResult
from tests.factories import (
    PriorEducationFactory,
    SignupGroupFactory,
    StudentFactory,
    TransferRequestFactory,
)

pytestmark = pytest.mark.django_db


def _queued(callbacks) -> list[tuple[str, list[int], float | None]]:
    """(task name, request ids, countdown) of every task queued on commit."""
    queued = []
    for callback in callbacks:
        queued.append((callback.task.name, callback.request_ids, callback.options.get("countdown")))
    return queued


def _ready_requests(count: int) -> list[TransferRequest]:
    return [TransferRequestFactory(status=RequestStatus.READY) for _ in range(count)]


# --- add -------------------------------------------------------------------------------


def test_adding_students_gives_each_a_ready_request():
    students = StudentFactory.create_batch(3)

    result = transfer_requests_add(student_ids=[s.pk for s in students], user="anna")

    assert (result.added, result.skipped_open) == (3, 0)
    rows = TransferRequest.objects.filter(student__in=students)
    assert {row.status for row in rows} == {RequestStatus.READY}
    assert {row.created_by for row in rows} == {"anna"}
    assert len({row.public_id for row in rows}) == 3


def test_a_student_with_an_open_request_is_skipped_and_counted():
    busy = TransferRequestFactory(status=RequestStatus.WAITING).student
    free = StudentFactory()
    done = TransferRequestFactory(status=RequestStatus.PROCESSED).student

    result = transfer_requests_add(student_ids=[busy.pk, free.pk, done.pk], user="anna")

    assert (result.added, result.skipped_open) == (2, 1)
    assert busy.transfer_requests.count() == 1
    assert done.transfer_requests.filter(status=RequestStatus.READY).count() == 1


def test_adding_twice_adds_nothing_the_second_time():
    students = StudentFactory.create_batch(2)
    transfer_requests_add(student_ids=[s.pk for s in students], user="anna")

    again = transfer_requests_add(student_ids=[s.pk for s in students], user="anna")

    assert (again.added, again.skipped_open) == (0, 2)
    assert TransferRequest.objects.count() == 2


def test_adding_many_students_costs_the_same_queries_as_adding_a_few():
    few = [s.pk for s in StudentFactory.create_batch(3)]
    many = [s.pk for s in StudentFactory.create_batch(40)]

    with CaptureQueriesContext(connection) as small:
        transfer_requests_add(student_ids=few, user="anna")
    with CaptureQueriesContext(connection) as large:
        transfer_requests_add(student_ids=many, user="anna")

    assert len(large) == len(small)


# --- send ------------------------------------------------------------------------------


def test_sending_claims_ready_rows_into_one_batch_and_queues_after_commit(
    django_capture_on_commit_callbacks,
):
    rows = _ready_requests(3)
    ids = [row.pk for row in rows]

    with django_capture_on_commit_callbacks() as callbacks:
        batch = transfer_requests_send(
            request_ids=ids, mode=RequestMode.CURRENT, changed_since=None, user="anna"
        )

    assert isinstance(batch, RequestBatch)
    assert batch.created_by == "anna"
    assert set(batch.requests.values_list("status", flat=True)) == {RequestStatus.REQUESTED}
    assert _queued(callbacks) == [("oso_requests.submit_requests", sorted(ids), None)]


def test_nothing_is_queued_when_the_send_rolls_back(django_capture_on_commit_callbacks):
    ids = [row.pk for row in _ready_requests(2)]

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        # A failing transaction around the send: its commit never happens.
        from django.db import transaction

        with pytest.raises(RuntimeError), transaction.atomic():
            transfer_requests_send(
                request_ids=ids, mode=RequestMode.CURRENT, changed_since=None, user="anna"
            )
            raise RuntimeError("rollback")

    assert callbacks == []
    assert set(TransferRequest.objects.values_list("status", flat=True)) == {RequestStatus.READY}


def test_a_double_submit_sends_each_request_once(django_capture_on_commit_callbacks):
    ids = [row.pk for row in _ready_requests(2)]

    with django_capture_on_commit_callbacks() as callbacks:
        first = transfer_requests_send(
            request_ids=ids, mode=RequestMode.CURRENT, changed_since=None, user="anna"
        )
        second = transfer_requests_send(
            request_ids=ids, mode=RequestMode.CURRENT, changed_since=None, user="anna"
        )

    assert first is not None
    assert second is None
    assert RequestBatch.objects.count() == 1
    assert len(_queued(callbacks)) == 1


def test_only_ready_requests_are_sent():
    ready = TransferRequestFactory(status=RequestStatus.READY)
    failed = TransferRequestFactory(status=RequestStatus.FAILED, error="kapot")

    batch = transfer_requests_send(
        request_ids=[ready.pk, failed.pk], mode=RequestMode.CURRENT, changed_since=None, user="a"
    )

    failed.refresh_from_db()
    assert list(batch.requests.values_list("id", flat=True)) == [ready.pk]
    assert (failed.status, failed.batch_id, failed.error) == (RequestStatus.FAILED, None, "kapot")


def test_sending_queues_one_submit_task_per_chunk(settings, django_capture_on_commit_callbacks):
    settings.OSO_REQUEST_CHUNK_SIZE = 2
    ids = [row.pk for row in _ready_requests(5)]

    with django_capture_on_commit_callbacks() as callbacks:
        transfer_requests_send(
            request_ids=ids, mode=RequestMode.CURRENT, changed_since=None, user="anna"
        )

    chunks = [chunk for _name, chunk, _countdown in _queued(callbacks)]
    assert [len(chunk) for chunk in chunks] == [2, 2, 1]
    assert sorted(id_ for chunk in chunks for id_ in chunk) == sorted(ids)


def test_changes_since_without_a_date_uses_each_students_last_dossier_date():
    early = PriorEducationFactory(last_dossier_date=dt.date(2021, 3, 1)).student
    late = PriorEducationFactory(last_dossier_date=dt.date(2021, 5, 10)).student
    never = StudentFactory()
    rows = [TransferRequestFactory(student=s) for s in (early, late, never)]

    transfer_requests_send(
        request_ids=[r.pk for r in rows],
        mode=RequestMode.CHANGES_SINCE,
        changed_since=None,
        user="anna",
    )

    since = dict(TransferRequest.objects.values_list("student_id", "changed_since"))
    assert since == {early.pk: dt.date(2021, 3, 1), late.pk: dt.date(2021, 5, 10), never.pk: None}
    assert set(TransferRequest.objects.values_list("mode", flat=True)) == {"changes_since"}


def test_changes_since_with_a_date_applies_it_to_every_request():
    PriorEducationFactory(last_dossier_date=dt.date(2021, 3, 1))
    rows = [TransferRequestFactory(student=s) for s in (StudentFactory(), StudentFactory())]

    batch = transfer_requests_send(
        request_ids=[r.pk for r in rows],
        mode=RequestMode.CHANGES_SINCE,
        changed_since=dt.date(2021, 2, 1),
        user="anna",
    )

    assert batch.changed_since == dt.date(2021, 2, 1)
    assert set(batch.requests.values_list("changed_since", flat=True)) == {dt.date(2021, 2, 1)}


def test_a_current_request_ignores_any_date():
    row = TransferRequestFactory()

    transfer_requests_send(
        request_ids=[row.pk],
        mode=RequestMode.CURRENT,
        changed_since=dt.date(2021, 2, 1),
        user="anna",
    )

    row.refresh_from_db()
    assert (row.mode, row.changed_since) == (RequestMode.CURRENT, None)


def test_a_changes_since_date_in_the_future_is_refused_in_dutch_and_changes_nothing(
    django_capture_on_commit_callbacks,
):
    row = TransferRequestFactory(status=RequestStatus.READY)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)

    with (
        django_capture_on_commit_callbacks(execute=False) as callbacks,
        translation.override("nl"),
        pytest.raises(ValidationError) as refused,
    ):
        transfer_requests_send(
            request_ids=[row.pk], mode=RequestMode.CHANGES_SINCE, changed_since=tomorrow, user="a"
        )

    assert refused.value.messages == [
        "De datum voor mutaties vanaf mag niet in de toekomst liggen."
    ]
    row.refresh_from_db()
    assert (row.status, row.batch_id) == (RequestStatus.READY, None)
    assert not RequestBatch.objects.exists()
    assert not AuditEntry.objects.exists()
    assert callbacks == []


def test_a_changes_since_date_of_today_is_sent():
    row = TransferRequestFactory(status=RequestStatus.READY)

    batch = transfer_requests_send(
        request_ids=[row.pk],
        mode=RequestMode.CHANGES_SINCE,
        changed_since=timezone.localdate(),
        user="anna",
    )

    assert batch is not None
    assert batch.requests.get().changed_since == timezone.localdate()


def test_an_unknown_mode_is_refused():
    row = TransferRequestFactory()

    with pytest.raises(ValueError):
        transfer_requests_send(request_ids=[row.pk], mode="everything", changed_since=None, user="")

    row.refresh_from_db()
    assert row.status == RequestStatus.READY


def test_sending_many_requests_costs_the_same_queries_as_sending_a_few(
    django_capture_on_commit_callbacks,
):
    few = [row.pk for row in _ready_requests(3)]
    many = [row.pk for row in _ready_requests(40)]

    with django_capture_on_commit_callbacks(), CaptureQueriesContext(connection) as small:
        transfer_requests_send(request_ids=few, mode="changes_since", changed_since=None, user="a")
    with django_capture_on_commit_callbacks(), CaptureQueriesContext(connection) as large:
        transfer_requests_send(request_ids=many, mode="changes_since", changed_since=None, user="a")

    assert len(large) == len(small)


# --- retry -----------------------------------------------------------------------------


def test_retrying_a_failed_request_sends_it_again_with_a_new_endpoint_id(
    django_capture_on_commit_callbacks,
):
    failed = TransferRequestFactory(
        status=RequestStatus.FAILED, error="Onbekende leerling", attempts=3, mode="changes_since"
    )
    old_public_id = failed.public_id

    with django_capture_on_commit_callbacks() as callbacks:
        count = transfer_requests_retry(request_ids=[failed.pk], user="anna")

    failed.refresh_from_db()
    assert count == 1
    assert failed.status == RequestStatus.REQUESTED
    assert failed.public_id != old_public_id
    assert (failed.error, failed.attempts, failed.mode) == ("", 0, "changes_since")
    assert failed.batch.created_by == "anna"
    assert _queued(callbacks) == [("oso_requests.submit_requests", [failed.pk], None)]


def test_retry_leaves_requests_that_did_not_fail_alone():
    done = TransferRequestFactory(status=RequestStatus.PROCESSED)
    ready = TransferRequestFactory(status=RequestStatus.READY)

    assert transfer_requests_retry(request_ids=[done.pk, ready.pk], user="anna") == 0
    done.refresh_from_db()
    ready.refresh_from_db()
    assert (done.status, ready.status) == (RequestStatus.PROCESSED, RequestStatus.READY)


def test_retry_skips_a_student_who_has_another_open_request():
    failed = TransferRequestFactory(status=RequestStatus.FAILED)
    TransferRequestFactory(student=failed.student, status=RequestStatus.READY)

    assert transfer_requests_retry(request_ids=[failed.pk], user="anna") == 0
    failed.refresh_from_db()
    assert failed.status == RequestStatus.FAILED


# --- delete ----------------------------------------------------------------------------


def test_only_ready_requests_can_be_deleted():
    ready = TransferRequestFactory(status=RequestStatus.READY)
    sent = TransferRequestFactory(status=RequestStatus.REQUESTED)

    assert transfer_requests_delete(request_ids=[ready.pk, sent.pk], user="anna") == 1
    assert list(TransferRequest.objects.values_list("id", flat=True)) == [sent.pk]


# --- signup group re-request -----------------------------------------------------------


def _with_final_test(student, *, last=dt.date(2021, 5, 10)):
    prior = PriorEducationFactory(student=student, last_dossier_date=last)
    FinalTestResult.objects.create(prior_education=prior, test_type_code="0013", standard_score=88)
    return student


def test_rerequesting_a_group_sends_only_students_that_need_it(django_capture_on_commit_callbacks):
    group = SignupGroupFactory(name="Groep 8 - Test", school_year="2021-2022")
    complete = _with_final_test(StudentFactory(signup_group=group, elk_dot=ElkDot.GREEN))
    blue = _with_final_test(StudentFactory(signup_group=group, elk_dot=ElkDot.BLUE))
    no_test = StudentFactory(signup_group=group)
    PriorEducationFactory(student=no_test, last_dossier_date=dt.date(2021, 3, 20))
    failed = _with_final_test(StudentFactory(signup_group=group))
    TransferRequestFactory(student=failed, status=RequestStatus.FAILED)
    busy = StudentFactory(signup_group=group)
    TransferRequestFactory(student=busy, status=RequestStatus.WAITING)
    other_group = StudentFactory(signup_group=SignupGroupFactory(name="Andere groep"))

    with django_capture_on_commit_callbacks() as callbacks:
        batch = signup_group_rerequest(signup_group_id=group.pk, user="anna")

    sent = set(batch.requests.values_list("student_id", flat=True))
    assert sent == {blue.pk, no_test.pk, failed.pk}
    assert complete.pk not in sent and busy.pk not in sent and other_group.pk not in sent
    assert batch.signup_group == group
    assert set(batch.requests.values_list("mode", flat=True)) == {RequestMode.CHANGES_SINCE}
    no_test_request = batch.requests.get(student=no_test)
    assert no_test_request.changed_since == dt.date(2021, 3, 20)
    assert len(_queued(callbacks)) == 1


def test_rerequesting_a_group_where_nobody_needs_it_sends_nothing():
    group = SignupGroupFactory(name="Groep 8 - Klaar", school_year="2021-2022")
    _with_final_test(StudentFactory(signup_group=group, elk_dot=ElkDot.GREEN))

    assert signup_group_rerequest(signup_group_id=group.pk, user="anna") is None
    assert RequestBatch.objects.count() == 0


def test_an_unreachable_broker_loses_nothing_the_sweeper_queues_the_rows_later(
    monkeypatch, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone
    from kombu.exceptions import OperationalError

    from requests.services.pipeline import transfer_requests_sweep
    from requests.tasks import submit_requests

    def broker_down(*args, **kwargs):
        raise OperationalError("connection refused")

    ids = [row.pk for row in _ready_requests(2)]
    monkeypatch.setattr(submit_requests, "apply_async", broker_down)

    with django_capture_on_commit_callbacks(execute=True):
        batch = transfer_requests_send(
            request_ids=ids, mode=RequestMode.CURRENT, changed_since=None, user="anna"
        )

    rows = list(batch.requests.all())
    assert {row.status for row in rows} == {RequestStatus.REQUESTED}
    reserved_until = max(row.claimed_until for row in rows)
    assert transfer_requests_sweep().total == 0  # still within the reservation
    monkeypatch.undo()
    with django_capture_on_commit_callbacks() as callbacks:
        swept = transfer_requests_sweep(now=reserved_until + timedelta(seconds=1))
    assert sorted(swept.submit_ids) == sorted(ids)
    assert _queued(callbacks) == [("oso_requests.submit_requests", sorted(ids), None)]
    assert reserved_until > timezone.now()


# --- audit -----------------------------------------------------------------------------


def _audit_inserts(queries) -> int:
    return sum(1 for q in queries.captured_queries if q["sql"].startswith('INSERT INTO "audit_'))


def _entries(action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=action).order_by("student_number"))


def _assert_no_bsn(entries: list[AuditEntry], students) -> None:
    bsns = {s.bsn for s in students if s.bsn}
    for entry in entries:
        text = entry.summary + json.dumps(entry.details)
        assert not [bsn for bsn in bsns if bsn in text]
        assert find_identifiers(text) == []


def test_adding_students_records_one_entry_per_added_student_in_one_insert():
    students = StudentFactory.create_batch(40)
    busy = students[0]
    TransferRequestFactory(student=busy, status=RequestStatus.WAITING)

    with CaptureQueriesContext(connection) as queries:
        transfer_requests_add(student_ids=[s.pk for s in students], user="anna")

    entries = _entries(AuditAction.REQUEST_ADDED)
    assert [(e.student_id, e.student_number) for e in entries] == [
        (s.pk, s.student_number) for s in students[1:]
    ]
    assert {e.actor for e in entries} == {"anna"}
    assert _audit_inserts(queries) == 1
    _assert_no_bsn(entries, students)


def test_sending_records_who_sent_which_student_with_mode_date_and_batch():
    requests = _ready_requests(3)
    since = dt.date(2021, 4, 1)

    batch = transfer_requests_send(
        request_ids=[r.pk for r in requests], mode="changes_since", changed_since=since, user="anna"
    )

    entries = _entries(AuditAction.REQUEST_SENT)
    assert sorted((e.student_id, e.student_number) for e in entries) == sorted(
        (r.student_id, r.student.student_number) for r in requests
    )
    for entry in entries:
        assert entry.actor == "anna"
        assert entry.details["batch_id"] == batch.pk
        assert entry.details["mode"] == "changes_since"
        assert entry.details["changed_since"] == "2021-04-01"
        assert "2021-04-01" in entry.summary and str(batch.pk) in entry.summary
    _assert_no_bsn(entries, [r.student for r in requests])


def test_sending_many_writes_the_audit_entries_in_one_insert(django_capture_on_commit_callbacks):
    requests = _ready_requests(40)

    with django_capture_on_commit_callbacks(), CaptureQueriesContext(connection) as queries:
        transfer_requests_send(
            request_ids=[r.pk for r in requests], mode="current", changed_since=None, user="a"
        )

    assert _audit_inserts(queries) == 1
    assert len(_entries(AuditAction.REQUEST_SENT)) == 40


def test_a_double_submit_records_the_send_once():
    ids = [r.pk for r in _ready_requests(2)]

    transfer_requests_send(request_ids=ids, mode="current", changed_since=None, user="anna")
    transfer_requests_send(request_ids=ids, mode="current", changed_since=None, user="anna")

    assert len(_entries(AuditAction.REQUEST_SENT)) == 2


def test_retrying_records_each_retried_student():
    failed = TransferRequestFactory(status=RequestStatus.FAILED, mode="current")
    done = TransferRequestFactory(status=RequestStatus.PROCESSED)

    transfer_requests_retry(request_ids=[failed.pk, done.pk], user="bert")

    (entry,) = _entries(AuditAction.REQUEST_RETRIED)
    assert (entry.actor, entry.student_id) == ("bert", failed.student_id)
    assert entry.student_number == failed.student.student_number
    failed.refresh_from_db()
    assert entry.details["batch_id"] == failed.batch_id
    _assert_no_bsn([entry], [failed.student])


def test_deleting_records_only_the_requests_that_were_deleted():
    ready = TransferRequestFactory(status=RequestStatus.READY)
    sent = TransferRequestFactory(status=RequestStatus.REQUESTED)

    transfer_requests_delete(request_ids=[ready.pk, sent.pk], user="anna")

    (entry,) = _entries(AuditAction.REQUEST_DELETED)
    assert (entry.actor, entry.student_id, entry.student_number) == (
        "anna",
        ready.student_id,
        ready.student.student_number,
    )
    assert entry.details["request_id"] == ready.pk


def test_a_group_rerequest_records_the_add_and_the_send_by_the_user():
    group = SignupGroupFactory(name="Groep 8 - Audit", school_year="2021-2022")
    student = StudentFactory(signup_group=group, elk_dot=ElkDot.BLUE)
    PriorEducationFactory(student=student, last_dossier_date=dt.date(2021, 3, 20))

    batch = signup_group_rerequest(signup_group_id=group.pk, user="anna")

    (added,) = _entries(AuditAction.REQUEST_ADDED)
    (sent,) = _entries(AuditAction.REQUEST_SENT)
    assert (added.actor, added.student_id) == ("anna", student.pk)
    assert (sent.actor, sent.student_id, sent.details["batch_id"]) == ("anna", student.pk, batch.pk)
    assert sent.details["changed_since"] == "2021-03-20"
    _assert_no_bsn([added, sent], [student])


def test_a_service_called_without_a_user_records_the_system_as_actor():
    student = StudentFactory()

    transfer_requests_add(student_ids=[student.pk], user="")

    (entry,) = _entries(AuditAction.REQUEST_ADDED)
    assert entry.actor == SYSTEM_ACTOR


def test_sending_and_retrying_use_one_reset_and_the_id_slices_from_settings(
    settings, demo_students
):
    """A small OSO_ID_CHUNK_SIZE changes nothing but the number of statements."""
    from requests.services import transfer_requests_retry

    settings.OSO_ID_CHUNK_SIZE = 2
    students = list(demo_students.values())[:5]
    added = transfer_requests_add(student_ids=[s.pk for s in students], user="anna")
    assert added.added == 5
    batch = transfer_requests_send(
        request_ids=list(added.request_ids), mode="current", changed_since=None, user="anna"
    )
    rows = list(batch.requests.order_by("id"))
    assert len(rows) == 5
    assert {r.status for r in rows} == {RequestStatus.REQUESTED}
    assert all(r.sent_at is None and r.claimed_until is not None for r in rows)
    TransferRequest.objects.filter(id__in=[r.id for r in rows]).update(
        status=RequestStatus.FAILED, session_id="s-1", wait_reason="x", attempts=3, polls=2
    )
    assert transfer_requests_retry(request_ids=[r.id for r in rows], user="anna") == 5
    retried = list(TransferRequest.objects.filter(id__in=[r.id for r in rows]))
    assert {r.status for r in retried} == {RequestStatus.REQUESTED}
    assert all(
        (r.session_id, r.wait_reason, r.attempts, r.polls, r.sent_at) == ("", "", 0, 0, None)
        for r in retried
    )
