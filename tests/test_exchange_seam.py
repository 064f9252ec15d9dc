"""The exchange seam (requests/client/exchange.py): the settings choose the binding, and the
HTTP binding to the mock opens transfers, asks for documents with the wait's reason, and
signs transfers off."""

from __future__ import annotations

import pytest

from elk_mock.dataset import DEMO_CLOCK_START, DEMO_SCHOOL_BRIN, demo_dataset
from elk_mock.testing import MockEndpoint
from requests.client import (
    DocumentAsk,
    EndpointClient,
    Exchange,
    ResultState,
    SignoffItem,
    SignoffResult,
    SubmitItem,
    WaitReason,
    exchange_from_settings,
)

PUPILS = {pupil.key: pupil for pupil in demo_dataset()}


def _submit_item(key: str, request_id: str) -> SubmitItem:
    pupil = PUPILS[key]
    return SubmitItem(
        request_id=request_id,
        bsn=pupil.bsn,
        education_number="" if pupil.bsn else pupil.education_number,
        birth_date=pupil.birth_date,
        surname=pupil.surname,
        primary_school_brin=pupil.primary_school_brin,
        changed_since=None,
    )


@pytest.fixture(scope="module")
def mock():
    with MockEndpoint(dataset="demo", clock=DEMO_CLOCK_START) as endpoint:
        yield endpoint


@pytest.fixture
def exchange(mock):
    mock.reset(faults=True, stats=True, requests=True)
    mock.set_clock(DEMO_CLOCK_START)
    with EndpointClient(base_url=mock.url, school_brin=DEMO_SCHOOL_BRIN) as client:
        yield client


def test_the_http_client_is_the_default_binding_and_implements_the_seam(settings, mock):
    settings.OSO_ENDPOINT_URL = mock.url
    exchange = exchange_from_settings()
    try:
        assert isinstance(exchange, EndpointClient)
        assert isinstance(exchange, Exchange)
        assert exchange.base_url == mock.url
    finally:
        exchange.close()


class _OtherBinding:
    """A stand-in for a SOAP binding: the settings alone decide that it is used."""

    supports_notifications = True

    @classmethod
    def from_settings(cls):
        return cls()

    def open_transfers(self, items):
        return []

    def ask_documents(self, asks):
        return []

    def sign_off(self, items):
        return []

    def register_notifications(self, request_ids, *, callback_url):
        return []

    def feed(self, *, since=None):
        raise NotImplementedError

    def close(self):
        pass


class _NotABinding:
    @classmethod
    def from_settings(cls):
        return cls()


def test_the_setting_selects_another_binding(settings):
    settings.OSO_EXCHANGE_BACKEND = f"{__name__}._OtherBinding"
    assert isinstance(exchange_from_settings(), _OtherBinding)


def test_a_class_that_does_not_offer_the_operations_is_refused(settings):
    settings.OSO_EXCHANGE_BACKEND = f"{__name__}._NotABinding"
    with pytest.raises(TypeError, match="does not implement Exchange"):
        exchange_from_settings()


def test_open_transfers_gives_each_request_its_session(exchange):
    acks = exchange.open_transfers([_submit_item("demo-01", "a"), _submit_item("demo-02", "b")])
    assert [ack.accepted for ack in acks] == [True, True]
    assert acks[0].session_id and acks[1].session_id and acks[0].session_id != acks[1].session_id


def test_ask_documents_names_which_wait_it_is(exchange, mock):
    acks = exchange.open_transfers(
        [_submit_item("demo-16", "bram"), _submit_item("aanm-08", "jesse")]
    )
    asks = [DocumentAsk(request_id=a.request_id, session_id=a.session_id) for a in acks]
    bram, jesse = exchange.ask_documents(asks)
    assert (bram.state, bram.wait_reason) == (ResultState.PENDING, WaitReason.NOT_INSPECTED)
    assert (jesse.state, jesse.wait_reason) == (ResultState.PENDING, WaitReason.NOT_AVAILABLE)


def test_sign_off_is_acknowledged_per_item_and_counted_by_the_mock(exchange, mock):
    [ack] = exchange.open_transfers([_submit_item("demo-01", "noor")])
    acks = exchange.sign_off(
        [
            SignoffItem("noor", ack.session_id, SignoffResult.DOSSIER),
            SignoffItem("unknown", "", SignoffResult.FAILED),
        ]
    )
    assert [(a.request_id, a.accepted, a.code) for a in acks] == [
        ("noor", True, ""),
        ("unknown", False, "unknown_request"),
    ]
    assert acks[1].message  # Dutch, for staff
    stats = mock.stats()
    assert (stats["signoff_calls"], stats["signoff_items"]) == (1, 2)


def test_the_http_binding_says_it_registers_for_notifications(exchange):
    assert exchange.supports_notifications is True
