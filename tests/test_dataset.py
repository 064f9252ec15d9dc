"""The deterministic data set behind the demo and the mock endpoint (elk_mock.dataset)."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from lxml import etree

from elk_mock.dataset import (
    DEMO_CLOCK_START,
    DEMO_MAY_DATE,
    Pupil,
    demo_pupils,
    generated_pupils,
    is_valid_bsn,
    is_valid_education_number,
    released_version,
)
from elk_mock.dossier_xml import ADVICE_CODES, NAMESPACE, SECRET_EMAIL, SECRET_PHONE
from oso_format.versions import DEFAULT_OSO_VERSION, OSO_VERSIONS

# The official XSD as vendored in the portal (tests may read portal files; the mock itself may not).
XSD = OSO_VERSIONS[DEFAULT_OSO_VERSION].xsd_path
NS = {"o": NAMESPACE}
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


def _text(doc, path: str) -> str | None:
    found = doc.find(path, NS)
    return None if found is None else found.text


def business_rule_problems(doc) -> list[str]:
    """The DOMAIN.md rules the portal enforces on top of the XSD (codelists, eindtoets, advice)."""
    problems = []
    pupil = doc.find("o:huidigeschool/o:leerling", NS)
    for tag in ("advies", "wensouders", "wensleerling", "herzienadvies"):
        value = _text(pupil, f"o:overstapadvies/o:{tag}")
        if value is not None and value not in ADVICE_CODES:
            problems.append(f"{tag} {value} not in codelist 2")
    if _text(pupil, "o:overstapadvies/o:advies") is None:
        problems.append("POVO without advies")
    if _text(pupil, "o:overstapadvies/o:herzienadvies") and not _text(
        pupil, "o:overstapadvies/o:motivatie_herzienadvies"
    ):
        problems.append("herzienadvies without motivatie_herzienadvies")
    final = pupil.find("o:eindtoets_basisonderwijs", NS)
    if final is not None and _text(final, "o:deelgenomen") == "true":
        result = final.find("o:eindtoetsresultaat", NS)
        if result is None or not _text(result, "o:toets_advies"):
            problems.append("deelgenomen without eindtoetsresultaat/toets_advies")
        elif _text(result, "o:toetssoort") not in {"0011", "0012", "0013", "0014", "0016"}:
            problems.append("toetssoort outside codelist 42")
        else:
            for level in result.iter(f"{{{NAMESPACE}}}ond_referentieniveau"):
                if level.text not in {"01", "02", "03", "04"}:
                    problems.append(f"referentieniveau {level.text}")
            for level in result.iter(f"{{{NAMESPACE}}}dom_referentieniveau"):
                if level.text not in {"01", "02", "03", "04"}:
                    problems.append(f"referentieniveau {level.text}")
    has_bsn = _text(pupil, "o:bsn")
    has_education_number = _text(pupil, "o:onderwijsnummer")
    if not (has_bsn and is_valid_bsn(has_bsn)) and not (
        has_education_number and is_valid_education_number(has_education_number)
    ):
        problems.append("no valid bsn or onderwijsnummer")
    return problems


def assert_valid_dossier(schema: etree.XMLSchema, xml: bytes, label: str) -> etree._Element:
    doc = etree.fromstring(xml)
    assert schema.validate(doc), f"{label}: {schema.error_log.last_error}"
    assert business_rule_problems(doc) == [], label
    return doc


def _leerling(xml: bytes):
    return etree.fromstring(xml).find("o:huidigeschool/o:leerling", NS)


def by_key(pupils: list[Pupil]) -> dict[str, Pupil]:
    return {pupil.key: pupil for pupil in pupils}


def test_every_demo_dossier_version_validates_against_the_xsd_and_rules(schema):
    for pupil in demo_pupils():
        for version in pupil.versions:
            assert_valid_dossier(schema, version.xml, f"{pupil.key} {version.description}")


def test_demo_pupils_are_the_same_on_every_call():
    first, second = demo_pupils(), demo_pupils()
    assert first == second
    assert [v.xml for p in first for v in p.versions] == [v.xml for p in second for v in p.versions]


def test_demo_group_has_about_sixteen_pupils_with_distinct_valid_identifiers():
    pupils = demo_pupils()
    assert 14 <= len(pupils) <= 20
    identifiers = [pupil.bsn or pupil.education_number for pupil in pupils]
    assert len(set(identifiers)) == len(pupils)
    for pupil in pupils:
        assert bool(pupil.bsn) != bool(pupil.education_number), pupil.key
        if pupil.bsn:
            assert is_valid_bsn(pupil.bsn), pupil.key
        else:
            assert is_valid_education_number(pupil.education_number), pupil.key
    assert any(pupil.education_number for pupil in pupils)
    assert len({pupil.primary_school_brin for pupil in pupils}) >= 4
    assert any(pupil.prefix in {"van der", "van 't"} for pupil in pupils)


def test_every_demo_pupil_has_a_released_first_file_before_the_clock_starts():
    for pupil in demo_pupils():
        first = pupil.versions[0]
        assert first.collection_date.month in (2, 3) and first.collection_date.year == 2021
        assert first.published_on <= DEMO_CLOCK_START, pupil.key
        assert _leerling(first.xml).find("o:eindtoets_basisonderwijs", NS) is None
        assert list(pupil.versions) == sorted(pupil.versions, key=lambda v: v.published_on)


def test_most_demo_pupils_get_a_may_file_with_the_final_test():
    pupils = demo_pupils()
    with_may = [p for p in pupils if p.versions[-1].collection_date == DEMO_MAY_DATE]
    assert len(with_may) >= len(pupils) // 2
    for pupil in with_may:
        leerling = _leerling(pupil.versions[-1].xml)
        result = leerling.find("o:eindtoets_basisonderwijs/o:eindtoetsresultaat", NS)
        assert result is not None, pupil.key
        assert _text(result, "o:toetssoort") in {"0011", "0012", "0013"}
        assert int(_text(result, "o:standaardscore")) > 0
        assert _text(result, "o:toets_advies")
    test_types = {_text(_leerling(p.versions[-1].xml), ".//o:toetssoort") for p in with_may}
    assert test_types == {"0011", "0012", "0013"}


def test_several_demo_pupils_get_a_revised_advice_with_its_motivation():
    revised = []
    for pupil in demo_pupils():
        advice = _leerling(pupil.versions[-1].xml).find("o:overstapadvies", NS)
        if _text(advice, "o:herzienadvies"):
            assert _text(advice, "o:motivatie_herzienadvies")
            assert _text(advice, "o:herzienadvies") != _text(advice, "o:advies")
            revised.append(pupil.key)
    assert len(revised) >= 2


def test_the_issue_example_pupil_noor_van_t_hof_matches_the_student_card_example():
    noor = by_key(demo_pupils())["demo-01"]
    assert (noor.given_name, noor.prefix, noor.surname) == ("Noor", "van 't", "Hof")
    assert noor.bsn.endswith("7892") and noor.birth_date == date(2009, 5, 14)
    assert (noor.primary_school_name, noor.primary_school_brin) == ("OBS De Vuurtoren", "12AB")
    may = _leerling(noor.versions[-1].xml)
    assert _text(may, "o:overstapadvies/o:advies") == "40"
    assert _text(may, "o:overstapadvies/o:herzienadvies") == "50"
    assert _text(may, ".//o:eindtoetsresultaat/o:toetssoort") == "0013"
    assert _text(may, ".//o:eindtoetsresultaat/o:standaardscore") == "88"
    assert _text(may, ".//o:eindtoetsresultaat/o:datum_afname") == "2021-04-20"
    assert noor.versions[-1].collection_date == date(2021, 5, 10)


def test_one_demo_pupil_moves_address_in_the_later_file():
    moved = []
    for pupil in demo_pupils():
        postcodes = [
            _text(_leerling(v.xml), "o:adreslijst/o:adres/o:postcode") for v in pupil.versions
        ]
        if len(set(postcodes)) > 1:
            moved.append(pupil.key)
    assert len(moved) == 1


def test_one_demo_pupil_has_a_secret_address_and_placeholder_contact_details():
    secret = []
    for pupil in demo_pupils():
        for version in pupil.versions:
            leerling = _leerling(version.xml)
            if _text(leerling, "o:adresgeheim") == "true":
                assert leerling.find("o:adreslijst", NS) is None
                numbers = {
                    _text(c, "o:nummer"): _text(c, "o:geheim")
                    for c in leerling.findall("o:communicatielijst/o:communicatie", NS)
                }
                assert numbers == {SECRET_PHONE: "true", SECRET_EMAIL: "true"}
                secret.append(pupil.key)
    assert len(set(secret)) == 1


def test_some_demo_pupils_have_no_later_file_and_one_is_released_late():
    pupils = demo_pupils()
    assert 1 <= sum(1 for p in pupils if len(p.versions) == 1) <= 2
    late = [
        p.key
        for p in pupils
        if any(
            v.collection_date < v.published_on for v in p.versions if v.published_on > DEMO_MAY_DATE
        )
    ]
    assert len(late) == 1
    pending_at_start = [
        p.key
        for p in pupils
        if any(v.collection_date <= DEMO_CLOCK_START < v.published_on for v in p.versions)
    ]
    assert len(pending_at_start) == 1


def test_generated_pupils_are_deterministic_per_seed():
    assert generated_pupils(60, seed=3) == generated_pupils(60, seed=3)
    assert generated_pupils(60, seed=3) != generated_pupils(60, seed=4)
    first = generated_pupils(20, seed=1)
    again = generated_pupils(20, seed=1)
    assert [v.xml for p in first for v in p.versions] == [v.xml for p in again for v in p.versions]


def test_ten_thousand_generated_pupils_have_distinct_valid_identifiers(capsys):
    started = time.perf_counter()
    pupils = generated_pupils(10_000)
    elapsed = time.perf_counter() - started
    with capsys.disabled():
        print(f"\ngenerated_pupils(10000): {elapsed:.2f} s")
    identifiers = [pupil.bsn or pupil.education_number for pupil in pupils]
    assert len(set(identifiers)) == 10_000
    assert len({pupil.key for pupil in pupils}) == 10_000
    demo_ids = {pupil.bsn or pupil.education_number for pupil in demo_pupils()}
    assert not demo_ids & set(identifiers)
    assert all(is_valid_bsn(p.bsn) for p in pupils if p.bsn)
    assert all(is_valid_education_number(p.education_number) for p in pupils if not p.bsn)
    assert any(p.education_number for p in pupils)


def test_generated_dossiers_validate_against_the_xsd(schema):
    for pupil in generated_pupils(150, seed=7):
        for version in pupil.versions:
            assert_valid_dossier(schema, version.xml, pupil.key)


def test_the_mock_package_imports_nothing_from_the_portal():
    code = (
        "import sys, elk_mock.dataset, elk_mock.dossier_xml\n"
        "import importlib.util\n"
        "for name in ('elk_mock.server', 'elk_mock.state', 'elk_mock.testing'):\n"
        "    if importlib.util.find_spec(name): __import__(name)\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('django', 'students', 'requests', 'oso_portal', 'httpx')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_the_demo_signs_up_twelve_more_pupils_that_seed_demo_does_not_import():
    from elk_mock.dataset import DEMO_SCHOOL_BRIN, demo_dataset, demo_signup_pupils

    signups = demo_signup_pupils()
    start = date(2021, 3, 20)
    assert len(signups) >= 12
    assert all(p.secondary_school_brin == DEMO_SCHOOL_BRIN for p in signups)
    assert not any(p.imported_by_demo for p in signups)
    assert all(p.imported_by_demo for p in demo_pupils())
    later = [p for p in signups if p.placement is None or p.placement.date > start]
    assert len(later) >= 8
    with_file_by_start = [p for p in later if p.bsn and released_version(p, start) is not None]
    assert len(with_file_by_start) >= 6
    placed = [p for p in signups if p.placement and p.placement.date <= start]
    assert len(placed) >= 4
    assert all(released_version(p, start) is not None for p in placed)
    nothing_until_may = [p for p in signups if released_version(p, date(2021, 4, 30)) is None]
    assert len(nothing_until_may) == 1
    assert released_version(nothing_until_may[0], date(2021, 5, 31)) is not None
    identifiers = [p.identifier for p in demo_dataset()]
    assert len(identifiers) == len(set(identifiers))
    assert all(is_valid_bsn(p.bsn) for p in signups if p.bsn)
    assert all(is_valid_education_number(p.education_number) for p in signups if not p.bsn)


def test_the_signed_up_pupils_files_validate_against_the_xsd(schema):
    from elk_mock.dataset import demo_signup_pupils

    for pupil in demo_signup_pupils():
        for version in pupil.versions:
            assert_valid_dossier(schema, version.xml, pupil.key)


def test_the_example_signup_list_names_five_pupils_not_yet_placed():
    import csv
    from pathlib import Path

    from elk_mock.dataset import demo_signup_pupils

    path = Path(__file__).resolve().parents[1] / "docs/examples/aanmeldingen-voorbeeld.csv"
    rows = list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    by_id = {p.identifier: p for p in demo_signup_pupils()}
    start = date(2021, 3, 20)
    assert len(rows) == 5
    for row in rows:
        pupil = by_id[row["BSN"] or row["Onderwijsnummer"]]
        assert pupil.placement is None or pupil.placement.date > start
        assert row["Achternaam"] == pupil.surname
        assert row["Geboortedatum"] == pupil.birth_date.strftime("%d-%m-%Y")
        assert row["BRIN basisschool"] == pupil.primary_school_brin
