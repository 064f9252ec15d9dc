"""With no click: beat reads ELK's feed, the worker signs up the placed pupils we do not know
and fetches their first files onto new *Vooropleiding* cards (real worker and beat processes)."""

from __future__ import annotations

import pytest

from elk_mock.dataset import demo_signup_pupils
from requests.models import ElkFeedRead, RequestStatus, TransferRequest
from requests.services.elk_feed import ELK_FEED_USER
from students.models import DossierOutcome, PriorEducation, Student
from tests.conftest_worker import wait_until

pytestmark = [pytest.mark.worker, pytest.mark.slow]


def test_placed_but_unknown_pupils_become_students_with_cards_after_the_feed_is_read(
    pipeline_processes, elk_mock, demo_students
):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    from requests.services.beat import periodic_tasks_sync

    periodic_tasks_sync()
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period="seconds")
    PeriodicTask.objects.filter(
        name__in=["oso-read-elk-feed", "oso-poll-due-requests", "oso-sweep-stuck-requests"]
    ).update(interval=every_second)
    # The mock's own list says whom its feed places now without the demo importing them.
    listed = {p["bsn"] or p["educationNumber"] for p in elk_mock.pupils("99XX")
              if p["placed"] and not p["importedByDemo"]}  # fmt: skip
    placed = {p.identifier: p for p in demo_signup_pupils() if p.identifier in listed}
    assert len(placed) == 4
    pipeline_processes.worker()
    pipeline_processes.beat()

    def all_have_cards() -> bool:
        return PriorEducation.objects.filter(
            student__signup_group__name="Aanmeldingen ELK"
        ).count() == len(placed)

    wait_until(all_have_cards, timeout=90, interval=0.5)
    assert ElkFeedRead.objects.exists()
    students = Student.objects.filter(signup_group__name="Aanmeldingen ELK")
    assert {s.bsn or s.education_number for s in students} == set(placed)
    for student in students:
        pupil = placed[student.bsn or student.education_number]
        assert (student.given_name, student.surname) == (pupil.given_name, pupil.surname)
        assert student.dossiers.get().outcome == DossierOutcome.CREATED
    requests = TransferRequest.objects.filter(student__in=students)
    assert {r.created_by for r in requests} == {ELK_FEED_USER}
    assert {r.status for r in requests} == {RequestStatus.PROCESSED}
    # The demo group's pupils were known: none of them was signed up again.
    assert Student.objects.count() == len(demo_students) + len(placed)
