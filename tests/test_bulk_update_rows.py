"""``common.bulk.bulk_update_rows``: Django's bulk_update semantics in one short statement."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from common.bulk import bulk_update_rows
from requests.models import RequestStatus, TransferRequest
from students.models import Student
from tests.factories import PrimarySchoolFactory, StudentFactory, TransferRequestFactory

pytestmark = pytest.mark.django_db

AWKWARD = ["it's", 'a "quote"', "back\\slash", "{brace}", "comma, here", "Zoë", "", "NULL"]


def test_writes_the_listed_fields_of_every_row():
    school = PrimarySchoolFactory()
    students = StudentFactory.create_batch(len(AWKWARD))
    for number, (student, text) in enumerate(zip(students, AWKWARD, strict=True)):
        student.surname = text
        student.town = f"town {number}"
        student.birth_date = dt.date(2009, 1, 1) + dt.timedelta(days=number)
        student.primary_school = school if number % 2 else None
        student.dossier_values = {"surname": text, "list": [number, None, text]}

    matched = bulk_update_rows(
        students, ["surname", "town", "birth_date", "primary_school", "dossier_values"]
    )

    assert matched == len(students)
    for number, student in enumerate(students):
        stored = Student.objects.get(pk=student.pk)
        assert stored.surname == AWKWARD[number]
        assert stored.town == f"town {number}"
        assert stored.birth_date == dt.date(2009, 1, 1) + dt.timedelta(days=number)
        assert stored.primary_school_id == (school.pk if number % 2 else None)
        assert stored.dossier_values == {
            "surname": AWKWARD[number],
            "list": [number, None, AWKWARD[number]],
        }


def test_leaves_fields_that_are_not_listed_alone():
    student = StudentFactory(surname="Jansen", town="Zaandam")
    student.surname = "Bakker"
    student.town = "Purmerend"

    bulk_update_rows([student], ["surname"])

    stored = Student.objects.get(pk=student.pk)
    assert (stored.surname, stored.town) == ("Bakker", "Zaandam")


def test_writes_uuids_times_nulls_numbers_and_json_lists():
    rows = TransferRequestFactory.create_batch(3, status=RequestStatus.REQUESTED)
    now = timezone.now()
    tokens = [uuid.uuid4(), None, uuid.uuid4()]
    for number, (row, token) in enumerate(zip(rows, tokens, strict=True)):
        row.status = RequestStatus.PROCESSED
        row.claim_token = token
        row.claimed_until = None if token is None else now + dt.timedelta(minutes=number)
        row.attempts = number
        row.remarks = [f"opmerking {number}", "it's"] if number else []

    bulk_update_rows(rows, ["status", "claim_token", "claimed_until", "attempts", "remarks"])

    for number, row in enumerate(rows):
        stored = TransferRequest.objects.get(pk=row.pk)
        assert stored.status == RequestStatus.PROCESSED
        assert stored.claim_token == tokens[number]
        assert stored.claimed_until == (
            None if tokens[number] is None else now + dt.timedelta(minutes=number)
        )
        assert stored.attempts == number
        assert stored.remarks == ([f"opmerking {number}", "it's"] if number else [])


def test_one_statement_per_batch_whatever_the_number_of_rows():
    students = StudentFactory.create_batch(7)
    for student in students:
        student.town = "Wormerveer"

    with CaptureQueriesContext(connection) as queries:
        bulk_update_rows(students, ["town"], batch_size=3)

    if connection.vendor == "postgresql":
        assert len(queries) == 3
    assert set(Student.objects.values_list("town", flat=True)) == {"Wormerveer"}


def test_nothing_to_write_sends_nothing():
    with CaptureQueriesContext(connection) as queries:
        assert bulk_update_rows([], ["town"]) == 0
    assert len(queries) == 0


def test_refuses_unsaved_objects_and_expressions():
    from django.db.models import F

    if connection.vendor != "postgresql":
        pytest.skip("other databases use Django's bulk_update, which has its own checks")
    with pytest.raises(ValueError, match="saved objects"):
        bulk_update_rows([Student(student_number="1", surname="X")], ["surname"])
    student = StudentFactory()
    student.surname = F("given_name")
    with pytest.raises(ValueError, match="expressions"):
        bulk_update_rows([student], ["surname"])
    with pytest.raises(ValueError, match="cannot write 'id'"):
        bulk_update_rows([student], ["id"])
