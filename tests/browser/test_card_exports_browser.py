"""*Exporteren* in a real browser: the group's cards as CSV, the search as Excel, the zip, print."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from students.card_exports import HEADERS
from students.models import Student
from students.services.dossier_merge import DossierIn, dossiers_merge
from tests.browser.conftest import log_in, menu, screenshot
from tests.factories import SignupGroupFactory, StudentFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def group(db, oso_examples):
    """Three pupils from the official examples, and one signed up without a file."""
    _seed_codelists()
    group = SignupGroupFactory(name="Groep 8 - Saenredam College", school_year="2021-2022")
    dossiers_merge(
        items=[DossierIn(raw=p.read_bytes(), source_name=p.name) for p in oso_examples[:3]],
        signup_group=group,
    )
    StudentFactory(student_number="2000000001", surname="Aanmelder", signup_group=group)
    return group


def _seed_codelists() -> None:
    """The labels the migrations seed: a live-server test starts from an emptied database."""
    from django.apps import apps

    seeded = __import__("students.migrations.0003_seed_codelists", fromlist=["seed"])
    cleaned = __import__(
        "students.migrations.0007_codelist_labels_without_voorlopig", fromlist=["forwards"]
    )
    seeded.seed(apps, None)
    cleaned.forwards(apps, None)


def _group_row(page, group):
    return page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=group.name))


def test_exporteren_on_the_groups_page_downloads_the_cards_as_csv(
    page, staff_member, group, tmp_path
):
    log_in(page, "anna")
    menu(page, "Aanmeldingsgroepen").click()

    row = _group_row(page, group)
    row.get_by_text("Exporteren", exact=True).click()
    expect(row.get_by_role("link", name="Leerlingkaarten als CSV")).to_be_visible()
    screenshot(page, "aanmeldingsgroepen-exporteren", tmp_path)
    with page.expect_download() as download:
        row.get_by_role("link", name="Leerlingkaarten als CSV").click()

    content = Path(download.value.path()).read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == list(HEADERS)
    assert len(rows) == 1 + 4
    assert [rows[-1][0], rows[-1][3]] == ["2000000001", "Aanmelder"]
    assert rows[-1][HEADERS.index("Leerlingstatus")] == "Aangemeld, nog geen dossier"
    assert download.value.suggested_filename.startswith("leerlingkaarten-groep-8-saenredam")


def test_exporteren_on_the_groups_page_downloads_the_oso_files(
    page, staff_member, group, oso_examples
):
    log_in(page, "anna")
    menu(page, "Aanmeldingsgroepen").click()

    row = _group_row(page, group)
    row.get_by_text("Exporteren", exact=True).click()
    with page.expect_download() as download:
        row.get_by_role("link", name="OSO-dossiers (zip, met volledig BSN)").click()

    with zipfile.ZipFile(download.value.path()) as archive:
        files = sorted(archive.read(name) for name in archive.namelist())
    assert files == sorted(p.read_bytes() for p in oso_examples[:3])


def test_exporteren_on_the_search_page_takes_the_current_filter_as_excel(
    page, staff_member, group, tmp_path
):
    surname = (
        Student.objects.filter(signup_group=group).exclude(surname="Aanmelder").first().surname
    )
    log_in(page, "anna")
    menu(page, "Leerlingen zoeken").click()
    page.get_by_label("Achternaam").fill(surname)
    page.get_by_role("button", name="Zoeken").click()

    page.locator(".results").get_by_text("Exporteren", exact=True).click()
    screenshot(page, "leerlingen-zoeken-exporteren", tmp_path)
    with page.expect_download() as download:
        page.get_by_role("link", name="Leerlingkaarten als Excel").click()

    sheet = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes())).active
    assert [c.value for c in sheet[1]] == list(HEADERS)
    surnames = {row[3] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert surnames == {surname}
    assert sheet.freeze_panes == "A2"


def test_the_print_view_shows_one_card_per_page_and_its_button_prints(
    page, staff_member, group, tmp_path
):
    log_in(page, "anna")
    menu(page, "Aanmeldingsgroepen").click()

    row = _group_row(page, group)
    row.get_by_text("Exporteren", exact=True).click()
    row.get_by_role("link", name="Leerlingkaarten afdrukken").click()

    expect(page.get_by_role("heading", name=f"Leerlingkaarten van {group}")).to_be_visible()
    cards = page.locator("article.print-card")
    expect(cards).to_have_count(4)
    expect(cards.first).to_contain_text("Aangemeld, nog geen dossier")  # "Aanmelder" sorts first
    expect(cards.nth(1)).to_contain_text("vmbo gemengde/theoretische leerweg (40)")
    screenshot(page, "leerlingkaarten-afdrukken", tmp_path)
    page.evaluate("window.print = () => { window.__printed = true; }")
    page.get_by_role("button", name="Afdrukken").click()
    assert page.evaluate("window.__printed === true")

    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("button", name="Afdrukken")).to_be_hidden()
    breaks = cards.evaluate_all("cards => cards.map(c => getComputedStyle(c).breakAfter)")
    assert breaks[:-1] == ["page"] * 3 and breaks[-1] != "page"
