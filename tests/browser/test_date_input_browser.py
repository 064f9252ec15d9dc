"""Date fields in Chromium: dd-mm-jjjj typed or picked from the calendar, under the strict CSP."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from requests.models import RequestBatch, RequestStatus
from tests.browser.conftest import log_in
from tests.factories import SignupGroupFactory, StudentFactory, TransferRequestFactory

pytestmark = pytest.mark.browser


def test_mutaties_vanaf_is_typed_or_picked_as_dd_mm_jjjj_and_sent(page, staff_member, monkeypatch):
    monkeypatch.setattr(
        "requests.services.transfer_requests.enqueue_submit", lambda ids, **kw: None
    )
    group = SignupGroupFactory()
    TransferRequestFactory(student=StudentFactory(signup_group=group), status=RequestStatus.READY)
    log_in(page, "anna")
    page.goto(f"{page.base}/requests/")

    field = page.get_by_label("Datum voor mutaties vanaf")
    expect(field).to_have_attribute("placeholder", "dd-mm-jjjj")
    calendar = page.get_by_role("button", name="Kies een datum")
    expect(calendar).to_be_visible()
    calendar.click()  # opens the browser's own picker; a date picked there lands in the field
    page.eval_on_selector(
        ".date-input__native",
        "n => { n.value = '2021-03-21'; n.dispatchEvent(new Event('change', {bubbles: true})); }",
    )
    expect(field).to_have_value("21-03-2021")
    expect(page.get_by_role("radio", name="Mutaties vanaf")).to_be_checked()

    field.fill("20-03-2021")
    page.get_by_label("Alle rijen op deze pagina selecteren").check()
    page.get_by_role("button", name="Aanvragen", exact=True).click()

    expect(page.get_by_text("1 aanvraag verstuurd.")).to_be_visible()
    assert str(RequestBatch.objects.get().changed_since) == "2021-03-20"
