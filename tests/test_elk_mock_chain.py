"""The mock models the chain's outcomes: a session per request, the chain's result codes for a
wait, and sign-offs that it records and counts (elk_mock/README.md)."""

from __future__ import annotations

from datetime import date

import httpx
import pytest
from lxml import etree

from elk_mock.dataset import DEMO_CLOCK_START, DEMO_MAY_DATE, demo_dataset, demo_pupils
from elk_mock.state import EndpointState, ResultCode, ResultState, SubmitItem
from elk_mock.testing import MockEndpoint

PUPILS = {pupil.key: pupil for pupil in demo_dataset()}
BRAM = PUPILS["demo-16"]  # his March file waits for the parents until 29 March
JESSE = PUPILS["aanm-08"]  # nothing collected before 10 May
NOOR = PUPILS["demo-01"]


def _item(pupil, request_id: str) -> SubmitItem:
    return SubmitItem(
        request_id=request_id,
        school_brin="99XX",
        bsn=pupil.bsn,
        education_number=pupil.education_number,
        birth_date=pupil.birth_date,
        surname=pupil.surname,
        primary_school_brin=pupil.primary_school_brin,
        changed_since=None,
    )


def test_the_demo_group_keeps_its_sixteen_pupils():
    assert len(demo_pupils()) == 16


def test_a_file_the_parents_have_not_seen_answers_niet_opvraagbaar_until_its_release():
    state = EndpointState(list(PUPILS.values()), DEMO_CLOCK_START)
    state.submit([_item(BRAM, "bram")])
    [waiting] = state.results(["bram"])
    assert waiting.state == ResultState.PENDING
    assert waiting.result_code == "LeerlinginfoNietOpvraagbaar"
    state.set_clock(date(2021, 3, 28))
    assert state.results(["bram"])[0].result_code == ResultCode.NOT_INSPECTED
    state.set_clock(date(2021, 3, 29))
    [released] = state.results(["bram"])
    assert (released.state, released.result_code) == (ResultState.DOSSIER, "")


def test_a_pupil_with_nothing_released_answers_niet_beschikbaar():
    state = EndpointState(list(PUPILS.values()), DEMO_CLOCK_START)
    state.submit([_item(JESSE, "jesse")])
    [waiting] = state.results(["jesse"])
    assert waiting.state == ResultState.PENDING
    assert waiting.result_code == "LeerlinginfoNietBeschikbaar"
    state.set_clock(DEMO_MAY_DATE)
    assert state.results(["jesse"])[0].state == ResultState.DOSSIER


def test_every_stored_request_opens_its_own_session_and_a_repeat_keeps_it():
    state = EndpointState(list(PUPILS.values()), DEMO_CLOCK_START)
    first, second = state.submit([_item(NOOR, "a"), _item(BRAM, "b")])
    assert first.session_id and second.session_id and first.session_id != second.session_id
    assert state.submit([_item(NOOR, "a")])[0].session_id == first.session_id


def test_a_sign_off_is_recorded_once_and_a_repeat_is_counted_not_stored():
    state = EndpointState(list(PUPILS.values()), DEMO_CLOCK_START)
    [ack] = state.submit([_item(NOOR, "a")])
    from elk_mock.state import SignoffItem

    acks, repeats = state.sign_off([SignoffItem("a", ack.session_id, "dossier")])
    assert (acks[0].accepted, repeats) == (True, 0)
    acks, repeats = state.sign_off([SignoffItem("a", ack.session_id, "failed")])
    assert (acks[0].accepted, repeats) == (True, 1)
    assert state.signoffs["a"].result == "dossier"
    unknown, _ = state.sign_off([SignoffItem("never", "", "dossier")])
    assert (unknown[0].accepted, unknown[0].code) == (False, "unknown_request")


@pytest.fixture(scope="module")
def mock():
    with MockEndpoint(dataset="demo", clock=DEMO_CLOCK_START) as endpoint:
        yield endpoint


def _submit(http: httpx.Client, pupil, request_id: str) -> etree._Element:
    body = (
        f'<submitRequest version="1"><item requestId="{request_id}"><schoolBrin>99XX</schoolBrin>'
        f"<bsn>{pupil.bsn}</bsn><birthDate>{pupil.birth_date}</birthDate>"
        f"<surname>{pupil.surname}</surname>"
        f"<primarySchoolBrin>{pupil.primary_school_brin}</primarySchoolBrin></item></submitRequest>"
    )
    return etree.fromstring(http.post("/oso/submit", content=body.encode()).content)


def test_over_http_acks_carry_a_session_and_a_wait_its_result_code(mock):
    mock.reset(faults=True, stats=True, requests=True)
    mock.set_clock(DEMO_CLOCK_START)
    with httpx.Client(base_url=mock.url, timeout=5) as http:
        ack = _submit(http, BRAM, "bram-http").find("ack")
        assert ack.get("accepted") == "true" and ack.get("sessionId")
        root = etree.fromstring(
            http.post(
                "/oso/results",
                content=b'<resultsRequest version="1"><request requestId="bram-http"/>'
                b"</resultsRequest>",
            ).content
        )
    result = root.find("result")
    assert (result.get("state"), result.get("resultCode")) == (
        "pending",
        "LeerlinginfoNietOpvraagbaar",
    )


def test_over_http_sign_offs_are_acknowledged_and_counted_in_control_state(mock):
    mock.reset(faults=True, stats=True, requests=True)
    mock.set_clock(DEMO_CLOCK_START)
    with httpx.Client(base_url=mock.url, timeout=5) as http:
        session = _submit(http, NOOR, "noor-http").find("ack").get("sessionId")
        body = (
            '<signoffRequest version="1">'
            f'<signoff requestId="noor-http" sessionId="{session}" result="dossier"/>'
            '<signoff requestId="nobody" sessionId="" result="dossier"/>'
            "</signoffRequest>"
        ).encode()
        root = etree.fromstring(http.post("/oso/signoff", content=body).content)
        http.post(
            "/oso/signoff",
            content=b'<signoffRequest version="1"><signoff requestId="noor-http" '
            b'result="dossier"/></signoffRequest>',
        )
    assert root.tag == "signoffResponse"
    assert [(a.get("requestId"), a.get("accepted")) for a in root.findall("ack")] == [
        ("noor-http", "true"),
        ("nobody", "false"),
    ]
    stats = mock.stats()
    assert (stats["signoff_calls"], stats["signoff_items"], stats["signoff_repeats"]) == (2, 3, 1)
