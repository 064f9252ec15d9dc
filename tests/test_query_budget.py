"""Query budgets of the bulk paths: the same number of queries for a small and a large chunk.

A batch must cost the same number of queries per chunk whatever the chunk size and however
many students the database holds, or a region's 10,000 requests would slow down as the
tables grow. Each test runs one chunk of ``SMALL`` files on a
nearly empty database and one of ``LARGE`` files on a database with ``FILLER`` more
students, counting every statement with CaptureQueriesContext, and compares.
The sizes stay under the merge's own cap per transaction (MAX_SUB_CHUNK).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from elk_mock.dataset import Pupil, generated_pupils, released_version
from requests.models import RequestMode, RequestStatus, TransferRequest
from requests.services import transfer_requests_add, transfer_requests_send
from requests.services.pipeline import transfer_requests_poll, transfer_requests_submit
from students.models import DossierOutcome, PrimarySchool, SignupGroup, Student
from students.services.dossier_merge import MAX_SUB_CHUNK, DossierIn, dossiers_merge

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# SQLite caps a statement at 999 parameters (Django's limit for it), so a bulk INSERT of
# more than about 35 students is split there: the larger size stays under that cap.
SMALL, FILLER = 4, 60
LARGE = 40 if connection.vendor == "postgresql" else 30
PUPILS = 200  # the mock serves generated:PUPILS (seed 0), as generated_pupils(PUPILS)
LATER = dt.date(2021, 5, 20)  # every later file (final test, revised advice) is out


@pytest.fixture(scope="module")
def pupils() -> list[Pupil]:
    return generated_pupils(PUPILS)


@pytest.fixture(scope="module")
def mock_process():
    from elk_mock.testing import MockEndpoint

    with MockEndpoint(dataset=f"generated:{PUPILS}", clock=LATER) as mock:
        yield mock


@pytest.fixture
def mock(mock_process, settings):
    mock_process.reset(faults=True, stats=True)
    mock_process.set_clock(LATER)
    settings.OSO_ENDPOINT_URL = mock_process.url
    return mock_process


def _with_later_file(pupils: list[Pupil]) -> list[Pupil]:
    """Pupils whose file at LATER is newer than their first one (it has a final test)."""
    return [p for p in pupils if released_version(p, LATER) is not p.versions[0]]


def _import_first(pupils: list[Pupil], group: SignupGroup) -> list[int]:
    results = dossiers_merge(
        items=[DossierIn(raw=p.versions[0].xml, source_name=f"{p.key}.xml") for p in pupils],
        signup_group=group,
    )
    assert {r.outcome for r in results} == {DossierOutcome.CREATED}
    return [r.student_id for r in results]


def _count(run) -> int:
    with CaptureQueriesContext(connection) as queries:
        run()
    return len(queries)


@pytest.fixture
def group(pupils) -> SignupGroup:
    """The signup group, and every primary school of the data set as the files name it.

    A chunk that meets a school for the first time creates it (two more queries): that
    depends on the files, not on the chunk's size, so the schools exist beforehand.
    """
    for pupil in pupils:
        PrimarySchool.objects.get_or_create(
            brin=pupil.primary_school_brin,
            branch=pupil.primary_school_branch,
            defaults={"name": pupil.primary_school_name},
        )
    return SignupGroup.objects.create(name="Budget", school_year="2021-2022")


def test_the_merge_of_a_chunk_of_new_students_costs_the_same_queries_at_any_size(pupils, group):
    assert LARGE <= MAX_SUB_CHUNK
    small, large = pupils[:SMALL], pupils[SMALL : SMALL + LARGE]
    # Some students first (the first creation also creates the student number counter).
    _import_first(pupils[100:110], group)
    items = [DossierIn(raw=p.versions[0].xml, source_name=p.key) for p in small]
    small_count = _count(lambda: dossiers_merge(items=items, signup_group=group))

    _import_first(pupils[110 : 110 + FILLER], group)
    items = [DossierIn(raw=p.versions[0].xml, source_name=p.key) for p in large]
    large_count = _count(lambda: dossiers_merge(items=items, signup_group=group))

    assert Student.objects.count() == 10 + SMALL + FILLER + LARGE
    assert small_count == large_count


def test_the_merge_of_a_chunk_of_later_files_costs_the_same_queries_at_any_size(pupils, group):
    changed = _with_later_file(pupils)
    small, large, filler = changed[:SMALL], changed[SMALL : SMALL + LARGE], pupils[-FILLER:]
    assert not {p.key for p in filler} & {p.key for p in small + large}
    _import_first(small + large, group)

    def merge(chunk: list[Pupil]) -> None:
        results = dossiers_merge(
            items=[DossierIn(raw=released_version(p, LATER).xml, source_name=p.key) for p in chunk]
        )
        assert {r.outcome for r in results} <= {
            DossierOutcome.PROCESSED,
            DossierOutcome.PROCESSED_WITH_REMARKS,
        }

    small_count = _count(lambda: merge(small))
    _import_first(filler, group)
    large_count = _count(lambda: merge(large))

    assert small_count == large_count


def _send(student_ids: list[int]) -> list[int]:
    transfer_requests_add(student_ids=student_ids, user="budget")
    ready = TransferRequest.objects.filter(student_id__in=student_ids, status=RequestStatus.READY)
    batch = transfer_requests_send(
        request_ids=list(ready.values_list("id", flat=True)),
        mode=RequestMode.CURRENT,
        changed_since=None,
        user="budget",
    )
    assert batch is not None
    return list(batch.requests.order_by("id").values_list("id", flat=True))


def test_a_worker_submits_and_polls_a_chunk_with_the_same_queries_at_any_size(mock, pupils, group):
    changed = _with_later_file(pupils)
    small, large, filler = changed[:SMALL], changed[SMALL : SMALL + LARGE], pupils[-FILLER:]
    assert not {p.key for p in filler} & {p.key for p in small + large}
    small_ids = _send(_import_first(small, group))

    small_submit = _count(lambda: transfer_requests_submit(request_ids=small_ids))
    small_poll = _count(lambda: transfer_requests_poll(request_ids=small_ids))

    _import_first(filler, group)
    large_ids = _send(_import_first(large, group))
    large_submit = _count(lambda: transfer_requests_submit(request_ids=large_ids))
    large_poll = _count(lambda: transfer_requests_poll(request_ids=large_ids))

    statuses = set(
        TransferRequest.objects.filter(id__in=small_ids + large_ids).values_list(
            "status", flat=True
        )
    )
    assert statuses <= {RequestStatus.PROCESSED, RequestStatus.PROCESSED_WITH_REMARKS}
    assert RequestStatus.PROCESSED in statuses
    assert (small_submit, small_poll) == (large_submit, large_poll)
