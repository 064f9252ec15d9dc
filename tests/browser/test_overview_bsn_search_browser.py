"""The overview's name search is a GET form: a BSN typed there must never leave the browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in
from tests.factories import StudentFactory, TransferRequestFactory

pytestmark = pytest.mark.browser


def test_a_bsn_typed_into_the_overview_search_is_never_sent(page, staff_member):
    student = StudentFactory(surname="Zwaan")
    TransferRequestFactory(student=student)
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url))
    log_in(page, "anna")
    page.goto(f"{page.base}/requests/")

    page.fill("#overview-filter input[name=q]", student.bsn)
    page.press("#overview-filter input[name=q]", "Enter")
    note = page.locator("#overview-filter [data-no-bsn-search-note]")
    expect(note).to_contain_text("Leerlingen zoeken")

    assert not [url for url in sent if student.bsn in url]
    assert page.locator("#overview-filter input[name=q]").input_value() == ""
    # A search by name still goes, in the URL as before.
    page.fill("#overview-filter input[name=q]", "Zwaan")
    page.press("#overview-filter input[name=q]", "Enter")
    page.wait_for_url("**/requests/?*q=Zwaan*")
    expect(page.locator("table tbody tr")).to_have_count(1)
