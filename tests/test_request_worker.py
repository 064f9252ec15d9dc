"""The request pipeline end to end with real processes: a Celery worker (and beat) started here,
on the transactional test database, against the mock endpoint. Redis when CELERY_BROKER_URL is
set (CI), kombu's filesystem transport otherwise. Nothing runs in eager mode.
"""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

import pytest
from django.utils import timezone

from requests.models import (
    FINAL_STATUSES,
    OPEN_STATUSES,
    ElkFeedRead,
    RequestBatch,
    RequestMode,
    RequestStatus,
    TransferRequest,
)
from requests.selectors import SETTLED_STATUSES
from requests.services.elk_feed import ELK_FEED_USER
from requests.tasks import poll_due_requests, poll_requests, submit_requests, sweep_stuck_requests
from students.models import ElkDot, FinalTestResult, ReceivedDossier
from tests.conftest_worker import wait_until
from tests.request_support import requests_send

pytestmark = [pytest.mark.worker, pytest.mark.slow]

AFTER_MAY = dt.date(2021, 5, 11)  # the May files are out, the late one (demo-12) is not
AFTER_LATE_MAY = dt.date(2021, 5, 26)  # every file is out
# A file came back and went through (remarks: e.g. a secret address left out).
FETCHED = {
    RequestStatus.PROCESSED,
    RequestStatus.PROCESSED_WITH_REMARKS,
    RequestStatus.NOT_CHANGED,
}


def _statuses(batch: RequestBatch) -> dict[str, str]:
    """Status per demo key (the student number order follows demo-01, demo-02, ...)."""
    rows = batch.requests.select_related("student").order_by("student__student_number")
    return {f"demo-{i:02d}": row.status for i, row in enumerate(rows, start=1)}


def _settled(batch: RequestBatch) -> bool:
    return not batch.requests.exclude(status__in=SETTLED_STATUSES).exists()


def _dossiers_per_request(batch: RequestBatch) -> dict[int, int]:
    return {
        # Every dossier of the pupil but the first, which the fixture imported.
        row.id: ReceivedDossier.objects.filter(student_id=row.student_id)
        .exclude(received_by="test")
        .count()
        for row in batch.requests.all()
    }


def test_a_batch_reaches_final_statuses_and_the_card_shows_the_final_test_and_revised_advice(
    pipeline_processes, elk_mock, demo_students
):
    elk_mock.set_clock(AFTER_MAY)
    pipeline_processes.worker()

    batch = requests_send(list(demo_students.values()))
    assert set(batch.requests.values_list("status", flat=True)) == {RequestStatus.REQUESTED}
    wait_until(lambda: _settled(batch), timeout=60)

    statuses = _statuses(batch)
    assert statuses["demo-01"] == RequestStatus.PROCESSED
    assert statuses["demo-03"] == RequestStatus.NOT_CHANGED  # no newer file than the first
    assert statuses["demo-12"] == RequestStatus.WAITING  # the late May file is not released
    assert set(statuses.values()) <= {*FINAL_STATUSES, RequestStatus.WAITING}
    assert RequestStatus.FAILED not in statuses.values()
    card = demo_students["demo-01"].prior_education
    card.refresh_from_db()
    assert card.revised_advice_code and card.revised_advice_motivation
    final_test = FinalTestResult.objects.get(prior_education=card)
    assert final_test.standard_score is not None and final_test.test_advice
    assert set(_dossiers_per_request(batch).values()) <= {0, 1}

    # The late file: released by the clock, fetched by the periodic poll, no click.
    elk_mock.set_clock(AFTER_LATE_MAY)
    late = batch.requests.get(student=demo_students["demo-12"])
    wait_until(lambda: late.next_attempt_at <= timezone.now(), timeout=5)
    poll_due_requests.delay()
    wait_until(
        lambda: TransferRequest.objects.get(pk=late.pk).status == RequestStatus.PROCESSED,
        timeout=30,
    )
    assert FinalTestResult.objects.filter(prior_education__student=demo_students["demo-12"])
    batch.refresh_from_db()
    assert batch.finished_at is not None


