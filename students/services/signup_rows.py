"""Checking a signup list's rows: what a request for a pupil's first file needs, and no more.

A row is refused with one Dutch reason per field that is wrong: a bad check
digit, a date that is neither dd-mm-jjjj nor jjjj-mm-dd, a BRIN that is not two
digits and two letters, or a BSN / onderwijsnummer that an earlier row already
has (the later row is refused). Spaces and dots inside a number are ignored; an
8-digit BSN (Excel dropped the leading zero) is padded. A pupil already signed
up at the school is skipped and counted, not refused. No reason shows a BSN.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Q
from django.utils.translation import gettext as _

from oso_format.identifiers import is_valid_brin, is_valid_bsn, is_valid_education_number
from students.models import PrimarySchool, Student
from students.services.signup_table import Cell, TableRow

_DMY = re.compile(r"^(\d{1,2})-(\d{1,2})-(\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_BRANCH = re.compile(r"^[0-9]{1,2}$")
# Excel counts days from 1899-12-30; its date cells fall in this range for living pupils.
_EXCEL_SERIAL_RANGE = (1, 2958465)

_MAX_LENGTHS: dict[str, int] = {
    name: Student._meta.get_field(name).max_length or 0  # type: ignore[union-attr]
    for name in ("surname", "prefix", "given_name")
}


@dataclass(frozen=True)
class SignupIn:
    """One pupil to sign up: what a request for the first file identifies them by."""

    bsn: str
    education_number: str
    birth_date: date
    surname: str
    prefix: str = ""
    given_name: str = ""
    primary_school_brin: str = ""
    branch: str = ""

    @property
    def identifiers(self) -> tuple[str, ...]:
        return tuple(value for value in (self.bsn, self.education_number) if value)


@dataclass(frozen=True)
class RefusedRow:
    line: int
    reasons: tuple[str, ...]


@dataclass
class SignupCheck:
    """A signup list checked: the new pupils, the ones already signed up, the refused rows."""

    valid: list[tuple[int, SignupIn]] = field(default_factory=list)
    already: list[int] = field(default_factory=list)
    refused: list[RefusedRow] = field(default_factory=list)


def signup_rows_check(*, rows: Iterable[TableRow]) -> SignupCheck:
    """Check every row; look up who is already signed up (a few queries for the whole list)."""
    check = SignupCheck()
    seen: dict[str, int] = {}
    candidates: list[tuple[int, SignupIn]] = []
    for row in rows:
        signup, reasons = signup_row_clean(row.cells)
        identifiers = _identifiers_of(row.cells)
        for kind, value in identifiers:
            earlier = seen.get(value)
            if earlier is not None:
                label = "BSN" if kind == "bsn" else "Onderwijsnummer"
                reasons.append(
                    _("%(field)s: already on line %(line)d") % {"field": label, "line": earlier}
                )
        for _kind, value in identifiers:
            seen.setdefault(value, row.line)
        if reasons:
            check.refused.append(RefusedRow(row.line, tuple(reasons)))
        elif signup is not None:
            candidates.append((row.line, signup))
    known = signed_up_identifiers(
        [value for _line, signup in candidates for value in signup.identifiers]
    )
    for line, signup in candidates:
        if known.intersection(signup.identifiers):
            check.already.append(line)
        else:
            check.valid.append((line, signup))
    return check


def signed_up_identifiers(values: list[str]) -> set[str]:
    """The BSNs and education numbers among ``values`` that a student of ours already has."""
    found: set[str] = set()
    values = sorted(set(values))
    for start in range(0, len(values), 400):
        part = values[start : start + 400]
        for bsn, education_number in Student.objects.filter(
            Q(bsn__in=part) | Q(education_number__in=part)
        ).values_list("bsn", "education_number"):
            found.update(value for value in (bsn, education_number) if value in part)
    return found


def signup_row_clean(cells: dict[str, Cell]) -> tuple[SignupIn | None, list[str]]:
    """One row as a SignupIn, or the Dutch reasons (field by field) why it cannot be one."""
    reasons: list[str] = []
    bsn = _number(cells.get("bsn"))
    education_number = _number(cells.get("education_number"))
    if bsn and len(bsn) == 8 and bsn.isdigit():
        bsn = "0" + bsn  # Excel dropped the leading zero
    if bsn and not is_valid_bsn(bsn):
        reasons.append(
            _("BSN: the check digit is wrong")
            if len(bsn) == 9 and bsn.isdigit()
            else _("BSN: not 9 digits")
        )
    if education_number and not is_valid_education_number(education_number):
        reasons.append(
            _("Onderwijsnummer: the check digit is wrong")
            if len(education_number) == 9 and education_number.isdigit()
            else _("Onderwijsnummer: not 9 digits starting with 10")
        )
    if not bsn and not education_number:
        reasons.append(_("BSN or Onderwijsnummer: missing"))
    birth_date, date_reason = _birth_date(cells.get("birth_date"))
    if date_reason:
        reasons.append(date_reason)
    names = {name: _text(cells.get(name)) for name in ("surname", "prefix", "given_name")}
    if not names["surname"]:
        reasons.append(_("Achternaam: missing"))
    labels = {"surname": "Achternaam", "prefix": "Tussenvoegsel", "given_name": "Roepnaam"}
    for name, value in names.items():
        if len(value) > _MAX_LENGTHS[name]:
            reasons.append(
                _("%(field)s: longer than %(max)d characters")
                % {"field": labels[name], "max": _MAX_LENGTHS[name]}
            )
    brin = _text(cells.get("primary_school_brin")).replace(" ", "").upper()
    if not brin:
        reasons.append(_("BRIN basisschool: missing"))
    elif len(brin) != 4 or not is_valid_brin(brin):
        reasons.append(_("BRIN basisschool: not 2 digits and 2 letters (such as 12AB)"))
    branch = _number(cells.get("branch"))
    if branch and not _BRANCH.match(branch):
        reasons.append(_("Vestiging: not a number of at most 2 digits"))
    if reasons:
        return None, reasons
    assert birth_date is not None
    return (
        SignupIn(
            bsn=bsn,
            education_number=education_number,
            birth_date=birth_date,
            surname=names["surname"],
            prefix=names["prefix"],
            given_name=names["given_name"],
            primary_school_brin=brin,
            branch=branch.zfill(2) if branch else "",
        ),
        [],
    )


def _identifiers_of(cells: dict[str, Cell]) -> list[tuple[str, str]]:
    """The row's numbers as they will be stored, for the duplicate check."""
    found = []
    bsn = _number(cells.get("bsn"))
    if len(bsn) == 8 and bsn.isdigit():
        bsn = "0" + bsn
    if bsn:
        found.append(("bsn", bsn))
    education_number = _number(cells.get("education_number"))
    if education_number:
        found.append(("education_number", education_number))
    return found


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _number(value: Cell) -> str:
    """A BSN or education number as digits: spaces and dots inside are ignored."""
    text = _text(value)
    return "".join(ch for ch in text if not ch.isspace() and ch != ".")


