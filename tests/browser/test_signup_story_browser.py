"""Signed-up pupils in Chromium, with a real worker and the mock: *Aanmeldingen inlezen* →
the preview names the refused row → import the valid rows → *Aanvragen* → the new pupils'
*Vooropleiding* cards, filled by their first files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from requests.models import RequestStatus, TransferRequest
from students.models import DossierOutcome, Student
from tests.browser.conftest import log_in, menu, screenshot
from tests.signup_tables import BAD_BSN

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.slow]

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "aanmeldingen-voorbeeld.csv"
STATE = "Aangemeld, nog geen dossier"


def test_a_signup_list_becomes_pupils_with_cards(
    page, staff_member, pipeline_processes, elk_mock, tmp_path
):
    # The sample list, with one row more whose BSN has a wrong check digit.
    signup_list = tmp_path / "aanmeldingen.csv"
    signup_list.write_bytes(
        EXAMPLE.read_bytes() + f"{BAD_BSN};;01-02-2009;Fout;;Piet;12AB;\r\n".encode()
    )
    pipeline_processes.worker()
    log_in(page, "anna")

    menu(page, "Aanmeldingen inlezen").click()
    page.get_by_label("Aanmeldlijst").set_input_files(str(signup_list))
    page.get_by_role("button", name="Lijst controleren").click()

    # The preview: one Dutch line for the refused row, the five valid pupils, no full BSN.
    refused = page.get_by_role("region", name="Geweigerde regels")
    expect(refused).to_contain_text("Regel 7: BSN: het controlecijfer klopt niet (elfproef)")
    expect(page.locator("#signup-rows tbody tr")).to_have_count(5)
    assert BAD_BSN not in page.content()
    screenshot(page, "aanmeldingen-inlezen", tmp_path)
    page.get_by_label("Of een nieuwe aanmeldingsgroep").fill("Aanmeldingen voorjaar")
    page.get_by_label("De aanvraag voor het eerste dossier meteen versturen").uncheck()
    page.get_by_role("button", name="5 geldige regels inlezen").click()

    # The overview: five requests ready, each pupil signed up without a file yet.
    page.wait_for_url(re.compile(r"/requests/$"))
    expect(page.get_by_text("5 aangemeld, 0 al aangemeld, 1 regels geweigerd.")).to_be_visible()
    rows = page.locator("#request-table tbody tr")
    expect(rows).to_have_count(5)
    expect(page.locator("#request-table tbody .status")).to_have_text(["Klaar om op te vragen"] * 5)
    expect(page.locator("#request-table .pupil-state")).to_have_count(5)
    expect(page.locator("#request-table .pupil-state").first).to_have_text(STATE)

    page.get_by_label("Alle rijen op deze pagina selecteren").check()
    page.get_by_role("button", name="Aanvragen", exact=True).click()
    expect(page.get_by_text("5 aanvragen verstuurd.")).to_be_visible()
    expect(page.get_by_role("heading", name="Laatste verzending: klaar")).to_be_visible(
        timeout=90_000
    )
    page.wait_for_function(
        """() => Array.from(
                   document.querySelectorAll('#request-table tbody td:nth-child(2) .status')
                 ).every((cell) => cell.textContent.trim() === 'Verwerkt')""",
        timeout=30_000,
    )
    assert set(TransferRequest.objects.values_list("status", flat=True)) == {
        RequestStatus.PROCESSED
    }

    # A new pupil's card, filled by the first file; no longer "signed up, no file yet".
    page.reload()
    expect(page.locator("#request-table .pupil-state")).to_have_count(0)
    zoe = Student.objects.get(given_name="Zoë")
    assert zoe.dossiers.get().outcome == DossierOutcome.CREATED
    page.get_by_role("link", name=zoe.student_number).click()
    expect(page.get_by_role("heading", name=re.compile("Zoë de Graaf"))).to_be_visible()
    card = page.get_by_role("region", name="Vooropleiding")
    expect(card).to_contain_text("Toermalijn")
    expect(page.get_by_text(STATE)).to_have_count(0)
    screenshot(page, "aanmelding-vooropleiding", tmp_path)
