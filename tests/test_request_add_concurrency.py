"""Two adds of the same pupils at once (a double click): one request and one audit entry each.

Each call counts and audits only the rows it inserted itself, so both users are told
the right number and the audit log holds one ``request_added`` per request.
"""

from __future__ import annotations

import pytest
from django.db import connection

from audit.models import AuditAction, AuditEntry
from requests.models import TransferRequest
from requests.services import transfer_requests_add
from tests.concurrency import run_together
from tests.factories import StudentFactory


def _added_entries() -> int:
    return AuditEntry.objects.filter(action=AuditAction.REQUEST_ADDED).count()


@pytest.mark.django_db
def test_an_add_that_lands_between_our_check_and_our_insert_is_not_counted_as_ours(monkeypatch):
    students = [StudentFactory() for _ in range(6)]
    ids = [student.pk for student in students]
    manager = type(TransferRequest.objects)
    original = manager.bulk_create
    others: list = []

    def other_click_first(self, objs, *args, **kwargs):
        # The same user's other click inserts half of the same pupils just before us.
        if not others:
            monkeypatch.setattr(manager, "bulk_create", original)
            others.append(transfer_requests_add(student_ids=ids[:3], user="marieke"))
        return original(self, objs, *args, **kwargs)

    monkeypatch.setattr(manager, "bulk_create", other_click_first)

    ours = transfer_requests_add(student_ids=ids, user="marieke")

    [theirs] = others
    assert (theirs.added, ours.added, ours.skipped_open) == (3, 3, 3)
    assert TransferRequest.objects.count() == 6
    assert _added_entries() == 6
    assert sorted(AuditEntry.objects.values_list("student_id", flat=True)) == sorted(ids)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_parallel_adds_of_a_group_write_one_audit_entry_per_request():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent connections need PostgreSQL; SQLite serialises writers anyway")
    ids = [StudentFactory().pk for _ in range(300)]

    def click():
        return transfer_requests_add(student_ids=ids, user="marieke")

    results = run_together(click, click)

    assert TransferRequest.objects.count() == 300
    assert _added_entries() == 300
    assert sum(result.added for result in results) == 300
    assert all(result.added + result.skipped_open == 300 for result in results)
