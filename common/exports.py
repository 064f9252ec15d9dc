"""What every spreadsheet export shares (requests overview, card exports, audit log CSV)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import TypeVar

from django.utils.functional import Promise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

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


# --- Excel ---------------------------------------------------------------------------------

# Dutch staff read dates as dd-mm-jjjj; Excel keeps them as real dates to sort on.
EXCEL_DATE_FORMAT = "dd-mm-yyyy"
EXCEL_DATETIME_FORMAT = "dd-mm-yyyy hh:mm"
_MIN_WIDTH, _MAX_WIDTH = 8, 60


def _shown_length(value: object) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 16
    if isinstance(value, dt.date):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0)


def xlsx_table(*, title: str, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """One sheet: a bold, frozen header row with an auto-filter, and the rows below it.

    Dates are real Excel dates shown as dd-mm-jjjj; text that a spreadsheet would
    run as a formula is quoted (``spreadsheet_safe``); each column is as wide as
    its longest value (within bounds). The rows are held once, to measure them.
    """
    rows = [list(row) for row in rows]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    widths = [len(h) for h in headers]
    for row in rows:
        for index, value in enumerate(row):
            widths[index] = max(widths[index], _shown_length(value))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(
            max(width + 2, _MIN_WIDTH), _MAX_WIDTH
        )
    sheet.freeze_panes = "A2"
    last = f"{get_column_letter(len(headers))}{len(rows) + 1}"
    sheet.auto_filter.ref = f"A1:{last}"
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_excel_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _excel_cell(sheet, value: object):
    if isinstance(value, Promise):  # a lazy translation: its text
        value = str(value)
    if isinstance(value, dt.datetime):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = EXCEL_DATETIME_FORMAT
        return cell
    if isinstance(value, dt.date):
        # Excel stores a date as a day number: a date at midnight is the same cell.
        cell = WriteOnlyCell(sheet, value=dt.datetime.combine(value, dt.time()))
        cell.number_format = EXCEL_DATE_FORMAT
        return cell
    return spreadsheet_safe(value)
