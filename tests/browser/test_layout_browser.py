"""The page frame and the layout at 1366 px, in Dutch and in English, in Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from requests.models import RequestStatus
from tests.browser.conftest import log_in, screenshot
from tests.factories import SignupGroupFactory, StudentFactory, TransferRequestFactory

pytestmark = pytest.mark.browser

LONG_REMARKS = [
    "Adres is geheim in het dossier (adresgeheim): het bestaande adres is behouden.",
    "Officiële OSO-controle (waarschuwing) bij /dossier[1]/huidigeschool[1]/leerling[1]: "
    "Indien een adres van leerling geheim, is ieder leerlingadres in overstapdossier verboden.",
]


def choose_language(page, language: str) -> None:
    page.locator(f'.language-switch button[value="{language}"]').click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def header_rows(page) -> dict:
    """The header's height and the distinct rows (rounded tops) its items stand on."""
    return page.evaluate(
        """() => {
          const items = [...document.querySelectorAll(
            '.brand, .main-nav a, .language-switch button, .user-menu summary')];
          const middles = items.map(el => {
            const box = el.getBoundingClientRect();
            return Math.round((box.top + box.bottom) / 2);
          });
          return {
            height: document.querySelector('.site-header').getBoundingClientRect().height,
            middles: [...new Set(middles)],
            items: items.length,
            overflow: document.documentElement.scrollWidth - window.innerWidth,
          };
        }"""
    )


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_header_fits_in_one_row_at_1366_px(page, staff_member, language, tmp_path):
    log_in(page, "anna")  # anna sees every menu item, the audit log and the admin too
    choose_language(page, language)

    rows = header_rows(page)

    assert rows["items"] == 1 + 7 + 2 + 1
    assert max(rows["middles"]) - min(rows["middles"]) <= 4, rows
    assert rows["height"] < 60, rows
    assert rows["overflow"] == 0
    screenshot(page, f"header-{language}", tmp_path)


def test_the_user_menu_opens_on_click_and_closes_with_escape(page, staff_member):
    log_in(page, "anna")
    log_out = page.get_by_role("button", name="Uitloggen")
    expect(log_out).to_be_hidden()

    page.locator(".user-menu summary").click()
    expect(log_out).to_be_visible()
    expect(page.get_by_role("link", name="Beheer")).to_be_visible()
    page.keyboard.press("Escape")
    expect(log_out).to_be_hidden()

    page.locator(".user-menu summary").click()
    page.locator("main h1").click()  # a click elsewhere closes it too
    expect(log_out).to_be_hidden()


