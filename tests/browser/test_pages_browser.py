"""The staff pages in a real browser: log in, search, select, add, send, keyboard and language."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from requests.models import RequestStatus, TransferRequest
from tests.browser.conftest import log_in, menu
from tests.factories import SignupGroupFactory, StudentFactory, TransferRequestFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def group(db):
    return SignupGroupFactory(name="Groep 8 - Saenredam College", school_year="2021-2022")


def test_login_shows_the_menu_items_and_logout_ends_the_session(page, staff_member):
    log_in(page, "anna")

    nav = page.get_by_role("navigation", name="Hoofdmenu")
    expect(nav.get_by_role("link")).to_have_text(
        [
            "Leerlingen zoeken",
            "Overstapdossier opvragen",
            "Aanmeldingsgroepen",
            "Dossier inlezen",
            "Leerling aanmelden",
            "Aanmeldingen inlezen",
            "Auditlog",  # anna may read the audit log too
        ]
    )
    page.locator(".user-menu summary").click()  # log out is in the menu under the user name
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_role("heading", name="Inloggen")).to_be_visible()
    page.goto(f"{page.base}/students/")
    assert "/accounts/login/" in page.url


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_content(page, staff_member):
    log_in(page, "anna")
    page.goto(f"{page.base}/students/")

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Naar de inhoud")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_search_part_of_a_surname_select_all_results_and_add(page, staff_member, group):
    StudentFactory.create_batch(60, signup_group=group, surname="Bakker")
    StudentFactory.create_batch(4, signup_group=group, surname="Visser")
    log_in(page, "anna")

    menu(page, "Leerlingen zoeken").click()
    expect(page.get_by_label("Leerlingen in een aanmeldingsgroep")).to_be_checked()
    page.get_by_label("Achternaam").fill("akk")
    page.get_by_label("Aanmeldingsgroep", exact=True).select_option(label=str(group))
    page.get_by_role("button", name="Zoeken").click()

    expect(page.get_by_role("heading", name="60 leerlingen gevonden")).to_be_visible()
    rows = page.locator("#student-table tbody input[type=checkbox]")
    expect(rows).to_have_count(50)
    page.get_by_label("Alle rijen op deze pagina selecteren").check()
    assert all(rows.nth(i).is_checked() for i in range(50))
    page.get_by_label(re.compile("Alle 60 resultaten selecteren")).check()
    page.get_by_role("button", name="Toevoegen aan overstapdossier-aanvragen").click()

    page.wait_for_url(re.compile(r"/requests/$"))
    expect(
        page.get_by_text("60 leerlingen toegevoegd aan de overstapdossier-aanvragen.")
    ).to_be_visible()
    assert TransferRequest.objects.filter(status=RequestStatus.READY).count() == 60
    assert set(TransferRequest.objects.values_list("student__surname", flat=True)) == {"Bakker"}


def test_adding_students_with_an_open_request_says_how_many_were_skipped(page, staff_member, group):
    students = StudentFactory.create_batch(3, signup_group=group, surname="Smit")
    TransferRequestFactory(student=students[0], status=RequestStatus.REQUESTED)
    log_in(page, "anna")
    page.goto(f"{page.base}/students/")

    page.get_by_label("Achternaam").fill("smit")
    page.get_by_role("button", name="Zoeken").click()
    page.get_by_label("Alle rijen op deze pagina selecteren").check()
    page.get_by_role("button", name="Toevoegen aan overstapdossier-aanvragen").click()

    expect(
        page.get_by_text("2 leerlingen toegevoegd aan de overstapdossier-aanvragen.")
    ).to_be_visible()
    expect(
        page.get_by_text("1 leerling had al een open aanvraag en is overgeslagen.")
    ).to_be_visible()


def test_overview_header_checkbox_and_a_future_date_sends_nothing(page, staff_member, group):
    for _ in range(3):
        TransferRequestFactory(student=StudentFactory(signup_group=group))
    log_in(page, "anna")
    menu(page, "Overstapdossier opvragen").click()

    expect(page.locator("#request-table tbody tr")).to_have_count(3)
    page.get_by_label("Alle rijen op deze pagina selecteren").check()
    expect(page.get_by_text("3 geselecteerd")).to_be_visible()
    page.get_by_label("Datum voor mutaties vanaf").fill("2999-01-01")
    expect(page.get_by_role("radio", name="Mutaties vanaf")).to_be_checked()
    page.get_by_role("button", name="Aanvragen", exact=True).click()

    expect(
        page.get_by_text("De datum voor mutaties vanaf mag niet in de toekomst liggen.")
    ).to_be_visible()
    assert set(TransferRequest.objects.values_list("status", flat=True)) == {RequestStatus.READY}


def test_language_switch_to_english_and_back(page, staff_member):
    log_in(page, "anna")

    page.get_by_role("button", name="EN", exact=True).click()
    expect(
        page.get_by_role("navigation").get_by_role("link", name="Search students")
    ).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "en"
    page.get_by_role("button", name="NL", exact=True).click()
    expect(menu(page, "Leerlingen zoeken")).to_be_visible()
    assert page.evaluate("document.documentElement.lang") == "nl"
