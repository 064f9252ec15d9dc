"""The cards of a set of pupils as a table: CSV and Excel for class formation.

The columns are a contract (the command ``export_cards``, the *Exporteren* links):
the first fifteen names and their order never change; more columns may only be
added after them. Headers and values are Dutch whatever the page language, dates
dd-mm-jjjj, codes read with their label (``havo (50)``), the BSN masked. A pupil
whose first file has not arrived has empty card columns and the pupil state
*Aangemeld, nog geen dossier*.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from common.exports import spreadsheet_safe, xlsx_table
from common.security import redact_identifiers
from students.models import Student
from students.selectors.cards import CardRow, card_rows

# The output is for other systems and people alike: always in Dutch.
EXPORT_LANGUAGE = "nl"

CONTRACT_HEADERS: tuple[str, ...] = (
    "Stamnummer",
    "Roepnaam",
    "Tussenvoegsel",
    "Achternaam",
    "Geboortedatum",
    "Basisschool",
    "BRIN",
    "Schooladvies",
    "Herzien advies",
    "Toets",
    "Afnamedatum",
    "Standaardscore",
    "Toetsadvies",
    "Status laatste aanvraag",
    "BSN/onderwijsnummer",
)
MORE_HEADERS: tuple[str, ...] = (
    "Leerlingstatus",
    "Datum laatste dossier",
    "Vestiging",
    "Motivatie herzien advies",
    "Wens ouders",
    "Wens leerling",
    "Referentieniveau lezen",
    "Referentieniveau taalverzorging",
    "Referentieniveau rekenen",
    "ELK-status",
    "Datum ELK-status",
    "Aanmeldingsgroep",
)
HEADERS: tuple[str, ...] = CONTRACT_HEADERS + MORE_HEADERS
SHEET_TITLE = "Leerlingkaarten"


def export_rows(*, students: QuerySet[Student]) -> list[CardRow]:
    """The rows of an export, their labels read in Dutch."""
    with translation.override(EXPORT_LANGUAGE):
        return card_rows(students=students)


def pupil_state(row: CardRow) -> str:
    return _("File received") if row.has_file else _("Signed up, no file yet")


def card_values(row: CardRow) -> list[object]:
    """One row's cells as plain values (str, int, date or None), in HEADERS order."""
    student, test = row.student, row.test
    return [
        student.student_number,
        student.given_name,
        student.prefix,
        student.surname,
        student.birth_date,
        row.school_name,
        row.brin,
        row.advice,
        row.revised_advice,
        test.test if test else "",
        test.date if test else None,
        test.standard_score if test else None,
        test.test_advice if test else "",
        row.latest_request_status,
        row.identifier_masked,
        pupil_state(row),
        row.last_dossier_date,
        row.branch,
        row.revised_advice_motivation,
        row.parents_wish,
        row.pupil_wish,
        test.areas.get("reading", "") if test else "",
        test.areas.get("language", "") if test else "",
        test.areas.get("maths", "") if test else "",
        row.elk_status,
        student.elk_status_date,
        row.signup_group,
    ]


def _export_values(row: CardRow) -> list[object]:
    """Cells with every identifier in free text masked (a motivation may quote a BSN)."""
    return [redact_identifiers(v) if isinstance(v, str) else v for v in card_values(row)]


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.strftime("%d-%m-%Y")
    return str(spreadsheet_safe(str(value)))


class _Echo:
    def write(self, value: str) -> str:
        return value


def cards_csv(rows: Iterable[CardRow]) -> Iterator[str]:
    """The CSV as text pieces: a BOM, the header line, one line per pupil; ``;``-separated."""
    writer = csv.writer(_Echo(), delimiter=";")
    with translation.override(EXPORT_LANGUAGE):
        yield "\ufeff"
        yield writer.writerow(HEADERS)
        for row in rows:
            yield writer.writerow([_csv_cell(v) for v in _export_values(row)])


def cards_xlsx(rows: Iterable[CardRow]) -> bytes:
    """The same columns as an Excel workbook: real dates, widths, frozen header, auto-filter."""
    with translation.override(EXPORT_LANGUAGE):
        return xlsx_table(
            title=SHEET_TITLE, headers=HEADERS, rows=(_export_values(row) for row in rows)
        )
