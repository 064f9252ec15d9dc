"""Dutch identifiers as an OSO dossier carries them: BSN, onderwijsnummer, postcode, BRIN.

The check-digit rules are python-stdnum's (``stdnum.nl``). stdnum also accepts
written forms (``1112.22.333``, spaces, 8-digit BSNs padded with a zero); a dossier
and the portal's fields hold the bare nine digits, so that exact form is asked
first. Pure functions: no Django, no database.
"""

from __future__ import annotations

import re

from stdnum.nl import brin as _brin
from stdnum.nl import bsn as _bsn
from stdnum.nl import onderwijsnummer as _onderwijsnummer

_POSTCODE = re.compile(r"^([1-9]\d{3})\s?([A-Za-z]{2})$")
EDUCATION_NUMBER_PREFIX = "10"


def _nine_digits(value: str) -> bool:
    return len(value) == 9 and value.isdigit()


def is_valid_bsn(value: str) -> bool:
    """A BSN: exactly 9 digits, not all zero, passing the eleven test (elfproef)."""
    return _nine_digits(value) and _bsn.is_valid(value)


def is_valid_education_number(value: str) -> bool:
    """An onderwijsnummer: 9 digits starting with 10 whose eleven-test remainder is 5.

    DUO chose remainder 5 so that an education number can never pass as a BSN.
    """
    return _nine_digits(value) and _onderwijsnummer.is_valid(value)


def is_valid_brin(value: str) -> bool:
    """A BRIN code: two digits and two letters (``05KO``), optionally a 2-digit branch."""
    return value == value.strip().upper() and _brin.is_valid(value)


def normalise_postcode(value: str) -> str:
    """'1501 ab' -> '1501AB'; anything that is not a Dutch postcode is returned stripped."""
    match = _POSTCODE.match((value or "").strip())
    if not match:
        return (value or "").strip()
    return f"{match.group(1)}{match.group(2).upper()}"
