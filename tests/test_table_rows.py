"""The two staff tables render their rows in Python: every cell as django-tables2 renders it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import RequestFactory
from django.utils import timezone, translation
from django.utils.html import conditional_escape
from django_tables2 import RequestConfig

from requests.models import RequestMode, RequestStatus, TransferRequest
from requests.tables import TransferRequestTable
from students.models import ElkDot, ElkStatus, Student
from students.selectors.students import has_file
from students.tables import StudentTable
from tests.factories import StudentFactory, TransferRequestFactory

pytestmark = pytest.mark.django_db


def _django_tables2_cells(table) -> list[list[str]]:
    """What django-tables2's cell loop puts in each ``<td>``: ``{{ cell }}``, so escaped.

    (The included cell templates end in a newline, which HTML ignores.)
    """
    return [
        [
            str(conditional_escape(row.get_cell(column.name))).rstrip("\n")
            for column in table.columns
        ]
        for row in table.paginated_rows
    ]


def _python_cells(table) -> list[list[str]]:
    return [
        [getattr(table, f"cell_{column.name}")(row.record).rstrip("\n") for column in table.columns]
        for row in table.paginated_rows
    ]


def _assert_same_cells(table) -> None:
    expected = _django_tables2_cells(table)
    got = _python_cells(table)
    assert len(got) == len(expected)
    for row_got, row_expected in zip(got, expected, strict=True):
        for column, cell_got, cell_expected in zip(
            table.columns, row_got, row_expected, strict=True
        ):
            assert (column.name, cell_got) == (column.name, cell_expected)


def _configured(table):
    RequestConfig(RequestFactory().get("/"), paginate={"per_page": 50}).configure(table)
    return table


def _students_of_every_kind() -> None:
    StudentFactory(elk_status=ElkStatus.PLACED, elk_status_date=dt.date(2021, 3, 1))
    StudentFactory(elk_status=ElkStatus.PLACED_GUIDED, elk_dot=ElkDot.BLUE, sex="2")
    StudentFactory(elk_dot=ElkDot.GREEN, prefix="", sex="0", birth_date=None)
    StudentFactory(elk_status=ElkStatus.PLACED, signup_group=None, primary_school=None)
    StudentFactory(given_name="<b>Ä</b>", surname="O'Neil & Zn", student_number="20 21&a")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_search_cell_matches_django_tables2(language):
    _students_of_every_kind()

    with translation.override(language):
        students = Student.objects.annotate(has_file=has_file()).order_by("student_number")
        table = _configured(StudentTable(students))
        _assert_same_cells(table)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_request_cell_matches_django_tables2(language):
    moment = timezone.make_aware(dt.datetime(2021, 5, 11, 23, 30))
    for status in RequestStatus.values:
        TransferRequestFactory(status=status)
    TransferRequestFactory(
        status=RequestStatus.PROCESSED_WITH_REMARKS, remarks=["Achternaam: <lokaal> behouden"]
    )
    TransferRequestFactory(status=RequestStatus.FAILED, error="Het eindpunt antwoordde niet.")
    TransferRequestFactory(mode=RequestMode.CHANGES_SINCE, changed_since=dt.date(2021, 3, 20))
    TransferRequest.objects.update(last_activity_at=moment)

    with translation.override(language):
        queryset = TransferRequest.objects.select_related("student").order_by("pk")
        table = _configured(TransferRequestTable(queryset))
        _assert_same_cells(table)


def test_the_body_holds_one_row_per_record_with_even_and_odd_and_the_empty_text():
    _students_of_every_kind()
    table = _configured(StudentTable(Student.objects.order_by("student_number")))
    body = str(table.body_html())

    assert body.count("<tr ") == 5
    assert body.count('<tr class="even">') == 3 and body.count('<tr class="odd">') == 2
    assert body.count('<td class="col-select">') == 5

    empty = str(_configured(StudentTable(Student.objects.none())).body_html())
    assert 'colspan="10"' in empty and str(StudentTable.Meta.empty_text) in empty
