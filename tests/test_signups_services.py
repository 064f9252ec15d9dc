"""The intake service: signing up in bulk (few queries), all or nothing, editing a signup."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from audit.models import AuditAction, AuditEntry
from elk_mock.dataset import bsn_from_base
from students.models import SignupGroup, SignupImport, SignupSource, Student
from students.services.signup_rows import SignupIn
from students.services.signups import signup_update, signups_create
from tests.factories import PriorEducationFactory

pytestmark = pytest.mark.django_db


def _signups(count: int, start: int = 0) -> list[SignupIn]:
    found: list[SignupIn] = []
    base = 20_000_000 + start * 100
    while len(found) < count:
        base += 1
        if bsn := bsn_from_base(f"{base:08d}"):
            found.append(
                SignupIn(
                    bsn=bsn,
                    education_number="",
                    birth_date=dt.date(2009, 5, 1),
                    surname=f"Leerling{len(found)}",
                    primary_school_brin=("12AB", "13CD")[len(found) % 2],
                )
            )
    return found


def _queries(signups) -> int:
    group = SignupGroup.objects.get_or_create(name="Aanmeldingen", school_year="2021-2022")[0]
    with CaptureQueriesContext(connection) as queries:
        signups_create(signups=signups, signup_group=group, source=SignupSource.FILE, user="anna")
    return len(queries)


def test_signing_up_two_hundred_costs_a_few_more_queries_than_twenty_not_ten_times_as_many():
    _queries(_signups(2, start=5000))  # the schools and the number counter exist from here
    few = _queries(_signups(20))
    many = _queries(_signups(200, start=1000))

    # Constant but for the INSERTs that SQLite's parameter cap splits (a few dozen rows each).
    assert few <= 20
    assert many - few <= (200 - 20) // 30
    assert Student.objects.count() == 222
    assert len(set(Student.objects.values_list("student_number", flat=True))) == 222


def test_a_failure_halfway_leaves_nothing_signed_up(monkeypatch):
    from students.services import signups as module

    def broken(**_kwargs):
        raise RuntimeError("the audit log is down")

    monkeypatch.setattr(module, "audit_record_many", broken)
    with pytest.raises(RuntimeError):
        signups_create(
            signups=_signups(5),
            signup_group=SignupGroup.objects.get_or_create(
                name="Aanmeldingen", school_year="2021-2022"
            )[0],
            source="file",
            user="anna",
        )

    assert not Student.objects.exists()
    assert not SignupImport.objects.exists()


def test_editing_a_signup_changes_what_is_sent_and_is_on_record():
    group = SignupGroup.objects.get_or_create(name="Aanmeldingen", school_year="2021-2022")[0]
    result = signups_create(signups=_signups(1), signup_group=group, source="form", user="anna")
    student = Student.objects.get(pk=result.student_ids[0])

    signup_update(
        student=student,
        changes={
            "surname": "Jansen",
            "birth_date": dt.date(2009, 6, 2),
            "primary_school_brin": "14EF",
        },
        user="anna",
    )

    student.refresh_from_db()
    assert (student.surname, student.dossier_values["surname"]) == ("Jansen", "Jansen")
    assert student.birth_date == dt.date(2009, 6, 2)
    assert student.primary_school.brin == "14EF"
    entry = AuditEntry.objects.get(action=AuditAction.STUDENT_CHANGED)
    assert entry.details["fields"] == ["birth_date", "surname", "primary_school"]


def test_a_pupil_whose_file_arrived_is_not_edited_as_a_signup():
    student = PriorEducationFactory().student

    with translation.override("nl"), pytest.raises(ValidationError) as error:
        signup_update(student=student, changes={"surname": "Anders"}, user="anna")

    assert "corrigeer de gegevens in beheer" in error.value.messages[0]


def test_an_uploaded_list_left_in_preview_is_dropped_after_a_day():
    from datetime import timedelta

    from django.utils import timezone

    from students.models import SignupImportStatus
    from students.services.signups import signup_list_preview
    from tests import signup_tables as table

    old = signup_list_preview(raw=table.csv_bytes(), file_name="a.csv", user="anna").signup_import
    SignupImport.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=2))

    fresh = signup_list_preview(raw=table.csv_bytes(), file_name="b.csv", user="anna")

    old.refresh_from_db()
    assert (old.status, old.raw) == (SignupImportStatus.DISCARDED, None)
    assert fresh.signup_import.status == SignupImportStatus.PREVIEW


def test_signing_up_and_undoing_write_one_audit_entry_per_student():
    from students.services.signups import signup_import_undo

    group = SignupGroup.objects.create(name="Aanmeldingen", school_year="2021-2022")
    result = signups_create(
        signups=_signups(3, start=7000), signup_group=group, source=SignupSource.FILE, user="anna"
    )
    students = {s.pk: s.student_number for s in Student.objects.all()}

    created = AuditEntry.objects.filter(action=AuditAction.SIGNUP_CREATED).order_by("pk")
    assert [(e.student_id, e.student_number, e.actor) for e in created] == [
        (pk, number, "anna") for pk, number in sorted(students.items())
    ]
    assert {e.details["signup_import_id"] for e in created} == {result.signup_import.pk}
    assert {e.details["signup_group"] for e in created} == {"Aanmeldingen"}

    assert signup_import_undo(signup_import_id=result.signup_import.pk, user="bram") == 3

    undone = AuditEntry.objects.filter(action=AuditAction.SIGNUP_UNDONE).order_by("pk")
    assert [(e.student_number, e.actor) for e in undone] == [
        (number, "bram") for _pk, number in sorted(students.items())
    ]
    assert {e.details["signup_import_id"] for e in undone} == {result.signup_import.pk}