def test_a_changes_since_request_for_an_unchanged_file_gives_not_changed(
    pipeline_processes, elk_mock, demo_students
):
    pipeline_processes.worker()

    batch = requests_send(
        [demo_students["demo-03"], demo_students["demo-09"]], mode="changes_since"
    )
    wait_until(lambda: _settled(batch), timeout=30)

    assert set(batch.requests.values_list("status", flat=True)) == {RequestStatus.NOT_CHANGED}


def test_a_worker_killed_mid_batch_loses_no_request_and_merges_none_twice(
    pipeline_processes, elk_mock, demo_students, settings
):
    settings.OSO_REQUEST_CHUNK_SIZE = 2
    settings.OSO_REQUEST_DISPATCH_GRACE_SECONDS = 4
    leases = {"OSO_REQUEST_CLAIM_SECONDS": "4", "OSO_REQUEST_DISPATCH_GRACE_SECONDS": "4"}
    elk_mock.set_clock(AFTER_LATE_MAY)
    elk_mock.set_faults(latency=0.3)
    worker = pipeline_processes.worker(**leases)

    batch = requests_send(list(demo_students.values()))
    wait_until(lambda: batch.requests.filter(status__in=FINAL_STATUSES).count() >= 4, timeout=60)
    worker.kill()
    at_kill = batch.requests.filter(status__in=OPEN_STATUSES).count()
    assert at_kill > 0, "the batch finished before the kill; the test proved nothing"

    pipeline_processes.worker(**leases)

    def swept_and_settled() -> bool:
        if _settled(batch):
            return True
        sweep_stuck_requests.delay()  # what beat does every minute
        return False

    wait_until(swept_and_settled, timeout=90, interval=2)
    statuses = set(batch.requests.values_list("status", flat=True))
    assert statuses <= FETCHED
    merged = _dossiers_per_request(batch)
    assert set(merged.values()) == {1}, merged  # every file merged exactly once
    assert ReceivedDossier.objects.exclude(received_by="test").count() == 16


def test_with_5xx_and_timeouts_every_request_still_ends_processed_with_bounded_calls(
    pipeline_processes, elk_mock, demo_students, settings
):
    settings.OSO_REQUEST_CHUNK_SIZE = 4
    elk_mock.set_clock(AFTER_LATE_MAY)
    elk_mock.set_faults(error_rate=0.3, timeout_rate=0.1, hang_seconds=1.0, seed=7)
    pipeline_processes.worker(OSO_ENDPOINT_READ_TIMEOUT="0.5")

    batch = requests_send(list(demo_students.values()))
    wait_until(lambda: _settled(batch), timeout=120)

    statuses = set(batch.requests.values_list("status", flat=True))
    assert statuses <= FETCHED
    stats = elk_mock.stats()
    chunks = 16 // 4
    calls = stats["submit_calls"] + stats["results_calls"]
    assert stats["injected_error"] + stats["injected_timeout"] > 0
    # One good submit and one good results call per chunk; the mock never fails more than
    # 3 calls in a row, so each good call costs at most 4.
    assert 2 * chunks <= calls <= 4 * 2 * chunks
    assert set(_dossiers_per_request(batch).values()) == {1}


def test_invalid_xml_gives_failed_with_a_reason_and_leaves_the_student_untouched(
    pipeline_processes, elk_mock, demo_students
):
    student = demo_students["demo-01"]
    elk_mock.set_clock(AFTER_MAY)
    elk_mock.set_faults(invalid_xml_rate=1.0)
    before = (student.prior_education.revised_advice_code, ReceivedDossier.objects.count())
    pipeline_processes.worker()

    batch = requests_send([student])
    wait_until(lambda: _settled(batch), timeout=30)

    request = batch.requests.get()
    assert request.status == RequestStatus.FAILED
    assert "XML" in request.error
    student.prior_education.refresh_from_db()
    assert (student.prior_education.revised_advice_code, ReceivedDossier.objects.count()) == before
    assert not FinalTestResult.objects.filter(prior_education__student=student).exists()


def _succeeded(pipeline_processes, task_name: str) -> int:
    """How many runs of this task the workers logged as succeeded."""
    log = "\n".join(p.log_text() for p in pipeline_processes.started if p.kind == "worker")
    return sum(
        1 for line in log.splitlines() if f"{task_name}[" in line and " succeeded in " in line
    )


