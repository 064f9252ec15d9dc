"""The portal's endpoint client against a running mock endpoint process (elk_mock).

Each behaviour of the protocol in elk_mock/README.md (submit, results, feed, codes), the
clock, and every fault switch with the client's transient/permanent classification.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from django.test import override_settings
from django.utils import translation

from elk_mock.dataset import (
    DEMO_CLOCK_START,
    DEMO_LATE_MAY_DATE,
    DEMO_MAY_DATE,
    DEMO_SCHOOL_BRIN,
    Pupil,
    demo_dataset,
    is_pending,
    released_version,
)
from elk_mock.testing import MockEndpoint
from requests.client import (
    EndpointClient,
    PermanentEndpointError,
    RequestResult,
    ResultState,
    SubmitItem,
    TransientEndpointError,
    endpoint_client_from_settings,
    submit_item_for,
)

PUPILS = demo_dataset()
BY_KEY = {pupil.key: pupil for pupil in PUPILS}


@pytest.fixture(scope="module")
def mock():
    with MockEndpoint(dataset="demo", clock=DEMO_CLOCK_START) as endpoint:
        yield endpoint


@pytest.fixture(autouse=True)
def fresh_mock(mock):
    """Every test starts at the demo's first day, with no faults, stored requests or counts."""
    mock.reset(faults=True, stats=True, requests=True)
    mock.set_clock(DEMO_CLOCK_START)
    yield


@pytest.fixture
def client(mock):
    with EndpointClient(
        base_url=mock.url, school_brin=DEMO_SCHOOL_BRIN, connect_timeout=2, read_timeout=2
    ) as endpoint_client:
        yield endpoint_client


def item_for(pupil: Pupil, request_id: str, **changes) -> SubmitItem:
    values: dict[str, Any] = {
        "request_id": request_id,
        "bsn": pupil.bsn,
        "education_number": pupil.education_number,
        "birth_date": pupil.birth_date,
        "surname": pupil.surname,
        "primary_school_brin": pupil.primary_school_brin,
        "changed_since": None,
    }
    values.update(changes)
    return SubmitItem(**values)


def result_of(client: EndpointClient, request_id: str) -> RequestResult:
    [result] = client.results([request_id])
    return result


# --- submit ---------------------------------------------------------------------------------


def test_submit_acknowledges_every_demo_pupil_in_order(client):
    items = [item_for(pupil, f"ack-{pupil.key}") for pupil in PUPILS]
    acks = client.submit(items)
    assert [ack.request_id for ack in acks] == [item.request_id for item in items]
    assert all(ack.accepted and ack.refusal_code is None and ack.message == "" for ack in acks)


def test_a_pupil_with_an_education_number_is_accepted(client):
    pupil = next(p for p in PUPILS if p.education_number)
    [ack] = client.submit([item_for(pupil, "edu-1")])
    assert ack.accepted


@pytest.mark.parametrize(
    ("change", "code", "dutch"),
    [
        (
            {"birth_date": date(2001, 1, 1)},
            "unknown_pupil",
            "Bij de bron is geen leerling bekend met dit burgerservicenummer of onderwijsnummer "
            "en deze geboortedatum. Controleer BSN en geboortedatum.",
        ),
        (
            {"primary_school_brin": "19QR"},
            "no_relation",
            "De leerling is niet gekoppeld aan onze school of aan deze basisschool. Controleer "
            "de BRIN van de basisschool en of de leerling bij onze school is aangemeld.",
        ),
        (
            {"surname": "Hof-Jansen"},
            "name_mismatch",
            "De achternaam komt niet overeen met de gegevens van de basisschool. "
            "Controleer de achternaam.",
        ),
        (
            {"bsn": "123456789"},
            "malformed",
            "De aanvraag voor deze leerling is onvolledig of bevat een ongeldige waarde. "
            "Controleer BSN of onderwijsnummer, geboortedatum, achternaam en de BRIN van de "
            "basisschool.",
        ),
    ],
)
def test_a_refused_item_carries_its_code_and_a_dutch_message(client, change, code, dutch):
    noor = BY_KEY["demo-01"]
    with translation.override("nl"):
        [ack] = client.submit([item_for(noor, f"refuse-{code}", **change)])
    assert (ack.accepted, ack.refusal_code, ack.message) == (False, code, dutch)


