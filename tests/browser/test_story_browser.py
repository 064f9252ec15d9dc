"""The seed's whole story, clicked through in Chromium with a real Celery worker and the mock.

Log in; search the signup group with part of a surname; select all; add; open the
overview; *Aanvragen*; watch the statuses settle without reloading the page; read
the final-test score and revised advice on a student's *Vooropleiding* card;
correct a surname in the admin; re-request with *Mutaties vanaf*; see that the
correction is kept (and named in the remark) while the new final test arrives.

With OSO_PORTAL_SCREENSHOTS=1 the screenshots of the main pages go to
docs/screenshots/ (the README embeds them); otherwise to a temporary folder.
"""

from __future__ import annotations

import datetime as dt
import importlib
import re

import pytest
from playwright.sync_api import expect

from elk_mock.dataset import DEMO_SIGNUP_GROUP
from requests.models import RequestStatus, TransferRequest
from requests.services.elk_feed import elk_feed_read
from students.models import Codelist, CodelistEntry, NawCorrection
from tests.browser.conftest import log_in, menu, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.slow]

AFTER_MAY = dt.date(2021, 5, 11)  # the May files are out; demo-12's late one is not
AFTER_LATE_MAY = dt.date(2021, 5, 26)  # demo-12's late May file is out too
SETTLED_TEXTS = {"Verwerkt", "Verwerkt met opmerkingen", "Leerlinginfo niet gewijzigd"}


@pytest.fixture
def seeded_codelists(transactional_db):
    """The codelist labels as migrated: a transactional test before this one flushed them."""
    from django.apps import apps

    seed_migration = importlib.import_module("students.migrations.0003_seed_codelists")
    seed_migration.seed(apps, None)


def search(page, surname: str) -> None:
    menu(page, "Leerlingen zoeken").click()
    page.get_by_label("Achternaam").fill(surname)
    page.get_by_label("Aanmeldingsgroep", exact=True).select_option(
        label=f"{DEMO_SIGNUP_GROUP} (2021-2022)"
    )
    page.get_by_role("button", name="Zoeken").click()


def add_all_results(page) -> None:
    page.get_by_label("Alle rijen op deze pagina selecteren").check()
    page.get_by_label(re.compile(r"^(Alle \d+ resultaten|Het enige resultaat) selecteren")).check()
    page.get_by_role("button", name="Toevoegen aan overstapdossier-aanvragen").click()
    page.wait_for_url(re.compile(r"/requests/$"))


def wait_until_settled(page, rows: int) -> list[str]:
    """The progress panel and the table update by themselves (htmx); no reload happens."""
    page.evaluate("window.__sameDocument = true")
    expect(page.get_by_role("heading", name="Laatste verzending: klaar")).to_be_visible(
        timeout=90_000
    )
    statuses = page.locator("#request-table tbody td:nth-child(2) .status")
    expect(statuses).to_have_count(rows)
    page.wait_for_function(
        """(settled) => Array.from(
             document.querySelectorAll('#request-table tbody td:nth-child(2) .status')
           ).every((cell) => settled.includes(cell.textContent.trim()))""",
        arg=sorted(SETTLED_TEXTS),
        timeout=30_000,
    )
    assert page.evaluate("window.__sameDocument") is True, "the page was reloaded"
    return [text.strip() for text in statuses.all_text_contents()]


