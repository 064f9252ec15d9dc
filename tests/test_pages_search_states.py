"""Leerlingen zoeken: a refused field shows only its error; a search that finds nothing says
what to try next."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import SignupGroupFactory, StudentFactory

pytestmark = pytest.mark.django_db

SEARCH = reverse("students:search")
BIRTH_DATE_ERROR = "Vul een geboortedatum in"


@pytest.fixture
def pupil(db):
    return StudentFactory(
        signup_group=SignupGroupFactory(name="Groep 8", school_year="2021-2022"),
        surname="Bakker",
    )


def test_an_invalid_birth_date_in_the_address_shows_only_the_error(portal_client, pupil):
    response = portal_client.get(SEARCH, {"in_signup_group": "on", "birth_date": "31-02-2009"})

    page = response.content.decode()
    assert response.status_code == 200
    assert BIRTH_DATE_ERROR in page
    assert "gevonden" not in page
    assert 'id="results-heading"' not in page
    assert response.context["table"] is None


def test_an_invalid_birth_date_typed_in_the_form_shows_only_the_error(portal_client, pupil):
    response = portal_client.post(SEARCH, {"in_signup_group": "on", "birth_date": "31-02-2009"})

    page = response.content.decode()
    assert BIRTH_DATE_ERROR in page
    assert "gevonden" not in page


def test_a_search_that_finds_nothing_gives_a_hint(portal_client, pupil):
    response = portal_client.get(SEARCH, {"in_signup_group": "on", "surname": "Jansen"})

    page = response.content.decode()
    assert "0 leerlingen gevonden" in page
    assert "Geen leerling past bij al deze velden." in page
    assert "“akk” vindt Bakker" in page
    assert "Vink “Leerlingen in een aanmeldingsgroep” uit" in page


def test_the_hint_reads_in_english_when_english_was_chosen(portal_client, pupil):
    portal_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = portal_client.get(SEARCH, {"in_signup_group": "on", "surname": "Jansen"})

    html = page.content.decode()
    assert "No student matches all of these fields." in html
    assert "Untick “Only students in a signup group”" in html


def test_a_search_that_finds_someone_gives_no_hint(portal_client, pupil):
    page = portal_client.get(SEARCH, {"in_signup_group": "on", "surname": "akk"})

    html = page.content.decode()
    assert "1 leerling gevonden" in html
    assert "Geen leerling past" not in html
