"""Staff edits of the Vooropleiding card and its final tests (the admin), put on record.

The primary school is the source of truth for the card and the next newer
dossier replaces it; a hand edit is still a change to a pupil's record, so it is
audited like every other: who, when, which pupil, which fields (never values).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import transaction

from audit.models import AuditAction
from audit.services import AuditInput, audit_record_many
from students.models import FinalTestResult, PriorEducation, Student

CardRecord = PriorEducation | FinalTestResult


def _student_of(record: CardRecord) -> Student:
    if isinstance(record, FinalTestResult):
        return record.prior_education.student
    return record.student


def _entry(*, record: CardRecord, user: str, summary: str, details: dict) -> AuditInput:
    student = _student_of(record)
    return AuditInput(
        actor=user,
        action=AuditAction.STUDENT_CHANGED,
        student_id=student.pk,
        student_number=student.student_number,
        summary=f"{record._meta.model_name}: {summary}",
        details={"model": record._meta.model_name, **details},
    )


@transaction.atomic
def prior_education_save(
    *, record: CardRecord, changed_fields: Sequence[str], user: str, created: bool = False
) -> CardRecord:
    """Save a card or final-test row that staff edited; nothing is recorded when nothing changed."""
    record.save()
    fields = sorted(changed_fields)
    if created or fields:
        summary = ("created: " if created else "fields: ") + ", ".join(fields)
        audit_record_many(
            entries=[
                _entry(
                    record=record,
                    user=user,
                    summary=summary,
                    details={"created": created, "fields": fields},
                )
            ]
        )
    return record


@transaction.atomic
def prior_education_delete(*, records: Iterable[CardRecord], user: str) -> int:
    """Delete cards or final-test rows; one entry each, written before they go."""
    records = list(records)
    audit_record_many(
        entries=[
            _entry(record=record, user=user, summary="deleted", details={"deleted": True})
            for record in records
        ]
    )
    for record in records:
        record.delete()
    return len(records)
