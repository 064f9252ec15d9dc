"""The first request of a signed-up pupil, against the mock endpoint (the steps called here).

The submit identifies the pupil with the signup; a refusal ends *Mislukt* with a Dutch
reason that says what to check; after an edit the retry succeeds; the first file fills
the card as *Nieuwe leerling aangemaakt*; a local correction is never sent and survives.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from elk_mock.dataset import demo_signup_pupils
from requests.client import submit_item_for
from requests.models import RequestMode, RequestStatus, TransferRequest
from requests.services import transfer_requests_add, transfer_requests_send
from requests.services.first_requests import signups_request_first
from requests.services.pipeline import transfer_requests_poll, transfer_requests_submit
from requests.services.transfer_requests import transfer_requests_retry
from students.models import DossierOutcome, Student
from students.services.corrections import naw_correction_record
from students.services.signups import signup_update
from tests.request_support import demo_sign_up

pytestmark = pytest.mark.django_db

PUPILS = {pupil.key: pupil for pupil in demo_signup_pupils()}


def send_first(student: Student, django_capture_on_commit_callbacks) -> TransferRequest:
    with django_capture_on_commit_callbacks():  # the tasks are not run: the steps are, below
        first = signups_request_first(student_ids=[student.pk], user="anna", send_now=True)
    assert first.batch is not None
    request = first.batch.requests.get()
    transfer_requests_submit(request_ids=[request.pk])
    transfer_requests_poll(request_ids=[request.pk])
    request.refresh_from_db()
    return request


def test_the_submit_identifies_a_signup_without_a_file_by_the_signup(db):
    student = demo_sign_up("aanm-02")
    naw_correction_record(student=student, field="surname", value="Wijk-Bos", user="anna")
    student = Student.objects.select_related("primary_school").get(pk=student.pk)

    item = submit_item_for(request_id="x", student=student, changed_since=None)

    pupil = PUPILS["aanm-02"]
    assert (item.bsn, item.birth_date, item.primary_school_brin) == (
        pupil.bsn,
        pupil.birth_date,
        "13CD",
    )
    assert item.surname == "Wijk"  # the signup's, never the local correction


def test_the_first_file_fills_the_card_as_a_new_pupil(elk_mock, django_capture_on_commit_callbacks):
    student = demo_sign_up("aanm-02", given_name="", surname="wijk")

    request = send_first(student, django_capture_on_commit_callbacks)

    assert request.status == RequestStatus.PROCESSED
    assert request.dossier.outcome == DossierOutcome.CREATED
    student.refresh_from_db()
    # The signup's names follow the file, which replaces them.
    assert (student.given_name, student.surname) == ("Mees", "Wijk")
    assert student.prior_education.advice_code == "35"
    assert student.dossier_identity["bsn"] == PUPILS["aanm-02"].bsn


def test_a_refusal_ends_failed_saying_what_to_check_and_the_retry_after_an_edit_succeeds(
    elk_mock, django_capture_on_commit_callbacks
):
    pupil = PUPILS["aanm-04"]
    student = demo_sign_up("aanm-04", birth_date=dt.date(2009, 10, 20))

    request = send_first(student, django_capture_on_commit_callbacks)

    assert request.status == RequestStatus.FAILED
    assert "Controleer BSN en geboortedatum" in request.error
    with translation.override("nl"):
        signup_update(student=student, changes={"birth_date": pupil.birth_date}, user="anna")
    with django_capture_on_commit_callbacks():
        assert transfer_requests_retry(request_ids=[request.pk], user="anna") == 1
    transfer_requests_submit(request_ids=[request.pk])
    transfer_requests_poll(request_ids=[request.pk])
    request.refresh_from_db()
    assert request.status == RequestStatus.PROCESSED
    assert request.dossier.outcome == DossierOutcome.CREATED


def test_a_wrong_primary_school_says_to_check_the_brin(
    elk_mock, django_capture_on_commit_callbacks
):
    student = demo_sign_up("aanm-05", primary_school_brin="19QR")

    request = send_first(student, django_capture_on_commit_callbacks)

    assert request.status == RequestStatus.FAILED
    assert "Controleer de BRIN van de basisschool" in request.error


def test_a_corrected_surname_of_a_signup_survives_the_first_file(
    elk_mock, django_capture_on_commit_callbacks
):
    student = demo_sign_up("aanm-01")
    naw_correction_record(student=student, field="surname", value="Kramer-Smit", user="anna")

    request = send_first(student, django_capture_on_commit_callbacks)

    assert request.status == RequestStatus.PROCESSED
    student.refresh_from_db()
    assert student.surname == "Kramer-Smit"
    assert student.dossier_values["surname"] == "Kramer"
    assert any("Kramer-Smit" in remark and "Kramer" in remark for remark in request.remark_texts)


def test_after_the_first_file_a_re_request_asks_for_changes_as_usual(
    elk_mock, django_capture_on_commit_callbacks
):
    student = demo_sign_up("aanm-02")
    send_first(student, django_capture_on_commit_callbacks)
    transfer_requests_add(student_ids=[student.pk], user="anna")
    ready = TransferRequest.objects.get(student=student, status=RequestStatus.READY)

    with django_capture_on_commit_callbacks():
        transfer_requests_send(
            request_ids=[ready.pk], mode=RequestMode.CHANGES_SINCE, changed_since=None, user="anna"
        )
    transfer_requests_submit(request_ids=[ready.pk])
    transfer_requests_poll(request_ids=[ready.pk])

    ready.refresh_from_db()
    assert ready.status == RequestStatus.NOT_CHANGED
    assert ready.changed_since == dt.date(2021, 2, 12)
