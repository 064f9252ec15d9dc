"""What every spreadsheet export shares (requests overview CSV/Excel, audit log CSV)."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")

# A spreadsheet runs a cell that starts like this as a formula (CSV/formula injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: T) -> T | str:
    """The value with a leading quote if it is text a spreadsheet would run as a formula.

    Other values (numbers, dates, None) pass through unchanged: they are never formulas.
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value