def test_the_same_task_delivered_twice_changes_nothing(pipeline_processes, elk_mock, demo_students):
    elk_mock.set_clock(AFTER_MAY)
    pipeline_processes.worker()

    batch = requests_send([demo_students["demo-01"], demo_students["demo-02"]])
    ids = list(batch.requests.values_list("id", flat=True))
    submit_requests.delay(ids)  # the send's own message, delivered twice more
    submit_requests.delay(ids)
    wait_until(
        lambda: _succeeded(pipeline_processes, "oso_requests.submit_requests") >= 3, timeout=30
    )
    wait_until(lambda: _settled(batch), timeout=30)
    settled = list(batch.requests.order_by("id").values_list("id", "status", "last_activity_at"))
    dossiers = ReceivedDossier.objects.count()
    results_calls = elk_mock.stats()["results_calls"]
    polls_before = _succeeded(pipeline_processes, "oso_requests.poll_requests")

    poll_requests.delay(ids)  # and the poll twice more, after the work is done
    poll_requests.delay(ids)
    wait_until(
        lambda: _succeeded(pipeline_processes, "oso_requests.poll_requests") >= polls_before + 2,
        timeout=30,
    )

    assert elk_mock.stats()["submit_items"] == 2  # each request was sent once
    assert elk_mock.stats()["results_calls"] == results_calls  # the duplicates asked nothing
    after = list(batch.requests.order_by("id").values_list("id", "status", "last_activity_at"))
    assert after == settled
    assert ReceivedDossier.objects.count() == dossiers
    assert set(_dossiers_per_request(batch).values()) == {1}


def test_a_blue_dot_leads_with_no_click_to_a_new_request_and_the_new_data_on_the_card(
    pipeline_processes, elk_mock, demo_students
):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    from requests.services.beat import periodic_tasks_sync

    periodic_tasks_sync()
    # Staff retime the schedules in the admin: every second, for this test.
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period="seconds")
    PeriodicTask.objects.filter(
        name__in=["oso-read-elk-feed", "oso-poll-due-requests", "oso-sweep-stuck-requests"]
    ).update(interval=every_second)
    student = demo_students["demo-04"]
    pipeline_processes.worker()
    pipeline_processes.beat()
    # Beat has sent the feed task and the worker ran it: the first read is recorded.
    wait_until(lambda: ElkFeedRead.objects.exists(), timeout=30)

    elk_mock.set_clock(AFTER_MAY)  # the primary school publishes the May file: a blue dot

    def card_has_the_final_test():
        return FinalTestResult.objects.filter(prior_education__student=student).exists()

    wait_until(card_has_the_final_test, timeout=60)
    request = student.transfer_requests.get()
    assert request.created_by == ELK_FEED_USER
    assert request.mode == RequestMode.CHANGES_SINCE
    assert request.status == RequestStatus.PROCESSED
    student.refresh_from_db()
    student.prior_education.refresh_from_db()
    assert student.prior_education.revised_advice_code
    wait_until(lambda: type(student).objects.get(pk=student.pk).elk_dot == ElkDot.GREEN, timeout=10)
    # A pupil whose file did not change got no request.
    assert not demo_students["demo-03"].transfer_requests.exists()
    assert timezone.now() - request.created_at < timedelta(minutes=2)


def test_request_dossiers_waits_for_the_worker_and_exits_1_when_one_failed(
    pipeline_processes, elk_mock, demo_students
):
    from io import StringIO

    from django.core.management import call_command

    elk_mock.set_clock(AFTER_LATE_MAY)
    elk_mock.set_faults(refuse="demo-02")  # the primary school refuses this one
    pipeline_processes.worker()
    out = StringIO()

    with pytest.raises(SystemExit) as exit_:
        call_command(
            "request_dossiers",
            "--signup-group",
            "Groep 8 - Saenredam College",
            "--wait",
            "--timeout",
            "60",
            stdout=out,
        )

    assert exit_.value.code == 1
    counts = dict(line.rsplit(": ", 1) for line in out.getvalue().splitlines())
    assert counts["Mislukt"] == "1"
    assert counts["Aangevraagd"] == counts["Klaar om op te vragen"] == "0"
    assert counts["Wacht op basisschool"] == "0"
    assert sum(int(n) for n in counts.values()) == 16