def test_an_unknown_school_brin_is_refused(mock):
    with (
        EndpointClient(base_url=mock.url, school_brin="11ZZ") as other_school,
        translation.override("nl"),
    ):
        [ack] = other_school.submit([item_for(BY_KEY["demo-01"], "school-1")])
    assert ack.refusal_code == "unknown_school"
    assert "OSO_SCHOOL_BRIN" in ack.message


def test_a_pupil_of_another_known_school_has_no_relation(mock):
    with EndpointClient(base_url=mock.url, school_brin="98YY") as other_school:
        [ack] = other_school.submit([item_for(BY_KEY["demo-01"], "school-2")])
    assert ack.refusal_code == "no_relation"


def test_submitting_the_same_request_id_twice_is_one_request(client, mock):
    noor = BY_KEY["demo-01"]
    [first] = client.submit([item_for(noor, "twice-1")])
    # The second submit differs (a wrong birth date), but the id is the same: same answer.
    [second] = client.submit([item_for(noor, "twice-1", birth_date=date(2001, 1, 1))])
    assert first == second and first.accepted
    [refused] = client.submit([item_for(noor, "twice-2", birth_date=date(2001, 1, 1))])
    [refused_again] = client.submit([item_for(noor, "twice-2")])
    assert refused == refused_again and not refused.accepted
    assert result_of(client, "twice-1").dossier_xml == noor.versions[0].xml
    assert mock.stats()["submit_items"] == 4


# --- results --------------------------------------------------------------------------------


def test_results_give_each_pupils_released_file_or_pending_at_the_clock(client):
    client.submit([item_for(pupil, f"res-{pupil.key}") for pupil in PUPILS])
    results = client.results([f"res-{pupil.key}" for pupil in PUPILS])
    for pupil, result in zip(PUPILS, results, strict=True):
        assert result.request_id == f"res-{pupil.key}"
        if is_pending(pupil, DEMO_CLOCK_START):
            assert (result.state, result.dossier_xml) == (ResultState.PENDING, None)
        else:
            version = released_version(pupil, DEMO_CLOCK_START)
            assert result.state == ResultState.DOSSIER
            assert result.dossier_xml == version.xml
            assert result.collection_date == version.collection_date
    assert any(r.state == ResultState.PENDING for r in results)


def test_asking_again_gives_the_same_answer_until_the_clock_moves(client, mock):
    noor = BY_KEY["demo-01"]
    client.submit([item_for(noor, "again-1")])
    first, second = result_of(client, "again-1"), result_of(client, "again-1")
    assert first == second and first.dossier_xml == noor.versions[0].xml
    mock.set_clock(DEMO_MAY_DATE)
    assert result_of(client, "again-1").dossier_xml == noor.versions[-1].xml


def test_an_unknown_request_id_is_a_permanent_error(client):
    with translation.override("nl"):
        result = result_of(client, "never-submitted")
    assert (result.state, result.error_code, result.transient) == (
        ResultState.ERROR,
        "unknown_request",
        False,
    )
    assert result.message == "Het eindpunt kent deze aanvraag niet."


def test_results_of_a_refused_request_repeat_the_refusal(client):
    client.submit([item_for(BY_KEY["demo-01"], "ref-res", surname="Anders")])
    result = result_of(client, "ref-res")
    assert (result.state, result.error_code, result.transient) == (
        ResultState.ERROR,
        "name_mismatch",
        False,
    )


