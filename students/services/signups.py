"""Signed-up pupils before their first file: sign up, edit, undo, move between groups.

The one intake service every way in uses (the form, the signup list on the page
and on the command line, ELK's placements): ``signups_create``. A signed-up
pupil is a student in a signup group with a student number and only what a
request for the first file needs. Until that file arrives ``dossier_values``
holds the signup's names: a request sends them (never a local correction), and
the first file replaces them.

This module sends no request: the requests app asks for the first files of the
students these services return.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import AuditInput, audit_record_many
from students.models import (
    PriorEducation,
    ReceivedDossier,
    SignupGroup,
    SignupImport,
    SignupImportStatus,
    SignupSource,
    Student,
)
from students.services.dossier_merge.numbers import student_numbers_allocate
from students.services.signup_rows import (
    SignupCheck,
    SignupIn,
    primary_school_for,
    signed_up_identifiers,
    signup_row_clean,
    signup_rows_check,
)
from students.services.signup_table import SignupTableError, signup_table_read

# How long an uploaded list waits for *inlezen* or *niets inlezen* before it is dropped.
PREVIEW_KEPT = timedelta(days=1)
# The names a signup gives; the first file replaces them (where staff did not correct one).
SIGNUP_NAME_FIELDS = ("given_name", "prefix", "surname")
# What staff may change of a signup while no file has arrived.
SIGNUP_EDIT_FIELDS = (
    "bsn",
    "education_number",
    "birth_date",
    *SIGNUP_NAME_FIELDS,
    "primary_school_brin",
    "branch",
)


@dataclass(frozen=True)
class SignupResult:
    signup_import: SignupImport
    student_ids: list[int]
    already: int


def signups_create(
    *,
    signups: Sequence[SignupIn],
    signup_group: SignupGroup,
    source: str,
    user: str,
    file_name: str = "",
    already: int = 0,
    refused: int = 0,
    signup_import: SignupImport | None = None,
) -> SignupResult:
    """Sign the pupils up in ``signup_group``: a student number each, one import for undo.

    A pupil someone signed up meanwhile (same BSN or education number) is skipped
    and counted with ``already``. One ``signup_created`` audit entry per pupil.
    ``signup_import`` is a previewed upload that becomes this import.
    """
    if source not in SignupSource.values:
        raise ValueError(f"unknown signup source {source!r}")
    with transaction.atomic():
        known = signed_up_identifiers([v for signup in signups for v in signup.identifiers])
        new: list[SignupIn] = []
        taken: set[str] = set(known)
        for signup in signups:
            if taken.intersection(signup.identifiers):
                already += 1
                continue
            taken.update(signup.identifiers)
            new.append(signup)
        if signup_import is None:
            signup_import = SignupImport(source=source, created_by=user, file_name=file_name)
        signup_import.status = SignupImportStatus.IMPORTED
        signup_import.signup_group = signup_group
        signup_import.signed_up = len(new)
        signup_import.already_signed_up = already
        signup_import.refused = refused
        signup_import.raw = None
        signup_import.save()
        numbers = student_numbers_allocate(len(new)) if new else []
        schools = {}
        students = []
        for signup, number in zip(new, numbers, strict=True):
            key = (signup.primary_school_brin, signup.branch)
            if key not in schools and signup.primary_school_brin:
                schools[key] = primary_school_for(brin=key[0], branch=key[1])
            students.append(
                Student(
                    student_number=number,
                    bsn=signup.bsn,
                    education_number=signup.education_number,
                    birth_date=signup.birth_date,
                    surname=signup.surname,
                    prefix=signup.prefix,
                    given_name=signup.given_name,
                    primary_school=schools.get(key),
                    signup_group=signup_group,
                    signup_import=signup_import,
                    dossier_values=_names_of(signup),
                )
            )
        Student.objects.bulk_create(students, batch_size=500)
        created = list(
            Student.objects.filter(signup_import=signup_import)
            .order_by("pk")
            .values_list("pk", "student_number")
        )
        _audit_each_student(
            students=created,
            user=user,
            action=AuditAction.SIGNUP_CREATED,
            summary=f"{source}: {signup_group}",
            details={
                "signup_import_id": signup_import.pk,
                "source": source,
                "signup_group": signup_group.name,
                "school_year": signup_group.school_year,
            },
        )
    return SignupResult(
        signup_import=signup_import, student_ids=[pk for pk, _n in created], already=already
    )


def _names_of(signup: SignupIn) -> dict[str, str]:
    return {name: getattr(signup, name) for name in SIGNUP_NAME_FIELDS}


def _audit_each_student(
    *,
    students: Sequence[tuple[int, str]],
    user: str,
    action: AuditAction,
    summary: str,
    details: dict[str, object],
) -> None:
    """One audit entry per student (id, student number), all with the same text."""
    audit_record_many(
        entries=[
            AuditInput(
                actor=user,
                action=action,
                student_id=pk,
                student_number=number,
                summary=summary,
                details=dict(details),
            )
            for pk, number in students
        ]
    )


# --- A signup list on the page: preview, then import the valid rows or none ------------


@dataclass(frozen=True)
class SignupPreview:
    signup_import: SignupImport
    check: SignupCheck
    read_as: str


def signup_list_check(*, raw: bytes, file_name: str) -> tuple[SignupCheck, str]:
    """Read and check a signup list; raises SignupTableError for a file that cannot be read."""
    table = signup_table_read(raw=raw, file_name=file_name)
    return signup_rows_check(rows=table.rows), table.read_as


def signup_list_preview(*, raw: bytes, file_name: str, user: str) -> SignupPreview:
    """Keep an uploaded list until staff import its valid rows, or none."""
    check, read_as = signup_list_check(raw=raw, file_name=file_name)
    # A list nobody imported or set aside holds BSNs: it is dropped after a day.
    SignupImport.objects.filter(
        status=SignupImportStatus.PREVIEW, created_at__lt=timezone.now() - PREVIEW_KEPT
    ).update(status=SignupImportStatus.DISCARDED, raw=None)
    upload = SignupImport.objects.create(
        source=SignupSource.FILE,
        status=SignupImportStatus.PREVIEW,
        created_by=user,
        file_name=file_name[:255],
        raw=raw,
        signed_up=len(check.valid),
        already_signed_up=len(check.already),
        refused=len(check.refused),
    )
    return SignupPreview(signup_import=upload, check=check, read_as=read_as)


def signup_preview_load(*, signup_import_id: int) -> SignupPreview:
    """A previewed upload, checked again as it stands now."""
    upload = SignupImport.objects.get(pk=signup_import_id, status=SignupImportStatus.PREVIEW)
    check, read_as = signup_list_check(raw=bytes(upload.raw or b""), file_name=upload.file_name)
    return SignupPreview(signup_import=upload, check=check, read_as=read_as)


def signup_preview_import(
    *, signup_import_id: int, signup_group: SignupGroup, user: str
) -> SignupResult:
    """Import the valid rows of a previewed upload (checked again now); drop the file.

    A preview that was imported or discarded already (a double click) raises
    SignupImport.DoesNotExist and changes nothing.
    """
    with transaction.atomic():
        upload = (
            SignupImport.objects.select_for_update()
            .filter(pk=signup_import_id, status=SignupImportStatus.PREVIEW)
            .first()
        )
        if upload is None:
            raise SignupImport.DoesNotExist
        check, _read_as = signup_list_check(
            raw=bytes(upload.raw or b""), file_name=upload.file_name
        )
        return signups_create(
            signups=[signup for _line, signup in check.valid],
            signup_group=signup_group,
            source=SignupSource.FILE,
            user=user,
            file_name=upload.file_name,
            already=len(check.already),
            refused=len(check.refused),
            signup_import=upload,
        )


def signup_preview_discard(*, signup_import_id: int) -> bool:
    """Import none of the rows: forget the uploaded file. False when it was gone already."""
    return bool(
        SignupImport.objects.filter(pk=signup_import_id, status=SignupImportStatus.PREVIEW).update(
            status=SignupImportStatus.DISCARDED, raw=None
        )
    )


# --- Undo ------------------------------------------------------------------------------


def signups_without_file(queryset=None):
    """Students for whom no file has arrived: no card and no received dossier."""
    queryset = Student.objects.all() if queryset is None else queryset
    return queryset.exclude(
        Exists(PriorEducation.objects.filter(student_id=OuterRef("pk")))
    ).exclude(Exists(ReceivedDossier.objects.filter(student_id=OuterRef("pk"))))


def signup_import_undo(*, signup_import_id: int, user: str) -> int:
    """*Aanmelding ongedaan maken*: remove the import's signups that have no file yet.

    Their requests go with them. One ``signup_undone`` entry per pupil removed.
    Pupils whose file arrived stay. Returns how many were removed.
    """
    with transaction.atomic():
        signup_import = SignupImport.objects.select_for_update().get(
            pk=signup_import_id, status=SignupImportStatus.IMPORTED
        )
        rows = list(
            signups_without_file(Student.objects.filter(signup_import=signup_import))
            .order_by("pk")
            .values_list("pk", "student_number")
        )
        _audit_each_student(
            students=rows,
            user=user,
            action=AuditAction.SIGNUP_UNDONE,
            summary=f"signup import {signup_import.pk} undone",
            details={"signup_import_id": signup_import.pk},
        )
        ids = [pk for pk, _number in rows]
        for start in range(0, len(ids), 500):
            Student.objects.filter(pk__in=ids[start : start + 500]).delete()
        signup_import.status = SignupImportStatus.UNDONE
        signup_import.undone_at = timezone.now()
        signup_import.undone_by = user
        signup_import.undone_count = len(ids)
        signup_import.save(update_fields=["status", "undone_at", "undone_by", "undone_count"])
    return len(ids)


# --- Editing a signup ------------------------------------------------------------------


def signup_update(*, student: Student, changes: dict, user: str) -> Student:
    """Change what a signed-up pupil without a file is identified by (what is sent).

    Unlike a NAW correction, this changes the signup itself: the next request
    sends the new values. ``changes`` holds fields of SIGNUP_EDIT_FIELDS, already
    cleaned. A pupil whose first file arrived cannot be edited here (ValidationError).
    """
    unknown = set(changes) - set(SIGNUP_EDIT_FIELDS)
    if unknown:
        raise ValueError(f"not signup fields: {sorted(unknown)}")
    with transaction.atomic():
        locked = Student.objects.select_for_update().get(pk=student.pk)
        if not signups_without_file(Student.objects.filter(pk=locked.pk)).exists():
            raise ValidationError(
                _("The first file of this pupil has arrived: correct the data in the admin."),
                code="has_file",
            )
        changed: list[str] = []
        values = dict(locked.dossier_values or {})
        # A locally corrected name keeps its correction; the signup's value is what is sent.
        corrected = set(locked.corrections.values_list("field", flat=True))
        for name in ("bsn", "education_number", "birth_date", *SIGNUP_NAME_FIELDS):
            if name in corrected:
                pass
            elif name in changes and getattr(locked, name) != changes[name]:
                setattr(locked, name, changes[name])
                changed.append(name)
            if name in SIGNUP_NAME_FIELDS and name in changes:
                values[name] = changes[name]
        locked.dossier_values = values
        if "primary_school_brin" in changes:
            school = primary_school_for(
                brin=changes["primary_school_brin"], branch=changes.get("branch", "")
            )
            if locked.primary_school_id != school.pk:
                locked.primary_school = school
                changed.append("primary_school")
        locked.save()
        if changed:
            audit_record_many(
                entries=[
                    AuditInput(
                        actor=user,
                        action=AuditAction.STUDENT_CHANGED,
                        student_id=locked.pk,
                        student_number=locked.student_number,
                        summary="signup: " + ", ".join(changed),
                        details={"signup": True, "fields": changed},
                    )
                ]
            )
    return locked


def signup_clean(cells: dict) -> SignupIn:
    """One pupil's fields (as a form gives them) as a SignupIn, or ValidationError in Dutch."""
    signup, reasons = signup_row_clean(cells)
    if reasons:
        raise ValidationError(reasons)
    assert signup is not None
    return signup