@pytest.mark.parametrize("language", ["nl", "en"])
def test_search_inputs_line_up_and_the_signup_group_name_shows_whole(
    page, staff_member, language, tmp_path
):
    SignupGroupFactory(name="Groep 8 - Saenredam College, locatie Zuid", school_year="2021-2022")
    log_in(page, "anna")
    choose_language(page, language)
    page.goto(f"{page.base}/students/")
    page.locator("#id_signup_group").select_option(index=1)

    tops = page.evaluate(
        """() => ['id_birth_date', 'id_bsn', 'id_school_year', 'id_signup_group']
             .map(id => Math.round(document.getElementById(id).getBoundingClientRect().top))"""
    )
    select = page.evaluate(
        """() => { const s = document.getElementById('id_signup_group');
                   const probe = document.createElement('span');
                   probe.style.font = getComputedStyle(s).font;
                   probe.textContent = s.options[s.selectedIndex].text;
                   document.body.append(probe);
                   const text = probe.getBoundingClientRect().width; probe.remove();
                   return {text, box: s.getBoundingClientRect().width}; }"""
    )

    assert len(set(tops)) == 1, tops
    assert select["text"] + 40 <= select["box"], select  # the name and the arrow
    screenshot(page, f"search-form-{language}", tmp_path)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_remarks_column_gets_the_room_and_the_table_fits(
    page, staff_member, language, tmp_path
):
    group = SignupGroupFactory()
    for _ in range(3):
        TransferRequestFactory(
            student=StudentFactory(signup_group=group),
            status=RequestStatus.PROCESSED_WITH_REMARKS,
            remarks=LONG_REMARKS,
        )
    log_in(page, "anna")
    choose_language(page, language)
    page.goto(f"{page.base}/requests/")

    sizes = page.evaluate(
        """() => { const table = document.getElementById('request-table');
                   const remarks = table.querySelector('tbody ul.remarks');
                   const container = table.closest('.table-container') || table.parentElement;
                   return {remarks: remarks.closest('td').getBoundingClientRect().width,
                           row: remarks.closest('tr').getBoundingClientRect().height,
                           table: table.getBoundingClientRect().width,
                           room: container.clientWidth,
                           headers: [...table.querySelectorAll("thead th")].map(
                             th => Math.round(th.getBoundingClientRect().width))}; }"""
    )

    assert sizes["remarks"] >= 320, sizes
    assert sizes["table"] <= sizes["room"] + 1, str(sizes)
    assert sizes["row"] < 240, sizes
    screenshot(page, f"requests-remarks-{language}", tmp_path)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_dossier_import_reports_each_file_of_a_mixed_upload(page, staff_member, language, tmp_path):
    import io
    import zipfile

    from tests.conftest import OSO_EXAMPLES

    group = SignupGroupFactory(name="Groep 8 - Saenredam College", school_year="2021-2022")
    empty = tmp_path / "leeg.xml"
    empty.write_bytes(b"")
    archive = tmp_path / "aanlevering.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr(OSO_EXAMPLES[1].name, OSO_EXAMPLES[1].read_bytes())
        zf.writestr("../buiten.xml", b"<x/>")
    archive.write_bytes(buffer.getvalue())
    log_in(page, "anna")
    choose_language(page, language)
    page.goto(f"{page.base}/dossiers/import/")

    expect(page.locator("#id_signup_group")).to_have_value(str(group.pk))  # the default
    page.locator("#id_files").set_input_files([str(empty), str(OSO_EXAMPLES[0]), str(archive)])
    page.locator("form.card button[type=submit]").click()

    rows = page.locator("#import-results tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.nth(0)).to_contain_text("leeg.xml")
    expect(rows.nth(3)).to_contain_text("aanlevering.zip/../buiten.xml")
    failed = "Mislukt" if language == "nl" else "Failed"
    expect(rows.nth(3)).to_contain_text(failed)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    assert max(header_rows(page)["middles"]) - min(header_rows(page)["middles"]) <= 4
    screenshot(page, f"dossier-import-{language}", tmp_path)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_history_with_the_kind_of_each_request_still_fits(
    page, staff_member, language, tmp_path
):
    group = SignupGroupFactory()
    for _ in range(3):
        TransferRequestFactory(
            student=StudentFactory(signup_group=group),
            status=RequestStatus.PROCESSED_WITH_REMARKS,
            remarks=LONG_REMARKS,
        )
    log_in(page, "anna")
    choose_language(page, language)
    page.goto(f"{page.base}/requests/?history=on")

    sizes = page.evaluate(
        """() => { const table = document.getElementById('request-table');
                   const remarks = table.querySelector('tbody ul.remarks');
                   const container = table.closest('.table-container') || table.parentElement;
                   return {remarks: remarks.closest('td').getBoundingClientRect().width,
                           row: remarks.closest('tr').getBoundingClientRect().height,
                           columns: table.querySelectorAll('thead th').length,
                           table: table.getBoundingClientRect().width,
                           room: container.clientWidth}; }"""
    )

    assert sizes["columns"] == 10, sizes  # the seed's columns, remarks, and the kind
    assert sizes["remarks"] >= 256, sizes
    assert sizes["table"] <= sizes["room"] + 1, str(sizes)
    assert sizes["row"] < 300, sizes
    screenshot(page, f"requests-history-{language}", tmp_path)
