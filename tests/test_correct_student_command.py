"""correct_student: corrections and releases through the services, with clear Dutch errors."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import CommandError, call_command

from students.models import NawCorrection
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("correct_student", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def student():
    return StudentFactory(
        student_number="1000000001",
        surname="Hof",
        postcode="1506EG",
        dossier_values={"surname": "Hof", "postcode": "1506EG"},
    )


def test_set_records_corrections_and_says_what_was_done(student):
    output = run(
        "1000000001", "--set", "surname=Hof-Jansen", "--set", "postcode=1501 ab", "--user", "anna"
    )

    assert output.splitlines() == [
        "Achternaam lokaal gecorrigeerd: 'Hof' -> 'Hof-Jansen'.",
        "Postcode lokaal gecorrigeerd: '1506EG' -> '1501AB'.",
    ]
    student.refresh_from_db()
    assert (student.surname, student.postcode) == ("Hof-Jansen", "1501AB")
    corrections = {c.field: (c.value, c.corrected_by) for c in NawCorrection.objects.all()}
    assert corrections == {"surname": ("Hof-Jansen", "anna"), "postcode": ("1501AB", "anna")}


def test_release_restores_the_dossier_value(student):
    run("1000000001", "--set", "surname=Hof-Jansen")

    output = run("1000000001", "--release", "surname", "--user", "anna")

    assert output == "Achternaam vrijgegeven: volgt weer de dossiers (nu 'Hof').\n"
    student.refresh_from_db()
    assert student.surname == "Hof"
    assert not NawCorrection.objects.exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("999", "--set", "surname=X"), "Geen leerling met stamnummer 999."),
        (("1000000001", "--set", "bsn=123"), "Onbekend veld 'bsn'"),
        (("1000000001", "--release", "birth_date"), "Onbekend veld 'birth_date'"),
        (("1000000001", "--set", "surname"), "Gebruik --set VELD=WAARDE"),
        (("1000000001",), "Geef minstens één --set"),
        (("1000000001", "--set", "postcode=ABC"), "Postcode: Vul een Nederlandse postcode in"),
        (("1000000001", "--set", "email=geen-adres"), "E-mail: Vul een geldig e-mailadres in."),
        (("1000000001", "--release", "town"), "Woonplaats is niet lokaal gecorrigeerd."),
    ],
)
def test_bad_input_gives_a_dutch_error_and_changes_nothing(student, args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        run(*args)
    student.refresh_from_db()
    assert student.surname == "Hof"
    assert not NawCorrection.objects.exists()


def test_one_bad_change_keeps_the_others_from_being_applied(student):
    run("1000000001", "--set", "town=Zaandam")

    with pytest.raises(CommandError):
        run("1000000001", "--set", "surname=Hof-Jansen", "--release", "street")

    student.refresh_from_db()
    assert student.surname == "Hof"
    assert list(NawCorrection.objects.values_list("field", flat=True)) == ["town"]
