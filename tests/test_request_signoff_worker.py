"""Sign-offs and waits with real processes: a Celery worker (and beat) on the transactional test
database, against the mock endpoint. Every final request is signed off exactly once, also when
its tasks are delivered again; a waiting pupil's file reaches the card by polling, with no click.
(Notifications are off here: tests/test_notifications_worker.py covers that path.)
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from elk_mock.dataset import DEMO_MAY_DATE
from requests.models import (
    FINAL_STATUSES,
    RequestSignoff,
    RequestStatus,
    SignoffStatus,
    TransferRequest,
    WaitReason,
)
from requests.selectors import SETTLED_STATUSES
from requests.tasks import poll_requests, sign_off_requests, submit_requests
from tests.conftest_worker import wait_until
from tests.request_support import demo_sign_up, requests_send

pytestmark = [pytest.mark.worker, pytest.mark.slow]

AFTER_MAY = DEMO_MAY_DATE + dt.timedelta(days=1)
BRAM_RELEASED = dt.date(2021, 3, 29)
POLLING_ONLY = {"OSO_NOTIFICATIONS": "0"}


def _succeeded(pipeline_processes, task_name: str) -> int:
    log = "\n".join(p.log_text() for p in pipeline_processes.started if p.kind == "worker")
    return sum(
        1 for line in log.splitlines() if f"{task_name}[" in line and " succeeded in " in line
    )


def _all_signed_off(request_ids) -> bool:
    finals = TransferRequest.objects.filter(id__in=request_ids, status__in=FINAL_STATUSES)
    done = RequestSignoff.objects.filter(request_id__in=request_ids, status=SignoffStatus.DONE)
    return finals.count() == done.count() == len(request_ids)


def test_every_final_request_is_signed_off_once_also_when_its_tasks_are_redelivered(
    pipeline_processes, elk_mock, demo_students
):
    elk_mock.set_clock(AFTER_MAY)
    pipeline_processes.worker(**POLLING_ONLY)
    keys = ["demo-01", "demo-02", "demo-03", "demo-05", "demo-07", "demo-10"]
    batch = requests_send([demo_students[key] for key in keys])
    ids = list(batch.requests.values_list("id", flat=True))
    wait_until(lambda: not batch.requests.exclude(status__in=SETTLED_STATUSES).exists(), timeout=60)
    wait_until(lambda: _all_signed_off(ids), timeout=30)
    signoff_ids = list(RequestSignoff.objects.values_list("id", flat=True))
    before = {
        name: _succeeded(pipeline_processes, f"oso_requests.{name}")
        for name in ("submit_requests", "poll_requests", "sign_off_requests")
    }

    # Every task of the batch delivered twice more, after the work is done.
    for _ in range(2):
        submit_requests.delay(ids)
        poll_requests.delay(ids)
        sign_off_requests.delay(signoff_ids)
    wait_until(
        lambda: all(
            _succeeded(pipeline_processes, f"oso_requests.{name}") >= count + 2
            for name, count in before.items()
        ),
        timeout=60,
    )

    stats = elk_mock.stats()
    assert stats["signoff_items"] == len(ids)  # one sign-off per request
    assert stats["signoff_repeats"] == 0
    assert RequestSignoff.objects.count() == len(ids)
    results = dict(RequestSignoff.objects.values_list("request__student__student_number", "result"))
    assert set(results.values()) <= {"dossier", "not_changed"}


def test_both_waits_end_on_the_card_by_polling_with_no_click_and_are_signed_off_once(
    pipeline_processes, elk_mock, demo_students
):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    from requests.services.beat import periodic_tasks_sync

    periodic_tasks_sync()
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period="seconds")
    PeriodicTask.objects.filter(
        name__in=["oso-poll-due-requests", "oso-sweep-stuck-requests"]
    ).update(interval=every_second)
    PeriodicTask.objects.filter(name="oso-read-elk-feed").update(enabled=False)
    bram, jesse = demo_students["demo-16"], demo_sign_up("aanm-08")
    pipeline_processes.worker(**POLLING_ONLY)
    pipeline_processes.beat(**POLLING_ONLY)
    batch = requests_send([bram, jesse])
    ids = list(batch.requests.values_list("id", flat=True))

    def waiting_with_reasons():
        rows = {r.student_id: r for r in batch.requests.all()}
        return (
            rows[bram.pk].status == rows[jesse.pk].status == RequestStatus.WAITING
            and (rows[bram.pk].wait_reason, rows[jesse.pk].wait_reason)
            == (WaitReason.NOT_INSPECTED, WaitReason.NOT_AVAILABLE)
            and rows
        )

    rows = wait_until(waiting_with_reasons, timeout=30)
    with translation.override("nl"):
        assert "De ouders hebben het dossier nog niet ingezien." in rows[bram.pk].remark_texts[0]
        assert (
            "De basisschool heeft nog geen dossier vrijgegeven." in (rows[jesse.pk].remark_texts[0])
        )
        assert "Wordt opnieuw gevraagd op" in rows[jesse.pk].remark_texts[0]

    elk_mock.set_clock(BRAM_RELEASED)  # the parents have seen it: the school releases it
    bram_request = TransferRequest.objects.get(student=bram)
    wait_until(
        lambda: TransferRequest.objects.get(pk=bram_request.pk).status == RequestStatus.PROCESSED,
        timeout=60,
    )
    bram.prior_education.refresh_from_db()
    assert bram.prior_education.last_dossier_date == dt.date(2021, 3, 15)
    assert TransferRequest.objects.get(student=jesse).status == RequestStatus.WAITING

    elk_mock.set_clock(DEMO_MAY_DATE)  # Jesse's first file is released
    wait_until(
        lambda: TransferRequest.objects.get(student=jesse).status == RequestStatus.PROCESSED,
        timeout=60,
    )
    jesse.prior_education.refresh_from_db()
    assert jesse.prior_education.last_dossier_date == DEMO_MAY_DATE

    wait_until(lambda: _all_signed_off(ids), timeout=30)
    stats = elk_mock.stats()
    assert (stats["signoff_items"], stats["signoff_repeats"]) == (2, 0)
    assert set(RequestSignoff.objects.values_list("result", flat=True)) == {"dossier"}
