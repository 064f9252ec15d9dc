"""Retention: remove the students of an old school year, with everything about them.

Deleting a student cascades to the prior-education card and its final tests,
the local corrections, every received dossier (raw XML, attachments included)
and the transfer requests. Each removed student leaves one audit entry
(``student_purged``) with the student number, never the BSN; audit entries
themselves are never deleted.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from audit.models import AuditAction
from audit.purge_messages import NO_SIGNUP_GROUPS
from audit.services import AuditInput, audit_record_many
from students.models import ElkStatus, SignupGroup, Student
from students.validators import validate_school_year

# Students deleted per statement, so that a region's 10,000 pupils do not end
# up in one enormous IN list.
PURGE_CHUNK_SIZE = 500


@dataclass(frozen=True, kw_only=True)
class PurgeResult:
    school_year: str
    not_placed_only: bool
    dry_run: bool
    # In student-number order: removed, or (dry run) that would be removed.
    student_numbers: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.student_numbers)


def _selection(*, school_year: str, not_placed_only: bool):
    students = Student.objects.filter(signup_group__school_year=school_year)
    if not_placed_only:
        students = students.filter(elk_status=ElkStatus.NONE)
    return students.order_by("student_number")


def students_purge(
    *, school_year: str, not_placed_only: bool, dry_run: bool, actor: str
) -> PurgeResult:
    """Remove the students of ``school_year``'s signup groups (or only those not placed).

    Raises ValidationError (Dutch message) for a malformed school year or one
    without signup groups; nothing is changed then. A dry run changes nothing
    and writes no audit entries.
    """
    validate_school_year(school_year)
    if not SignupGroup.objects.filter(school_year=school_year).exists():
        raise ValidationError(
            NO_SIGNUP_GROUPS, code="unknown_school_year", params={"school_year": school_year}
        )

    if dry_run:
        numbers = _selection(school_year=school_year, not_placed_only=not_placed_only)
        return PurgeResult(
            school_year=school_year,
            not_placed_only=not_placed_only,
            dry_run=True,
            student_numbers=tuple(numbers.values_list("student_number", flat=True)),
        )

    with transaction.atomic():
        # Locked, so that a placement arriving meanwhile cannot slip a placed
        # student into a --not-placed purge.
        rows = list(
            _selection(school_year=school_year, not_placed_only=not_placed_only)
            .select_for_update(of=("self",))
            .values_list("pk", "student_number", "elk_status", "signup_group__name")
        )
        for start in range(0, len(rows), PURGE_CHUNK_SIZE):
            chunk = rows[start : start + PURGE_CHUNK_SIZE]
            audit_record_many(
                entries=[
                    AuditInput(
                        actor=actor,
                        action=AuditAction.STUDENT_PURGED,
                        student_id=pk,
                        student_number=number,
                        summary=f"{school_year} {group_name}",
                        details={
                            "school_year": school_year,
                            "signup_group": group_name,
                            "elk_status": elk_status,
                            "not_placed_only": not_placed_only,
                        },
                    )
                    for pk, number, elk_status, group_name in chunk
                ]
            )
            Student.objects.filter(pk__in=[pk for pk, *_rest in chunk]).delete()
    return PurgeResult(
        school_year=school_year,
        not_placed_only=not_placed_only,
        dry_run=False,
        student_numbers=tuple(number for _pk, number, *_rest in rows),
    )
