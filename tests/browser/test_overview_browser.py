"""Overstapdossier opvragen after two rounds, clicked through in Chromium with a real
Celery worker and the mock: one row per pupil with counts that add up, *Toon alle
aanvragen* for the history, a refused *Aanvragen* on finished rows that keeps the mode
and the selection and says what to do, *Opnieuw aanvragen* in *Mutaties vanaf* from the
overview, a waiting pupil who is asked again, and *Verwijderen* that checks the selection
before it asks for a confirmation.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from elk_mock.dataset import DEMO_SIGNUP_GROUP
from requests.models import RequestMode, RequestStatus, TransferRequest
from requests.services import transfer_requests_add
from tests.browser.conftest import log_in, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.worker, pytest.mark.slow]

AFTER_MAY = dt.date(2021, 5, 11)


def wait_until_settled(page) -> None:
    """The progress panel stops once every request is final or waiting (no reload)."""
    expect(page.get_by_role("heading", name=re.compile("^Laatste verzending"))).to_be_visible(
        timeout=90_000
    )


def filter_on_the_group(page, *, history: bool = False) -> None:
    page.goto(f"{page.base}/requests/")
    page.locator("#id_signup_group").select_option(label=f"{DEMO_SIGNUP_GROUP} (2021-2022)")
    if history:
        page.get_by_label("Toon alle aanvragen").check()
    page.get_by_role("button", name="Filteren").click()


def chip_total(page) -> int:
    return sum(int(n) for n in page.locator("#status-chips .chip-count").all_text_contents())


def test_two_rounds_show_one_row_per_pupil_and_opnieuw_aanvragen_works(
    page, staff_member, pipeline_processes, elk_mock, demo_students, tmp_path
):
    pupils = list(demo_students.values())
    assert len(pupils) == 16
    transfer_requests_add(student_ids=[p.pk for p in pupils], user="anna")
    pipeline_processes.worker()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    # Round 1: Actueel for the whole group (select all across pages).
    log_in(page, "anna")
    filter_on_the_group(page)
    expect(page.locator("#request-table tbody tr")).to_have_count(16)
    page.get_by_label(re.compile(r"^Alle 16 aanvragen selecteren")).check()
    page.get_by_role("button", name="Aanvragen", exact=True).click()
    expect(page.get_by_text("16 aanvragen verstuurd.")).to_be_visible()
    wait_until_settled(page)
    waiting = TransferRequest.objects.filter(status=RequestStatus.WAITING).count()
    assert waiting >= 1  # the demo's pupil whose first file is released on 29 March
    # The progress box counts who waits instead of saying "klaar, 100%".
    expect(
        page.get_by_role("heading", name="Laatste verzending: wacht op basisscholen")
    ).to_be_visible()
    expect(page.locator("#batch-progress")).to_contain_text(f"{16 - waiting} van 16 afgerond")
    expect(page.locator("#batch-progress")).to_contain_text("wacht op de basisschool")
    expect(page.locator("#batch-progress")).not_to_contain_text("100%")
    waiting_row = page.locator("#request-table tbody tr", has_text="Wacht op basisschool").first
    # Which wait it is, and once (in the remark) when it is asked again.
    expect(waiting_row).to_contain_text("De ouders hebben het dossier nog niet ingezien")
    expect(waiting_row).to_contain_text(re.compile(r"opnieuw gevraagd op \d\d-\d\d-\d{4}"))
    assert waiting_row.inner_text().lower().count("opnieuw gevraagd op") == 1

    # Round 2, the May files are out. Aanvragen on finished rows is refused with what to
    # do, and the mode and the selection are kept.
    elk_mock.set_clock(AFTER_MAY)
    filter_on_the_group(page)
    page.get_by_label(re.compile(r"^Alle 16 aanvragen selecteren")).check()
    page.get_by_role("radio", name="Mutaties vanaf").check()
    page.get_by_role("button", name="Aanvragen", exact=True).click()
    expect(page.get_by_text(re.compile("Er is niets verstuurd"))).to_contain_text(
        "klik dan op Opnieuw aanvragen"
    )
    expect(page.get_by_role("radio", name="Mutaties vanaf")).to_be_checked()
    expect(page.get_by_label(re.compile(r"^Alle 16 aanvragen selecteren"))).to_be_checked()
    assert TransferRequest.objects.count() == 16

    # Opnieuw aanvragen: a new request per finished pupil, sent in Mutaties vanaf.
    page.get_by_role("button", name="Opnieuw aanvragen").click()
    sent_again = f"{16 - waiting} leerlingen worden opnieuw aangevraagd."
    expect(page.get_by_text(sent_again)).to_be_visible()
    wait_until_settled(page)
    second_round = TransferRequest.objects.filter(mode=RequestMode.CHANGES_SINCE)
    assert second_round.count() == 16 - waiting
    assert TransferRequest.objects.count() == 32 - waiting

    # The overview of the group: 16 rows for 16 pupils, counts that add up to 16.
    filter_on_the_group(page)
    rows = page.locator("#request-table tbody tr")
    expect(rows).to_have_count(16)
    numbers = {text.strip() for text in rows.locator("td:nth-child(5)").all_text_contents()}
    assert numbers == {p.student_number for p in pupils}
    assert chip_total(page) == 16
    screenshot(page, "overstapdossier-opvragen-per-leerling", tmp_path)

    # Toon alle aanvragen: the history, counted as such.
    filter_on_the_group(page, history=True)
    expect(rows).to_have_count(32 - waiting)
    assert chip_total(page) == 32 - waiting

    # Verwijderen with nothing selected: no confirmation, the page says to select first.
    filter_on_the_group(page)
    page.get_by_role("button", name="Verwijderen").click()
    expect(page.get_by_text("Selecteer eerst minstens één rij.")).to_be_visible()
    assert dialogs == []
    # With a selection it asks first (dismissed: nothing is deleted).
    rows.first.locator("input[data-select-row]").check()
    page.get_by_role("button", name="Verwijderen").click()
    assert len(dialogs) == 1
    assert TransferRequest.objects.count() == 32 - waiting
