"""Notifications on the portal's side, against the mock (the steps are called here, no worker).

A waiting request is registered; the mock's signed callback (caught by a stand-in receiver
and handed to the real view) fetches the file through the normal claim and merge, with no
click. Forged, stale, replayed, malformed or unknown callbacks are refused with a 4xx and
change nothing. The real worker does the same in tests/test_notifications_worker.py.
"""

from __future__ import annotations

import time
import uuid
from datetime import date, timedelta

import pytest
from django.utils import timezone

from elk_mock.dataset import DEMO_CLOCK_START
from requests.client.notifications import sign
from requests.models import (
    NotificationDelivery,
    NotificationRegistration,
    NotificationStatus,
    RequestStatus,
    TransferRequest,
)
from requests.services.notifications import (
    notification_registrations_register,
    notifications_sweep,
)
from requests.services.pipeline import transfer_requests_poll, transfer_requests_submit
from students.models import FinalTestResult
from tests.notification_support import receiving
from tests.request_support import demo_sign_up, requests_send

pytestmark = pytest.mark.django_db

SECRET = "a-test-secret-of-at-least-thirty-two-characters"
URL = "/oso/notifications/"
MAY = date(2021, 5, 10)


@pytest.fixture
def notifying(settings, elk_mock):
    """Notifications on; the mock calls back on a stand-in receiver with the same secret."""
    settings.OSO_NOTIFICATIONS = True
    settings.OSO_NOTIFICATION_SECRET = SECRET
    settings.OSO_NOTIFICATION_FALLBACK_POLL_SECONDS = 3600
    with receiving() as receiver:
        settings.OSO_NOTIFICATION_CALLBACK_URL = receiver.url
        elk_mock.set_notify(secret=SECRET)
        yield receiver
    elk_mock.reset(faults=False, stats=False, requests=True)


def _send_and_wait(students, capture) -> list[int]:
    """Send, submit and poll once: every request ends waiting. Returns the request ids."""
    with capture():
        batch = requests_send(students)
    ids = list(batch.requests.order_by("id").values_list("id", flat=True))
    with capture():
        transfer_requests_submit(request_ids=ids)
    with capture() as published:
        transfer_requests_poll(request_ids=ids)
    assert set(_statuses(ids).values()) == {RequestStatus.WAITING}
    assert _task_names(published) == ["oso_requests.register_notifications"]
    return ids


def _statuses(ids) -> dict[int, str]:
    return dict(TransferRequest.objects.filter(id__in=ids).values_list("id", "status"))


def _task_names(published) -> list[str]:
    return [publish.task.name for publish in published]


def _register_all() -> None:
    ids = list(NotificationRegistration.objects.values_list("id", flat=True))
    outcome = notification_registrations_register(registration_ids=ids)
    assert outcome.registered == len(ids)


def _wait_for_callbacks(receiver, count: int = 1) -> list[dict]:
    deadline = time.monotonic() + 5
    while len(receiver.calls) < count:
        assert time.monotonic() < deadline, "the mock did not call back"
        time.sleep(0.02)
    return receiver.calls


def _deliver(client, call: dict, **header_changes):
    headers = {
        "HTTP_X_OSO_TIMESTAMP": call["headers"]["x-oso-timestamp"],
        "HTTP_X_OSO_SIGNATURE": call["headers"]["x-oso-signature"],
    }
    headers.update(header_changes)
    return client.post(URL, data=call["body"], content_type="application/xml", **headers)


def _signed(body: bytes, *, secret: str = SECRET, at: float | None = None) -> dict:
    timestamp = str(int(at if at is not None else time.time()))
    return {
        "headers": {"x-oso-timestamp": timestamp, "x-oso-signature": sign(secret, timestamp, body)},
        "body": body,
    }


def _callback_body(*request_ids: str, delivery_id: str | None = None) -> bytes:
    items = "".join(f'<notification requestId="{rid}"/>' for rid in request_ids)
    delivery = delivery_id or uuid.uuid4().hex
    return (
        f'<notifications version="1" deliveryId="{delivery}" clock="2021-05-10">'
        f"{items}</notifications>"
    ).encode()


