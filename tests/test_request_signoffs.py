"""Every transfer the chain took is signed off exactly once with its best result
(requests/services/signoffs.py; the steps called here, against the mock; the real worker in
tests/test_request_signoff_worker.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from elk_mock.dataset import DEMO_MAY_DATE
from requests.models import (
    RequestMode,
    RequestSignoff,
    RequestStatus,
    SignoffStatus,
    TransferRequest,
)
from requests.services import transfer_requests_add
from requests.services.pipeline import transfer_requests_poll, transfer_requests_submit
from requests.services.signoffs import request_signoffs_send, signoffs_create, signoffs_sweep
from requests.services.texts import STOPPED_WITHDRAWN
from requests.services.transfer_requests import transfer_requests_retry, transfer_requests_stop
from tests.request_support import requests_send

pytestmark = pytest.mark.django_db

AFTER_MAY = DEMO_MAY_DATE + timedelta(days=1)


def _send(students, *, mode=RequestMode.CURRENT) -> list[int]:
    batch = requests_send(students, mode=mode)
    ids = list(batch.requests.order_by("id").values_list("id", flat=True))
    transfer_requests_submit(request_ids=ids)
    transfer_requests_poll(request_ids=ids)
    return ids


def _send_pending_signoffs() -> None:
    """What the queued sign-off tasks do."""
    pending = RequestSignoff.objects.filter(status=SignoffStatus.PENDING)
    ids = list(pending.values_list("id", flat=True))
    request_signoffs_send(signoff_ids=ids)


def test_each_finished_request_gets_one_sign_off_with_its_best_result(elk_mock, demo_students):
    elk_mock.set_clock(AFTER_MAY)  # demo-01's May file is out, demo-12's is not
    _send([demo_students["demo-01"], demo_students["demo-12"]])
    _send_pending_signoffs()

    noor = TransferRequest.objects.get(student=demo_students["demo-01"])
    thijs = TransferRequest.objects.get(student=demo_students["demo-12"])
    assert (noor.status, thijs.status) == (RequestStatus.PROCESSED, RequestStatus.WAITING)
    [signoff] = RequestSignoff.objects.all()
    assert (signoff.request_id, signoff.public_id, signoff.session_id) == (
        noor.id,
        noor.public_id,
        noor.session_id,
    )
    assert (signoff.result, signoff.status) == ("dossier", SignoffStatus.DONE)
    assert signoff.signed_off_at is not None
    stats = elk_mock.stats()
    assert (stats["signoff_calls"], stats["signoff_items"], stats["signoff_repeats"]) == (1, 1, 0)


def test_a_redelivered_poll_or_sign_off_task_signs_off_nothing_more(elk_mock, demo_students):
    ids = _send([demo_students["demo-01"], demo_students["demo-02"]])
    _send_pending_signoffs()
    signoff_ids = list(RequestSignoff.objects.values_list("id", flat=True))

    transfer_requests_poll(request_ids=ids)  # the poll task delivered again
    request_signoffs_send(signoff_ids=signoff_ids)  # and the sign-off task
    signoffs_create(rows=list(TransferRequest.objects.filter(id__in=ids)))  # and the create
    _send_pending_signoffs()

    assert RequestSignoff.objects.count() == 2
    stats = elk_mock.stats()
    assert (stats["signoff_calls"], stats["signoff_items"], stats["signoff_repeats"]) == (1, 2, 0)


def test_not_changed_and_a_refusal_are_signed_off_too(elk_mock, demo_students):
    elk_mock.set_faults(refuse="demo-02")
    _send([demo_students["demo-03"], demo_students["demo-02"]], mode=RequestMode.CHANGES_SINCE)
    _send_pending_signoffs()

    by_request = dict(RequestSignoff.objects.values_list("request_id", "result"))
    unchanged = TransferRequest.objects.get(student=demo_students["demo-03"])
    refused = TransferRequest.objects.get(student=demo_students["demo-02"])
    assert unchanged.status == RequestStatus.NOT_CHANGED
    assert refused.status == RequestStatus.FAILED
    assert by_request == {unchanged.id: "not_changed", refused.id: "failed"}
    assert elk_mock.stats()["signoff_items"] == 2


def test_a_wait_that_ran_out_is_signed_off_with_its_wait(elk_mock, demo_students):
    [request_id] = _send([demo_students["demo-16"]])
    TransferRequest.objects.filter(pk=request_id).update(
        waiting_since=timezone.now() - timedelta(days=43)
    )
    transfer_requests_poll(request_ids=[request_id])
    _send_pending_signoffs()

    assert TransferRequest.objects.get(pk=request_id).status == RequestStatus.FAILED
    signoff = RequestSignoff.objects.get()
    assert (signoff.result, signoff.status) == ("not_inspected", SignoffStatus.DONE)


def test_a_retried_request_signs_off_the_old_transfer_and_later_the_new_one(
    elk_mock, demo_students
):
    elk_mock.set_clock(AFTER_MAY)
    elk_mock.set_faults(refuse="demo-01")
    [request_id] = _send([demo_students["demo-01"]])
    old = TransferRequest.objects.get(pk=request_id)
    elk_mock.set_faults(refuse="")

    assert transfer_requests_retry(request_ids=[request_id], user="anna") == 1
    transfer_requests_submit(request_ids=[request_id])
    transfer_requests_poll(request_ids=[request_id])
    _send_pending_signoffs()

    new = TransferRequest.objects.get(pk=request_id)
    assert new.status == RequestStatus.PROCESSED and new.public_id != old.public_id
    assert sorted(RequestSignoff.objects.values_list("public_id", "result")) == sorted(
        [(old.public_id, "failed"), (new.public_id, "dossier")]
    )
    assert elk_mock.stats()["signoff_repeats"] == 0


def test_a_stopped_request_is_signed_off(elk_mock, demo_students):
    student = demo_students["demo-16"]
    _send([student])  # waiting
    transfer_requests_stop(student_ids=[student.pk], reason=STOPPED_WITHDRAWN(), user="elk-feed")
    _send_pending_signoffs()

    assert RequestSignoff.objects.get().result == "failed"
    assert elk_mock.stats()["signoff_items"] == 1


def test_a_transient_failure_is_retried_and_a_lost_task_is_swept(elk_mock, demo_students):
    _send([demo_students["demo-01"]])
    elk_mock.set_faults(next="error")
    _send_pending_signoffs()
    signoff = RequestSignoff.objects.get()
    assert (signoff.status, signoff.attempts) == (SignoffStatus.PENDING, 1)
    assert signoff.failure_code.startswith("http_5")
    assert signoff.claimed_until is not None and signoff.claim_token is None

    # The queued retry is lost: once its reservation expires the sweeper queues it again.
    assert signoffs_sweep(now=timezone.now()) == 0
    assert signoffs_sweep(now=signoff.claimed_until + timedelta(seconds=1)) == 1
    request_signoffs_send(signoff_ids=[signoff.id])
    signoff.refresh_from_db()
    assert signoff.status == SignoffStatus.DONE
    assert elk_mock.stats()["signoff_repeats"] == 0


def test_a_request_never_taken_by_the_chain_is_not_signed_off(elk_mock, demo_students):
    student = demo_students["demo-01"]
    transfer_requests_add(student_ids=[student.pk], user="anna")
    request = TransferRequest.objects.get(student=student)
    student.signup_group = None  # left every group after the request was queued
    student.save(update_fields=["signup_group"])
    TransferRequest.objects.filter(pk=request.pk).update(status=RequestStatus.REQUESTED)
    transfer_requests_submit(request_ids=[request.pk])

    assert TransferRequest.objects.get(pk=request.pk).status == RequestStatus.FAILED
    assert not RequestSignoff.objects.exists()


def test_staff_see_the_sign_offs_in_the_admin_in_dutch(elk_mock, demo_students, client):
    from django.urls import reverse

    from tests.factories import UserFactory

    _send([demo_students["demo-01"]])
    _send_pending_signoffs()
    client.force_login(UserFactory(username="beheer", is_staff=True, is_superuser=True))

    page = client.get(
        reverse("admin:oso_requests_requestsignoff_changelist"), HTTP_ACCEPT_LANGUAGE="nl"
    )

    assert page.status_code == 200
    content = page.content.decode()
    assert str(RequestSignoff.objects.get().public_id) in content
    assert "Afgemeld" in content and "Af te melden" in content  # the status and its filter
