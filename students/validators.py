"""Validators for Dutch identifiers and formats, usable in forms, models and the dossier reader."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_SCHOOL_YEAR = re.compile(r"^(\d{4})-(\d{4})$")
_POSTCODE = re.compile(r"^([1-9]\d{3})\s?([A-Za-z]{2})$")


def _eleven_test_remainder(value: str) -> int:
    """Weighted sum with weights 9..2 and -1, modulo 11 (the BSN "elfproef")."""
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    return sum(int(d) * w for d, w in zip(value, weights, strict=True)) % 11


def is_valid_bsn(value: str) -> bool:
    """A BSN: 9 digits, not all zero, whose eleven-test remainder is 0."""
    if not (len(value) == 9 and value.isdigit()) or int(value) == 0:
        return False
    return _eleven_test_remainder(value) == 0


def is_valid_education_number(value: str) -> bool:
    """An onderwijsnummer: 9 digits starting with 10, whose eleven-test remainder is 5.

    DUO chose remainder 5 so that an education number can never pass as a BSN.
    """
    if not (len(value) == 9 and value.isdigit()) or not value.startswith("10"):
        return False
    return _eleven_test_remainder(value) == 5


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


def normalise_postcode(value: str) -> str:
    """'1501 ab' -> '1501AB'; anything that is not a Dutch postcode is returned stripped."""
    match = _POSTCODE.match((value or "").strip())
    if not match:
        return (value or "").strip()
    return f"{match.group(1)}{match.group(2).upper()}"


def display_postcode(value: str) -> str:
    """A stored postcode as people write it: '1506EG' -> '1506 EG'; anything else as it is."""
    match = _POSTCODE.match((value or "").strip())
    if not match:
        return value or ""
    return f"{match.group(1)} {match.group(2).upper()}"


def school_year_for(date_value) -> str:
    """The school year starting after a date: a file from March 2021 is for 2021-2022."""
    start = date_value.year if date_value.month < 8 else date_value.year + 1
    return f"{start}-{start + 1}"
