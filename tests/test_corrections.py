"""naw_correction_record / naw_correction_release: the local correction and its release."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from audit.models import AuditAction, AuditEntry
from students.models import NawCorrection
from students.services.corrections import naw_correction_record, naw_correction_release
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def student():
    return StudentFactory(
        surname="Hof", postcode="1506EG", dossier_values={"surname": "Hof", "postcode": "1506 EG"}
    )


def test_record_sets_the_field_and_remembers_who_and_when(student):
    correction = naw_correction_record(
        student=student, field="surname", value=" Hof-Jansen ", user="anna"
    )

    student.refresh_from_db()
    assert student.surname == "Hof-Jansen"
    assert (correction.field, correction.value, correction.corrected_by) == (
        "surname",
        "Hof-Jansen",
        "anna",
    )
    assert correction.corrected_at is not None


def test_recording_again_updates_the_one_correction_of_that_field(student):
    naw_correction_record(student=student, field="town", value="Zaandam", user="anna")
    naw_correction_record(student=student, field="town", value="Wormerveer", user="piet")

    [correction] = NawCorrection.objects.all()
    assert (correction.value, correction.corrected_by) == ("Wormerveer", "piet")


def test_postcode_is_normalised(student):
    naw_correction_record(student=student, field="postcode", value="1501 ab", user="anna")

    student.refresh_from_db()
    assert student.postcode == "1501AB"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("bsn", "123456782", "Onbekend veld 'bsn'"),
        ("postcode", "15011AB", "Vul een Nederlandse postcode in, zoals 1501 AB."),
        ("email", "noor@", "Vul een geldig e-mailadres in."),
        ("house_number", "12a", "Een huisnummer bestaat alleen uit cijfers"),
        ("phone", "bel me", "Vul een telefoonnummer in cijfers in"),
        ("surname", "  ", "Achternaam mag niet leeg zijn."),
        ("town", "X" * 101, "Woonplaats mag maximaal 100 tekens lang zijn."),
    ],
)
def test_invalid_values_are_refused_in_dutch_and_change_nothing(student, field, value, message):
    with translation.override("nl"), pytest.raises(ValidationError) as raised:
        naw_correction_record(student=student, field=field, value=value, user="anna")

    assert message in " ".join(raised.value.messages)
    student.refresh_from_db()
    assert student.surname == "Hof" and student.postcode == "1506EG"
    assert not NawCorrection.objects.exists()


def test_release_restores_the_last_dossiers_value(student):
    naw_correction_record(student=student, field="postcode", value="1501AB", user="anna")

    naw_correction_release(student=student, field="postcode", user="anna")

    student.refresh_from_db()
    assert student.postcode == "1506EG"
    assert not NawCorrection.objects.exists()


def test_release_without_a_dossier_value_keeps_the_corrected_value(student):
    naw_correction_record(student=student, field="email", value="noor@example.nl", user="anna")

    naw_correction_release(student=student, field="email", user="anna")

    student.refresh_from_db()
    assert student.email == "noor@example.nl"
    assert not NawCorrection.objects.exists()


def test_releasing_a_field_that_is_not_corrected_is_refused(student):
    with translation.override("nl"), pytest.raises(ValidationError, match="niet lokaal"):
        naw_correction_release(student=student, field="surname", user="anna")


def test_record_and_release_are_in_the_audit_trail(student):
    naw_correction_record(student=student, field="surname", value="Hof-Jansen", user="anna")
    naw_correction_release(student=student, field="surname", user="piet")

    entries = list(AuditEntry.objects.filter(student_id=student.pk).order_by("pk"))
    assert [(e.action, e.actor) for e in entries] == [
        (AuditAction.CORRECTION_RECORDED, "anna"),
        (AuditAction.CORRECTION_RELEASED, "piet"),
    ]
    assert [e.details for e in entries] == [{"field": "surname"}, {"field": "surname"}]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("surname", "Hof-Jansen"),
        ("street", "Westzijde"),
        ("phone", "0612345678"),
        ("email", "noor.hof@example.nl"),
    ],
)
def test_the_audit_trail_names_the_field_but_keeps_no_old_or_new_value(student, field, value):
    student.street, student.phone, student.email = "Oostzijde", "0687654321", "oud@example.nl"
    student.save()
    old = getattr(student, field)

    naw_correction_record(student=student, field=field, value=value, user="anna")
    naw_correction_release(student=student, field=field, user="piet")

    entries = AuditEntry.objects.filter(student_id=student.pk)
    assert [e.details for e in entries] == [{"field": field}, {"field": field}]
    for entry in entries:
        written = f"{entry.summary} {entry.details}"
        assert value not in written and old not in written
