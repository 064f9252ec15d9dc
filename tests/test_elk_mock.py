"""The mock ELK/OSO endpoint itself: the wire protocol of elk_mock/README.md, its clock and
publication rule, fault switches, process lifecycle, and XSD-valid dossiers at scale."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import signal
import subprocess
import sys
import threading
from datetime import UTC, date, datetime

import httpx
import pytest
from lxml import etree

from elk_mock.dataset import (
    DEMO_CLOCK_START,
    DEMO_LATE_MAY_DATE,
    DEMO_MAY_DATE,
    demo_dataset,
    generated_pupils,
)
from elk_mock.faults import ERROR, INVALID_XML, NONE, TIMEOUT, TRUNCATE, FaultPlan, FaultSettings
from elk_mock.state import EndpointState, ResultState, SubmitItem
from elk_mock.testing import PROJECT_ROOT, MockEndpoint
from requests.client import EndpointClient
from requests.client import ResultState as ClientState
from requests.client import SubmitItem as ClientItem
from tests.test_dataset import XSD, assert_valid_dossier

PUPILS = demo_dataset()
NOOR = PUPILS[0]


def submit_xml(*items: str) -> bytes:
    return ('<submitRequest version="1">' + "".join(items) + "</submitRequest>").encode()


def item_xml(request_id: str = "r-1", **fields: str) -> str:
    values = {
        "schoolBrin": "99XX",
        "bsn": NOOR.bsn,
        "birthDate": NOOR.birth_date.isoformat(),
        "surname": NOOR.surname,
        "primarySchoolBrin": NOOR.primary_school_brin,
    }
    values.update(fields)
    body = "".join(f"<{tag}>{value}</{tag}>" for tag, value in values.items() if value is not None)
    return f'<item requestId="{request_id}">{body}</item>'


@pytest.fixture(scope="module")
def mock():
    with MockEndpoint(dataset="demo") as endpoint:
        yield endpoint


@pytest.fixture
def http(mock):
    mock.reset(faults=True, stats=True, requests=True)
    mock.set_clock(DEMO_CLOCK_START)
    with httpx.Client(base_url=mock.url, timeout=5) as client:
        yield client


# --- the wire protocol ------------------------------------------------------------------------


def test_health_reports_status_clock_and_data_set(http):
    root = etree.fromstring(http.get("/health").content)
    assert (root.tag, root.get("status"), root.get("clock")) == ("health", "ok", "2021-03-20")
    assert (root.get("dataset"), root.get("pupils")) == ("demo", str(len(PUPILS)))


def test_submit_answers_each_item_with_an_ack_in_order(http):
    response = http.post(
        "/oso/submit",
        content=submit_xml(item_xml("a"), item_xml("b", birthDate="2000-01-01")),
        headers={"Content-Type": "application/xml"},
    )
    root = etree.fromstring(response.content)
    assert (response.status_code, root.tag, root.get("version")) == (200, "submitResponse", "1")
    acks = [(a.get("requestId"), a.get("accepted"), a.get("code")) for a in root]
    assert acks == [("a", "true", None), ("b", "false", "unknown_pupil")]
    assert root[1].text  # a human-readable reason


@pytest.mark.parametrize(
    "item",
    [
        item_xml(""),  # no request id
        item_xml("m1", educationNumber="104521801"),  # both identifiers
        item_xml("m2", bsn=None),  # no identifier
        item_xml("m3", birthDate="14-05-2009"),  # not an ISO date
        item_xml("m4", primarySchoolBrin="12-AB"),  # not a BRIN
        item_xml("m5", surname=""),
        item_xml("m6", bsn="123456780"),  # fails the eleven test
    ],
)
def test_an_item_missing_or_mangling_a_field_is_malformed(http, item):
    root = etree.fromstring(http.post("/oso/submit", content=submit_xml(item)).content)
    assert (root[0].get("accepted"), root[0].get("code")) == ("false", "malformed")


def test_results_carry_the_dossier_base64_with_its_checksum_and_dates(http):
    http.post("/oso/submit", content=submit_xml(item_xml("d-1")))
    body = b'<resultsRequest version="1"><request requestId="d-1"/></resultsRequest>'
    root = etree.fromstring(http.post("/oso/results", content=body).content)
    [result] = root
    xml = base64.b64decode(result.find("dossier").text)
    assert xml == NOOR.versions[0].xml
    assert result.get("state") == "dossier"
    assert result.get("collectionDate") == NOOR.versions[0].collection_date.isoformat()
    assert result.get("sha256") == hashlib.sha256(xml).hexdigest()
    single = etree.fromstring(http.get("/oso/results/d-1").content)
    assert single[0].find("dossier").text == result.find("dossier").text


def test_whole_call_errors_have_a_status_and_an_error_code(http):
    def code(response: httpx.Response) -> tuple[int, str]:
        return response.status_code, etree.fromstring(response.content).get("code")

    assert code(http.post("/oso/submit", content=b"not xml")) == (400, "bad_request")
    assert code(http.post("/oso/submit", content=b"<other/>")) == (400, "bad_request")
    assert code(http.get("/oso/submit")) == (405, "method_not_allowed")
    assert code(http.get("/nothing-here")) == (404, "not_found")
    many = submit_xml(*(item_xml(f"n{i}") for i in range(1001)))
    assert code(http.post("/oso/submit", content=many)) == (413, "too_many_items")
    assert code(http.get("/elk/feed")) == (400, "bad_request")
    assert code(http.get("/elk/feed", params={"school": "11ZZ"})) == (404, "unknown_school")
    naive = {"school": "99XX", "since": "2021-03-20T00:00:00"}
    assert code(http.get("/elk/feed", params=naive)) == (400, "bad_request")


def test_an_entity_in_a_submitted_body_is_not_expanded(http):
    hostile = (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<submitRequest version="1"><item requestId="e1"><surname>&x;</surname></item>'
        b"</submitRequest>"
    )
    response = http.post("/oso/submit", content=hostile)
    assert b"root:" not in response.content


def test_the_feed_is_xml_with_placements_and_changes(http, mock):
    mock.set_clock(DEMO_MAY_DATE)
    root = etree.fromstring(
        http.get("/elk/feed", params={"school": "99XX", "since": "2021-03-20T00:00:00Z"}).content
    )
    assert root.get("asOf") == "2021-05-10T00:00:00+00:00"
    statuses = {p.get("status") for p in root.find("placements")}
    assert statuses == {"Geplaatst", "Geplaatst doorbegeleid"}
    assert all(c.get("changedAt").endswith("+00:00") for c in root.find("changes"))
    assert len(root.find("changes")) > 0


def test_control_calls_move_the_clock_and_report_state(mock, http):
    assert mock.set_clock(date(2021, 4, 1)) == date(2021, 4, 1)
    assert mock.advance_clock(9) == date(2021, 4, 10)
    assert mock.clock == date(2021, 4, 10)
    assert http.post("/control/clock", params={"date": "soon"}).status_code == 400
    assert http.post("/control/faults", params={"error_rate": "2"}).status_code == 400
    assert http.post("/control/faults", params={"next": "explode"}).status_code == 400
    state = mock.set_faults(latency=0, error_rate=0.25, refuse=["demo-03", "demo-04"])
    assert state["faults"]["error_rate"] == "0.25"
    assert state["faults"]["refuse"] == "demo-03,demo-04"


def test_stats_count_calls_and_items_per_operation(mock, http):
    http.post("/oso/submit", content=submit_xml(item_xml("s1"), item_xml("s2")))
    http.get("/oso/results/s1")
    http.get("/elk/feed", params={"school": "99XX"})
    stats = mock.stats()
    assert (stats["submit_calls"], stats["submit_items"]) == (1, 2)
    assert (stats["results_calls"], stats["results_items"]) == (1, 1)
    assert stats["feed_calls"] == 1
    mock.reset(stats=True)
    assert mock.stats()["submit_calls"] == 0


def test_resetting_requests_forgets_stored_answers(mock, http):
    http.post("/oso/submit", content=submit_xml(item_xml("f1", birthDate="2000-01-01")))
    mock.reset(faults=False, stats=False, requests=True)
    root = etree.fromstring(http.post("/oso/submit", content=submit_xml(item_xml("f1"))).content)
    assert root[0].get("accepted") == "true"


# --- the publication rule (no HTTP) ---------------------------------------------------------


def _item(pupil, request_id: str, **changes) -> SubmitItem:
    values = {
        "request_id": request_id,
        "school_brin": "99XX",
        "bsn": pupil.bsn,
        "education_number": pupil.education_number,
        "birth_date": pupil.birth_date,
        "surname": pupil.surname,
        "primary_school_brin": pupil.primary_school_brin,
        "changed_since": None,
    }
    values.update(changes)
    return SubmitItem(**values)


def test_state_serves_the_latest_released_version_and_pends_while_one_is_unreleased():
    late = next(p for p in PUPILS if p.versions[-1].published_on == DEMO_LATE_MAY_DATE)
    state = EndpointState(PUPILS, DEMO_CLOCK_START)
    assert state.submit([_item(late, "x")])[0].accepted
    [at_start] = state.results(["x"])
    assert (at_start.state, at_start.version) == (ResultState.DOSSIER, late.versions[0])
    state.set_clock(DEMO_MAY_DATE)
    assert state.results(["x"])[0].state == ResultState.PENDING
    state.set_clock(DEMO_LATE_MAY_DATE)
    assert state.results(["x"])[0].version == late.versions[-1]


def test_state_matches_the_surname_whatever_its_case_and_spacing():
    state = EndpointState(PUPILS, DEMO_CLOCK_START)
    [ack] = state.submit([_item(NOOR, "case", surname="  HOF ")])
    assert ack.accepted


def test_the_feed_lists_a_change_only_after_its_moment():
    state = EndpointState(PUPILS, DEMO_MAY_DATE)
    _, _, changed = state.feed("99XX", datetime(2021, 5, 9, tzinfo=UTC))
    assert changed and {c.changed_at for c in changed} == {datetime(2021, 5, 10, tzinfo=UTC)}
    _, _, none = state.feed("99XX", datetime(2021, 5, 10, tzinfo=UTC))
    assert none == []


# --- fault plan (no HTTP) -------------------------------------------------------------------


def _sequence(plan: FaultPlan, calls: int = 200) -> list[str]:
    return [plan.decide_call(results_call=True) for _ in range(calls)]


def test_the_same_seed_gives_the_same_faults():
    settings = FaultSettings(error_rate=0.3, timeout_rate=0.1, truncate_rate=0.1, seed=9)
    first = _sequence(FaultPlan(settings))
    assert first == _sequence(FaultPlan(FaultSettings(**vars(settings))))
    assert {ERROR, TIMEOUT, TRUNCATE, NONE} == set(first)
    other = FaultSettings(**{**vars(settings), "seed": 10})
    assert _sequence(FaultPlan(other)) != first


def test_faults_never_come_more_than_max_consecutive_in_a_row():
    plan = FaultPlan(FaultSettings(error_rate=0.6, timeout_rate=0.35, max_consecutive=3, seed=1))
    run = longest = 0
    for outcome in _sequence(plan, 2000):
        run = run + 1 if outcome != NONE else 0
        longest = max(longest, run)
    assert longest == 3


def test_a_fault_budget_bounds_the_total():
    plan = FaultPlan(FaultSettings(error_rate=0.9, budget=5, seed=2))
    assert sum(1 for outcome in _sequence(plan, 500) if outcome != NONE) == 5


def test_next_forces_faults_in_order_then_rates_resume():
    plan = FaultPlan(FaultSettings(next=[TRUNCATE, NONE, ERROR, INVALID_XML]))
    assert _sequence(plan, 5) == [TRUNCATE, NONE, ERROR, INVALID_XML, NONE]
    plan.update(next=[INVALID_XML])
    assert plan.decide_call(results_call=False) == NONE  # only results carry dossiers


def test_invalid_xml_is_decided_per_request_id():
    plan = FaultPlan(FaultSettings(invalid_xml_rate=0.3, seed=4))
    decisions = [plan.dossier_is_invalid(f"id-{n}") for n in range(1000)]
    assert decisions == [plan.dossier_is_invalid(f"id-{n}") for n in range(1000)]
    assert 200 < sum(decisions) < 400


def test_fault_rates_that_could_block_every_call_are_refused():
    with pytest.raises(ValueError):
        FaultPlan(FaultSettings(error_rate=0.5, timeout_rate=0.5))
    with pytest.raises(ValueError):
        FaultPlan(FaultSettings(max_consecutive=0))


# --- the process ----------------------------------------------------------------------------


def test_arguments_at_start_set_faults_and_refusals():
    with MockEndpoint("--next-faults", "error", "--refuse-pupil", "demo-01") as mock:
        with httpx.Client(base_url=mock.url, timeout=5) as http:
            assert http.post("/oso/submit", content=submit_xml(item_xml())).status_code >= 500
            root = etree.fromstring(
                http.post("/oso/submit", content=submit_xml(item_xml())).content
            )
        assert root[0].get("code") == "refused"


def test_sigterm_stops_the_process_cleanly_even_with_a_hung_response():
    mock = MockEndpoint("--hang-seconds", "600").start()
    try:
        mock.set_faults(next=["timeout"])

        def hang() -> None:
            with contextlib.suppress(httpx.HTTPError):
                httpx.get(f"{mock.url}/elk/feed?school=99XX", timeout=30)

        hung = threading.Thread(target=hang, daemon=True)
        hung.start()
        for _ in range(200):  # the hung call has arrived once the mock counted it
            if mock.stats()["feed_calls"]:
                break
            threading.Event().wait(0.05)
        assert mock.stats()["feed_calls"] == 1
        mock.process.send_signal(signal.SIGTERM)
        assert mock.process.wait(timeout=10) == 0
        assert b"elk_mock stopped" in mock.process.stdout.read()
    finally:
        mock.stop()


def test_sigint_stops_the_process_cleanly():
    mock = MockEndpoint().start()
    try:
        mock.process.send_signal(signal.SIGINT)
        assert mock.process.wait(timeout=10) == 0
    finally:
        mock.stop()


def test_an_unknown_data_set_is_refused_at_start():
    result = subprocess.run(
        [sys.executable, "-m", "elk_mock", "--port", "0", "--dataset", "everyone"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        timeout=30,
    )
    assert result.returncode == 2 and b"unknown dataset" in result.stderr


# --- scale and validity ---------------------------------------------------------------------


@pytest.mark.slow
def test_every_dossier_served_for_500_generated_pupils_validates_against_the_xsd():
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    pupils = generated_pupils(500, seed=0)
    items = [
        ClientItem(
            request_id=f"g-{p.key}",
            bsn=p.bsn,
            education_number=p.education_number,
            birth_date=p.birth_date,
            surname=p.surname,
            primary_school_brin=p.primary_school_brin,
            changed_since=None,
        )
        for p in pupils
    ]
    served = 0
    with (
        MockEndpoint(dataset="generated:500:0", clock=DEMO_CLOCK_START) as mock,
        EndpointClient(base_url=mock.url, school_brin="99XX") as client,
    ):
        for start in range(0, 500, 250):
            assert all(a.accepted for a in client.submit(items[start : start + 250]))
        for clock in (DEMO_CLOCK_START, DEMO_MAY_DATE, date(2021, 6, 1)):
            mock.set_clock(clock)
            for start in range(0, 500, 250):
                chunk = [i.request_id for i in items[start : start + 250]]
                for result in client.results(chunk):
                    if result.state == ClientState.DOSSIER:
                        assert_valid_dossier(schema, result.dossier_xml, result.request_id)
                        served += 1
                    else:
                        assert result.state == ClientState.PENDING, result
        ids = [i.request_id for i in items]
        at_june = client.results(ids[:250]) + client.results(ids[250:])
    assert all(r.state == ClientState.DOSSIER for r in at_june)
    assert served >= 1000


# --- the school's pupils (the one JSON answer) and withdrawn placements -------------------

PUPIL_KEYS = {
    "bsn",
    "educationNumber",
    "birthDate",
    "prefix",
    "surname",
    "givenName",
    "primarySchoolBrin",
    "placed",
    "firstFileReleased",
    "importedByDemo",
}


def test_control_pupils_lists_every_pupil_of_the_school_with_exactly_the_named_keys(http):
    response = http.get("/control/pupils", params={"school": "99XX"})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    pupils = response.json()
    assert isinstance(pupils, list) and len(pupils) == len(PUPILS)
    assert all(set(pupil) == PUPIL_KEYS for pupil in pupils)
    assert all((pupil["bsn"] == "") != (pupil["educationNumber"] == "") for pupil in pupils)
    noor = next(p for p in pupils if p["bsn"] == NOOR.bsn)
    assert noor == {
        "bsn": NOOR.bsn,
        "educationNumber": "",
        "birthDate": "2009-05-14",
        "prefix": "van 't",
        "surname": "Hof",
        "givenName": "Noor",
        "primarySchoolBrin": "12AB",
        "placed": True,
        "firstFileReleased": True,
        "importedByDemo": True,
    }
    signed_up = [p for p in pupils if not p["importedByDemo"]]
    assert len(signed_up) == 12
    assert sum(1 for p in signed_up if p["placed"]) == 4  # the feed brings these in at the start
    late = [p for p in signed_up if not p["firstFileReleased"]]
    assert len(late) == 1 and late[0]["surname"] == "Haan"
    assert {p["prefix"] for p in signed_up} >= {"", "van", "de"}


def test_control_pupils_follows_the_clock_and_answers_404_for_an_unknown_school(http, mock):
    mock.set_clock(DEMO_MAY_DATE)
    signed_up = [
        p for p in http.get("/control/pupils?school=99XX").json() if not p["importedByDemo"]
    ]
    assert all(p["firstFileReleased"] for p in signed_up)
    assert sum(1 for p in signed_up if p["placed"]) == 10

    assert http.get("/control/pupils?school=11ZZ").status_code == 404
    assert http.get("/control/pupils?school=98YY").json() == []
    assert http.get("/control/pupils").status_code == 400


def test_the_feed_gives_a_placed_pupils_identity_and_drops_a_withdrawn_placement(http, mock):
    root = etree.fromstring(http.get("/elk/feed?school=99XX").content)
    evi = next(p for p in root.iterfind("placements/placement") if p.get("surname") == "Willems")
    assert (evi.get("birthDate"), evi.get("givenName"), evi.get("prefix")) == (
        "2009-04-11",
        "Evi",
        "",
    )
    assert evi.get("primarySchoolBrin") == "17LM"

    mock.withdraw("aanm-09")
    after = etree.fromstring(http.get("/elk/feed?school=99XX").content)
    assert "Willems" not in {p.get("surname") for p in after.iterfind("placements/placement")}
    pupils = http.get("/control/pupils?school=99XX").json()
    assert not next(p for p in pupils if p["surname"] == "Willems")["placed"]
    mock.reset(faults=True)  # clears the withdrawals too
    assert next(
        p for p in http.get("/control/pupils?school=99XX").json() if p["surname"] == "Willems"
    )["placed"]
