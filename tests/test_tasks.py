"""The Celery tasks: thin, safe to deliver twice, ids only in their arguments."""

from __future__ import annotations

import datetime as dt

import pytest

from oso_portal.celery import app
from requests.models import RequestStatus, TransferRequest
from requests.services import transfer_requests_add, transfer_requests_send
from requests.tasks import (
    poll_due_requests,
    poll_requests,
    read_elk_feed,
    submit_requests,
    sweep_stuck_requests,
)
from students.models import ReceivedDossier

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
    assert ReceivedDossier.objects.filter(source_name=f"oso-{request.public_id}.xml").count() == 1
    assert elk_mock.stats()["submit_items"] == 1


def test_the_periodic_tasks_run_with_nothing_to_do(elk_mock):
    assert poll_due_requests.run() == {"submit": 0, "poll": 0}
    assert sweep_stuck_requests.run() == {"submit": 0, "poll": 0}
    assert read_elk_feed.run()["requests_sent"] == 0