def test_changes_since_says_not_changed_for_a_pupil_without_a_newer_file(client, mock):
    unchanged = next(p for p in PUPILS if len(p.versions) == 1)
    since = unchanged.versions[0].collection_date
    mock.set_clock(DEMO_LATE_MAY_DATE)
    client.submit([item_for(unchanged, "since-1", changed_since=since)])
    result = result_of(client, "since-1")
    assert result.state == ResultState.NOT_CHANGED
    assert result.collection_date == since


def test_changes_since_serves_the_may_file_once_it_is_released(client, mock):
    noor = BY_KEY["demo-01"]
    since = noor.versions[0].collection_date
    client.submit([item_for(noor, "since-2", changed_since=since)])
    assert result_of(client, "since-2").state == ResultState.NOT_CHANGED
    mock.set_clock(DEMO_MAY_DATE)
    result = result_of(client, "since-2")
    assert result.state == ResultState.DOSSIER
    assert result.dossier_xml == noor.versions[-1].xml
    assert b"<herzienadvies>50</herzienadvies>" in result.dossier_xml


def test_a_file_collected_but_not_released_waits_until_the_clock_releases_it(client, mock):
    late = next(p for p in PUPILS if any(v.published_on == DEMO_LATE_MAY_DATE for v in p.versions))
    client.submit([item_for(late, "late-1")])
    mock.set_clock(DEMO_MAY_DATE)
    assert result_of(client, "late-1").state == ResultState.PENDING
    mock.set_clock(DEMO_LATE_MAY_DATE - timedelta(days=1))
    assert result_of(client, "late-1").state == ResultState.PENDING
    mock.advance_clock(1)
    result = result_of(client, "late-1")
    assert result.state == ResultState.DOSSIER
    assert result.dossier_xml == late.versions[-1].xml


# --- feed -----------------------------------------------------------------------------------


def _identity(entry) -> str:
    return entry.bsn or entry.education_number


def test_the_clock_publishes_the_may_files_and_the_feed_then_lists_those_pupils(client, mock):
    start = client.feed()
    assert start.as_of == datetime(2021, 3, 20, tzinfo=UTC)
    assert client.feed(since=start.as_of).changed == ()

    mock.set_clock(DEMO_MAY_DATE)
    may = client.feed(since=start.as_of)
    published_since_start = {
        p.identifier
        for p in PUPILS
        if any(DEMO_CLOCK_START < v.published_on <= DEMO_MAY_DATE for v in p.versions)
    }
    assert {_identity(c) for c in may.changed} == published_since_start
    may_pupils = {p.identifier for p in PUPILS if p.versions[-1].published_on == DEMO_MAY_DATE}
    assert may_pupils <= published_since_start and len(may_pupils) >= 8
    assert all(c.changed_at <= may.as_of for c in may.changed)

    assert client.feed(since=may.as_of).changed == ()
    mock.set_clock(DEMO_LATE_MAY_DATE)
    late = client.feed(since=may.as_of)
    assert {_identity(c) for c in late.changed} == {
        p.identifier for p in PUPILS if p.versions[-1].published_on == DEMO_LATE_MAY_DATE
    }
    assert [c.changed_at for c in late.changed] == [datetime(2021, 5, 25, tzinfo=UTC)]


def test_the_feed_without_a_moment_lists_pupils_whose_file_grew(client, mock):
    mock.set_clock(DEMO_MAY_DATE)
    feed = client.feed()
    grown = {
        p.identifier
        for p in PUPILS
        if sum(1 for v in p.versions if v.published_on <= DEMO_MAY_DATE) > 1
    }
    assert {_identity(c) for c in feed.changed} == grown


def test_the_feed_lists_placements_with_status_and_date_once_they_happen(client, mock):
    early = client.feed()
    expected = {
        p.identifier: (p.placement.status, p.placement.date)
        for p in PUPILS
        if p.placement and p.placement.date <= DEMO_CLOCK_START
    }
    assert {_identity(pl): (pl.status, pl.date) for pl in early.placements} == expected
    mock.set_clock(DEMO_MAY_DATE)
    later = client.feed()
    statuses = {pl.status for pl in later.placements}
    assert statuses == {"Geplaatst", "Geplaatst doorbegeleid"}
    assert len(later.placements) == sum(
        1 for p in PUPILS if p.placement and p.placement.date <= DEMO_MAY_DATE
    )