def _snapshot() -> list[tuple]:
    return list(
        TransferRequest.objects.order_by("id").values_list(
            "id", "status", "next_attempt_at", "claimed_until", "claim_token", "polls"
        )
    ) + list(
        NotificationRegistration.objects.order_by("id").values_list(
            "id", "status", "notified_at", "claimed_until"
        )
    )


# --- registration ----------------------------------------------------------------------


def test_a_waiting_request_is_registered_and_then_polled_only_at_the_fallback_interval(
    notifying, elk_mock, demo_students, django_capture_on_commit_callbacks
):
    ids = _send_and_wait([demo_students["demo-16"]], django_capture_on_commit_callbacks)
    registration = NotificationRegistration.objects.get(request_id=ids[0])
    assert registration.status == NotificationStatus.PENDING
    first_poll_due = TransferRequest.objects.get(id=ids[0]).next_attempt_at

    with django_capture_on_commit_callbacks():
        _register_all()

    registration.refresh_from_db()
    assert registration.status == NotificationStatus.REGISTERED
    assert registration.registered_at is not None
    assert elk_mock.notifications()["registered"] == "1"
    due = TransferRequest.objects.get(id=ids[0]).next_attempt_at
    assert due > first_poll_due
    assert due >= timezone.now() + timedelta(seconds=3500)  # the fallback, not 30 s


def test_an_endpoint_that_refuses_registration_leaves_the_request_to_polling(
    notifying, elk_mock, demo_students, django_capture_on_commit_callbacks
):
    ids = _send_and_wait([demo_students["demo-16"]], django_capture_on_commit_callbacks)
    elk_mock.reset(faults=False, stats=False, requests=True)  # the mock forgets the request
    first_poll_due = TransferRequest.objects.get(id=ids[0]).next_attempt_at

    with django_capture_on_commit_callbacks():
        outcome = notification_registrations_register(
            registration_ids=list(NotificationRegistration.objects.values_list("id", flat=True))
        )

    assert outcome.failed == 1
    registration = NotificationRegistration.objects.get(request_id=ids[0])
    assert (registration.status, registration.failure_code) == ("failed", "unknown_request")
    assert TransferRequest.objects.get(id=ids[0]).next_attempt_at == first_poll_due


def test_a_transient_failure_to_register_is_retried_later(
    notifying, elk_mock, demo_students, django_capture_on_commit_callbacks
):
    _send_and_wait([demo_students["demo-16"]], django_capture_on_commit_callbacks)
    elk_mock.set_faults(next="error")
    with django_capture_on_commit_callbacks() as published:
        outcome = notification_registrations_register(
            registration_ids=list(NotificationRegistration.objects.values_list("id", flat=True))
        )

    assert outcome.retry_ids and outcome.retry_in > 0
    assert len(published) == 1  # the retry is queued
    registration = NotificationRegistration.objects.get()
    assert (registration.status, registration.attempts) == ("pending", 1)
    assert registration.failure_code == "http_503" or registration.failure_code.startswith("http_")
    # Lost retry message: the sweeper queues it again once its reservation expires.
    assert notifications_sweep(now=registration.claimed_until + timedelta(seconds=1)) == 1


# --- the callback fetches at once -------------------------------------------------------


