"""One signup list with every tricky row, as CSV (any encoding and delimiter) or Excel.

Each entry point (the page, the command, the service) reads it and must sign up
exactly ``EXPECTED_NEW``, skip ``ALREADY`` and refuse the lines of ``REFUSED_LINES``.
``already_signed_up()`` creates the pupil that line 9 names.
"""

from __future__ import annotations

import datetime as dt
import io

from elk_mock.dataset import bsn_from_base, demo_signup_pupils

PUPILS = {pupil.key: pupil for pupil in demo_signup_pupils()}
IRIS = PUPILS["aanm-01"]  # spaces inside the BSN, lower-case BRIN, Windows-1252 name
MEES = PUPILS["aanm-02"]  # dots inside the BSN, jjjj-mm-dd
ZOE = PUPILS["aanm-03"]  # Zoë: a character outside ASCII
SAAR = PUPILS["aanm-07"]  # an onderwijsnummer


def _bsn(base: int) -> str:
    """The first valid BSN from ``base`` on (8 digits of base, the check digit added)."""
    return next(value for n in range(100) if (value := bsn_from_base(f"{base + n:08d}")))


# A valid BSN with a leading zero, which Excel drops: 8 digits in the file.
LEADING_ZERO_BSN = _bsn(1234500)
# A BSN whose check digit is wrong.
BAD_BSN = IRIS.bsn[:-1] + str((int(IRIS.bsn[-1]) + 1) % 10)
ALREADY_BSN = _bsn(44556677)

HEADER = [" bsn ", "ONDERWIJSNUMMER", "Geboorte datum", "achternaam", "Tussenvoegsel",
          "Roepnaam", "BRIN basisschool", "Vestiging"]  # fmt: skip


def _dmy(day: dt.date) -> str:
    return day.strftime("%d-%m-%Y")


def rows(*, excel: bool = False) -> list[list]:
    """The table under the header; ``excel``: dates as Excel cells and serial numbers."""
    zero_bsn = LEADING_ZERO_BSN.lstrip("0")
    iris_date = dt.datetime.combine(IRIS.birth_date, dt.time()) if excel else _dmy(IRIS.birth_date)
    # An Excel date whose cell format was lost: a serial day number.
    serial = (dt.date(2009, 11, 3) - dt.date(1899, 12, 30)).days
    return [
        # line 2: spaces inside the BSN, lower-case BRIN, dd-mm-jjjj
        [" ".join([IRIS.bsn[:3], IRIS.bsn[3:6], IRIS.bsn[6:]]), "", iris_date, IRIS.surname,
         "", IRIS.given_name, "12ab", ""],
        # line 3: an 8-digit BSN (Excel dropped the leading zero); an Excel serial date
        [int(zero_bsn) if excel else zero_bsn, "", serial if excel else "03-11-2009",
         "Ouderkerk", "van", "Anouk", "13CD", "0"],
        # line 4: dots inside the BSN, jjjj-mm-dd
        [".".join([MEES.bsn[:3], MEES.bsn[3:6], MEES.bsn[6:]]), "", MEES.birth_date.isoformat(),
         MEES.surname, MEES.prefix, MEES.given_name, "13CD", ""],
        # line 5: empty
        ["", "", "", "", "", "", "", ""],
        # line 6: a bad check digit
        [BAD_BSN, "", "01-02-2009", "Fout", "", "Piet", "12AB", ""],
        # line 7: the BSN of line 2 again
        [IRIS.bsn, "", _dmy(IRIS.birth_date), "Dubbel", "", "", "12AB", ""],
        # line 8: Zoë, whose ë Windows-1252 writes as one byte
        [ZOE.bsn, "", _dmy(ZOE.birth_date), ZOE.surname, ZOE.prefix, ZOE.given_name, "14EF", "1"],
        # line 9: already signed up
        [ALREADY_BSN, "", "05-05-2009", "Eerder", "", "Lies", "15GH", ""],
        # line 10: an onderwijsnummer, no BSN
        ["", SAAR.education_number, _dmy(SAAR.birth_date), SAAR.surname, "", SAAR.given_name,
         "18NP", ""],
        # line 11: a date that is neither dd-mm-jjjj nor jjjj-mm-dd
        [_bsn(55667788), "", "2009/05/03", "Slash", "",
         "", "12AB", ""],
        # line 12: a BRIN that is not 2 digits and 2 letters
        [_bsn(66778899), "", "03-05-2009", "Brin", "",
         "", "1AB2", ""],
    ]  # fmt: skip


EXPECTED_NEW = {IRIS.bsn, LEADING_ZERO_BSN, MEES.bsn, ZOE.bsn, SAAR.education_number}
ALREADY = 1
REFUSED_LINES = [6, 7, 11, 12]
SUMMARY = "5 aangemeld, 1 al aangemeld, 4 fouten"


def csv_bytes(*, encoding: str = "cp1252", delimiter: str = ";", bom: bool = False) -> bytes:
    lines = [delimiter.join(HEADER)]
    for row in rows():
        lines.append(delimiter.join(str(cell) for cell in row))
    text = "\r\n".join(lines) + "\r\n"
    raw = text.encode(encoding)
    return (b"\xef\xbb\xbf" + raw) if bom else raw


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER)
    for row in rows(excel=True):
        sheet.append([None if cell == "" else cell for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def already_signed_up():
    """The pupil of line 9, signed up before."""
    from tests.factories import StudentFactory

    return StudentFactory(bsn=ALREADY_BSN, surname="Eerder")