def test_a_naive_since_is_read_as_utc(client, mock):
    mock.set_clock(DEMO_MAY_DATE)
    aware = client.feed(since=datetime(2021, 5, 9, tzinfo=UTC))
    naive = client.feed(since=datetime(2021, 5, 9))
    assert aware == naive and aware.changed


# --- fault switches -------------------------------------------------------------------------


def test_a_5xx_is_transient_with_a_dutch_message(client, mock):
    mock.set_faults(next=["error"])
    with translation.override("nl"), pytest.raises(TransientEndpointError) as caught:
        client.results(["x"])
    assert caught.value.status in (500, 502, 503)
    assert caught.value.message.startswith("Het eindpunt is tijdelijk niet beschikbaar")
    assert caught.value.transient


def test_a_hung_response_is_a_transient_timeout(client, mock):
    mock.set_faults(next=["timeout"], hang_seconds=4)
    with translation.override("nl"), pytest.raises(TransientEndpointError) as caught:
        client.feed()
    assert caught.value.code == "timeout"
    assert caught.value.message == "Het eindpunt antwoordde niet op tijd."


def test_a_submit_that_hangs_was_still_stored_so_the_retry_gets_the_same_ack(client, mock):
    mock.set_faults(next=["timeout"], hang_seconds=4)
    item = item_for(BY_KEY["demo-02"], "hang-submit")
    with pytest.raises(TransientEndpointError):
        client.submit([item])
    [ack] = client.submit([item])
    assert ack.accepted
    assert result_of(client, "hang-submit").state == ResultState.DOSSIER


def test_latency_longer_than_the_read_timeout_is_a_timeout(mock):
    mock.set_faults(latency=1.5)
    with (
        EndpointClient(base_url=mock.url, school_brin=DEMO_SCHOOL_BRIN, read_timeout=0.3) as c,
        pytest.raises(TransientEndpointError) as caught,
    ):
        c.feed()
    assert caught.value.code == "timeout"
    with EndpointClient(base_url=mock.url, school_brin=DEMO_SCHOOL_BRIN, read_timeout=5) as c:
        assert c.feed().as_of


def test_a_truncated_body_is_transient(client, mock):
    client.submit([item_for(BY_KEY["demo-01"], "trunc-1")])
    mock.set_faults(next=["truncate"])
    with translation.override("nl"), pytest.raises(TransientEndpointError) as caught:
        client.results(["trunc-1"])
    assert caught.value.code == "truncated"
    assert caught.value.message == "Het antwoord van het eindpunt was onvolledig."
    assert result_of(client, "trunc-1").state == ResultState.DOSSIER


def test_a_dossier_that_is_not_well_formed_is_a_permanent_error_of_that_request(client, mock):
    client.submit([item_for(BY_KEY["demo-01"], "bad-1"), item_for(BY_KEY["demo-02"], "good-1")])
    mock.set_faults(next=["invalid_xml"])
    with translation.override("nl"):
        bad, also_bad = client.results(["bad-1", "good-1"])
    assert (bad.state, bad.error_code, bad.transient) == (
        ResultState.ERROR,
        "invalid_dossier",
        False,
    )
    assert bad.message == "Het ontvangen overstapdossier is geen geldige XML."
    assert also_bad.state == ResultState.ERROR
    assert result_of(client, "good-1").state == ResultState.DOSSIER


def test_an_invalid_xml_rate_breaks_the_same_requests_on_every_ask(client, mock):
    mock.set_faults(invalid_xml_rate=0.5, seed=11)
    ids = [f"rate-{pupil.key}" for pupil in PUPILS]
    client.submit([item_for(pupil, request_id) for pupil, request_id in zip(PUPILS, ids)])
    first = [r.state for r in client.results(ids)]
    assert first == [r.state for r in client.results(ids)]
    assert ResultState.ERROR in first and ResultState.DOSSIER in first


