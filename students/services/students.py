"""Students changed or deleted by staff, and the signup group an import puts new students in.

Changes of NAW fields are local corrections (``students.services.corrections``),
which put themselves on record; the services here record every other change
of a student, and deletions, in the audit log: field names only, never values.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import AuditInput, audit_record, audit_record_many
from common.chunks import id_chunks
from students.models import NAW_FIELDS, SignupGroup, Student
from students.validators import school_year_for, validate_school_year


@transaction.atomic
def student_save(
    *, student: Student, changed_fields: Sequence[str], user: str, created: bool = False
) -> Student:
    """Save a student that staff created or changed (the admin) and put it on record.

    ``changed_fields`` names the fields that changed. NAW fields are left out of
    the entry: change those with ``naw_correction_record``, which records them.
    The entry (``student_changed``) lists field names only, so a changed BSN is
    never written to the log. Nothing is recorded for a save that changed nothing.
    """
    student.save()
    fields = sorted({name for name in changed_fields if name not in NAW_FIELDS})
    if created or fields:
        audit_record(
            actor=user,
            action=AuditAction.STUDENT_CHANGED,
            student_id=student.pk,
            student_number=student.student_number,
            summary=("created: " if created else "fields: ") + ", ".join(fields),
            details={"created": created, "fields": fields},
        )
    return student


def students_delete(*, student_ids: Iterable[int], user: str) -> int:
    """Delete students with everything about them; one ``student_deleted`` entry each.

    The prior-education card, final tests, corrections, received dossiers and
    transfer requests go with them (cascade). Returns how many were deleted.
    """
    ids = sorted(set(student_ids))
    deleted = 0
    with transaction.atomic():
        for part in id_chunks(ids):
            rows = list(
                Student.objects.filter(pk__in=part)
                .select_for_update(of=("self",))
                .values_list("pk", "student_number", "signup_group__name")
            )
            audit_record_many(
                entries=[
                    AuditInput(
                        actor=user,
                        action=AuditAction.STUDENT_DELETED,
                        student_id=pk,
                        student_number=number,
                        summary=group_name or "",
                        details={"signup_group": group_name},
                    )
                    for pk, number, group_name in rows
                ]
            )
            Student.objects.filter(pk__in=[pk for pk, *_rest in rows]).delete()
            deleted += len(rows)
    return deleted


def signup_group_name_clean(name: str | None) -> str:
    """A signup group's name as stored: stripped, not empty, not longer than the column.

    Raises ValidationError with a message in the active language.
    """
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Enter the name of the signup group."), code="required")
    max_length = SignupGroup._meta.get_field("name").max_length
    if max_length is not None and len(name) > max_length:
        raise ValidationError(
            _(
                "The name of a signup group can be at most %(max)d characters long "
                "(this one has %(length)d)."
            )
            % {"max": max_length, "length": len(name)},
            code="too_long",
        )
    return name


def signup_group_for_import(
    *, name: str, school_year: str | None = None, collection_date: date | None = None
) -> tuple[SignupGroup, bool]:
    """The signup group an import puts new students in, created when missing.

    With ``school_year`` the group of that name and year is used or created.
    Without it: the group of that name for the school year that starts after
    the file's collection date, else the only (or the latest) group of that
    name, else a new group for that school year. Returns (group, created).
    A blank or too long name, or a malformed school year, raises ValidationError.
    """
    name = signup_group_name_clean(name)
    if school_year:
        validate_school_year(school_year)
        return SignupGroup.objects.get_or_create(name=name, school_year=school_year)
    wanted = school_year_for(collection_date or timezone.localdate())
    existing = list(SignupGroup.objects.filter(name=name).order_by("-school_year"))
    for group in existing:
        if group.school_year == wanted:
            return group, False
    if existing:
        return existing[0], False
    return SignupGroup.objects.get_or_create(name=name, school_year=wanted)
