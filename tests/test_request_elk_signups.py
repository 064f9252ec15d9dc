"""ELK's placements of pupils we do not know sign them up and send their first request;
a withdrawn placement stops the pupil's open requests (the feed read against the mock)."""

from __future__ import annotations

import datetime as dt
from datetime import UTC, datetime

import pytest

from audit.models import AuditAction, AuditEntry
from elk_mock.dataset import demo_signup_pupils
from requests.client import Feed, Placement
from requests.models import RequestMode, RequestStatus, TransferRequest
from requests.services.elk_feed import (
    ELK_FEED_USER,
    elk_blue_dots_rerequest,
    elk_feed_apply,
    elk_feed_read,
)
from students.models import ElkDot, ElkStatus, SignupGroup, SignupSource, Student

pytestmark = pytest.mark.django_db

PUPILS = {pupil.key: pupil for pupil in demo_signup_pupils()}
PLACED_BY_START = {"aanm-09", "aanm-10", "aanm-11", "aanm-12"}


def _signed_up() -> dict[str, Student]:
    by_bsn = {pupil.identifier: key for key, pupil in PUPILS.items()}
    return {
        by_bsn[s.bsn or s.education_number]: s
        for s in Student.objects.filter(signup_group__name="Aanmeldingen ELK")
    }


def test_placed_pupils_we_do_not_know_are_signed_up_and_requested_at_once(
    elk_mock, demo_students, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        elk_feed_read()

    signed_up = _signed_up()
    assert set(signed_up) == PLACED_BY_START
    group = SignupGroup.objects.get(name="Aanmeldingen ELK")
    assert group.school_year == "2021-2022"  # placed in March 2021
    evi = signed_up["aanm-09"]
    assert (evi.given_name, evi.surname, evi.birth_date) == ("Evi", "Willems", dt.date(2009, 4, 11))
    assert evi.primary_school.brin == "17LM"
    assert (evi.elk_status, evi.elk_status_date) == (ElkStatus.PLACED, dt.date(2021, 3, 12))
    assert evi.signup_import.source == SignupSource.ELK
    requests = TransferRequest.objects.filter(student__in=signed_up.values())
    assert {r.status for r in requests} == {RequestStatus.REQUESTED}
    assert {r.created_by for r in requests} == {ELK_FEED_USER}
    assert {r.mode for r in requests} == {RequestMode.CURRENT}
    assert "oso_requests.submit_requests" in [c.task.name for c in callbacks]
    entries = AuditEntry.objects.filter(action=AuditAction.SIGNUP_CREATED)
    assert {e.actor for e in entries} == {ELK_FEED_USER}
    assert entries.count() == 4
    # The demo group's pupils were known: nobody else was signed up.
    assert Student.objects.count() == len(demo_students) + 4


def test_a_second_read_signs_up_nobody_twice(elk_mock, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        elk_feed_read()
        first = Student.objects.count()
        elk_feed_read()

    # Without the demo group imported, its placed pupils are strangers too.
    assert first == Student.objects.count() == 16


def test_the_group_name_is_a_setting_and_signing_up_can_be_switched_off(
    elk_mock, settings, django_capture_on_commit_callbacks
):
    settings.OSO_ELK_SIGNUPS = False
    elk_feed_read()
    assert not Student.objects.exists()

    settings.OSO_ELK_SIGNUPS = True
    settings.OSO_ELK_SIGNUP_GROUP = "Via ELK"
    with django_capture_on_commit_callbacks():
        elk_feed_read()
    assert set(Student.objects.values_list("signup_group__name", flat=True)) == {"Via ELK"}


def test_a_placement_in_august_goes_to_the_next_school_years_group(
    django_capture_on_commit_callbacks,
):
    pupil = PUPILS["aanm-02"]
    placement = Placement(
        bsn=pupil.bsn,
        education_number="",
        status="Geplaatst",
        date=dt.date(2021, 8, 20),
        birth_date=pupil.birth_date,
        surname=pupil.surname,
        primary_school_brin=pupil.primary_school_brin,
    )
    bad = Placement(
        bsn="123456789", education_number="", status="Geplaatst", date=dt.date(2021, 3, 1),
        birth_date=None, surname="", primary_school_brin="",
    )  # fmt: skip
    feed = Feed(as_of=datetime(2021, 8, 21, tzinfo=UTC), placements=(placement, bad), changed=())

    with django_capture_on_commit_callbacks():
        elk_feed_apply(feed=feed)

    [student] = Student.objects.all()  # the placement without a valid identity is skipped
    assert student.signup_group.school_year == "2022-2023"


def test_a_withdrawn_placement_stops_the_open_request_and_the_pupil_stays(
    elk_mock, demo_students, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        elk_feed_read()
    evi = _signed_up()["aanm-09"]
    request = evi.transfer_requests.get()
    assert request.status == RequestStatus.REQUESTED

    elk_mock.withdraw("aanm-09")
    elk_feed_read()

    request.refresh_from_db()
    assert request.status == RequestStatus.FAILED
    assert request.error == (
        "Gestopt: ELK heeft de plaatsing ingetrokken. De leerling blijft in het portaal."
    )
    assert request.claim_token is None and request.completed_at is not None
    evi.refresh_from_db()
    assert evi.elk_status == ElkStatus.WITHDRAWN
    stopped = AuditEntry.objects.get(action=AuditAction.REQUEST_STOPPED)
    assert (stopped.actor, stopped.student_id) == (ELK_FEED_USER, evi.pk)
    assert stopped.details["failure"]["code"] == "request.stopped_withdrawn"
    # The others are still placed and still asked for.
    others = TransferRequest.objects.exclude(student=evi)
    assert {r.status for r in others} == {RequestStatus.REQUESTED}
    # No blue dot asks for a withdrawn pupil again.
    Student.objects.filter(pk=evi.pk).update(elk_dot=ElkDot.BLUE)
    assert elk_blue_dots_rerequest() is None


def test_a_placement_that_disappears_from_the_feed_is_withdrawn_too(
    django_capture_on_commit_callbacks,
):
    from tests.factories import StudentFactory, TransferRequestFactory

    placed = StudentFactory(elk_status=ElkStatus.PLACED)
    request = TransferRequestFactory(student=placed, status=RequestStatus.WAITING)
    feed = Feed(as_of=datetime(2021, 5, 1, tzinfo=UTC), placements=(), changed=())

    elk_feed_apply(feed=feed)

    request.refresh_from_db()
    assert request.status == RequestStatus.FAILED
    assert Student.objects.filter(pk=placed.pk).exists()