# --- Moving between signup groups ------------------------------------------------------


def students_move_to_group(
    *, student_ids: Iterable[int], signup_group: SignupGroup, user: str
) -> int:
    """Move students to another signup group; one ``student_moved`` entry per student moved."""
    ids = sorted(set(student_ids))
    moved = 0
    with transaction.atomic():
        for start in range(0, len(ids), 500):
            rows = list(
                Student.objects.filter(pk__in=ids[start : start + 500])
                .exclude(signup_group=signup_group)
                .select_for_update(of=("self",))
                .values_list("pk", "student_number", "signup_group__name")
            )
            if not rows:
                continue
            Student.objects.filter(pk__in=[pk for pk, *_rest in rows]).update(
                signup_group=signup_group, updated_at=timezone.now()
            )
            audit_record_many(
                entries=[
                    AuditInput(
                        actor=user,
                        action=AuditAction.STUDENT_MOVED,
                        student_id=pk,
                        student_number=number,
                        summary=f"{old or '-'} -> {signup_group}",
                        details={
                            "from": old,
                            "to": signup_group.name,
                            "school_year": signup_group.school_year,
                        },
                    )
                    for pk, number, old in rows
                ]
            )
            moved += len(rows)
    return moved


__all__ = [
    "SignupIn",
    "SignupTableError",
    "signup_clean",
    "signup_import_undo",
    "signup_list_check",
    "signup_list_preview",
    "signup_preview_discard",
    "signup_preview_import",
    "signup_preview_load",
    "signup_update",
    "signups_create",
    "signups_without_file",
    "students_move_to_group",
]
