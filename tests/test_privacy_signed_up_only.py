"""OSO's privacy rule: a file is requested only for a pupil signed up at the school in a group.

This walks every way of requesting (the pages, the admin actions, the command, beat's tasks,
the ELK feed, the worker's submit) with a pupil in no signup group, next to one who is in a
group, and checks that only the signed-up pupil is ever asked for.
"""

from __future__ import annotations

import datetime as dt
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from requests.client import Feed, Placement
from requests.models import OPEN_STATUSES, RequestStatus, TransferRequest
from requests.services.elk_feed import elk_blue_dots_rerequest, elk_feed_apply
from requests.services.pipeline import transfer_requests_submit
from requests.tasks import read_elk_feed
from students.models import ElkDot, Student
from tests.factories import (
    PriorEducationFactory,
    SignupGroupFactory,
    TransferRequestFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pupils():
    """(signed up, not signed up): both with a file, a blue dot and a placement."""
    group = SignupGroupFactory()
    inside = PriorEducationFactory(
        student__signup_group=group, student__elk_dot=ElkDot.BLUE
    ).student
    outside = PriorEducationFactory(
        student__signup_group=None, student__elk_dot=ElkDot.BLUE
    ).student
    return inside, outside


def _asked_for(student: Student) -> bool:
    return (
        TransferRequest.objects.filter(student=student, status__in=OPEN_STATUSES)
        .exclude(status=RequestStatus.READY)
        .exists()
        or TransferRequest.objects.filter(student=student, status=RequestStatus.READY).exists()
    )


def test_the_search_page_adds_no_request_for_a_pupil_in_no_group(portal_client, pupils):
    inside, outside = pupils

    portal_client.post(
        reverse("students:add_to_requests"), {"student_ids": [inside.pk, outside.pk]}
    )

    assert _asked_for(inside) and not _asked_for(outside)


def test_the_send_and_retry_pages_do_not_send_for_a_pupil_in_no_group(
    portal_client, pupils, django_capture_on_commit_callbacks
):
    _inside, outside = pupils
    # Rows made before the pupil left the group (or by hand): they must not go out.
    ready = TransferRequestFactory(student=outside, status=RequestStatus.READY)
    failed = TransferRequestFactory(student=outside, status=RequestStatus.FAILED)
    TransferRequest.objects.filter(pk=failed.pk).update(status=RequestStatus.FAILED)

    with django_capture_on_commit_callbacks():
        portal_client.post(
            reverse("oso_requests:send"), {"request_ids": [ready.pk], "mode": "current"}
        )
        ready.delete()
        portal_client.post(reverse("oso_requests:retry"), {"request_ids": [failed.pk]})

    failed.refresh_from_db()
    assert failed.status == RequestStatus.FAILED
    assert not TransferRequest.objects.filter(student=outside, status=RequestStatus.REQUESTED)


def test_the_admin_actions_do_not_send_for_a_pupil_in_no_group(
    client, pupils, django_capture_on_commit_callbacks
):
    _inside, outside = pupils
    client.force_login(UserFactory(username="beheer", is_staff=True, is_superuser=True))
    ready = TransferRequestFactory(student=outside, status=RequestStatus.READY)
    url = reverse("admin:oso_requests_transferrequest_changelist")

    with django_capture_on_commit_callbacks():
        client.post(url, {"action": "send_current", "_selected_action": [ready.pk]})
    ready.refresh_from_db()
    assert ready.status == RequestStatus.READY

    ready.status = RequestStatus.FAILED
    ready.save()
    with django_capture_on_commit_callbacks():
        client.post(url, {"action": "retry_failed", "_selected_action": [ready.pk]})
    ready.refresh_from_db()
    assert ready.status == RequestStatus.FAILED


def test_request_dossiers_asks_only_for_the_groups_pupils(
    pupils, django_capture_on_commit_callbacks
):
    inside, outside = pupils

    with django_capture_on_commit_callbacks():
        call_command("request_dossiers", "--signup-group", inside.signup_group.name, stdout=None)

    assert _asked_for(inside) and not _asked_for(outside)


def test_beat_and_the_feed_never_ask_for_a_pupil_in_no_group(
    pupils, elk_mock, django_capture_on_commit_callbacks
):
    inside, outside = pupils

    with django_capture_on_commit_callbacks():
        elk_blue_dots_rerequest()
        read_elk_feed()  # what beat runs: read the feed, re-request blue dots

    assert _asked_for(inside) and not _asked_for(outside)


def test_a_placement_of_a_known_pupil_in_no_group_signs_nobody_up_and_asks_nothing(pupils):
    _inside, outside = pupils
    placement = Placement(
        bsn=outside.bsn,
        education_number="",
        status="Geplaatst",
        date=dt.date(2021, 3, 12),
        birth_date=outside.birth_date,
        surname=outside.surname,
        primary_school_brin=outside.primary_school.brin,
    )
    before = Student.objects.count()

    elk_feed_apply(
        feed=Feed(as_of=datetime(2021, 3, 20, tzinfo=UTC), placements=(placement,), changed=())
    )

    assert Student.objects.count() == before
    assert not _asked_for(outside)


def test_the_worker_does_not_submit_a_queued_request_of_a_pupil_who_left_every_group(pupils):
    _inside, outside = pupils
    queued = TransferRequestFactory(student=outside, status=RequestStatus.REQUESTED)

    outcome = transfer_requests_submit(request_ids=[queued.pk])

    queued.refresh_from_db()
    assert queued.status == RequestStatus.FAILED
    assert queued.error == "Niet verstuurd: de leerling is niet aangemeld in een aanmeldingsgroep."
    assert outcome.poll_ids == []
