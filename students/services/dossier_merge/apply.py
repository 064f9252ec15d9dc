"""Set a file's values on its student, in memory, and note what that changed."""

from __future__ import annotations

from datetime import datetime

from portal_text import Message
from students.models import (
    NAW_FIELDS,
    ChangedField,
    DossierOutcome,
    NawCorrection,
    PrimarySchool,
    SignupGroup,
    Student,
)
from students.services.dossier_merge import texts
from students.services.dossier_merge.card import card_changes
from students.services.dossier_merge.common import clip, differs, identity_of
from students.services.dossier_merge.types import AppliedPlan
from students.validators import normalise_postcode

# Which ChangedField a student field belongs to (the card's fields are in card.py).
STUDENT_CHANGES: dict[str, ChangedField] = {
    "given_name": ChangedField.NAME,
    "prefix": ChangedField.NAME,
    "surname": ChangedField.NAME,
    "first_names": ChangedField.NAME,
    "initials": ChangedField.NAME,
    "street": ChangedField.ADDRESS,
    "house_number": ChangedField.ADDRESS,
    "house_number_suffix": ChangedField.ADDRESS,
    "postcode": ChangedField.ADDRESS,
    "town": ChangedField.ADDRESS,
    "phone": ChangedField.PHONE,
    "email": ChangedField.EMAIL,
    "birth_date": ChangedField.BIRTH_DATE,
    "sex": ChangedField.SEX,
    "bsn": ChangedField.IDENTITY,
    "education_number": ChangedField.IDENTITY,
    "primary_school_id": ChangedField.PRIMARY_SCHOOL,
    "address_secret": ChangedField.ADDRESS,
    "phone_secret": ChangedField.PHONE,
    "email_secret": ChangedField.EMAIL,
}

# What each secret flag hides, and the remark when a real stored value is kept.
SECRET_FIELDS: tuple[tuple[str, tuple[str, ...], Message], ...] = (
    (
        "address_secret",
        ("street", "house_number", "house_number_suffix", "postcode", "town"),
        texts.SECRET_ADDRESS_KEPT(),
    ),
    ("phone_secret", ("phone",), texts.SECRET_PHONE_KEPT()),
    ("email_secret", ("email",), texts.SECRET_EMAIL_KEPT()),
)


# Student fields a merge writes (bulk_update_rows needs them listed).
STUDENT_UPDATE_FIELDS: tuple[str, ...] = (
    *NAW_FIELDS,
    "address_secret",
    "phone_secret",
    "email_secret",
    "first_names",
    "initials",
    "sex",
    "birth_date",
    "bsn",
    "education_number",
    "primary_school",
    "signup_group",
    "dossier_values",
    "dossier_identity",
    "updated_at",
)


def student_new(number: str, signup_group: SignupGroup | None) -> Student:
    return Student(student_number=number, signup_group=signup_group, surname="")


def student_apply(
    applied: AppliedPlan,
    corrections: dict[tuple[int, str], NawCorrection],
    schools: dict[tuple[str, str], PrimarySchool],
    signup_group: SignupGroup | None,
    now: datetime,
) -> None:
    """Set the file's values on the student (in memory), leaving corrected fields alone."""
    plan, parsed, student = applied.plan, applied.parsed, applied.student
    before = {name: getattr(student, name) for name in STUDENT_CHANGES}
    remarks = plan.remarks
    naw = parsed.naw.as_dict()
    for flag, fields, kept in SECRET_FIELDS:
        secret = bool(getattr(parsed, flag))
        # Only a real value kept against the placeholder is worth a remark.
        if secret and any(getattr(student, name) for name in fields):
            remarks.append(kept)
        setattr(student, flag, secret)
    dossier_values = dict(student.dossier_values or {})
    for name in NAW_FIELDS:
        supplied = naw.get(name)
        if supplied is None:
            # Not in the file (secret address, placeholder): keep what we have.
            continue
        dossier_values[name] = supplied
        value = _normalise(name, supplied)
        if not _fits(name, value, remarks):
            continue
        if student.pk is not None and (student.pk, name) in corrections:
            local = getattr(student, name)
            if local != value:
                remarks.append(texts.CORRECTED_KEPT(field=name, local=local, dossier=value))
            continue
        setattr(student, name, value)
    student.dossier_values = dossier_values

    for name, value in (
        ("first_names", parsed.first_names),
        ("initials", parsed.initials),
    ):
        if _fits(name, value, remarks):
            setattr(student, name, value)
    student.sex = parsed.sex or student.sex
    if parsed.birth_date is not None:
        student.birth_date = parsed.birth_date
    student.bsn = parsed.bsn or student.bsn
    student.education_number = parsed.education_number or student.education_number
    student.dossier_identity = identity_of(parsed)
    school = schools.get((parsed.school.brin, parsed.school.branch or ""))
    if school is not None:
        student.primary_school = school
    if student.signup_group_id is None and signup_group is not None:
        student.signup_group = signup_group
    student.updated_at = now

    changed = {
        STUDENT_CHANGES[name]
        for name, old in before.items()
        if differs(old, getattr(student, name))
    }
    changed |= card_changes(applied, schools)
    # In ChangedField's order, so the list reads the same for every file. A first file
    # fills the whole card: "Nieuwe leerling aangemaakt" says so, a list would name all.
    if plan.outcome == DossierOutcome.CREATED:
        changed = set()
    plan.changed_fields = [str(key) for key in ChangedField if key in changed]
    # What changed is information, not a remark: only remarks turn the outcome.
    if plan.outcome == DossierOutcome.PROCESSED and remarks:
        plan.outcome = DossierOutcome.PROCESSED_WITH_REMARKS


def _normalise(name: str, value: str) -> str:
    value = value.strip()
    if name == "postcode":
        return normalise_postcode(value)
    return value


def _fits(name: str, value: str, remarks: list[Message]) -> bool:
    max_length = getattr(Student._meta.get_field(name), "max_length", None)
    if max_length is None or len(value) <= max_length:
        return True
    remarks.append(
        texts.TOO_LONG(field=name, length=len(value), max=max_length, value=clip(value, 60))
    )
    return False
