"""Small helpers the merge's modules share."""

from __future__ import annotations

from datetime import date

from oso_format.types import ParsedDossier
from students.models import PriorEducation, Student


def clip(value: str, length: int) -> str:
    value = value or ""
    return value if len(value) <= length else value[: length - 1] + "…"


def differs(old: object, new: object) -> bool:
    """A real change: "nothing" (None or "") to "nothing" is none."""
    if old in (None, "") and new in (None, ""):
        return False
    return old != new


def iso_or_none(value: date | None) -> str | None:
    return value.isoformat() if value else None


def prior_education_of(student: Student) -> PriorEducation | None:
    if student.pk is None:
        return None
    try:
        return student.prior_education
    except PriorEducation.DoesNotExist:
        return None


def identity_of(parsed: ParsedDossier) -> dict[str, str]:
    """The pupil's identity as the file gives it (``Student.dossier_identity``)."""
    return {
        "bsn": parsed.bsn or "",
        "education_number": parsed.education_number or "",
        "birth_date": iso_or_none(parsed.birth_date) or "",
    }


def identity_matches(student: Student, parsed: ParsedDossier) -> bool:
    """The file identifies the pupil as the last dossier applied to ``student`` did."""
    identity = student.dossier_identity or {}
    if not identity.get("birth_date") or identity["birth_date"] != iso_or_none(parsed.birth_date):
        return False
    return bool(
        (parsed.bsn and parsed.bsn == identity.get("bsn"))
        or (parsed.education_number and parsed.education_number == identity.get("education_number"))
    )
