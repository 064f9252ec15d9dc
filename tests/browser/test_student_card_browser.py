"""The student page in a real browser: the secret marks, and a version diff that ends
where the page ends, one line per line of XML."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from elk_mock import dataset
from students.models import SignupGroup, Student
from students.services.dossier_merge import DossierIn, dossiers_merge
from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser


def _import_all_versions(key: str) -> Student:
    pupil = next(p for p in dataset.demo_pupils() if p.key == key)
    [first] = dossiers_merge(
        items=[DossierIn(raw=pupil.versions[0].xml, source_name=f"{key}.xml")],
        signup_group=SignupGroup.objects.create(name="Groep 8", school_year="2021-2022"),
    )
    assert first.student_id is not None
    student = Student.objects.get(pk=first.student_id)
    for version in pupil.versions[1:]:
        dossiers_merge(
            items=[
                DossierIn(
                    raw=version.xml,
                    source_name="",
                    expected_student_id=student.pk,
                    name_after_pupil=True,
                )
            ]
        )
    return student


def test_the_diff_lists_the_changes_first_and_adds_no_empty_space(page, staff_member, tmp_path):
    student = _import_all_versions("demo-05")  # moves house in May
    older, newer = student.dossiers.order_by("received_at").values_list("pk", flat=True)[:2]
    log_in(page, "anna")

    page.goto(f"{page.base}/students/{student.student_number}/?older={older}&newer={newer}")

    changes = page.get_by_test_id("field-changes")
    expect(changes.get_by_role("row", name="Straat")).to_contain_text("Padlaan")
    expect(changes.get_by_role("row", name="Straat")).to_contain_text("Vlietsend")
    layout = page.evaluate(
        """() => {
          const lines = [...document.querySelectorAll('.diff__line')];
          const pre = document.querySelector('pre.diff');
          return {
            page: document.documentElement.scrollHeight,
            main: Math.ceil(document.querySelector('main').getBoundingClientRect().bottom
                            + window.scrollY),
            lines: lines.length,
            content: pre.scrollHeight,
            line: lines[1].getBoundingClientRect().height,
          };
        }"""
    )
    # The page ends with its content: no hidden label stretches it below.
    assert layout["page"] <= layout["main"] + 40, layout
    # One line of XML is one line on screen: no empty line between them.
    assert layout["content"] <= layout["lines"] * layout["line"] * 1.1 + 40, layout
    screenshot(page, "leerling-versies-vergelijken", tmp_path)


def test_the_card_of_a_pupil_with_a_secret_address_says_so(page, staff_member):
    student = _import_all_versions("demo-07")
    log_in(page, "anna")

    page.goto(f"{page.base}/students/{student.student_number}/")

    marks = page.get_by_test_id("secret-marks")
    expect(marks).to_have_text("Adres geheimTelefoon geheimE-mail geheim")
    expect(page.get_by_test_id("changed-fields").first).to_have_text("Gewijzigd: eindtoets")
