"""For tests that hunt for leaks: every full BSN or education number in a text."""

from __future__ import annotations

import re

from oso_format.identifiers import is_valid_bsn, is_valid_education_number

# Nine digits not inside a longer number, or the written form 1234.56.782 (as redaction sees them).
_CANDIDATE = re.compile(r"(?<!\d)(\d{9}|\d{4}\.\d{2}\.\d{3})(?!\d)")


def find_identifiers(text: str) -> list[str]:
    """The full BSNs and education numbers in ``text``."""
    found = []
    for match in _CANDIDATE.finditer(text or ""):
        digits = match.group(1).replace(".", "")
        if is_valid_bsn(digits) or is_valid_education_number(digits):
            found.append(digits)
    return found
