"""The Celery tasks: thin, safe to deliver twice, ids only in their arguments."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from common.security import find_identifiers
from oso_portal.celery import app
from requests.models import RequestStatus, TransferRequest
from requests.services import (
    signup_group_rerequest,
    transfer_requests_add,
    transfer_requests_retry,
    transfer_requests_send,
)
from requests.services.elk_feed import elk_blue_dots_rerequest
from requests.services.pipeline import transfer_requests_sweep
from requests.tasks import (
    poll_due_requests,
    poll_requests,
    read_elk_feed,
    submit_requests,
    sweep_stuck_requests,
)
from students.models import ElkDot, ReceivedDossier, Student

pytestmark = pytest.mark.django_db

TASKS = (submit_requests, poll_requests, poll_due_requests, sweep_stuck_requests, read_elk_feed)


@pytest.mark.parametrize("task", TASKS, ids=lambda task: task.name)
def test_every_task_is_acknowledged_late_and_requeued_when_its_worker_dies(task):
    assert task.name.startswith("oso_requests.")
    assert task.acks_late is True
    assert task.reject_on_worker_lost is True
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost
    assert app.conf.worker_prefetch_multiplier == 1


def test_the_send_queues_tasks_with_request_ids_only(
    demo_students, django_capture_on_commit_callbacks
):
    students = list(demo_students.values())[:3]
    transfer_requests_add(student_ids=[s.pk for s in students], user="anna")
    ids = list(TransferRequest.objects.values_list("id", flat=True))

    with django_capture_on_commit_callbacks() as callbacks:
        transfer_requests_send(request_ids=ids, mode="current", changed_since=None, user="anna")

    (publish,) = callbacks
    assert publish.request_ids == sorted(ids)
    assert all(type(value) is int for value in publish.request_ids)
    bsns = {s.bsn for s in students}
    assert not bsns & {str(value) for value in publish.request_ids}


def test_running_the_submit_and_poll_bodies_twice_sends_and_merges_once(elk_mock, demo_students):
    elk_mock.set_clock(dt.date(2021, 5, 11))
    student = demo_students["demo-01"]
    transfer_requests_add(student_ids=[student.pk], user="anna")
    request = TransferRequest.objects.get()
    transfer_requests_send(request_ids=[request.pk], mode="current", changed_since=None, user="a")

    first_submit = submit_requests.run([request.pk])
    second_submit = submit_requests.run([request.pk])
    first_poll = poll_requests.run([request.pk])
    second_poll = poll_requests.run([request.pk])

    assert (first_submit["sent"], second_submit["claimed"]) == (1, 0)
    assert (first_poll["final"], second_poll["claimed"]) == (1, 0)
    request.refresh_from_db()
    assert request.status == RequestStatus.PROCESSED
    fetched = ReceivedDossier.objects.filter(student=student).exclude(received_by="test")
    assert fetched.count() == 1
    assert elk_mock.stats()["submit_items"] == 1


def test_the_periodic_tasks_run_with_nothing_to_do(elk_mock):
    assert poll_due_requests.run() == {"submit": 0, "poll": 0}
    assert sweep_stuck_requests.run() == {"submit": 0, "poll": 0}
    assert read_elk_feed.run()["requests_sent"] == 0


@pytest.fixture
def published(monkeypatch) -> list[tuple[str, tuple, dict]]:
    """Every task the code publishes: (name, args, options), through apply_async or delay."""
    calls: list[tuple[str, tuple, dict]] = []

    def recorder(task):
        def apply_async(args=None, kwargs=None, **options):
            calls.append((task.name, tuple(args or ()), {**(kwargs or {}), **options}))

        return apply_async

    for task in TASKS:
        monkeypatch.setattr(task, "apply_async", recorder(task))
    return calls


def _identifiers_in(calls, students) -> list[str]:
    numbers = {n for s in students for n in (s.bsn, s.education_number) if n}
    text = repr(calls)
    return sorted({n for n in numbers if n in text} | set(find_identifiers(text)))


def test_no_task_is_ever_published_with_a_bsn_in_its_arguments(
    elk_mock, demo_students, published, django_capture_on_commit_callbacks
):
    students = list(demo_students.values())
    group = students[0].signup_group
    elk_mock.set_faults(refuse="demo-02")

    with django_capture_on_commit_callbacks(execute=True):
        transfer_requests_add(student_ids=[s.pk for s in students[:6]], user="anna")
        ids = list(TransferRequest.objects.values_list("id", flat=True))
        transfer_requests_send(request_ids=ids, mode="current", changed_since=None, user="anna")
    with django_capture_on_commit_callbacks(execute=True):
        submit_requests.run(ids)  # queues the results poll
    with django_capture_on_commit_callbacks(execute=True):
        transfer_requests_retry(
            request_ids=TransferRequest.objects.filter(status=RequestStatus.FAILED).values_list(
                "id", flat=True
            ),
            user="anna",
        )
    Student.objects.filter(pk__in=[s.pk for s in students[6:9]]).update(elk_dot=ElkDot.BLUE)
    with django_capture_on_commit_callbacks(execute=True):
        elk_blue_dots_rerequest()
    with django_capture_on_commit_callbacks(execute=True):
        signup_group_rerequest(signup_group_id=group.pk, user="anna")
    later = timezone.now() + dt.timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        transfer_requests_sweep(now=later)

    names = {name for name, _args, _options in published}
    assert names == {"oso_requests.submit_requests", "oso_requests.poll_requests"}
    assert len(published) >= 6
    assert _identifiers_in(published, students) == []
    for _name, args, options in published:
        (request_ids,) = args
        assert all(type(value) is int for value in request_ids)
        assert set(options) <= {"countdown"}
