"""Overstapdossier opvragen as a list of pupils: the latest request per pupil by default,
*Toon alle aanvragen* for the history, search, the request-type filter, the page size,
waiting rows that say when they are asked again, and the progress box that counts them."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from requests.models import RequestMode, RequestStatus, TransferRequest
from students.models import PrimarySchool, Student
from tests.factories import (
    PrimarySchoolFactory,
    RequestBatchFactory,
    SignupGroupFactory,
    StudentFactory,
    TransferRequestFactory,
)
from tests.pages_support import column_headers

OVERVIEW = reverse("oso_requests:overview")
SEND = reverse("oso_requests:send")


def rows_in(response) -> list[TransferRequest]:
    return [row.record for row in response.context["table"].paginated_rows]


def chip_counts(response) -> dict[str, int]:
    return {row["status"]: row["count"] for row in response.context["status_counts"]}


def _created(request: TransferRequest, day: int) -> None:
    moment = timezone.make_aware(dt.datetime(2021, 5, day, 12, 0))
    TransferRequest.objects.filter(pk=request.pk).update(created_at=moment)


@pytest.fixture
def two_rounds(db):
    """16 pupils of the demo group, each requested twice (Actueel, then Mutaties vanaf),
    and a pupil of another group: after two rounds the history holds 33 rows."""
    group = SignupGroupFactory()
    pupils = [StudentFactory(signup_group=group) for _ in range(16)]
    for pupil in pupils:
        first = TransferRequestFactory(
            student=pupil, status=RequestStatus.PROCESSED, mode=RequestMode.CURRENT
        )
        _created(first, 1)
        second = TransferRequestFactory(
            student=pupil,
            status=RequestStatus.NOT_CHANGED if pupil.pk % 3 else RequestStatus.PROCESSED,
            mode=RequestMode.CHANGES_SINCE,
            changed_since=dt.date(2021, 3, 20),
        )
        _created(second, 11)
    other = TransferRequestFactory(
        student=StudentFactory(signup_group=SignupGroupFactory(name="Groep 8 - Elders")),
        status=RequestStatus.FAILED,
    )
    return group, pupils, other


def test_the_group_shows_one_row_per_pupil_with_counts_that_add_up(portal_client, two_rounds):
    group, pupils, _other = two_rounds

    response = portal_client.get(OVERVIEW, {"signup_group": group.pk}, HTTP_ACCEPT_LANGUAGE="nl")

    rows = rows_in(response)
    assert len(rows) == 16
    assert {row.student_id for row in rows} == {p.pk for p in pupils}
    assert {row.mode for row in rows} == {RequestMode.CHANGES_SINCE}  # each pupil's latest
    counts = chip_counts(response)
    assert sum(counts.values()) == 16
    assert counts["not_changed"] == sum(1 for p in pupils if p.pk % 3)
    assert response.context["table"].paginator.count == 16


def test_toon_alle_aanvragen_shows_the_history_and_counts_it(portal_client, two_rounds):
    group, _pupils, _other = two_rounds

    html = portal_client.get(OVERVIEW, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Toon alle aanvragen" in html

    response = portal_client.get(OVERVIEW, {"signup_group": group.pk, "history": "true"})
    assert len(rows_in(response)) == 32
    assert sum(chip_counts(response).values()) == 32
    # Without a group, by default: every pupil once (16 + the other group's one).
    response = portal_client.get(OVERVIEW)
    assert response.context["table"].paginator.count == 17
    assert sum(chip_counts(response).values()) == 17


def test_a_status_filter_shows_pupils_whose_latest_request_has_it_not_older_rows(
    portal_client, two_rounds
):
    group, pupils, _other = two_rounds

    response = portal_client.get(OVERVIEW, {"signup_group": group.pk, "status": "processed"})

    rows = rows_in(response)
    assert {row.student_id for row in rows} == {p.pk for p in pupils if not p.pk % 3}
    assert all(row.mode == RequestMode.CHANGES_SINCE for row in rows)
    # The chips beside it still count the whole group.
    assert sum(chip_counts(response).values()) == 16


def test_the_request_type_filter_and_the_history(portal_client, two_rounds):
    group, _pupils, _other = two_rounds
    html = portal_client.get(OVERVIEW, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert re.search(r'<select name="kind"[^>]*>.*?Actueel.*?Mutaties vanaf', html, re.S)

    latest_current = portal_client.get(OVERVIEW, {"signup_group": group.pk, "kind": "current"})
    assert rows_in(latest_current) == []  # every pupil's latest is a Mutaties vanaf
    history_current = portal_client.get(
        OVERVIEW, {"signup_group": group.pk, "kind": "current", "history": "true"}
    )
    assert len(rows_in(history_current)) == 16
    assert {r.mode for r in rows_in(history_current)} == {RequestMode.CURRENT}


def test_search_finds_pupils_by_part_of_a_name_or_the_start_of_a_student_number(portal_client):
    group = SignupGroupFactory()
    jansen = StudentFactory(signup_group=group, given_name="Noor", surname="Jansen")
    TransferRequestFactory(student=jansen)
    bakker = StudentFactory(signup_group=group, given_name="Daan", surname="Bakker")
    TransferRequestFactory(student=bakker)

    by_name = rows_in(portal_client.get(OVERVIEW, {"q": "jans"}))
    by_given_and_surname = rows_in(portal_client.get(OVERVIEW, {"q": "daan bak"}))
    by_number = rows_in(portal_client.get(OVERVIEW, {"q": jansen.student_number[:8]}))
    nobody = rows_in(portal_client.get(OVERVIEW, {"q": "Vermeulen"}))

    assert [r.student_id for r in by_name] == [jansen.pk]
    assert [r.student_id for r in by_given_and_surname] == [bakker.pk]
    assert jansen.pk in {r.student_id for r in by_number}
    assert nobody == []


def test_search_refuses_a_citizen_service_number_and_says_where_to_search(portal_client):
    student = StudentFactory(signup_group=SignupGroupFactory())
    TransferRequestFactory(student=student)

    response = portal_client.get(OVERVIEW, {"q": student.bsn}, follow=True)

    # The number is taken out of the address by a redirect, and the page says where to go.
    assert [url for url, _status in response.redirect_chain] == [OVERVIEW]
    assert student.bsn not in response.content.decode()
    assert "Leerlingen zoeken" in response.content.decode()


@pytest.mark.parametrize(("asked", "shown"), [("25", 25), ("100", 100), ("250", 250), ("7", 50)])
def test_the_page_size_is_one_of_25_50_100_250(portal_client, asked, shown):
    group = SignupGroupFactory()
    school = PrimarySchoolFactory()
    students = Student.objects.bulk_create(
        Student(student_number=str(5000000000 + i), surname=f"Klein{i}", signup_group=group,
                primary_school=school)
        for i in range(260)
    )  # fmt: skip
    TransferRequest.objects.bulk_create(TransferRequest(student=s) for s in students)

    response = portal_client.get(OVERVIEW, {"per_page": asked})

    assert len(rows_in(response)) == shown
    html = response.content.decode()
    assert re.search(rf'<option value="{shown}" selected>', html)
    # Select all still means every row of the filter, on every page.
    assert "Alle 260 aanvragen selecteren" in html or "Select all 260 requests" in html


def test_select_all_with_the_default_view_sends_each_pupils_latest_only(portal_client, monkeypatch):
    monkeypatch.setattr("requests.services.transfer_requests.enqueue_submit", lambda ids: None)
    group = SignupGroupFactory()
    pupil = StudentFactory(signup_group=group)
    old = TransferRequestFactory(student=pupil, status=RequestStatus.FAILED)
    _created(old, 1)
    ready = TransferRequestFactory(student=StudentFactory(signup_group=group))

    portal_client.post(
        SEND, {"select_all": "1", "query": f"signup_group={group.pk}&q=", "mode": "current"}
    )

    ready.refresh_from_db()
    old.refresh_from_db()
    assert ready.status == RequestStatus.REQUESTED
    assert old.status == RequestStatus.FAILED


def test_a_waiting_row_says_when_it_is_asked_again(portal_client):
    when = timezone.make_aware(dt.datetime(2021, 5, 12, 14, 30))
    TransferRequestFactory(status=RequestStatus.WAITING, next_attempt_at=when)

    nl = portal_client.get(OVERVIEW, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Wacht op basisschool" in nl
    assert "wordt opnieuw gevraagd op 12-05-2021 14:30" in nl
    portal_client.post(reverse("set_language"), {"language": "en", "next": OVERVIEW})
    en = portal_client.get(OVERVIEW).content.decode()
    assert "asked again on 12-05-2021 14:30" in en


def test_the_progress_box_counts_waiting_requests_instead_of_saying_finished(portal_client):
    batch = RequestBatchFactory(created_by="toelating")
    for status in (RequestStatus.PROCESSED, RequestStatus.PROCESSED, RequestStatus.WAITING):
        TransferRequestFactory(batch=batch, status=status)
    url = reverse("oso_requests:batch_progress", args=[batch.pk])

    html = portal_client.get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()

    assert "Laatste verzending: klaar" not in html
    assert "100%" not in html
    assert "Laatste verzending: wacht op basisscholen" in html
    assert "2 van 3 afgerond (67%)" in html
    assert "1 wacht op de basisschool en wordt vanzelf opnieuw gevraagd" in html
    assert "hx-trigger" not in html  # settled: nothing happens without the school


def test_the_progress_box_says_finished_once_nothing_waits(portal_client):
    batch = RequestBatchFactory(created_by="toelating")
    TransferRequestFactory(batch=batch, status=RequestStatus.PROCESSED)

    html = portal_client.get(
        reverse("oso_requests:batch_progress", args=[batch.pk]), HTTP_ACCEPT_LANGUAGE="nl"
    ).content.decode()

    assert "Laatste verzending: klaar" in html
    assert "1 van 1 afgehandeld (100%)" in html


def _bulk_history(group, pupils: int, rounds: int) -> None:
    school, _new = PrimarySchool.objects.get_or_create(brin="99ZZ", branch="00")
    start = 6000000000 + Student.objects.count()
    students = Student.objects.bulk_create(
        Student(student_number=str(start + i), surname=f"Klein{i}", signup_group=group,
                primary_school=school)
        for i in range(pupils)
    )  # fmt: skip
    for _ in range(rounds):
        TransferRequest.objects.bulk_create(
            TransferRequest(student=s, status=RequestStatus.PROCESSED, remarks=["x"])
            for s in students
        )


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"history": "true"},
        {"q": "klein", "kind": "current", "status": "processed", "per_page": "100"},
    ],
)
def test_the_overview_costs_the_same_queries_for_10_and_300_pupils_with_history(
    portal_client, django_assert_num_queries, query
):
    group = SignupGroupFactory()
    query = {"signup_group": group.pk, **query}
    _bulk_history(group, 10, rounds=2)
    portal_client.get(OVERVIEW, query)
    with CaptureQueriesContext(connection) as small:
        assert portal_client.get(OVERVIEW, query).status_code == 200
    _bulk_history(group, 290, rounds=3)

    with django_assert_num_queries(len(small.captured_queries)):
        response = portal_client.get(OVERVIEW, query)

    expected = 10 * 2 + 290 * 3 if "history" in query else 300
    assert response.context["table"].paginator.count == expected


def test_the_status_chips_keep_the_search_the_group_the_history_and_the_page_size(
    portal_client, two_rounds
):
    group, _pupils, _other = two_rounds

    response = portal_client.get(
        OVERVIEW,
        {"signup_group": group.pk, "q": "Hof", "history": "on", "per_page": "100"},
    )

    html = response.content.decode().replace("&amp;", "&")
    [href] = re.findall(r'<li><a href="\?([^"]*status=not_changed)"', html)
    assert f"signup_group={group.pk}" in href and "q=Hof" in href
    assert "history=on" in href and "per_page=100" in href
    chip = portal_client.get(f"{OVERVIEW}?{href}")
    assert rows_in(chip) and all(r.status == RequestStatus.NOT_CHANGED for r in rows_in(chip))


def test_select_all_with_toon_alle_aanvragen_takes_the_history_rows_too(
    portal_client, two_rounds, monkeypatch
):
    group, pupils, _other = two_rounds
    monkeypatch.setattr("requests.services.transfer_requests.enqueue_submit", lambda ids: None)
    # An older, failed request of one pupil, whose latest one is finished.
    old = TransferRequest.objects.filter(student=pupils[0], mode=RequestMode.CURRENT).get()
    TransferRequest.objects.filter(pk=old.pk).update(status=RequestStatus.FAILED)
    retry = reverse("oso_requests:retry")

    latest_only = portal_client.post(
        retry, {"select_all": "1", "query": f"signup_group={group.pk}"}, follow=True
    )
    old.refresh_from_db()
    assert old.status == RequestStatus.FAILED
    assert "niets opnieuw te proberen" in latest_only.content.decode()

    portal_client.post(retry, {"select_all": "1", "query": f"signup_group={group.pk}&history=on"})
    old.refresh_from_db()
    assert old.status == RequestStatus.REQUESTED


def test_the_overview_speaks_english_when_chosen(portal_client, two_rounds):
    portal_client.post(reverse("set_language"), {"language": "en", "next": OVERVIEW})

    html = portal_client.get(OVERVIEW).content.decode()

    for label in (
        "Name or student number",
        "Kind of request",
        "Rows per page",
        "Show all requests",
        "Request again",
    ):
        assert label in html
    for dutch in ("Toon alle aanvragen", "Opnieuw aanvragen", "Rijen per pagina"):
        assert dutch not in html


def test_the_history_names_the_kind_of_each_request(portal_client, two_rounds):
    group, _pupils, _other = two_rounds

    history = portal_client.get(
        OVERVIEW, {"signup_group": group.pk, "history": "true"}, HTTP_ACCEPT_LANGUAGE="nl"
    ).content.decode()
    latest = portal_client.get(OVERVIEW, {"signup_group": group.pk}).content.decode()

    # A pupil's two rows differ by their kind: Actueel, then Mutaties vanaf.
    assert column_headers(history, "request-table")[-1] == "Soort aanvraag"
    table = history[history.index('id="request-table"') :]
    assert re.search(r"<td[^>]*>Actueel</td>", table)
    assert re.search(r"<td[^>]*>Mutaties vanaf", table)
    # One row per pupil needs no such column (the filter above it chooses the kind).
    assert "Soort aanvraag" not in column_headers(latest, "request-table")