def test_a_refused_pupil_is_refused_at_submit(client, mock):
    mock.set_faults(refuse=["demo-05"])
    with translation.override("nl"):
        acks = client.submit(
            [item_for(BY_KEY["demo-05"], "r-5"), item_for(BY_KEY["demo-06"], "r-6")]
        )
    assert [(a.accepted, a.refusal_code) for a in acks] == [(False, "refused"), (True, None)]
    assert (
        acks[0].message
        == "De basisschool weigert het overstapdossier van deze leerling vrij te geven."
    )


def test_a_refused_pupil_can_be_named_by_bsn(client, mock):
    mock.set_faults(refuse=[BY_KEY["demo-06"].bsn])
    [ack] = client.submit([item_for(BY_KEY["demo-06"], "r-bsn")])
    assert ack.refusal_code == "refused"


def test_with_error_and_timeout_rates_retrying_gets_every_answer_in_bounded_calls(mock):
    client = EndpointClient(base_url=mock.url, school_brin=DEMO_SCHOOL_BRIN, read_timeout=1)
    mock.set_faults(error_rate=0.3, timeout_rate=0.1, hang_seconds=3, seed=5, max_consecutive=2)
    ids = [f"rates-{pupil.key}" for pupil in PUPILS]
    items = [item_for(pupil, request_id) for pupil, request_id in zip(PUPILS, ids)]
    failures = 0

    def call(function, *args):
        nonlocal failures
        for _attempt in range(3):  # max_consecutive + 1 attempts always suffice
            try:
                return function(*args)
            except TransientEndpointError:
                failures += 1
        raise AssertionError("the fault bound did not hold")

    for item in items:
        [ack] = call(client.submit, [item])
        assert ack.accepted
    for request_id in ids:
        [result] = call(client.results, [request_id])
        assert result.state in (ResultState.DOSSIER, ResultState.PENDING)
    stats = mock.stats()
    assert failures > 0
    assert stats["injected_error"] + stats["injected_timeout"] == failures
    assert stats["submit_calls"] + stats["results_calls"] == 2 * len(PUPILS) + failures
    client.close()


def test_faults_with_the_same_seed_repeat_the_same_way(client, mock):
    def outcomes() -> list[str]:
        seen = []
        for _ in range(25):
            try:
                client.results(["x"])
                seen.append("ok")
            except TransientEndpointError as exc:
                seen.append(exc.code)
        return seen

    mock.set_faults(error_rate=0.4, truncate_rate=0.2, seed=42)
    first = outcomes()
    mock.set_faults(seed=42)
    assert outcomes() == first
    assert {"ok", "truncated"} <= set(first) and any(o.startswith("http_5") for o in first)


# --- whole-call failures without faults -----------------------------------------------------


def test_an_unreachable_endpoint_is_transient():
    with (
        EndpointClient(base_url="http://127.0.0.1:9", school_brin="99XX", connect_timeout=1) as c,
        translation.override("nl"),
        pytest.raises(TransientEndpointError) as caught,
    ):
        c.feed()
    assert caught.value.code == "connect"
    assert caught.value.message == "Het eindpunt is niet bereikbaar."


def test_a_4xx_refusal_of_the_whole_call_is_permanent(mock):
    with (
        EndpointClient(base_url=f"{mock.url}/wrong", school_brin="99XX") as c,
        translation.override("nl"),
        pytest.raises(PermanentEndpointError) as caught,
    ):
        c.feed()
    assert (caught.value.status, caught.value.code) == (404, "not_found")
    assert caught.value.message == "Het eindpunt weigerde de aanroep (HTTP 404, not_found)."


def _client_answering(body: bytes, status: int = 200) -> EndpointClient:
    transport = httpx.MockTransport(lambda request: httpx.Response(status, content=body))
    return EndpointClient(base_url="http://endpoint.test", school_brin="99XX", transport=transport)


