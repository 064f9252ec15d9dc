"""audit_record / audit_record_many: what an audit entry holds, and what it never holds."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import SYSTEM_ACTOR, AuditAction, AuditEntry
from audit.services import AuditInput, actor_for, audit_record, audit_record_many
from tests.factories import StudentFactory, UserFactory, bsn_from_seed

pytestmark = pytest.mark.django_db


def test_audit_record_stores_who_what_when_and_which_student():
    student = StudentFactory()

    entry = audit_record(
        actor="marieke",
        action=AuditAction.CORRECTION_RECORDED,
        student_id=student.pk,
        student_number=student.student_number,
        summary="surname",
        details={"field": "surname"},
    )

    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.actor == "marieke"
    assert stored.action == "correction_recorded"
    assert stored.student_id == student.pk
    assert stored.student_number == student.student_number
    assert stored.details == {"field": "surname"}
    assert stored.at is not None


def test_audit_record_masks_a_full_bsn_passed_by_mistake():
    bsn = bsn_from_seed(42)

    entry = audit_record(
        actor="marieke",
        action=AuditAction.STUDENT_CHANGED,
        summary=f"changed bsn to {bsn}",
        details={"bsn": bsn, "nested": [{"value": f"id {bsn}"}], "count": 3},
    )

    stored = AuditEntry.objects.get(pk=entry.pk)
    assert bsn not in stored.summary
    assert stored.summary.endswith("*****" + bsn[-4:])
    assert bsn not in str(stored.details)
    assert stored.details["count"] == 3


def test_audit_record_refuses_an_unknown_action_and_writes_nothing():
    with pytest.raises(ValueError, match="Unknown audit action"):
        audit_record(actor="marieke", action="student_looked_at")
    assert not AuditEntry.objects.exists()


def test_audit_record_refuses_an_entry_without_actor():
    with pytest.raises(ValueError, match="actor"):
        audit_record(actor="", action=AuditAction.EXPORT_MADE)


def test_audit_record_many_writes_every_entry_in_one_query():
    students = StudentFactory.create_batch(30)
    entries = [
        AuditInput(
            actor=SYSTEM_ACTOR,
            action=AuditAction.DOSSIER_IMPORTED,
            student_id=student.pk,
            student_number=student.student_number,
            summary="processed",
        )
        for student in students
    ]

    with CaptureQueriesContext(connection) as queries:
        written = audit_record_many(entries=entries)

    assert written == 30
    assert len(queries.captured_queries) == 1
    assert set(AuditEntry.objects.values_list("student_number", flat=True)) == {
        student.student_number for student in students
    }


def test_audit_record_many_with_no_entries_does_nothing():
    assert audit_record_many(entries=[]) == 0
    assert not AuditEntry.objects.exists()


def test_actor_for_names_the_user_or_the_system():
    user = UserFactory(username="joost")
    assert actor_for(user) == "joost"
    assert actor_for(None) == SYSTEM_ACTOR


def test_audit_entry_keeps_no_link_that_deleting_the_student_would_change():
    student = StudentFactory()
    entry = audit_record(
        actor="joost",
        action=AuditAction.BSN_REVEALED,
        student_id=student.pk,
        student_number=student.student_number,
    )
    student_pk = student.pk

    student.delete()

    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.student_id == student_pk
    assert stored.student_number == entry.student_number