def test_both_wait_reasons_end_up_on_the_card_when_released_with_no_click(
    notifying, elk_mock, demo_students, client, django_capture_on_commit_callbacks
):
    # demo-16: the parents have not seen his March file; aanm-08: nothing released until May.
    bram, jesse = demo_students["demo-16"], demo_sign_up("aanm-08")
    ids = _send_and_wait([bram, jesse], django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks():
        _register_all()
    assert notifying.calls == []

    elk_mock.set_clock(MAY)
    (call,) = _wait_for_callbacks(notifying)
    with django_capture_on_commit_callbacks(execute=False) as published:
        response = _deliver(client, call)

    assert response.status_code == 200
    # The view only queued the normal results poll, on commit, for both requests.
    assert [p.task.name for p in published] == ["oso_requests.poll_requests"]
    assert sorted(published[0].request_ids) == sorted(ids)
    with django_capture_on_commit_callbacks():
        transfer_requests_poll(request_ids=published[0].request_ids)

    assert set(_statuses(ids).values()) <= {
        RequestStatus.PROCESSED,
        RequestStatus.PROCESSED_WITH_REMARKS,
    }
    assert FinalTestResult.objects.filter(prior_education__student=bram).exists()
    jesse.refresh_from_db()
    assert jesse.prior_education.last_dossier_date is not None
    assert set(NotificationRegistration.objects.values_list("status", flat=True)) == {"notified"}


def test_a_duplicate_callback_does_no_harm(
    notifying, elk_mock, demo_students, client, django_capture_on_commit_callbacks
):
    ids = _send_and_wait([demo_students["demo-16"]], django_capture_on_commit_callbacks)
    public_id = str(TransferRequest.objects.get(id=ids[0]).public_id)
    elk_mock.set_clock(MAY)
    first, second = _signed(_callback_body(public_id)), _signed(_callback_body(public_id))
    with django_capture_on_commit_callbacks(execute=False):
        assert _deliver(client, first).status_code == 200
    with django_capture_on_commit_callbacks(execute=False):
        assert _deliver(client, second).status_code == 200  # another delivery, same request
    with django_capture_on_commit_callbacks():
        transfer_requests_poll(request_ids=ids)
        transfer_requests_poll(request_ids=ids)

    assert _statuses(ids)[ids[0]] in (RequestStatus.PROCESSED, RequestStatus.PROCESSED_WITH_REMARKS)
    assert TransferRequest.objects.get(id=ids[0]).dossier is not None


def test_a_callback_while_a_worker_holds_the_request_registers_it_again_after_its_poll(
    notifying, elk_mock, demo_students, client, django_capture_on_commit_callbacks
):
    ids = _send_and_wait([demo_students["demo-16"]], django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks():
        _register_all()
    held = timezone.now() + timedelta(seconds=30)
    TransferRequest.objects.filter(id=ids[0]).update(claim_token=uuid.uuid4(), claimed_until=held)
    public_id = str(TransferRequest.objects.get(id=ids[0]).public_id)

    with django_capture_on_commit_callbacks(execute=False) as published:
        response = _deliver(client, _signed(_callback_body(public_id)))

    assert response.status_code == 200
    assert published == []  # the worker that holds it decides
    assert NotificationRegistration.objects.get().status == NotificationStatus.NOTIFIED
    # That worker's poll still found it waiting: it is registered again.
    TransferRequest.objects.filter(id=ids[0]).update(claim_token=None, claimed_until=None)
    with django_capture_on_commit_callbacks() as published:
        transfer_requests_poll(request_ids=ids)
    assert NotificationRegistration.objects.get().status == NotificationStatus.PENDING
    assert len(published) == 1


# --- refused callbacks change nothing ---------------------------------------------------


@pytest.mark.parametrize(
    "forge",
    [
        "bad_signature",
        "other_secret",
        "old_timestamp",
        "future_timestamp",
        "unsigned",
        "unknown_request",
        "malformed",
        "replayed",
    ],
)
def test_a_forged_stale_replayed_malformed_or_unknown_callback_is_refused_and_changes_nothing(
    forge, notifying, elk_mock, demo_students, client, django_capture_on_commit_callbacks
):
    ids = _send_and_wait([demo_students["demo-16"]], django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks():
        _register_all()
    public_id = str(TransferRequest.objects.get(id=ids[0]).public_id)
    elk_mock.set_clock(MAY)
    good = _signed(_callback_body(public_id))
    if forge == "replayed":
        with django_capture_on_commit_callbacks(execute=False):
            assert _deliver(client, good).status_code == 200
    before, deliveries = _snapshot(), NotificationDelivery.objects.count()
    call: dict = {
        "bad_signature": {**good, "body": good["body"].replace(b"2021-05-10", b"2021-05-11")},
        "other_secret": _signed(good["body"], secret="not-the-secret-" * 3),
        "old_timestamp": _signed(good["body"], at=time.time() - 301),
        "future_timestamp": _signed(good["body"], at=time.time() + 301),
        "unsigned": {"headers": {"x-oso-timestamp": "", "x-oso-signature": ""}, **good},
        "unknown_request": _signed(_callback_body(str(uuid.uuid4()))),
        "malformed": _signed(b"<notifications version='1'><notification/></notifications>"),
        "replayed": good,
    }[forge]
    if forge == "unsigned":
        call["headers"] = {"x-oso-timestamp": "", "x-oso-signature": ""}

    with django_capture_on_commit_callbacks(execute=False) as published:
        response = _deliver(client, call)

    expected = {"unknown_request": 404, "malformed": 400, "replayed": 409}.get(forge, 401)
    assert response.status_code == expected
    assert published == []
    assert _snapshot() == before
    assert NotificationDelivery.objects.count() == deliveries


def test_the_callback_is_refused_when_notifications_are_off(settings, client, db):
    settings.OSO_NOTIFICATIONS = False
    response = client.post(URL, data=b"<x/>", content_type="application/xml")
    assert response.status_code == 404


def test_the_callback_answers_nothing_but_post(client, db):
    assert client.get(URL).status_code == 405


def test_production_refuses_to_start_with_notifications_on_and_no_secret(tmp_path):
    from tests.test_security_settings import _production_env, _run

    env = _production_env(tmp_path, OSO_NOTIFICATIONS="1")
    result = _run(["manage.py", "check"], env)
    assert result.returncode != 0
    assert "OSO_NOTIFICATION_SECRET must be set" in result.stderr
    env = _production_env(tmp_path, OSO_NOTIFICATIONS="1", OSO_NOTIFICATION_SECRET="x" * 40)
    assert _run(["manage.py", "check"], env).returncode == 0


def test_demo_clock_start_is_before_every_demo_release():
    # The tests above rely on it: at the start demo-16 and aanm-08 both wait.
    assert DEMO_CLOCK_START < date(2021, 3, 29) < MAY


def test_a_binding_hands_a_notification_over_without_the_http_signature(
    notifying, elk_mock, demo_students, django_capture_on_commit_callbacks
):
    from requests.client.notifications import CallbackRejected
    from requests.services.notifications import notification_delivery_apply

    ids = _send_and_wait([demo_students["demo-16"]], django_capture_on_commit_callbacks)
    public_id = str(TransferRequest.objects.get(id=ids[0]).public_id)
    with django_capture_on_commit_callbacks(execute=False) as published:
        outcome = notification_delivery_apply(delivery_id="chain-0001", request_ids=[public_id])
    assert (outcome.known, outcome.fetching) == (1, 1)
    assert [p.task.name for p in published] == ["oso_requests.poll_requests"]

    before = _snapshot()
    with pytest.raises(CallbackRejected) as replay:
        notification_delivery_apply(delivery_id="chain-0001", request_ids=[public_id])
    assert replay.value.status == 409
    assert _snapshot() == before


def test_a_request_the_endpoint_lost_is_registered_again_once_it_waits_again(
    notifying, elk_mock, demo_students, django_capture_on_commit_callbacks
):
    ids = _send_and_wait([demo_students["demo-16"]], django_capture_on_commit_callbacks)
    elk_mock.reset(faults=False, stats=False, requests=True)  # the endpoint restarted
    with django_capture_on_commit_callbacks():
        _ = notification_registrations_register(
            registration_ids=list(NotificationRegistration.objects.values_list("id", flat=True))
        )
    assert NotificationRegistration.objects.get().failure_code == "unknown_request"

    # The poll finds the request lost: it is submitted again (same id) and waits again.
    with django_capture_on_commit_callbacks():
        transfer_requests_poll(request_ids=ids)
    TransferRequest.objects.filter(id=ids[0]).update(claim_token=None, claimed_until=None)
    with django_capture_on_commit_callbacks():
        transfer_requests_submit(request_ids=ids)
    with django_capture_on_commit_callbacks() as published:
        transfer_requests_poll(request_ids=ids)

    assert _statuses(ids)[ids[0]] == RequestStatus.WAITING
    registration = NotificationRegistration.objects.get()
    assert (registration.status, registration.failure_code) == ("pending", "")
    assert _task_names(published) == ["oso_requests.register_notifications"]
    with django_capture_on_commit_callbacks():
        _register_all()
    assert elk_mock.notifications()["registered"] == "1"


def test_a_registered_wait_near_its_limit_is_still_asked_at_the_limit(
    notifying, elk_mock, demo_students, settings, django_capture_on_commit_callbacks
):
    ids = _send_and_wait([demo_students["demo-16"]], django_capture_on_commit_callbacks)
    row = TransferRequest.objects.get(id=ids[0])
    assert row.waiting_since is not None
    # The wait ends in 10 minutes, before the hourly fallback would ask again.
    ends_at = timezone.now() + timedelta(minutes=10)
    TransferRequest.objects.filter(id=row.id).update(
        waiting_since=ends_at - timedelta(days=settings.OSO_WAIT_MAX_DAYS),
        next_attempt_at=ends_at,
    )

    with django_capture_on_commit_callbacks():
        _register_all()

    assert TransferRequest.objects.get(id=row.id).next_attempt_at == ends_at


def test_staff_see_registrations_and_deliveries_in_the_admin_read_only(
    notifying, elk_mock, demo_students, client, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    from tests.factories import UserFactory

    _send_and_wait([demo_students["demo-16"]], django_capture_on_commit_callbacks)
    NotificationDelivery.objects.create(delivery_id="d" * 32, received_at=timezone.now())
    client.force_login(UserFactory(username="beheer", is_staff=True, is_superuser=True))
    for model in ("notificationregistration", "notificationdelivery"):
        page = client.get(
            reverse(f"admin:oso_requests_{model}_changelist"), HTTP_ACCEPT_LANGUAGE="nl"
        )
        assert page.status_code == 200
        assert client.get(reverse(f"admin:oso_requests_{model}_add")).status_code == 403
    page = client.get(reverse("admin:oso_requests_notificationregistration_changelist"))
    assert "Aan te melden" in page.content.decode()


def test_a_retried_request_that_waits_again_registers_its_new_transfer(
    notifying, elk_mock, demo_students, django_capture_on_commit_callbacks
):
    from requests.services.transfer_requests import transfer_requests_retry

    ids = _send_and_wait([demo_students["demo-16"]], django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks():
        _register_all()
    old = TransferRequest.objects.get(id=ids[0]).public_id
    # The request fails (its wait ran out, say) and staff click Opnieuw proberen: a new
    # transfer with a new request id, which the endpoint was never asked to call back for.
    TransferRequest.objects.filter(id=ids[0]).update(
        status=RequestStatus.FAILED, claim_token=None, claimed_until=None
    )
    with django_capture_on_commit_callbacks():
        assert transfer_requests_retry(request_ids=ids, user="anna") == 1
    with django_capture_on_commit_callbacks():
        transfer_requests_submit(request_ids=ids)
    with django_capture_on_commit_callbacks() as published:
        transfer_requests_poll(request_ids=ids)

    row = TransferRequest.objects.get(id=ids[0])
    assert (row.status, row.public_id != old) == (RequestStatus.WAITING, True)
    assert NotificationRegistration.objects.get().status == NotificationStatus.PENDING
    assert _task_names(published) == ["oso_requests.register_notifications"]
    with django_capture_on_commit_callbacks():
        _register_all()
    registration = NotificationRegistration.objects.get()
    assert registration.status == NotificationStatus.REGISTERED
    assert registration.registered_at > row.sent_at
