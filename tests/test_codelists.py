"""The seeded codelists (DOMAIN.md) and the label selector."""

from __future__ import annotations

import pytest

from students.models import Codelist, CodelistEntry
from students.selectors.codelists import codelist_labels_for


def codelist_label(codelist: str, code: str) -> str | None:
    return codelist_labels_for([(codelist, code)]).get((codelist, code))


def codelist_labels(codelist: str) -> dict[str, str]:
    return dict(CodelistEntry.objects.filter(codelist=codelist).values_list("code", "label"))


pytestmark = pytest.mark.django_db

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


def test_every_advice_code_of_codelist_2_is_seeded_with_a_provisional_label():
    entries = CodelistEntry.objects.filter(codelist=Codelist.ADVICE)

    assert sorted(e.code for e in entries) == sorted(ADVICE_CODES)
    assert all(e.provisional and "voorlopig" in e.label for e in entries)
    # Named after the 2024 advice types where the code maps onto one.
    assert codelist_label(Codelist.ADVICE, "50") == "havo (voorlopig)"
    assert codelist_label(Codelist.ADVICE, "34") == "Advies 34 (voorlopig)"


def test_test_types_known_by_name_are_final_the_others_provisional():
    entries = {e.code: e for e in CodelistEntry.objects.filter(codelist=Codelist.TEST_TYPE)}

    assert {code: e.label for code, e in entries.items() if not e.provisional} == {
        "0011": "Centrale Eindtoets",
        "0012": "Route 8",
        "0013": "IEP Eindtoets",
    }
    assert entries["0014"].provisional and entries["0016"].provisional


def test_reference_levels():
    assert codelist_labels(Codelist.REFERENCE_LEVEL) == {
        "01": "lager dan 1F",
        "02": "1F",
        "03": "1S",
        "04": "2F",
    }


def test_staff_edits_show_up_in_the_labels():
    CodelistEntry.objects.filter(codelist=Codelist.ADVICE, code="50").update(
        label="havo", provisional=False
    )

    assert codelist_label(Codelist.ADVICE, "50") == "havo"


def test_unknown_or_empty_code_has_no_label():
    assert codelist_label(Codelist.ADVICE, "99") is None
    assert codelist_label(Codelist.ADVICE, "") is None
