"""Reading a signup list: encodings, delimiters, headers, Excel cells; every tricky row."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from students.services.signup_rows import signup_rows_check
from students.services.signup_table import SignupTableError, signup_table_read
from tests import signup_tables as table

pytestmark = pytest.mark.django_db


def _check(raw: bytes, name: str):
    with translation.override("nl"):
        return signup_rows_check(rows=signup_table_read(raw=raw, file_name=name).rows)


def _new(check) -> set[str]:
    return {signup.bsn or signup.education_number for _line, signup in check.valid}


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        (table.csv_bytes(encoding="cp1252", delimiter=";"), "aanmeldingen.csv"),
        (table.csv_bytes(encoding="utf-8", delimiter=",", bom=True), "aanmeldingen.csv"),
        (table.csv_bytes(encoding="utf-8", delimiter=";"), "aanmeldingen.txt"),
        (table.xlsx_bytes(), "aanmeldingen.xlsx"),
    ],
    ids=["windows-1252-semicolon", "utf8-bom-comma", "utf8-semicolon", "excel"],
)
def test_every_form_of_the_list_gives_the_same_signups_and_refusals(raw, name):
    table.already_signed_up()

    check = _check(raw, name)

    assert _new(check) == table.EXPECTED_NEW
    assert check.already == [9]
    assert [row.line for row in check.refused] == table.REFUSED_LINES


def test_windows_1252_names_and_an_8_digit_bsn_are_read_right():
    check = _check(table.csv_bytes(encoding="cp1252"), "a.csv")
    by_line = dict(check.valid)

    assert by_line[8].given_name == "Zoë"
    assert by_line[3].bsn == table.LEADING_ZERO_BSN
    assert by_line[2].primary_school_brin == "12AB"
    assert by_line[2].bsn == table.IRIS.bsn
    assert by_line[8].branch == "01"


def test_excel_date_cells_and_serial_numbers_are_dates():
    by_line = dict(_check(table.xlsx_bytes(), "a.xlsx").valid)

    assert by_line[2].birth_date == table.IRIS.birth_date
    assert by_line[3].birth_date == dt.date(2009, 11, 3)


def test_each_refused_row_names_the_field_in_dutch_and_never_the_bsn():
    reasons = {row.line: row.reasons for row in _check(table.csv_bytes(), "a.csv").refused}

    assert reasons[6] == ("BSN: het controlecijfer klopt niet (elfproef)",)
    assert reasons[7] == ("BSN: staat al op regel 2",)
    assert reasons[11] == (
        "Geboortedatum: '2009/05/03' is geen datum als dd-mm-jjjj of jjjj-mm-dd",
    )
    assert reasons[12] == ("BRIN basisschool: geen 2 cijfers en 2 letters (zoals 12AB)",)
    text = repr(reasons)
    assert table.BAD_BSN not in text and table.IRIS.bsn not in text


def test_english_headers_are_matched_too():
    raw = (
        "Citizen Service Number,Birth date,Surname,Given name,Primary school BRIN\n"
        f"{table.IRIS.bsn},{table.IRIS.birth_date.isoformat()},Kramer,Iris,12AB\n"
    ).encode()

    assert _new(_check(raw, "list.csv")) == {table.IRIS.bsn}


@pytest.mark.parametrize(
    ("raw", "name", "message"),
    [
        (b"", "a.csv", "Het bestand is leeg."),
        (b"naam;adres\nPiet;Dorp\n", "a.csv", "De eerste regel moet de kolommen noemen"),
        (b"PK\x03\x04broken", "a.xlsx", "geen leesbare Excel-werkmap"),
        (b"\xd0\xcf\x11\xe0old", "a.xls", "Oude Excel-bestanden (.xls)"),
        (b"\x00\x01\x02", "a.csv", "geen CSV- of Excel-bestand"),
    ],
)
def test_a_file_that_is_no_signup_list_says_so_in_dutch(raw, name, message):
    with translation.override("nl"), pytest.raises(SignupTableError) as error:
        signup_table_read(raw=raw, file_name=name)

    assert message in error.value.message
