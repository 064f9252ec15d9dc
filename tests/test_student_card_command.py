"""student_card: the JSON contract and the readable Dutch card."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pytest
from django.core.management import CommandError, call_command

from students.models import FinalTestResult, NawCorrection
from tests.factories import PrimarySchoolFactory, PriorEducationFactory, StudentFactory

pytestmark = pytest.mark.django_db

CONTRACT_KEYS = [
    "student_number",
    "given_name",
    "prefix",
    "surname",
    "birth_date",
    "bsn_masked",
    "education_number_masked",
    "street",
    "house_number",
    "house_number_suffix",
    "postcode",
    "town",
    "phone",
    "email",
    "corrected_fields",
    "prior_education",
]


def card(*args) -> str:
    out = io.StringIO()
    call_command("student_card", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def student():
    school = PrimarySchoolFactory(brin="12AB", name="OBS De Vuurtoren")
    student = StudentFactory(
        student_number="1000000001",
        given_name="Noor",
        prefix="van 't",
        surname="Hof-Jansen",
        bsn="234017892",
        birth_date=dt.date(2009, 5, 14),
        street="Westzijde",
        house_number="100",
        house_number_suffix="",
        postcode="1506EG",
        town="Zaandam",
        phone="0612345678",
        email="",
        primary_school=school,
    )
    NawCorrection.objects.create(
        student=student,
        field="surname",
        value="Hof-Jansen",
        corrected_by="anna",
        corrected_at=dt.datetime(2021, 4, 1, tzinfo=dt.UTC),
    )
    prior = PriorEducationFactory(
        student=student,
        primary_school=school,
        advice_code="40",
        revised_advice_code="50",
        revised_advice_motivation="Resultaten van de eindtoets",
        last_dossier_date=dt.date(2021, 5, 10),
    )
    FinalTestResult.objects.create(
        prior_education=prior,
        test_type_code="0013",
        test_name="",
        date=dt.date(2021, 4, 20),
        standard_score=88,
        test_advice="havo/vwo",
    )
    return student


def test_json_card_is_one_object_with_the_contract_keys_and_values(student):
    data = json.loads(card("1000000001", "--json"))

    assert list(data) == CONTRACT_KEYS
    assert data["bsn_masked"] == "*****7892"
    assert data["education_number_masked"] is None
    assert data["house_number_suffix"] is None  # empty strings become null
    assert data["email"] is None
    assert data["corrected_fields"] == ["surname"]
    prior = data["prior_education"]
    assert list(prior) == [
        "primary_school",
        "advice",
        "revised_advice",
        "revised_advice_motivation",
        "final_tests",
        "last_dossier_date",
    ]
    assert prior["primary_school"] == {"name": "OBS De Vuurtoren", "brin": "12AB"}
    assert prior["advice"]["code"] == "40"
    assert prior["advice"]["label"] == "vmbo gemengde/theoretische leerweg"
    assert prior["revised_advice"]["code"] == "50"
    # No description in the file: the name comes from the codelist.
    assert prior["final_tests"] == [
        {
            "test_type_code": "0013",
            "test_name": "IEP Eindtoets",
            "date": "2021-04-20",
            "standard_score": 88,
            "test_advice": "havo/vwo",
        }
    ]
    assert prior["last_dossier_date"] == "2021-05-10"


def test_json_card_of_a_student_without_dossier_has_null_prior_education():
    StudentFactory(student_number="1000000002")

    assert json.loads(card("1000000002", "--json"))["prior_education"] is None


def test_text_card_is_dutch_and_never_shows_the_full_bsn(student):
    output = card("1000000001")

    assert "Leerling 1000000001: Noor van 't Hof-Jansen" in output
    assert "Lokaal gecorrigeerd: Achternaam" in output
    assert "Eindtoets: IEP Eindtoets, 20-04-2021, standaardscore 88, toetsadvies havo/vwo" in output
    assert "*****7892" in output and "234017892" not in output


def test_unknown_student_number_is_a_dutch_error():
    with pytest.raises(CommandError, match=re.escape("Geen leerling met stamnummer 42.")):
        card("42", "--json")


def test_extended_card_adds_what_the_staff_pages_show_without_renaming_contract_keys(student):
    from students.selectors.cards import student_card_data

    plain = student_card_data(student_number="1000000001")
    extended = student_card_data(student_number="1000000001", extended=True)

    assert list(extended)[: len(CONTRACT_KEYS)] == CONTRACT_KEYS
    assert extended["corrections"][0]["corrected_by"] == "anna"
    card = extended["prior_education"]
    assert card["inspection"] == {"agreed": None, "disagreement_reason": None}
    assert card["final_tests"][0]["reference_levels"] == []
    assert {k: v for k, v in card.items() if k in plain["prior_education"]} == {
        **plain["prior_education"],
        "primary_school": {**plain["prior_education"]["primary_school"], "branch": "00"},
        "final_tests": card["final_tests"],
    }