def test_an_envelope_that_is_not_xml_is_permanent():
    with (
        _client_answering(b"<html><body>Proxy error</h1></html>") as c,
        pytest.raises(PermanentEndpointError) as caught,
    ):
        c.feed()
    assert caught.value.code == "malformed"


def test_an_envelope_of_the_wrong_kind_is_permanent():
    with (
        _client_answering(b'<resultsResponse version="1"/>') as c,
        pytest.raises(PermanentEndpointError) as caught,
    ):
        c.feed()
    assert caught.value.code == "envelope"


def test_an_envelope_cut_short_with_a_matching_length_is_transient():
    whole = (
        b'<resultsResponse version="1"><result requestId="a" state="pending"/></resultsResponse>'
    )
    with (
        _client_answering(whole[:50]) as c,
        pytest.raises(TransientEndpointError) as caught,
    ):
        c.results(["a"])
    assert caught.value.code == "truncated"


def test_a_missing_answer_for_one_request_is_transient_for_that_request():
    body = b'<resultsResponse version="1"><result requestId="a" state="pending"/></resultsResponse>'
    with _client_answering(body) as c:
        first, missing = c.results(["a", "b"])
    assert first.state == ResultState.PENDING
    assert (missing.state, missing.error_code, missing.transient) == (
        ResultState.ERROR,
        "missing_result",
        True,
    )


def test_a_dossier_larger_than_the_limit_is_a_permanent_error():
    import base64

    xml = b"<dossier>" + b"x" * 2048 + b"</dossier>"
    body = (
        b'<resultsResponse version="1"><result requestId="a" state="dossier"><dossier>'
        + base64.b64encode(xml)
        + b"</dossier></result></resultsResponse>"
    )
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=body))
    with EndpointClient(
        base_url="http://endpoint.test", school_brin="99XX", transport=transport,
        max_dossier_bytes=1024,
    ) as c:  # fmt: skip
        [result] = c.results(["a"])
    assert (result.error_code, result.transient) == ("dossier_too_large", False)


def test_a_dossier_with_a_wrong_checksum_is_fetched_again():
    import base64

    xml = b"<dossier/>"
    body = (
        b'<resultsResponse version="1"><result requestId="a" state="dossier" sha256="00">'
        b"<dossier>" + base64.b64encode(xml) + b"</dossier></result></resultsResponse>"
    )
    with _client_answering(body) as c:
        [result] = c.results(["a"])
    assert (result.error_code, result.transient) == ("checksum_mismatch", True)


def test_more_items_than_one_call_may_carry_is_a_programming_error(client):
    with pytest.raises(ValueError):
        client.results([str(n) for n in range(1001)])


def test_empty_calls_send_nothing(client, mock):
    assert client.submit([]) == [] and client.results([]) == []
    assert mock.stats()["submit_calls"] == mock.stats()["results_calls"] == 0


def test_the_client_from_settings_talks_to_the_configured_endpoint(mock):
    with (
        override_settings(OSO_ENDPOINT_URL=mock.url, OSO_SCHOOL_BRIN="99XX"),
        endpoint_client_from_settings() as c,
    ):
        assert c.school_brin == "99XX"
        [ack] = c.submit([item_for(BY_KEY["demo-01"], "settings-1")])
    assert ack.accepted


def test_submit_items_and_their_repr_never_show_the_bsn():
    noor = BY_KEY["demo-01"]
    text = repr(item_for(noor, "repr-1")) + repr(result_of_pending())
    assert noor.bsn not in text and "repr-1" in text


def result_of_pending() -> RequestResult:
    return RequestResult("p", ResultState.PENDING, None, None, "", False)


# --- the identity sent: never a local correction -------------------------------------------


class RecordingTransport(httpx.BaseTransport):
    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.bodies: list[bytes] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.bodies.append(request.read())
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


