"""Leerlingen zoeken: the seed's search form, the result table and adding to the requests."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from requests.models import RequestStatus, TransferRequest
from students.models import Student
from tests.factories import (
    PrimarySchoolFactory,
    SignupGroupFactory,
    StudentFactory,
    TransferRequestFactory,
    bsn_from_seed,
)
from tests.pages_support import column_headers

SEARCH = reverse("students:search")


def search(client, **fields):
    """Post the search form like a browser, follow the redirect, return the result page."""
    data = {"in_signup_group": "on", **fields}
    response = client.post(SEARCH, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return client.get(response["Location"]), response["Location"]


def numbers_in(response) -> list[str]:
    table = response.context["table"]
    return [row.record.student_number for row in table.paginated_rows]


@pytest.fixture
def group(db):
    return SignupGroupFactory(name="Groep 8 - Saenredam College", school_year="2021-2022")


def test_first_visit_shows_the_form_in_dutch_with_the_restriction_checked(portal_client):
    with translation.override("nl"):
        response = portal_client.get(SEARCH, HTTP_ACCEPT_LANGUAGE="nl")
    html = response.content.decode()
    assert response.status_code == 200
    for label in (
        "Leerlingen in een aanmeldingsgroep",
        "Stamnr.",
        "Roepnaam",
        "Achternaam",
        "Postcode",
        "Woonplaats",
        "Geboortedatum",
        "Burgerservicenummer",
        "Lesperiode",
        "Aanmeldingsgroep",
        "Basisschool",
        ">Zoeken<",
    ):
        assert label in html, label
    assert response.context["filter"].form["in_signup_group"].value() is True
    assert response.context["table"] is None


def test_part_of_a_surname_finds_the_students_of_the_group(portal_client, group):
    StudentFactory(surname="Vermeulen", signup_group=group)
    StudentFactory(surname="Meulenbelt", signup_group=group)
    StudentFactory(surname="Jansen", signup_group=group)
    StudentFactory(surname="Vermeulen", signup_group=None)

    response, _ = search(portal_client, surname="meulen", signup_group=group.pk)

    found = Student.objects.filter(student_number__in=numbers_in(response))
    assert sorted(s.surname for s in found) == ["Meulenbelt", "Vermeulen"]
    assert all(s.signup_group_id == group.pk for s in found)


def test_unchecking_the_restriction_also_finds_students_outside_a_group(portal_client, group):
    StudentFactory(surname="Vermeulen", signup_group=group)
    StudentFactory(surname="Vermeulen", signup_group=None)

    response = portal_client.post(SEARCH, {"surname": "Vermeulen"})
    response = portal_client.get(response["Location"])

    assert len(numbers_in(response)) == 2


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("student_number", "10009"),
        ("given_name", "ann"),
        ("postcode", "1506 e"),
        ("postcode", "1506eg"),
        ("town", "zaan"),
        ("birth_date", "14-05-2009"),
        ("birth_date", "05-2009"),
        ("birth_date", "2009"),
        ("birth_date", "2009-05-14"),
        ("primary_school", "vuurt"),
        ("primary_school", "12ab"),
    ],
)
def test_partial_input_matches(portal_client, group, field, value):
    school = PrimarySchoolFactory(brin="12AB", name="OBS De Vuurtoren")
    target = StudentFactory(
        student_number="1000900001",
        given_name="Hanna",
        postcode="1506EG",
        town="Zaandam",
        birth_date=dt.date(2009, 5, 14),
        primary_school=school,
        signup_group=group,
    )
    StudentFactory(
        student_number="2000000001",
        given_name="Bram",
        postcode="2011AB",
        town="Haarlem",
        birth_date=dt.date(2010, 1, 2),
        signup_group=group,
    )

    response, _ = search(portal_client, **{field: value})

    assert numbers_in(response) == [target.student_number]


def test_school_year_and_signup_group_narrow_the_search(portal_client, group):
    other = SignupGroupFactory(name="Groep 8 - Saenredam College", school_year="2022-2023")
    StudentFactory(signup_group=group)
    newer = StudentFactory(signup_group=other)

    response, _ = search(portal_client, school_year="2022-2023")
    assert numbers_in(response) == [newer.student_number]

    response, _ = search(portal_client, signup_group=other.pk)
    assert numbers_in(response) == [newer.student_number]


def test_bsn_search_on_the_last_digits_never_puts_the_bsn_in_the_url(portal_client, group):
    bsn = bsn_from_seed(424242)
    target = StudentFactory(bsn=bsn, signup_group=group)
    StudentFactory(signup_group=group)

    response, location = search(portal_client, bsn=bsn)

    assert numbers_in(response) == [target.student_number]
    assert bsn not in location
    assert bsn[-4:] not in location
    html = response.content.decode()
    assert bsn not in html
    assert target.bsn_masked in html

    response, location = search(portal_client, bsn=bsn[-5:])
    assert numbers_in(response) == [target.student_number]
    assert bsn[-5:] not in location


def test_bsn_in_a_hand_made_url_is_ignored(portal_client, group):
    StudentFactory(signup_group=group)
    StudentFactory(signup_group=group)

    response = portal_client.get(SEARCH, {"in_signup_group": "on", "bsn": "000000000"})

    assert len(numbers_in(response)) == 2


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("bsn", "123456789", "controlecijfer"),
        ("bsn", "12a", "laatste 4 cijfers"),
        ("birth_date", "31-02-2009", "Vul een geboortedatum in"),
    ],
)
def test_bad_search_input_gives_a_dutch_error_and_no_results(
    portal_client, group, field, value, message
):
    StudentFactory(signup_group=group)

    response = portal_client.post(SEARCH, {field: value}, HTTP_ACCEPT_LANGUAGE="nl")

    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context["table"] is None


def test_result_table_has_the_seed_columns_and_the_elk_dot_as_text(portal_client, group):
    StudentFactory(
        signup_group=group,
        elk_status="geplaatst",
        elk_status_date=dt.date(2021, 3, 12),
        elk_dot="blue",
    )

    response, _ = search(portal_client)
    html = response.content.decode()

    assert column_headers(html, "student-table") == [
        "",
        "Stamnr",
        "Roepnaam",
        "Tussenvoegsel",
        "Achternaam",
        "Geboortedatum",
        "Geslacht",
        "Groep",
        "Basisschool",
        "ELK-status",
    ]
    assert "Geplaatst" in html
    assert "12-03-2021" in html
    assert "dot--blue" in html
    assert ">blauw<" in html


def test_results_are_sortable_and_paginated(portal_client, group):
    StudentFactory.create_batch(55, signup_group=group)

    response, location = search(portal_client)
    assert len(numbers_in(response)) == 50
    assert "Alle 55 resultaten selecteren" in response.content.decode()

    page2 = portal_client.get(location + "&page=2")
    assert len(numbers_in(page2)) == 5

    descending = portal_client.get(location + "&sort=-student_number")
    numbers = numbers_in(descending)
    assert numbers == sorted(numbers, reverse=True)


def test_adding_checked_rows_creates_ready_requests_and_says_so(portal_client, group):
    students = StudentFactory.create_batch(3, signup_group=group)
    TransferRequestFactory(student=students[2], status=RequestStatus.READY)

    response = portal_client.post(
        reverse("students:add_to_requests"),
        {"student_ids": [s.pk for s in students]},
        HTTP_ACCEPT_LANGUAGE="nl",
        follow=True,
    )

    assert response.redirect_chain[-1][0] == reverse("oso_requests:overview")
    html = response.content.decode()
    assert "2 leerlingen toegevoegd aan de overstapdossier-aanvragen." in html
    assert "1 leerling had al een open aanvraag" in html
    assert TransferRequest.objects.filter(status=RequestStatus.READY).count() == 3


def test_select_all_adds_every_result_across_pages_not_only_the_page(portal_client, group):
    StudentFactory.create_batch(60, signup_group=group, surname="Bakker")
    StudentFactory.create_batch(5, signup_group=group, surname="Visser")

    response, _ = search(portal_client, surname="bakk")
    query = response.context["search_query"]
    assert parse_qs(query)["surname"] == ["bakk"]

    portal_client.post(reverse("students:add_to_requests"), {"select_all": "1", "query": query})

    requested = TransferRequest.objects.values_list("student__surname", flat=True)
    assert len(requested) == 60
    assert set(requested) == {"Bakker"}


def test_select_all_of_a_bsn_search_uses_the_bsn_kept_in_the_session(portal_client, group):
    bsn = bsn_from_seed(777)
    target = StudentFactory(bsn=bsn, signup_group=group)
    StudentFactory.create_batch(3, signup_group=group)

    response, _ = search(portal_client, bsn=bsn)
    query = response.context["search_query"]
    assert bsn not in query
    assert bsn not in str(dict(portal_client.session))  # the session keeps ids, not the BSN

    portal_client.post(reverse("students:add_to_requests"), {"select_all": "1", "query": query})

    assert list(TransferRequest.objects.values_list("student_id", flat=True)) == [target.pk]


def test_adding_nothing_says_to_select_first(portal_client, group):
    response = portal_client.post(
        reverse("students:add_to_requests"), {}, HTTP_ACCEPT_LANGUAGE="nl", follow=True
    )
    assert "Selecteer eerst minstens één rij." in response.content.decode()
    assert not TransferRequest.objects.exists()


def test_search_links_from_the_group_page_filter_on_final_test(portal_client, group):
    from tests.factories import PriorEducationFactory

    with_test = PriorEducationFactory(student__signup_group=group)
    with_test.final_tests.create(test_type_code="0011", standard_score=540)
    without = StudentFactory(signup_group=group)

    response = portal_client.get(SEARCH, {"signup_group": group.pk, "final_test": "without"})
    assert numbers_in(response) == [without.student_number]

    response = portal_client.get(SEARCH, {"signup_group": group.pk, "final_test": "with"})
    assert numbers_in(response) == [with_test.student.student_number]


def _bulk_students(group, school, count: int) -> None:
    Student.objects.bulk_create(
        Student(
            student_number=str(3000000000 + i),
            given_name="Sam",
            surname=f"Groot{i}",
            birth_date=dt.date(2009, 1, 1),
            signup_group=group,
            primary_school=school,
            elk_status="geplaatst",
            elk_dot="green",
        )
        for i in range(count)
    )


def test_result_table_costs_the_same_queries_for_10_and_1000_students(
    portal_client, group, django_assert_num_queries
):
    school = PrimarySchoolFactory(brin="77ZZ", name="De Regenboog")
    location = f"{SEARCH}?in_signup_group=on&signup_group={group.pk}"
    _bulk_students(group, school, 10)
    portal_client.get(location)  # the session is saved once; later pages only update it
    with CaptureQueriesContext(connection) as small:
        assert portal_client.get(location).status_code == 200
    Student.objects.filter(signup_group=group).delete()
    _bulk_students(group, school, 1000)

    with django_assert_num_queries(len(small.captured_queries)):
        response = portal_client.get(location)

    assert response.context["table"].paginator.count == 1000
    assert len(numbers_in(response)) == 50
