"""Writes to the audit trail. There is no update and no delete: entries are final.

Call ``audit_record`` in the same transaction as the change it records, so the
entry exists exactly when the change does. For batches (dossier imports, the
retention purge) ``audit_record_many`` writes all entries in one query.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from audit.models import SYSTEM_ACTOR, AuditAction, AuditEntry
from common.security import redact_identifiers, redact_value

REVEAL_BSN_PERMISSION = "students.reveal_bsn"


@dataclass(frozen=True, kw_only=True)
class AuditInput:
    """One entry for ``audit_record_many``; the fields mean what they do in ``audit_record``."""

    actor: str
    action: str
    student_id: int | None = None
    student_number: str = ""
    summary: str = ""
    details: dict[str, Any] = field(default_factory=dict)


def actor_for(user) -> str:
    """The actor name for a request's user: the username, or ``system`` without a person."""
    if user is None or not getattr(user, "is_authenticated", False):
        return SYSTEM_ACTOR
    return user.get_username()


def _build(entry: AuditInput, *, at) -> AuditEntry:
    if entry.action not in AuditAction.values:
        raise ValueError(f"Unknown audit action {entry.action!r}.")
    if not entry.actor:
        raise ValueError("An audit entry needs an actor (a username, or 'system').")
    return AuditEntry(
        at=at,
        actor=entry.actor[:150],
        action=entry.action,
        student_id=entry.student_id,
        student_number=entry.student_number or "",
        # Defence in depth: callers must not pass a full BSN, and if one does
        # it is masked here rather than stored for good in a table nobody can edit.
        summary=redact_identifiers(entry.summary or ""),
        details=redact_value(dict(entry.details or {})),
    )


def audit_record(
    *,
    actor: str,
    action: str,
    student_id: int | None = None,
    student_number: str = "",
    summary: str = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write one audit entry: who (``actor``), what (``action``), which student, and how."""
    entry = _build(
        AuditInput(
            actor=actor,
            action=action,
            student_id=student_id,
            student_number=student_number,
            summary=summary,
            details=details or {},
        ),
        at=timezone.now(),
    )
    entry.save(force_insert=True)
    return entry


def audit_record_many(*, entries: Sequence[AuditInput]) -> int:
    """Write many entries in one INSERT; returns how many were written."""
    if not entries:
        return 0
    now = timezone.now()
    rows = [_build(entry, at=now) for entry in entries]
    AuditEntry.objects.bulk_create(rows, batch_size=None)
    return len(rows)


def bsn_reveal(*, student, user) -> str:
    """Return the student's full BSN (or education number) and put the reveal on record.

    Only users with ``students.reveal_bsn`` may see it (PermissionDenied
    otherwise). Returns "" when the student has neither number; nothing was
    revealed then and nothing is recorded.
    """
    if user is None or not user.is_authenticated or not user.has_perm(REVEAL_BSN_PERMISSION):
        raise PermissionDenied
    if student.bsn:
        number, kind = student.bsn, "bsn"
    elif student.education_number:
        number, kind = student.education_number, "education_number"
    else:
        return ""
    audit_record(
        actor=actor_for(user),
        action=AuditAction.BSN_REVEALED,
        student_id=student.pk,
        student_number=student.student_number,
        summary=f"{kind} {student.bsn_masked or student.education_number_masked}",
        details={"identifier": kind},
    )
    return number
