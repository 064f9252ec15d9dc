"""Retention: remove the students of an old school year, with everything about them.

Deleting a student cascades to the prior-education card and its final tests,
the local corrections, every received dossier (raw XML, attachments included)
and the transfer requests. Each removed student leaves one audit entry
(``student_purged``) with the student number, never the BSN; audit entries
themselves are never deleted.

Dossiers that failed before they matched a student (``student`` is empty) are
kept whole so that staff can see what failed; the purge removes those received
up to the end of the school year (31 July of its second year), each leaving a
``dossier_purged`` entry (the dossier's id and outcome, never the file's
contents or name).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.models import AuditAction
from audit.purge_messages import NO_SIGNUP_GROUPS
from audit.services import AuditInput, audit_record_many
from common.chunks import id_chunks
from students.models import ElkStatus, ReceivedDossier, SignupGroup, Student
from students.validators import validate_school_year


@dataclass(frozen=True, kw_only=True)
class PurgeResult:
    school_year: str
    not_placed_only: bool
    dry_run: bool
    # In student-number order: removed, or (dry run) that would be removed.
    student_numbers: tuple[str, ...]
    # Dossiers without a student received up to and including this day (the
    # school year's 31 July): their ids, removed or (dry run) that would be.
    dossiers_received_until: date
    dossier_ids: tuple[int, ...]

    @property
    def count(self) -> int:
        return len(self.student_numbers)

    @property
    def dossier_count(self) -> int:
        return len(self.dossier_ids)


def _selection(*, school_year: str, not_placed_only: bool):
    students = Student.objects.filter(signup_group__school_year=school_year)
    if not_placed_only:
        students = students.filter(elk_status=ElkStatus.NONE)
    return students.order_by("student_number")


def _school_year_last_day(school_year: str) -> date:
    """31 July of the school year's second calendar year: 2021-2022 ends on 31-07-2022."""
    return date(int(school_year[5:9]), 7, 31)


def _dossiers_without_student(*, received_until: date):
    # Up to the end of that day in the portal's time zone.
    end = timezone.make_aware(datetime.combine(received_until + timedelta(days=1), time.min))
    return ReceivedDossier.objects.filter(student__isnull=True, received_at__lt=end).order_by(
        "received_at", "pk"
    )


def students_purge(
    *, school_year: str, not_placed_only: bool, dry_run: bool, actor: str
) -> PurgeResult:
    """Remove the students of ``school_year``'s signup groups (or only those not placed).

    Also removes every dossier without a student (files that failed before they
    matched one) received up to the end of that school year, in both modes:
    such a file belongs to no pupil who could still be placed.

    Raises ValidationError (Dutch message) for a malformed school year or one
    without signup groups; nothing is changed then. A dry run changes nothing
    and writes no audit entries.
    """
    validate_school_year(school_year)
    if not SignupGroup.objects.filter(school_year=school_year).exists():
        raise ValidationError(
            NO_SIGNUP_GROUPS, code="unknown_school_year", params={"school_year": school_year}
        )

    received_until = _school_year_last_day(school_year)

    if dry_run:
        numbers = _selection(school_year=school_year, not_placed_only=not_placed_only)
        dossiers = _dossiers_without_student(received_until=received_until)
        return PurgeResult(
            school_year=school_year,
            not_placed_only=not_placed_only,
            dry_run=True,
            student_numbers=tuple(numbers.values_list("student_number", flat=True)),
            dossiers_received_until=received_until,
            dossier_ids=tuple(dossiers.values_list("pk", flat=True)),
        )

    with transaction.atomic():
        # Locked, so that a placement arriving meanwhile cannot slip a placed
        # student into a --not-placed purge.
        rows = list(
            _selection(school_year=school_year, not_placed_only=not_placed_only)
            .select_for_update(of=("self",))
            .values_list("pk", "student_number", "elk_status", "signup_group__name")
        )
        for chunk in id_chunks(rows):
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
        dossier_ids = _dossiers_purge(
            school_year=school_year, received_until=received_until, actor=actor
        )
    return PurgeResult(
        school_year=school_year,
        not_placed_only=not_placed_only,
        dry_run=False,
        student_numbers=tuple(number for _pk, number, *_rest in rows),
        dossiers_received_until=received_until,
        dossier_ids=dossier_ids,
    )


def _dossiers_purge(*, school_year: str, received_until: date, actor: str) -> tuple[int, ...]:
    """Delete the dossiers without a student up to ``received_until``; one entry each.

    Runs inside the purge's transaction. Reads ids and plain fields only, never
    the XML; a request that pointed at such a file keeps its row (the link is
    emptied).
    """
    rows = list(
        _dossiers_without_student(received_until=received_until)
        .select_for_update()
        .values_list("pk", "outcome", "received_at", "collection_date")
    )
    for chunk in id_chunks(rows):
        audit_record_many(
            entries=[
                AuditInput(
                    actor=actor,
                    action=AuditAction.DOSSIER_PURGED,
                    summary=f"{school_year} dossier {pk} ({outcome})",
                    details={
                        "school_year": school_year,
                        "dossier_id": pk,
                        "outcome": outcome,
                        "received_at": received_at.isoformat(),
                        "collection_date": (
                            collection_date.isoformat() if collection_date else None
                        ),
                    },
                )
                for pk, outcome, received_at, collection_date in chunk
            ]
        )
        ReceivedDossier.objects.filter(pk__in=[pk for pk, *_rest in chunk]).only("pk").delete()
    return tuple(pk for pk, *_rest in rows)
