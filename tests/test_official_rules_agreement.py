"""The portal's own rules and the official stylesheet agree where both speak.

The Python copies of the codelists were dropped for the stylesheet; the sets that
``oso_format.codelists`` still holds (labels, admin) must say what the
stylesheet says. The identifier rule stays in Python (the merge matches on it and
asks it of every file); on overstapdossiers it refuses exactly the files the
stylesheet's rule names.
"""

from __future__ import annotations

import pytest
from django.utils import translation

from oso_format import codelists
from oso_format.official_rules import FOUT
from oso_format.reader import dossier_check, dossier_read
from oso_format.types import DossierError
from tests.test_dossier_reader import ADVICE, PUPIL, Edit, crafted, valid_education_number

IDENTIFIER_RULE = "BSN of onderwijsnummer is verplicht bij een leerling in een overstapdossier."


def _codes_refused(path: str, codes: list[str]) -> set[str]:
    refused = set()
    for code in codes:

        def set_code(d: Edit, code: str = code) -> None:
            d.set(path, code)

        meldingen = dossier_check(raw=crafted("POVO_opt_out", set_code))
        if any(m.severity == FOUT for m in meldingen):
            refused.add(code)
    return refused


@pytest.mark.parametrize(
    ("path", "codes"),
    [
        (f"{ADVICE}/advies", codelists.ADVICE_CODES),
        (f"{PUPIL}/geslacht", codelists.SEX_CODES),
        ("inzage/akkoord", codelists.AGREEMENT_CODES),
    ],
    ids=["codelist_2", "codelist_14", "codelist_37"],
)
def test_codelists_agree_with_the_stylesheet(path, codes):
    outside = ["00", "02", "11", "24", "36", "45", "53", "62", "71", "99", "3", "7"]
    corpus = sorted(codes) + [code for code in outside if code not in codes]

    assert _codes_refused(path, corpus) == set(corpus) - set(codes)


def _identifier_corpus() -> dict[str, bytes]:
    education_number = valid_education_number()

    def education_number_only(d: Edit) -> None:
        d.rename(f"{PUPIL}/bsn", "onderwijsnummer")
        d.set(f"{PUPIL}/onderwijsnummer", education_number)

    return {
        "bsn": crafted("POVO_opt_out", lambda d: None),
        "no_identifier": crafted("POVO_opt_out", lambda d: d.remove(f"{PUPIL}/bsn")),
        "education_number": crafted("POVO_opt_out", education_number_only),
        "popo_no_identifier": crafted("POPO_opt_out", lambda d: d.remove(f"{PUPIL}/bsn")),
        "vovo_no_identifier": crafted("VOVO_opt_out", lambda d: d.remove(f"{PUPIL}/bsn")),
        "vovo_bsn": crafted("VOVO_full", lambda d: None),
    }


@pytest.mark.parametrize("name", sorted(_identifier_corpus()))
def test_the_identifier_rule_refuses_what_the_stylesheet_names(name):
    raw = _identifier_corpus()[name]

    official = any(m.text == IDENTIFIER_RULE for m in dossier_check(raw=raw))
    try:
        with translation.override("nl"):
            dossier_read(raw=raw)
        portal = False
    except DossierError as error:
        portal = "geen BSN en geen onderwijsnummer" in error.message

    assert portal == official
    assert official == name.endswith("no_identifier")
