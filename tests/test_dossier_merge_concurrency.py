"""Two workers merging new pupils at the same time never share a student number or a pupil."""

from __future__ import annotations

import pytest
from django.db import connection

from students.models import DossierOutcome, Student, StudentNumberCounter
from students.services.dossier_merge import DossierIn, dossiers_merge_parsed
from tests.concurrency import run_together
from tests.factories import SignupGroupFactory, bsn_from_seed
from tests.test_dossier_merge import make_parsed


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_chunks_get_distinct_numbers_and_create_each_pupil_once(caplog):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises writers anyway")
    group = SignupGroupFactory()
    StudentNumberCounter.objects.create(pk=1)  # as after the first import
    # Both workers get the same 20 pupils plus 20 of their own.
    shared = [bsn_from_seed(5000 + i) for i in range(20)]
    chunks = [
        shared + [bsn_from_seed(6000 + 100 * worker + i) for i in range(20)] for worker in range(2)
    ]

    def worker(number: int):
        parsed = [make_parsed(bsn=bsn) for bsn in chunks[number]]
        items = [
            DossierIn(raw=b"<dossier/>", source_name=f"{number}-{i}.xml")
            for i in range(len(parsed))
        ]
        return lambda: [
            result.outcome
            for result in dossiers_merge_parsed(items=items, parsed=parsed, signup_group=group)
        ]

    outcomes = run_together(worker(0), worker(1), timeout=60)

    # The row lock kept the workers apart: no bulk write had to be redone file by file.
    assert "one by one" not in caplog.text
    assert Student.objects.count() == 60
    numbers = list(Student.objects.values_list("student_number", flat=True))
    assert len(set(numbers)) == 60
    # The shared pupils were created by one worker and found as "not changed" by the other.
    shared_outcomes = [o for worker in outcomes for o in worker[:20]]
    assert shared_outcomes.count(DossierOutcome.CREATED) == 20
    assert shared_outcomes.count(DossierOutcome.NOT_CHANGED) == 20
