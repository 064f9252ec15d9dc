"""The mock's notifications: registration (``POST /oso/notify``) and the signed callback it
sends when the clock moves past the release of a registered pupil's file."""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import date

import httpx
import pytest
from lxml import etree

from elk_mock.dataset import DEMO_CLOCK_START, demo_dataset
from elk_mock.notifications import DEMO_SECRET, sign
from elk_mock.testing import MockEndpoint
from tests.notification_support import receiving

PUPILS = {p.key: p for p in demo_dataset()}
BRAM = PUPILS["demo-16"]  # pending at the start, released on 29 March
NOOR = PUPILS["demo-01"]  # released at the start


@pytest.fixture(scope="module")
def mock():
    with MockEndpoint(dataset="demo") as endpoint:
        yield endpoint


@pytest.fixture
def receiver():
    with receiving() as server:
        yield server


@pytest.fixture
def http(mock, receiver):
    mock.reset(faults=True, stats=True, requests=True)
    mock.set_clock(DEMO_CLOCK_START)
    mock.set_notify(url=receiver.url, secret=DEMO_SECRET)
    with httpx.Client(base_url=mock.url, timeout=5) as client:
        yield client


def _submit(http, request_id: str, pupil) -> None:
    item = (
        f'<item requestId="{request_id}"><schoolBrin>99XX</schoolBrin><bsn>{pupil.bsn}</bsn>'
        f"<birthDate>{pupil.birth_date}</birthDate><surname>{pupil.surname}</surname>"
        f"<primarySchoolBrin>{pupil.primary_school_brin}</primarySchoolBrin></item>"
    )
    response = http.post(
        "/oso/submit", content=f'<submitRequest version="1">{item}</submitRequest>'
    )
    assert b'accepted="true"' in response.content


def _register(http, *request_ids: str) -> dict[str, dict]:
    body = "".join(f'<request requestId="{rid}"/>' for rid in request_ids)
    response = http.post(
        "/oso/notify", content=f'<notifyRequest version="1">{body}</notifyRequest>'
    )
    assert response.status_code == 200
    root = etree.fromstring(response.content)
    assert root.tag == "notifyResponse"
    return {str(e.get("requestId")): dict(e.attrib) for e in root.findall("registered")}


def _wait(predicate, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.02)


def test_a_registered_request_is_called_back_signed_when_the_clock_passes_its_release(
    http, mock, receiver
):
    _submit(http, "wait-16", BRAM)
    assert _register(http, "wait-16")["wait-16"]["accepted"] == "true"
    time.sleep(0.3)
    assert receiver.calls == []  # not released yet: nothing is sent

    mock.set_clock(date(2021, 3, 29))
    _wait(lambda: len(receiver.calls) == 1)

    call = receiver.calls[0]
    timestamp = call["headers"]["x-oso-timestamp"]
    assert abs(int(timestamp) - time.time()) < 60
    expected = hmac.new(DEMO_SECRET.encode(), timestamp.encode() + b"." + call["body"], "sha256")
    assert call["headers"]["x-oso-signature"] == "sha256=" + expected.hexdigest()
    root = etree.fromstring(call["body"])
    assert (root.tag, root.get("version"), root.get("clock")) == (
        "notifications",
        "1",
        "2021-03-29",
    )
    assert [n.get("requestId") for n in root.findall("notification")] == ["wait-16"]
    assert len(root.get("deliveryId")) == 32
    # Request ids only: no identifier of the pupil travels in a callback.
    assert BRAM.bsn.encode() not in call["body"]
    stats = mock.stats()
    assert (stats["notify_calls"], stats["callback_calls"], stats["callback_items"]) == (1, 1, 1)
    assert mock.notifications()["registered"] == "0"  # used once


def test_a_request_released_already_is_called_back_at_registration(http, mock, receiver):
    _submit(http, "done-01", NOOR)
    _register(http, "done-01")
    _wait(lambda: len(receiver.calls) == 1)
    assert b'requestId="done-01"' in receiver.calls[0]["body"]


def test_requests_released_at_the_same_moment_share_one_callback(http, mock, receiver):
    for key in ("demo-16", "aanm-08"):  # the parents have not seen it / nothing released
        _submit(http, f"r-{key}", PUPILS[key])
    _register(http, "r-demo-16", "r-aanm-08")
    time.sleep(0.3)
    assert receiver.calls == []
    mock.set_clock(date(2021, 5, 26))  # both are released by then
    _wait(lambda: len(receiver.calls) == 1)
    time.sleep(0.2)
    assert len(receiver.calls) == 1
    ids = {n.get("requestId") for n in etree.fromstring(receiver.calls[0]["body"])}
    assert ids == {"r-demo-16", "r-aanm-08"}


def test_an_unknown_request_id_is_refused_and_never_called_back(http, mock, receiver):
    answer = _register(http, "never-submitted")
    assert answer["never-submitted"]["accepted"] == "false"
    assert answer["never-submitted"]["code"] == "unknown_request"
    mock.set_clock(date(2021, 5, 26))
    time.sleep(0.3)
    assert receiver.calls == []


def test_a_failed_delivery_is_tried_again_with_the_same_delivery_id_and_a_fresh_signature(
    http, mock, receiver
):
    receiver.statuses = [503]
    _submit(http, "retry-16", BRAM)
    _register(http, "retry-16")
    mock.set_clock(date(2021, 3, 29))
    _wait(lambda: len(receiver.calls) == 2)
    first, second = (etree.fromstring(c["body"]) for c in receiver.calls)
    assert first.get("deliveryId") == second.get("deliveryId")
    for call in receiver.calls:
        signed = call["headers"]["x-oso-timestamp"].encode() + b"." + call["body"]
        digest = hmac.new(DEMO_SECRET.encode(), signed, hashlib.sha256).hexdigest()
        assert call["headers"]["x-oso-signature"] == f"sha256={digest}"
    assert mock.stats()["callback_retries"] == 1


def test_sign_is_hmac_sha256_over_timestamp_dot_body():
    digest = hmac.new(b"s", b"12.<x/>", hashlib.sha256).hexdigest()
    assert sign("s", "12", b"<x/>") == f"sha256={digest}"
