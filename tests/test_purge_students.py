"""purge_students: a school year's pupils go with all their data, on record; a dry run keeps all."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from audit.models import AuditAction, AuditEntry
from requests.models import TransferRequest
from students.models import (
    FinalTestResult,
    NawCorrection,
    PriorEducation,
    ReceivedDossier,
    Student,
)
from tests.factories import (
    PriorEducationFactory,
    SignupGroupFactory,
    StudentFactory,
    TransferRequestFactory,
)

pytestmark = pytest.mark.django_db


def _pupil(group, *, number: str, elk_status: str = "") -> Student:
    """A student with everything a purge must remove: card, test, correction, dossier, request."""
    student = StudentFactory(student_number=number, signup_group=group, elk_status=elk_status)
    dossier = ReceivedDossier.objects.create(
        student=student,
        raw_xml=f"<dossier><bsn>{student.bsn}</bsn><document>...</document></dossier>",
        sha256=f"{int(number):064d}",
        collection_date=dt.date(2022, 5, 10),
        outcome="processed",
        attachments=[{"filename": "cet_uitslag.png", "description": "uitslag"}],
    )
    card = PriorEducationFactory(student=student, last_dossier=dossier)
    FinalTestResult.objects.create(prior_education=card, test_type_code="0013", standard_score=88)
    NawCorrection.objects.create(
        student=student,
        field="surname",
        value="Hoff",
        corrected_by="marieke",
        corrected_at=timezone.now(),
    )
    TransferRequestFactory(student=student, dossier=dossier)
    return student


@pytest.fixture
def school():
    old = SignupGroupFactory(name="Groep 8 - Saenredam College", school_year="2021-2022")
    other_old_group = SignupGroupFactory(name="Groep 8 - Zaanlands", school_year="2021-2022")
    new = SignupGroupFactory(name="Groep 8 - Saenredam College", school_year="2022-2023")
    return {
        "placed": _pupil(old, number="1000000001", elk_status="geplaatst"),
        "not_placed": _pupil(old, number="1000000002"),
        "not_placed_other_group": _pupil(other_old_group, number="1000000003"),
        "next_year": _pupil(new, number="1000000004"),
    }


def _counts() -> dict[str, int]:
    models = [Student, PriorEducation, FinalTestResult, NawCorrection, ReceivedDossier]
    counts = {model.__name__: model.objects.count() for model in models}
    counts["TransferRequest"] = TransferRequest.objects.count()
    counts["AuditEntry"] = AuditEntry.objects.count()
    return counts


def _purge(*args: str) -> str:
    out = StringIO()
    with translation.override("nl"):
        call_command("purge_students", *args, stdout=out)
    return out.getvalue()


def test_purge_removes_every_pupil_of_the_year_with_all_their_data(school):
    output = _purge("--school-year", "2021-2022")

    assert output.splitlines() == [
        "1000000001: verwijderd",
        "1000000002: verwijderd",
        "1000000003: verwijderd",
        "Totaal: 3 leerlingen verwijderd.",
    ]
    assert list(Student.objects.values_list("student_number", flat=True)) == ["1000000004"]
    remaining = school["next_year"]
    assert list(ReceivedDossier.objects.values_list("student_id", flat=True)) == [remaining.pk]
    assert list(PriorEducation.objects.values_list("student_id", flat=True)) == [remaining.pk]
    assert FinalTestResult.objects.count() == 1
    assert list(NawCorrection.objects.values_list("student_id", flat=True)) == [remaining.pk]
    assert list(TransferRequest.objects.values_list("student_id", flat=True)) == [remaining.pk]


def test_purge_writes_one_audit_entry_per_pupil_without_bsn(school):
    _purge("--school-year", "2021-2022", "--user", "beheerder")

    entries = AuditEntry.objects.filter(action=AuditAction.STUDENT_PURGED).order_by(
        "student_number"
    )
    assert [(e.student_number, e.student_id, e.actor) for e in entries] == [
        (school[key].student_number, school[key].pk, "beheerder")
        for key in ("placed", "not_placed", "not_placed_other_group")
    ]
    everything = " ".join(f"{e.summary} {e.details}" for e in AuditEntry.objects.all())
    for student in school.values():
        assert student.bsn not in everything
    assert entries[0].details["school_year"] == "2021-2022"
    assert entries[0].details["elk_status"] == "geplaatst"


def test_not_placed_removes_only_pupils_without_elk_status(school):
    output = _purge("--school-year", "2021-2022", "--not-placed")

    assert output.splitlines() == [
        "1000000002: verwijderd",
        "1000000003: verwijderd",
        "Totaal: 2 leerlingen verwijderd.",
    ]
    assert set(Student.objects.values_list("student_number", flat=True)) == {
        "1000000001",
        "1000000004",
    }
    assert AuditEntry.objects.filter(action=AuditAction.STUDENT_PURGED).count() == 2


def test_dry_run_lists_what_would_go_and_changes_nothing(school):
    before = _counts()

    output = _purge("--school-year", "2021-2022", "--not-placed", "--dry-run")

    assert output.splitlines() == [
        "1000000002: zou worden verwijderd",
        "1000000003: zou worden verwijderd",
        "Totaal: 2 leerlingen zouden worden verwijderd (proefdraai: er is niets gewijzigd).",
    ]
    assert _counts() == before
    assert not AuditEntry.objects.exists()


def test_a_single_pupil_is_counted_in_the_singular(school):
    school["not_placed_other_group"].delete()
    school["placed"].delete()

    output = _purge("--school-year", "2021-2022")

    assert output.splitlines()[-1] == "Totaal: 1 leerling verwijderd."


@pytest.mark.parametrize("school_year", ["2021-2023", "21-22", "2021/2022", ""])
def test_a_malformed_school_year_is_refused_in_dutch_and_changes_nothing(school, school_year):
    before = _counts()

    with pytest.raises(CommandError, match="Vul een lesperiode in als JJJJ-JJJJ"):
        _purge("--school-year", school_year)

    assert _counts() == before


def test_a_school_year_without_signup_groups_is_refused_in_dutch(school):
    before = _counts()

    with pytest.raises(
        CommandError, match=r"Er zijn geen aanmeldingsgroepen in lesperiode 2019-2020\."
    ):
        _purge("--school-year", "2019-2020")

    assert _counts() == before


def test_purge_never_loads_the_dossier_xml(school):
    with CaptureQueriesContext(connection) as queries:
        _purge("--school-year", "2021-2022")

    selects = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert selects, "the purge reads what it removes"
    assert not any("raw_xml" in sql for sql in selects)


def test_purge_leaves_no_row_pointing_at_a_removed_student(school):
    removed = {school[key].pk for key in ("placed", "not_placed", "not_placed_other_group")}

    _purge("--school-year", "2021-2022")

    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.many_to_one and field.concrete and field.related_model is Student:
                pointing = model.objects.filter(**{f"{field.name}_id__in": removed})
                assert not pointing.exists(), f"{model.__name__}.{field.name}"
