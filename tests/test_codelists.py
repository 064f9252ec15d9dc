"""The seeded codelists (DOMAIN.md) and the label selector."""

from __future__ import annotations

import pytest

from students.models import Codelist, CodelistEntry
from students.selectors.codelists import codelist_labels_for, codelists_labels

pytestmark = pytest.mark.django_db


def codelist_label(codelist: str, code: str) -> str | None:
    """One code's label through the selector the pages use (None: empty or unknown)."""
    return codelist_labels_for({(codelist, code)}).get((codelist, code)) if code else None


def codelist_labels(codelist: str) -> dict[str, str]:
    return {code: label for (_list, code), label in codelists_labels((codelist,)).items()}


ADVICE_CODES = [
    "01",
    "10",
    "20",
    "21",
    "22",
    "23",
    "30",
    "31",
    "32",
    "33",
    "34",
    "35",
    "40",
    "41",
    "42",
    "43",
    "44",
    "50",
    "51",
    "52",
    "60",
    "61",
    "70",
    "80",
]


def test_advice_codes_with_a_known_name_are_seeded_provisional_and_never_say_voorlopig():
    entries = CodelistEntry.objects.filter(codelist=Codelist.ADVICE)

    # Only codes that map onto a 2024 advice type have a name; the rest have no label.
    assert {e.code for e in entries} < set(ADVICE_CODES)
    assert {"34", "35", "43", "44", "52", "61", "70"}.isdisjoint(e.code for e in entries)
    assert all(e.provisional and "voorlopig" not in e.label for e in entries)
    assert codelist_label(Codelist.ADVICE, "50") == "havo"
    assert codelist_label(Codelist.ADVICE, "34") is None


def test_test_types_known_by_name_are_seeded_as_final():
    entries = {e.code: e for e in CodelistEntry.objects.filter(codelist=Codelist.TEST_TYPE)}

    assert {code: e.label for code, e in entries.items() if not e.provisional} == {
        "0011": "Centrale Eindtoets",
        "0012": "Route 8",
        "0013": "IEP Eindtoets",
    }
    # 0014 and 0016 are allowed but unnamed: no placeholder label.
    assert "0014" not in entries and "0016" not in entries


def test_reference_levels():
    assert codelist_labels(Codelist.REFERENCE_LEVEL) == {
        "01": "lager dan 1F",
        "02": "1F",
        "03": "1S",
        "04": "2F",
    }


def test_staff_edits_show_up_in_the_labels():
    CodelistEntry.objects.filter(codelist=Codelist.ADVICE, code="50").update(
        label="hoger algemeen voortgezet onderwijs", provisional=False
    )

    assert codelist_label(Codelist.ADVICE, "50") == "hoger algemeen voortgezet onderwijs"


def test_unknown_or_empty_code_has_no_label():
    assert codelist_label(Codelist.ADVICE, "99") is None
    assert codelist_label(Codelist.ADVICE, "") is None


def test_dropping_voorlopig_leaves_labels_that_staff_edited_alone():
    from django.apps import apps

    cleanup = __import__(
        "students.migrations.0007_codelist_labels_without_voorlopig", fromlist=["forwards"]
    )
    CodelistEntry.objects.filter(codelist=Codelist.ADVICE).delete()
    CodelistEntry.objects.bulk_create(
        [
            CodelistEntry(codelist=Codelist.ADVICE, code="44", label="Advies 44 (voorlopig)"),
            CodelistEntry(codelist=Codelist.ADVICE, code="50", label="havo (voorlopig)"),
            CodelistEntry(codelist=Codelist.ADVICE, code="60", label="vwo, door staf benoemd"),
        ]
    )

    cleanup.forwards(apps, None)

    assert codelist_labels(Codelist.ADVICE) == {"50": "havo", "60": "vwo, door staf benoemd"}


def test_final_test_levels_are_seeded_from_the_oso_files_and_editable_data():
    entries = CodelistEntry.objects.filter(codelist=Codelist.TEST_LEVEL)

    assert {e.code: (e.label, e.provisional) for e in entries} == {
        "G": ("Generiek", False),
        "B": ("Basis", False),
        "E": ("Eenvoudig", False),
    }
    CodelistEntry.objects.filter(codelist=Codelist.TEST_LEVEL, code="G").update(label="generiek")
    assert codelist_label(Codelist.TEST_LEVEL, "G") == "generiek"


def test_no_seeded_label_says_voorlopig_or_only_restates_its_code():
    for entry in CodelistEntry.objects.all():
        assert "voorlopig" not in entry.label.lower()
        assert entry.code not in entry.label.split()


def test_the_seed_migration_names_the_file_of_each_source():
    seed = __import__("students.migrations.0013_codelist_test_levels", fromlist=["seed"])

    for source in (
        "OSO_gegevensset_2019.1.xsd",
        "ValideerOSOgegevensset_2019.1.xsl",
        "doorstroomtoets-openapi-1.1.0.yaml",
    ):
        assert source in seed.__doc__