def test_the_seed_story_from_search_to_a_kept_correction(
    seeded_codelists,
    page,
    staff_member,
    pipeline_processes,
    elk_mock,
    demo_students,
    oso_examples,
    tmp_path,
    settings,
):
    # This story is the demo group's; the placed strangers' signups have their own story.
    settings.OSO_ELK_SIGNUPS = False
    elk_mock.set_clock(AFTER_MAY)
    # Slow answers, so that the page is seen while the batch is still running.
    elk_mock.set_faults(latency=0.7)
    pipeline_processes.worker()
    elk_feed_read()  # what beat does: placements, and a blue dot for every new May file

    # Log in; search the signup group with part of a surname; select all; add.
    log_in(page, "anna")
    screenshot(page, "start", tmp_path)
    search(page, "ij")
    expect(page.get_by_role("heading", name="3 leerlingen gevonden")).to_be_visible()
    expect(page.locator("#student-table tbody tr")).to_have_count(3)
    expect(page.locator("#student-table tbody tr").first).to_contain_text("Geplaatst")
    expect(page.locator("#student-table .dot--blue").first).to_have_text("blauw")
    screenshot(page, "leerlingen-zoeken", tmp_path)
    add_all_results(page)
    expect(
        page.get_by_text("3 leerlingen toegevoegd aan de overstapdossier-aanvragen.")
    ).to_be_visible()

    # The overview: select all in the header, Aanvragen (Actueel), watch it settle.
    expect(page.locator("#request-table tbody .status")).to_have_text(["Klaar om op te vragen"] * 3)
    page.get_by_label("Alle rijen op deze pagina selecteren").check()
    expect(page.get_by_role("radio", name="Actueel")).to_be_checked()
    page.get_by_role("button", name="Aanvragen", exact=True).click()
    expect(page.get_by_text("3 aanvragen verstuurd.")).to_be_visible()
    expect(page.get_by_role("heading", name="Verzending: bezig")).to_be_visible()
    assert set(wait_until_settled(page, 3)) <= SETTLED_TEXTS
    elk_mock.set_faults(latency=0)
    settled = page.locator("#status-chips a").filter(has=page.locator(".status--processed"))
    expect(settled.locator(".chip-count")).to_have_text("3")
    expect(page.get_by_text("3 van 3 afgehandeld (100%)")).to_be_visible()
    screenshot(page, "overstapdossier-opvragen", tmp_path)

    # A student's Vooropleiding card shows the final-test score and the revised advice.
    meijer = demo_students["demo-13"]
    page.get_by_role("link", name=meijer.student_number).click()
    expect(page.get_by_role("heading", name=re.compile("Meijer"))).to_be_visible()
    card = page.get_by_role("region", name="Vooropleiding")
    expect(card.get_by_test_id("standard-score")).to_have_text("85")
    label_41 = CodelistEntry.objects.get(codelist=Codelist.ADVICE, code="41").label
    expect(card.get_by_test_id("revised-advice")).to_contain_text(label_41)
    expect(card).to_contain_text("Resultaten van de eindtoets basisonderwijs")
    screenshot(page, "leerling-vooropleiding", tmp_path)

    # Correct a surname in the admin: De Boer's, whose May file is not released yet.
    boer = demo_students["demo-12"]
    search(page, "Boer")
    page.get_by_role("link", name=boer.student_number).click()
    page.get_by_role("link", name="Corrigeren in beheer").click()
    page.locator("#id_surname").fill("Boer-Visser")
    page.locator("input[name=_save]").click()
    # Saved: back on the pupil's page the admin was opened from, with the admin's message.
    page.wait_for_url(f"{page.base}/students/{boer.student_number}/")
    expect(page.locator(".messages")).to_contain_text("met succes gewijzigd")
    assert NawCorrection.objects.get(student=boer, field="surname").value == "Boer-Visser"

    # The late file is out; re-request De Boer with Mutaties vanaf a date.
    elk_mock.set_clock(AFTER_LATE_MAY)
    page.goto(f"{page.base}/students/")
    search(page, "Boer")
    add_all_results(page)
    boer_row = page.locator("#request-table tbody tr", has_text=boer.student_number)
    boer_row.locator("input[data-select-row]").check()
    page.get_by_label("Datum voor mutaties vanaf").fill("2021-04-01")
    expect(page.get_by_role("radio", name="Mutaties vanaf")).to_be_checked()
    page.get_by_role("button", name="Aanvragen", exact=True).click()
    wait_until_settled(page, 1)  # the overview now shows the batch just sent
    request = TransferRequest.objects.get(student=boer, batch__isnull=False)
    assert request.status == RequestStatus.PROCESSED_WITH_REMARKS
    assert request.changed_since == dt.date(2021, 4, 1)
    expect(boer_row).to_contain_text("Verwerkt met opmerkingen")
    expect(boer_row).to_contain_text("Boer-Visser")

    # The correction is kept, and the new final test is on the card.
    boer_row.get_by_role("link", name=boer.student_number).click()
    naw = page.get_by_role("region", name="NAW-gegevens")
    surname_row = naw.get_by_role("row", name=re.compile("^Achternaam"))
    expect(surname_row).to_contain_text("Boer-Visser")
    expect(surname_row).to_contain_text("Lokaal gecorrigeerd door anna")
    expect(surname_row).to_contain_text("Dossier: Boer")
    card = page.get_by_role("region", name="Vooropleiding")
    expect(card.get_by_test_id("standard-score")).to_have_text("522")
    screenshot(page, "leerling-correctie-behouden", tmp_path)

    # The other main pages, for the README.
    menu(page, "Aanmeldingsgroepen").click()
    expect(page.get_by_role("cell", name="2021-2022")).to_be_visible()
    screenshot(page, "aanmeldingsgroepen", tmp_path)
    menu(page, "Dossier inlezen").click()
    page.get_by_label("OSO-bestanden").set_input_files([str(p) for p in oso_examples[:2]])
    page.get_by_label("Aanmeldingsgroep voor nieuwe leerlingen").select_option(
        label=f"{DEMO_SIGNUP_GROUP} (2021-2022)"
    )
    page.get_by_role("button", name="Inlezen").click()
    results = page.get_by_role("region", name="Resultaat per bestand")
    for path in oso_examples[:2]:
        expect(results.get_by_role("row", name=re.compile(re.escape(path.name)))).to_contain_text(
            "Nieuwe leerling aangemaakt"
        )
    screenshot(page, "dossier-inlezen", tmp_path)
