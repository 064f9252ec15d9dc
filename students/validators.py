"""Django validators for Dutch identifiers and formats, for forms and models."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The identifier rules belong to the OSO format; forms and models use them from here too.
from oso_format.identifiers import (  # noqa: F401
    display_postcode,
    is_valid_bsn,
    is_valid_education_number,
    normalise_postcode,
)

_SCHOOL_YEAR = re.compile(r"^(\d{4})-(\d{4})$")


def validate_bsn(value: str) -> None:
    if not is_valid_bsn(value):
        raise ValidationError(
            _("This is not a valid citizen service number (BSN): the check digit is wrong."),
            code="invalid_bsn",
        )


def validate_education_number(value: str) -> None:
    if not is_valid_education_number(value):
        raise ValidationError(
            _("This is not a valid education number: the check digit is wrong."),
            code="invalid_education_number",
        )


def validate_school_year(value: str) -> None:
    match = _SCHOOL_YEAR.match(value or "")
    if not match or int(match.group(2)) != int(match.group(1)) + 1:
        raise ValidationError(
            _("Enter a school year as YYYY-YYYY, for example 2021-2022."),
            code="invalid_school_year",
        )


def school_year_for(date_value) -> str:
    """The school year starting after a date: a file from March 2021 is for 2021-2022."""
    start = date_value.year if date_value.month < 8 else date_value.year + 1
    return f"{start}-{start + 1}"