@pytest.mark.django_db
def test_the_client_never_sends_a_corrected_surname(mock):
    from students.services.corrections import naw_correction_record
    from students.services.dossier_merge import DossierIn, dossiers_merge
    from tests.factories import SignupGroupFactory

    noor = BY_KEY["demo-01"]
    [merged] = dossiers_merge(
        items=[DossierIn(raw=noor.versions[0].xml, source_name="noor.xml")],
        signup_group=SignupGroupFactory(),
    )
    from students.models import Student

    student = Student.objects.select_related("primary_school").get(pk=merged.student_id)
    naw_correction_record(student=student, field="surname", value="Hof-Jansen", user="staff")
    student.refresh_from_db()
    assert student.surname == "Hof-Jansen"

    item = submit_item_for(request_id="corr-1", student=student, changed_since=None)
    assert item.surname == "Hof"
    recorder = RecordingTransport()
    with EndpointClient(base_url=mock.url, school_brin="99XX", transport=recorder) as c:
        [ack] = c.submit([item])
    assert ack.accepted
    assert b"<surname>Hof</surname>" in recorder.bodies[0]
    assert b"Hof-Jansen" not in recorder.bodies[0]


def _merged_noor():
    from students.models import Student
    from students.services.dossier_merge import DossierIn, dossiers_merge
    from tests.factories import SignupGroupFactory

    [merged] = dossiers_merge(
        items=[DossierIn(raw=BY_KEY["demo-01"].versions[0].xml, source_name="noor.xml")],
        signup_group=SignupGroupFactory(),
    )
    return Student.objects.select_related("primary_school").get(pk=merged.student_id)


@pytest.mark.django_db
def test_an_admin_edit_of_the_birth_date_is_not_sent(mock):
    from students.services.students import student_save

    student = _merged_noor()
    from_file = student.birth_date
    # What the admin's save does with a changed birth date.
    student.birth_date = from_file + timedelta(days=1)
    student_save(student=student, changed_fields=["birth_date"], user="beheer")
    student.refresh_from_db()

    item = submit_item_for(request_id="birth-1", student=student, changed_since=None)

    assert item.birth_date == from_file
    recorder = RecordingTransport()
    with EndpointClient(base_url=mock.url, school_brin="99XX", transport=recorder) as c:
        [ack] = c.submit([item])
    assert ack.accepted
    assert f"<birthDate>{from_file.isoformat()}</birthDate>".encode() in recorder.bodies[0]


@pytest.mark.django_db
def test_an_admin_edit_of_the_bsn_is_not_sent():
    from students.services.students import student_save
    from tests.factories import bsn_from_seed

    student = _merged_noor()
    from_file = student.bsn
    student.bsn = bsn_from_seed(987654)
    student_save(student=student, changed_fields=["bsn"], user="beheer")
    student.refresh_from_db()

    item = submit_item_for(request_id="bsn-1", student=student, changed_since=None)

    assert (item.bsn, item.education_number) == (from_file, "")


@pytest.mark.django_db
def test_submit_item_for_uses_the_dossier_values_and_falls_back_to_the_surname():
    from tests.factories import StudentFactory

    corrected = StudentFactory(surname="Corrected", dossier_values={"surname": "FromFile"})
    item = submit_item_for(request_id="i-1", student=corrected, changed_since=date(2021, 3, 1))
    assert (item.surname, item.changed_since) == ("FromFile", date(2021, 3, 1))
    assert (item.bsn, item.birth_date) == (corrected.bsn, corrected.birth_date)
    assert item.primary_school_brin == corrected.primary_school.brin
    assert item.request_id == "i-1"
    never_imported = StudentFactory(surname="Typed", dossier_values={})
    assert submit_item_for(
        request_id="i-2", student=never_imported, changed_since=None
    ).surname == ("Typed")
    with_education_number = StudentFactory(bsn="", education_number="104521801")
    item = submit_item_for(request_id="i-3", student=with_education_number, changed_since=None)
    assert (item.bsn, item.education_number) == ("", "104521801")