def _birth_date(value: Cell) -> tuple[date | None, str]:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, _("Geboortedatum: missing")
    if isinstance(value, datetime):
        return value.date(), ""
    if isinstance(value, date):
        return value, ""
    if (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and _EXCEL_SERIAL_RANGE[0] <= value <= _EXCEL_SERIAL_RANGE[1]
    ):
        # An Excel date cell shown as a number (the cell format was lost).
        from openpyxl.utils.datetime import from_excel

        return from_excel(value).date(), ""
    text = _text(value)
    match = _DMY.match(text)
    parts = (match.group(3), match.group(2), match.group(1)) if match else None
    if parts is None and (match := _YMD.match(text)):
        parts = (match.group(1), match.group(2), match.group(3))
    if parts is not None:
        try:
            return date(int(parts[0]), int(parts[1]), int(parts[2])), ""
        except ValueError:
            pass
    return None, _("Geboortedatum: '%(value)s' is not a date as dd-mm-jjjj or jjjj-mm-dd") % {
        "value": text[:20]
    }


def primary_school_for(*, brin: str, branch: str) -> PrimarySchool:
    """The primary school a signup names, created (named by its BRIN) when unknown.

    Without a branch, a school we know by that BRIN is taken; the first file
    brings the school's name and its own branch.
    """
    schools = PrimarySchool.objects.filter(brin=brin)
    school = (schools.filter(branch=branch) if branch else schools.order_by("branch")).first()
    if school is not None:
        return school
    school, _created = PrimarySchool.objects.get_or_create(
        brin=brin, branch=branch, defaults={"name": brin}
    )
    return school
