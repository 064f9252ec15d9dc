"""The cards as a table (students.card_exports): the CSV and Excel contract."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile

import pytest
from django.utils import translation
from openpyxl import load_workbook

from common.security import find_identifiers
from requests.models import RequestStatus
from students.card_exports import CONTRACT_HEADERS, HEADERS, cards_csv, cards_xlsx, export_rows
from students.models import Student
from tests.factories import (
    FinalTestResultFactory,
    PrimarySchoolFactory,
    PriorEducationFactory,
    SignupGroupFactory,
    StudentFactory,
    TransferRequestFactory,
    bsn_from_seed,
)

pytestmark = pytest.mark.django_db

EXPECTED_FIRST_COLUMNS = [
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
]
LEVELS = [
    {"code": "8050", "name": "Nederlandse taal - Lezen", "level": "04"},
    {"code": "8051", "name": "Nederlandse taal - Taalverzorging", "level": "03"},
    {"code": "8001", "name": "Rekenen", "level": "02"},
]


@pytest.fixture
def group():
    return SignupGroupFactory()


@pytest.fixture
def pupils(group):
    """Three pupils: a full card, an unknown advice code, and one signed up without a file."""
    school = PrimarySchoolFactory(brin="12AB", branch="01", name="OBS De Vuurtoren")
    noor = StudentFactory(
        student_number="1000000001",
        given_name="Noor",
        prefix="van 't",
        surname="Hof",
        birth_date=dt.date(2009, 5, 14),
        bsn="123456782",
        signup_group=group,
        elk_status="geplaatst",
        elk_status_date=dt.date(2021, 4, 1),
    )
    card = PriorEducationFactory(
        student=noor,
        primary_school=school,
        advice_code="50",
        revised_advice_code="60",
        revised_advice_motivation="Toets hoger dan advies; BSN 123456782 stond in de tekst.",
        parents_wish_code="60",
        last_dossier_date=dt.date(2021, 5, 10),
    )
    FinalTestResultFactory(
        prior_education=card, test_type_code="0012", date=dt.date(2021, 2, 1), standard_score=80
    )
    FinalTestResultFactory(
        prior_education=card,
        test_type_code="0011",
        date=dt.date(2021, 4, 20),
        standard_score=540,
        test_advice="havo/vwo",
        reference_levels=LEVELS,
    )
    TransferRequestFactory(student=noor, status=RequestStatus.FAILED)
    TransferRequestFactory(student=noor, status=RequestStatus.PROCESSED)

    jan = StudentFactory(
        student_number="1000000002",
        given_name="Jan",
        prefix="",
        surname="=Meer",
        bsn="",
        education_number="101234568",
        signup_group=group,
    )
    PriorEducationFactory(
        student=jan, primary_school=school, advice_code="44", last_dossier_date=dt.date(2021, 3, 1)
    )

    signed_up = StudentFactory(
        student_number="1000000003",
        given_name="Sem",
        prefix="de",
        surname="Jong",
        birth_date=dt.date(2009, 8, 30),
        bsn=bsn_from_seed(77),
        signup_group=group,
    )
    TransferRequestFactory(student=signed_up, status=RequestStatus.READY)
    StudentFactory(signup_group=SignupGroupFactory(name="Andere groep"))  # not in the group
    return noor, jan, signed_up


def _rows(group):
    return export_rows(students=Student.objects.filter(signup_group=group))


def _csv(group) -> str:
    return "".join(cards_csv(_rows(group)))


def _parsed(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))


def test_csv_starts_with_a_bom_and_the_contract_headers_in_order(pupils, group):
    text = _csv(group)

    assert text.startswith("\ufeff")
    header = next(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert header[:15] == EXPECTED_FIRST_COLUMNS
    assert list(CONTRACT_HEADERS) == EXPECTED_FIRST_COLUMNS
    assert header == list(HEADERS)
    assert text.splitlines()[0].count(";") == len(HEADERS) - 1


def test_csv_has_one_row_per_pupil_of_the_group_also_without_a_file(pupils, group):
    rows = _parsed(_csv(group))

    assert [r["Stamnummer"] for r in rows] == ["1000000001", "1000000002", "1000000003"]


def test_a_full_card_reads_codes_with_labels_dutch_dates_and_the_latest_test(pupils, group):
    noor = _parsed(_csv(group))[0]

    assert noor["Roepnaam"] == "Noor"
    assert noor["Tussenvoegsel"] == "van 't"
    assert noor["Achternaam"] == "Hof"
    assert noor["Geboortedatum"] == "14-05-2009"
    assert noor["Basisschool"] == "OBS De Vuurtoren"
    assert noor["BRIN"] == "12AB"
    assert noor["Vestiging"] == "01"
    assert noor["Schooladvies"] == "havo (50)"
    assert noor["Herzien advies"] == "vwo (60)"
    assert noor["Wens ouders"] == "vwo (60)"
    # The test taken last (April), not the one from February.
    assert noor["Toets"] == "Centrale Eindtoets (0011)"
    assert noor["Afnamedatum"] == "20-04-2021"
    assert noor["Standaardscore"] == "540"
    assert noor["Toetsadvies"] == "havo/vwo"
    assert noor["Referentieniveau lezen"] == "2F (04)"
    assert noor["Referentieniveau taalverzorging"] == "1S (03)"
    assert noor["Referentieniveau rekenen"] == "1F (02)"
    assert noor["Status laatste aanvraag"] == "Verwerkt"
    assert noor["Leerlingstatus"] == "Dossier ontvangen"
    assert noor["Datum laatste dossier"] == "10-05-2021"
    assert noor["ELK-status"] == "Geplaatst"
    assert noor["Datum ELK-status"] == "01-04-2021"
    assert noor["Aanmeldingsgroep"] == "Groep 8 - Saenredam College"


def test_a_code_without_a_label_says_so(pupils, group):
    jan = _parsed(_csv(group))[1]

    assert jan["Schooladvies"] == "code 44 (omschrijving onbekend)"
    assert jan["Toets"] == ""


def test_a_pupil_without_a_file_has_empty_card_columns_and_the_state(pupils, group):
    sem = _parsed(_csv(group))[2]

    assert (sem["Stamnummer"], sem["Roepnaam"], sem["Achternaam"]) == ("1000000003", "Sem", "Jong")
    assert sem["Geboortedatum"] == "30-08-2009"
    card_columns = [
        "Basisschool",
        "BRIN",
        "Schooladvies",
        "Herzien advies",
        "Toets",
        "Afnamedatum",
        "Standaardscore",
        "Toetsadvies",
        "Vestiging",
        "Datum laatste dossier",
        "Wens ouders",
        "Referentieniveau rekenen",
    ]
    assert {name: sem[name] for name in card_columns} == dict.fromkeys(card_columns, "")
    assert sem["Leerlingstatus"] == "Aangemeld, nog geen dossier"
    assert sem["Status laatste aanvraag"] == "Klaar om op te vragen"


def test_a_card_made_at_signup_without_a_file_counts_as_no_file(pupils, group):
    _noor, _jan, sem = pupils
    PriorEducationFactory(student=sem, advice_code="", primary_school=PrimarySchoolFactory())

    row = _parsed(_csv(group))[2]

    assert (row["Basisschool"], row["Leerlingstatus"]) == ("", "Aangemeld, nog geen dossier")


def test_the_bsn_column_is_masked_and_no_full_bsn_is_anywhere_in_the_csv(pupils, group):
    text = _csv(group)
    rows = _parsed(text)

    assert [r["BSN/onderwijsnummer"] for r in rows] == [
        "*****6782",
        "*****4568",
        rows[2]["BSN/onderwijsnummer"],
    ]
    assert rows[2]["BSN/onderwijsnummer"] == "*****" + bsn_from_seed(77)[-4:]
    assert "*****6782" in rows[0]["Motivatie herzien advies"]
    assert find_identifiers(text) == []


def test_text_a_spreadsheet_would_run_is_quoted(pupils, group):
    assert _parsed(_csv(group))[1]["Achternaam"] == "'=Meer"


def test_the_export_is_dutch_whatever_the_active_language(pupils, group):
    with translation.override("en"):
        rows = _parsed(_csv(group))

    assert rows[0]["Status laatste aanvraag"] == "Verwerkt"
    assert rows[1]["Schooladvies"] == "code 44 (omschrijving onbekend)"
    assert rows[2]["Leerlingstatus"] == "Aangemeld, nog geen dossier"


def _workbook(group):
    return load_workbook(io.BytesIO(cards_xlsx(_rows(group))))


def test_excel_has_the_same_headers_in_the_same_order(pupils, group):
    sheet = _workbook(group).active

    header = [cell.value for cell in sheet[1]]
    assert header[:15] == EXPECTED_FIRST_COLUMNS
    assert header == list(HEADERS)
    assert sheet.max_row == 4  # the header and three pupils


def test_excel_freezes_the_header_filters_and_shows_real_dates_as_dd_mm_jjjj(pupils, group):
    sheet = _workbook(group).active
    column = {cell.value: cell.column_letter for cell in sheet[1]}

    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{column['Aanmeldingsgroep']}4"
    born = sheet[f"{column['Geboortedatum']}2"]
    assert born.is_date and born.value.date() == dt.date(2009, 5, 14)
    assert born.number_format == "dd-mm-yyyy"
    taken = sheet[f"{column['Afnamedatum']}2"]
    assert taken.is_date and taken.value.date() == dt.date(2021, 4, 20)
    assert taken.number_format == "dd-mm-yyyy"
    assert sheet[f"{column['Standaardscore']}2"].value == 540
    # The pupil without a file: empty cells, not zeros or "None".
    assert sheet[f"{column['Afnamedatum']}4"].value is None
    assert sheet[f"{column['Leerlingstatus']}4"].value == "Aangemeld, nog geen dossier"
    assert all(cell.font.bold for cell in sheet[1])


def test_excel_columns_are_as_wide_as_their_content(pupils, group):
    sheet = _workbook(group).active
    column = {cell.value: cell.column_letter for cell in sheet[1]}

    widths = {name: sheet.column_dimensions[letter].width for name, letter in column.items()}
    assert widths["BRIN"] < widths["Basisschool"] < widths["Motivatie herzien advies"]
    assert widths["Schooladvies"] >= len("havo (50)")
    assert all(8 <= width <= 60 for width in widths.values())


def test_no_full_bsn_anywhere_in_the_excel_file(pupils, group):
    content = cards_xlsx(_rows(group))
    sheet = load_workbook(io.BytesIO(content)).active

    column = {cell.value: cell.column_letter for cell in sheet[1]}
    assert sheet[f"{column['BSN/onderwijsnummer']}2"].value == "*****6782"
    with zipfile.ZipFile(io.BytesIO(content)) as parts:
        for name in parts.namelist():
            assert find_identifiers(parts.read(name).decode("utf-8", "replace")) == [], name


def test_the_rows_cost_three_queries_and_the_print_remarks_one_more(
    pupils, group, django_assert_num_queries
):
    from students.selectors.cards import card_rows
    from students.selectors.dossiers import applied_dossiers

    students = Student.objects.filter(signup_group=group)
    with django_assert_num_queries(3):  # pupils with cards, final tests, codelist labels
        card_rows(students=students)
    with django_assert_num_queries(4):
        card_rows(students=students, with_remarks=True)
    with django_assert_num_queries(1):
        list(applied_dossiers(students=students))
