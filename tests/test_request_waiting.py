"""*Wacht op basisschool* says why: the two waits of the chain, when the request is asked again,
and the end of a wait (the steps called here, against the mock; the real worker polls in
tests/test_request_signoff_worker.py)."""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from elk_mock.dataset import DEMO_MAY_DATE
from requests.models import RequestStatus, TransferRequest, WaitReason
from requests.services.pipeline import (
    transfer_requests_dispatch_due,
    transfer_requests_poll,
    transfer_requests_submit,
)
from students.models import Student
from tests.request_support import demo_sign_up, requests_send

pytestmark = pytest.mark.django_db

BRAM_RELEASED = dt.date(2021, 3, 29)  # demo-16's March file


def _send(student: Student) -> TransferRequest:
    request = requests_send([student]).requests.get()
    transfer_requests_submit(request_ids=[request.pk])
    transfer_requests_poll(request_ids=[request.pk])
    request.refresh_from_db()
    return request


def _poll_when_due(*requests: TransferRequest) -> list[TransferRequest]:
    """What beat does once they are due: dispatch, then the poll task runs."""
    latest = max(request.next_attempt_at or timezone.now() for request in requests)
    due = transfer_requests_dispatch_due(now=latest + timedelta(seconds=1))
    assert sorted(due.poll_ids) == sorted(request.pk for request in requests)
    transfer_requests_poll(request_ids=due.poll_ids)
    for request in requests:
        request.refresh_from_db()
    return list(requests)


def test_a_file_the_parents_have_not_seen_waits_saying_so_and_when_it_is_asked_again(
    elk_mock, demo_students
):
    request = _send(demo_students["demo-16"])

    assert request.status == RequestStatus.WAITING
    assert request.wait_reason == WaitReason.NOT_INSPECTED
    assert request.session_id
    next_at = timezone.localtime(request.next_attempt_at)
    with translation.override("nl"):
        assert request.get_status_display() == "Wacht op basisschool"
        [remark] = request.remark_texts
        assert remark.startswith("De ouders hebben het dossier nog niet ingezien.")
        assert f"{next_at:%d-%m-%Y} om {next_at:%H:%M}" in remark
    with translation.override("en"):
        [remark] = request.remark_texts
        assert remark.startswith("The parents have not seen the file yet.")
        assert f"{next_at:%d-%m-%Y} at {next_at:%H:%M}" in remark


def test_both_waits_end_on_the_card_when_released_with_no_click(elk_mock, demo_students):
    bram = _send(demo_students["demo-16"])
    jesse = _send(demo_sign_up("aanm-08"))
    assert (bram.wait_reason, jesse.wait_reason) == (
        WaitReason.NOT_INSPECTED,
        WaitReason.NOT_AVAILABLE,
    )
    with translation.override("nl"):
        assert jesse.remark_texts[0].startswith(
            "De basisschool heeft nog geen dossier vrijgegeven."
        )

    elk_mock.set_clock(BRAM_RELEASED)
    bram, jesse = _poll_when_due(bram, jesse)
    assert bram.status == RequestStatus.PROCESSED
    assert not any("ingezien" in remark for remark in bram.remark_texts)
    bram.student.prior_education.refresh_from_db()
    assert bram.student.prior_education.last_dossier_date == dt.date(2021, 3, 15)
    # Jesse is still waiting for a file: asked again, still the same wait.
    assert (jesse.status, jesse.wait_reason) == (RequestStatus.WAITING, WaitReason.NOT_AVAILABLE)

    elk_mock.set_clock(DEMO_MAY_DATE)
    [jesse] = _poll_when_due(jesse)
    assert jesse.status == RequestStatus.PROCESSED
    jesse.student.prior_education.refresh_from_db()
    assert jesse.student.prior_education.last_dossier_date == DEMO_MAY_DATE


def test_the_next_question_is_never_after_the_end_of_the_wait(elk_mock, demo_students, settings):
    request = _send(demo_students["demo-16"])
    settings.OSO_WAIT_MAX_DAYS = 1
    TransferRequest.objects.filter(pk=request.pk).update(
        waiting_since=timezone.now() - timedelta(hours=23, minutes=59, seconds=50)
    )
    [request] = _poll_when_due(request)
    assert request.status == RequestStatus.WAITING
    assert request.next_attempt_at <= request.waiting_since + timedelta(days=1)


def test_a_wait_past_its_limit_ends_failed_with_the_reason_and_retry_works(
    elk_mock, demo_students, portal_client
):
    request = _send(demo_students["demo-16"])
    started = request.waiting_since
    assert started is not None
    TransferRequest.objects.filter(pk=request.pk).update(
        waiting_since=timezone.now() - timedelta(days=42, seconds=1)
    )

    [request] = _poll_when_due(request)

    assert request.status == RequestStatus.FAILED
    assert request.completed_at is not None
    with translation.override("nl"):
        assert request.get_status_display() == "Mislukt"
        assert request.error == (
            "Gestopt na 42 dagen wachten: de ouders hebben het dossier nog niet ingezien. "
            "Probeer het later opnieuw."
        )
    with translation.override("en"):
        assert request.error.startswith("Stopped after 42 days of waiting: the parents")

    # *Opnieuw proberen*: a new transfer and a new wait, which now ends with the file.
    # The overview says why, in Dutch.
    page = portal_client.get(reverse("oso_requests:overview"), HTTP_ACCEPT_LANGUAGE="nl")
    assert "Gestopt na 42 dagen wachten: de ouders hebben het dossier nog niet ingezien." in (
        page.content.decode()
    )

    # *Opnieuw proberen* on the page.
    elk_mock.set_clock(BRAM_RELEASED)
    response = portal_client.post(
        reverse("oso_requests:retry"),
        {"request_ids": [request.pk]},
        HTTP_ACCEPT_LANGUAGE="nl",
        follow=True,
    )
    assert "1 mislukte aanvraag wordt opnieuw geprobeerd." in response.content.decode()
    request.refresh_from_db()
    assert (request.status, request.session_id, request.waiting_since) == (
        RequestStatus.REQUESTED,
        "",
        None,
    )
    transfer_requests_submit(request_ids=[request.pk])
    transfer_requests_poll(request_ids=[request.pk])
    request.refresh_from_db()
    assert request.status == RequestStatus.PROCESSED


def test_the_wait_limit_is_a_setting_of_42_days_by_default():
    from django.conf import settings

    assert settings.OSO_WAIT_MAX_DAYS == 42


def test_when_the_next_question_moves_the_remark_says_the_new_moment(elk_mock, demo_students):
    from requests.services.waiting import waiting_remarks_at

    bram = _send(demo_students["demo-16"])
    later = timezone.now() + timedelta(hours=1)  # say, the notification fallback
    TransferRequest.objects.filter(pk=bram.pk).update(
        next_attempt_at=later, remarks=waiting_remarks_at(later)
    )
    bram.refresh_from_db()
    local = timezone.localtime(later)
    with translation.override("nl"):
        assert bram.remark_texts == [
            "De ouders hebben het dossier nog niet ingezien. "
            f"Wordt opnieuw gevraagd op {local:%d-%m-%Y} om {local:%H:%M}."
        ]
