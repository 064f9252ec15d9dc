"""Local NAW corrections: staff fix a name or address; dossiers then leave that field alone.

Releasing a correction puts the value of the last dossier back, so the field
follows the dossiers again.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Field
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.services import audit_record
from students.models import NAW_FIELDS, NawCorrection, Student
from students.validators import normalise_postcode

_POSTCODE = re.compile(r"^[1-9][0-9]{3}[A-Z]{2}$")
_HOUSE_NUMBER = re.compile(r"^[0-9]{1,6}$")
_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{5,}$")
# Fields that a student cannot be without.
_REQUIRED = frozenset({"surname"})


def naw_column(field: str) -> Field:
    """The model field of a NAW field (every one is a plain column of Student)."""
    column = Student._meta.get_field(field)
    if not isinstance(column, Field):
        raise TypeError(f"{field} is not a column of Student")
    return column


def naw_field_label(field: str) -> str:
    """The field's name as staff know it, e.g. "Achternaam"."""
    return str(capfirst(naw_column(field).verbose_name))


def naw_value_clean(*, field: str, value: str) -> str:
    """Check a corrected value and return it as stored (postcode ``1501AB``).

    Raises ValidationError with a message in the active language.
    """
    if field not in NAW_FIELDS:
        raise ValidationError(
            _("Unknown field '%(field)s'. Choose from: %(fields)s.")
            % {"field": field, "fields": ", ".join(NAW_FIELDS)},
            code="unknown_field",
        )
    value = (value or "").strip()
    label = naw_field_label(field)
    if not value:
        if field in _REQUIRED:
            raise ValidationError(
                _("%(field)s cannot be empty.") % {"field": label}, code="required"
            )
        return value
    if field == "postcode":
        value = normalise_postcode(value)
        if not _POSTCODE.match(value):
            raise ValidationError(
                _("Enter a Dutch postcode such as 1501 AB."), code="invalid_postcode"
            )
    elif field == "house_number" and not _HOUSE_NUMBER.match(value):
        raise ValidationError(
            _("A house number consists of digits only; put letters in the suffix."),
            code="invalid_house_number",
        )
    elif field == "phone" and not _PHONE.match(value):
        raise ValidationError(
            _("Enter a phone number of digits, for example 0612345678."),
            code="invalid_phone",
        )
    elif field == "email":
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError(
                _("Enter a valid e-mail address."), code="invalid_email"
            ) from None
    max_length = naw_column(field).max_length
    if max_length and len(value) > max_length:
        raise ValidationError(
            _("%(field)s can be at most %(max)d characters long.")
            % {"field": label, "max": max_length},
            code="too_long",
        )
    return value


@transaction.atomic
def naw_correction_record(*, student: Student, field: str, value: str, user: str) -> NawCorrection:
    """Correct one NAW field locally; later dossiers keep this value until it is released.

    Writes a ``correction_recorded`` entry naming the field (never a value).
    """
    value = naw_value_clean(field=field, value=value)
    correction, _created = NawCorrection.objects.update_or_create(
        student=student,
        field=field,
        defaults={"value": value, "corrected_by": user or "", "corrected_at": timezone.now()},
    )
    setattr(student, field, value)
    student.save(update_fields=[field, "updated_at"])
    _audit(action=AuditAction.CORRECTION_RECORDED, student=student, field=field, user=user)
    return correction


@transaction.atomic
def naw_correction_release(*, student: Student, field: str, user: str) -> None:
    """Drop the correction of ``field``; it takes the last dossier's value and follows dossiers.

    ``user`` is who released it: the ``correction_released`` entry written here
    names them (and the field, never a value).
    """
    if field not in NAW_FIELDS:
        naw_value_clean(field=field, value="")  # raises the "unknown field" error
    deleted, _detail = NawCorrection.objects.filter(student=student, field=field).delete()
    if not deleted:
        raise ValidationError(
            _("%(field)s is not corrected locally.") % {"field": naw_field_label(field)},
            code="not_corrected",
        )
    value = _dossier_value(student, field)
    if value is not None:
        setattr(student, field, value)
        student.save(update_fields=[field, "updated_at"])
    _audit(action=AuditAction.CORRECTION_RELEASED, student=student, field=field, user=user)


def _audit(*, action: str, student: Student, field: str, user: str) -> None:
    # The field's name only: the log is kept for good and cannot be edited, so it
    # must not hold the names, addresses, phones and e-mails themselves.
    audit_record(
        actor=user or "?",
        action=action,
        student_id=student.pk,
        student_number=student.student_number,
        summary=naw_field_label(field),
        details={"field": field},
    )


def _dossier_value(student: Student, field: str) -> str | None:
    """The last dossier's value of a field as stored, or None when no dossier gave one."""
    dossier_value = (student.dossier_values or {}).get(field)
    if dossier_value is None:
        return None
    value = dossier_value.strip()
    if field == "postcode":
        value = normalise_postcode(value)
    max_length = naw_column(field).max_length
    if max_length and len(value) > max_length:
        return None
    return value
