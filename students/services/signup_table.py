"""Reading a signup list: a CSV file (as Dutch Excel saves it, or UTF-8) or an Excel workbook.

The table itself is read by libraries: openpyxl for ``.xlsx``, the csv module for
text, whose ``Sniffer`` tells ``;`` from ``,``. A CSV file is UTF-8 (with or
without a byte-order mark) when it decodes as UTF-8, else Windows-1252, which
is what Excel writes on a Dutch Windows machine.

Each row comes out with its spreadsheet row number (the header is 1; empty rows
are skipped but counted) and its cells keyed by field name. Headers are matched
case- and space-insensitively, in Dutch and English.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from typing import cast

from django.utils.translation import gettext as _

# A field name, and every header (normalised: lower case, no spaces, dots, dashes
# or underscores) that names it.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "bsn": ("bsn", "burgerservicenummer", "citizenservicenumber", "sofinummer"),
    "education_number": ("onderwijsnummer", "educationnumber", "own"),
    "birth_date": ("geboortedatum", "birthdate", "dateofbirth", "gebdatum"),
    "surname": ("achternaam", "surname", "lastname", "familienaam", "geslachtsnaam"),
    "prefix": ("tussenvoegsel", "tussenvoegsels", "voorvoegsel", "prefix"),
    "given_name": ("roepnaam", "voornaam", "givenname", "firstname"),
    "primary_school_brin": (
        "brinbasisschool",
        "brin",
        "brincode",
        "brinnummer",
        "primaryschoolbrin",
        "basisschoolbrin",
    ),
    "branch": ("vestiging", "brinvestiging", "vestigingsnummer", "branch"),
}
_FIELD_OF_HEADER = {alias: name for name, aliases in HEADER_ALIASES.items() for alias in aliases}

# A text file larger than this is not a signup list (a school has some hundreds of pupils).
MAX_TABLE_BYTES = 5 * 1024 * 1024
# What the csv module's Sniffer looks at to find the delimiter.
_SNIFF_BYTES = 8192

Cell = str | int | float | date | datetime | None


class SignupTableError(Exception):
    """The file cannot be read as a signup list; the message is in the active language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class TableRow:
    line: int  # the spreadsheet row number; the header is 1
    cells: dict[str, Cell]


@dataclass(frozen=True)
class SignupTable:
    rows: list[TableRow]
    # How the file was read (for the preview): "xlsx" or "csv (utf-8, ;)".
    read_as: str


def normalise_header(value: object) -> str:
    text = str(value or "").casefold()
    return "".join(ch for ch in text if not ch.isspace() and ch not in "._-")


def signup_table_read(*, raw: bytes, file_name: str = "") -> SignupTable:
    """The rows of a signup list, or SignupTableError saying in Dutch what is wrong."""
    if not raw.strip():
        raise SignupTableError(_("The file is empty."))
    if len(raw) > MAX_TABLE_BYTES:
        raise SignupTableError(
            _("The file is larger than %(size)d MB; a signup list is much smaller.")
            % {"size": MAX_TABLE_BYTES // (1024 * 1024)}
        )
    if raw.startswith(b"PK\x03\x04") or file_name.lower().endswith((".xlsx", ".xlsm")):
        grid, read_as = _xlsx_grid(raw), "xlsx"
    elif file_name.lower().endswith(".xls") or raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise SignupTableError(
            _("Old Excel files (.xls) cannot be read: save the list as .xlsx or CSV.")
        )
    else:
        grid, read_as = _csv_grid(raw)
    return SignupTable(rows=_rows(grid), read_as=read_as)


def _xlsx_grid(raw: bytes) -> list[list[Cell]]:
    # openpyxl is imported here: only an upload of a workbook needs it.
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise SignupTableError(_("The file is not a readable Excel workbook (.xlsx).")) from exc
    try:
        sheet = workbook.worksheets[0]
        # Formulas are read as their values (data_only); rich text and times are not dates.
        return [cast(list[Cell], list(row)) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()


def _csv_grid(raw: bytes) -> tuple[list[list[Cell]], str]:
    if b"\x00" in raw:
        raise SignupTableError(_("The file is not a CSV or Excel file."))
    try:
        text, encoding = raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        # Windows-1252 leaves five bytes undefined; such a file is not text we can read.
        try:
            text, encoding = raw.decode("cp1252"), "windows-1252"
        except UnicodeDecodeError as exc:
            raise SignupTableError(
                _("The file is neither UTF-8 nor Windows-1252 text: save it as CSV again.")
            ) from exc
    sample = text[:_SNIFF_BYTES]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,")
        delimiter = dialect.delimiter
    except csv.Error:
        # One column (no delimiter at all): the csv module's default reads it.
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        grid: list[list[Cell]] = [list(row) for row in reader]
    except csv.Error as exc:
        raise SignupTableError(
            _("The CSV file cannot be read: %(reason)s") % {"reason": exc}
        ) from exc
    return grid, f"csv ({encoding}, {delimiter})"


def _is_empty(row: list[Cell]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in row)


def _rows(grid: list[list[Cell]]) -> list[TableRow]:
    header_index = next((i for i, row in enumerate(grid) if not _is_empty(row)), None)
    if header_index is None:
        raise SignupTableError(_("The file is empty."))
    columns: dict[int, str] = {}
    unknown: list[str] = []
    for position, header in enumerate(grid[header_index]):
        key = normalise_header(header)
        if not key:
            continue
        name = _FIELD_OF_HEADER.get(key)
        if name is None:
            unknown.append(str(header).strip())
        elif name not in columns.values():
            columns[position] = name
    found = set(columns.values())
    if not found & {"bsn", "education_number"} or not {"birth_date", "surname"} <= found:
        raise SignupTableError(
            _(
                "The first row must name the columns: at least BSN or Onderwijsnummer, "
                "Geboortedatum and Achternaam (found: %(found)s)."
            )
            % {"found": ", ".join(str(h).strip() for h in grid[header_index] if h) or "-"}
        )
    rows = []
    for index in range(header_index + 1, len(grid)):
        row = grid[index]
        if _is_empty(row):
            continue
        cells = {name: (row[pos] if pos < len(row) else None) for pos, name in columns.items()}
        rows.append(TableRow(line=index + 1, cells=cells))
    return rows
