"""Signup groups: finding or creating the group an import puts new students in."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from students.models import SignupGroup
from students.validators import school_year_for, validate_school_year


def signup_group_for_import(
    *, name: str, school_year: str | None = None, collection_date: date | None = None
) -> tuple[SignupGroup, bool]:
    """The signup group an import puts new students in, created when missing.

    With ``school_year`` the group of that name and year is used or created.
    Without it: the group of that name for the school year that starts after
    the file's collection date, else the only (or the latest) group of that
    name, else a new group for that school year. Returns (group, created).
    """
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Enter the name of the signup group."), code="required")
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
