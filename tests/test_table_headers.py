"""The column headers of the two staff tables, in the exact Dutch of the old screens."""

from __future__ import annotations

from django.utils import translation

from requests.models import TransferRequest
from requests.tables import TransferRequestTable
from students.filters import StudentSearchFilter
from students.models import Student
from students.tables import StudentTable


def headers(table) -> list[str]:
    return [str(column.header) for column in table.columns if column.name != "select"]


def test_search_result_columns_are_the_seeds_dutch_names():
    with translation.override("nl"):
        names = headers(StudentTable(Student.objects.none()))

    assert names == [
        "Stamnr",
        "Roepnaam",
        "Tussenvoegsel",
        "Achternaam",
        "Geboortedatum",
        "Geslacht",
        "Groep",
        "Basisschool",
        "ELK-status",
    ]


def test_the_search_field_keeps_its_own_label_stamnr_with_a_dot():
    with translation.override("nl"):
        label = str(StudentSearchFilter().form["student_number"].label)

    assert label == "Stamnr."


def test_requests_overview_columns_are_the_seeds_dutch_names():
    with translation.override("nl"):
        names = headers(TransferRequestTable(TransferRequest.objects.none()))

    assert names == [
        "Status",
        "Laatste activiteit",
        "Aanvraag",
        "Stamnummer",
        "Roepnaam",
        "Tussenvoegsel",
        "Achternaam",
        "Opmerkingen",
        # Added after the seed's columns: with the history shown, a pupil's rows differ by it.
        "Soort aanvraag",
    ]
