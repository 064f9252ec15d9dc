"""Dutch identifiers as an OSO dossier carries them: BSN, onderwijsnummer, postcode, BRIN.

The check-digit rules are python-stdnum's (``stdnum.nl``). stdnum also accepts
written forms (``1112.22.333``, spaces, 8-digit BSNs padded with a zero); a dossier
and the portal's fields hold the bare nine digits, so that exact form is asked
first. ``redact_identifiers`` masks every identifier these rules recognise in a
text, the way the pages show them (``*****6782``); logging, error reports and
stored remarks all go through it. Pure functions: no Django, no database.
"""

from __future__ import annotations

import re

from stdnum.nl import brin as _brin
from stdnum.nl import bsn as _bsn
from stdnum.nl import onderwijsnummer as _onderwijsnummer

_POSTCODE = re.compile(r"^([1-9]\d{3})\s?([A-Za-z]{2})$")
# Nine digits not inside a longer number (student numbers have ten, phone
# numbers ten), or the written form 1234.56.782.
_CANDIDATE = re.compile(r"(?<!\d)(\d{9}|\d{4}\.\d{2}\.\d{3})(?!\d)")


def _nine_digits(value: str) -> bool:
    return len(value) == 9 and value.isdigit()


def is_valid_bsn(value: str) -> bool:
    """A BSN: exactly 9 digits, not all zero, passing the eleven test (elfproef)."""
    return _nine_digits(value) and int(value) != 0 and bool(_bsn.is_valid(value))


def is_valid_education_number(value: str) -> bool:
    """An onderwijsnummer: 9 digits starting with 10 whose eleven-test remainder is 5.

    DUO chose remainder 5 so that an education number can never pass as a BSN.
    """
    return _nine_digits(value) and bool(_onderwijsnummer.is_valid(value))


def is_valid_brin(value: str) -> bool:
    """A BRIN code: two digits and two letters (``05KO``), optionally a 2-digit branch."""
    return bool(value) and value == value.strip().upper() and bool(_brin.is_valid(value))


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


def _mask(digits: str) -> str:
    return "*" * (len(digits) - 4) + digits[-4:]


def _is_identifier(digits: str) -> bool:
    return is_valid_bsn(digits) or is_valid_education_number(digits)


def _replace(match: re.Match[str]) -> str:
    digits = match.group(1).replace(".", "")
    return _mask(digits) if _is_identifier(digits) else match.group(0)


def redact_identifiers(text: str) -> str:
    """Mask each BSN or education number in ``text``; everything else stays."""
    if not text or not any(ch.isdigit() for ch in text):
        return text
    return _CANDIDATE.sub(_replace, text)


def find_identifiers(text: str) -> list[str]:
    """The full BSNs and education numbers in ``text`` (for tests that hunt for leaks)."""
    found = []
    for match in _CANDIDATE.finditer(text or ""):
        digits = match.group(1).replace(".", "")
        if _is_identifier(digits):
            found.append(digits)
    return found
