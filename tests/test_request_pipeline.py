"""The worker-side services against a running mock endpoint (no worker: the steps are called here).

Each step is what one task runs: submit a chunk, poll a chunk, dispatch what is due,
sweep what is stuck. The real worker runs them in tests/test_request_worker.py.
"""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from audit.models import SYSTEM_ACTOR, AuditAction, AuditEntry
from elk_mock.dataset import DEMO_MAY_DATE
from requests.models import RequestMode, RequestStatus, TransferRequest
from requests.services.enqueue import capped_countdown
from requests.services.pipeline import (
    transfer_requests_dispatch_due,
    transfer_requests_poll,
    transfer_requests_submit,
    transfer_requests_sweep,
)
from students.models import ElkDot, FinalTestResult, ReceivedDossier
from tests.request_support import requests_send

pytestmark = pytest.mark.django_db

AFTER_MAY = DEMO_MAY_DATE + timedelta(days=1)  # the May files are out, the late one is not
AFTER_LATE_MAY = dt.date(2021, 5, 26)  # every file is out


def _send(students, *, mode=RequestMode.CURRENT, changed_since=None) -> list[int]:
    batch = requests_send(students, mode=mode, changed_since=changed_since)
    return list(batch.requests.order_by("id").values_list("id", flat=True))


def _statuses(ids) -> dict[int, str]:
    return dict(TransferRequest.objects.filter(id__in=ids).values_list("id", "status"))


def _status_of(student) -> str:
    return student.transfer_requests.latest("created_at").status


def test_a_batch_goes_from_ready_to_final_and_the_card_shows_the_may_file(elk_mock, demo_students):
    elk_mock.set_clock(AFTER_MAY)
    ids = _send(list(demo_students.values()))

    submitted = transfer_requests_submit(request_ids=ids)
    assert set(_statuses(ids).values()) == {RequestStatus.REQUESTED}
    assert sorted(submitted.poll_ids) == sorted(ids)
    transfer_requests_poll(request_ids=ids)

    statuses = {key: _status_of(student) for key, student in demo_students.items()}
    # Both May files and unchanged first files; the late May file is not released yet.
    assert statuses["demo-01"] == RequestStatus.PROCESSED
    assert statuses["demo-03"] == RequestStatus.NOT_CHANGED
    assert statuses["demo-12"] == RequestStatus.WAITING
    assert RequestStatus.FAILED not in statuses.values()
    card = demo_students["demo-01"].prior_education
    card.refresh_from_db()
    assert card.revised_advice_code
    assert card.final_tests.filter(standard_score__isnull=False).exists()
    demo_students["demo-01"].refresh_from_db()
    assert demo_students["demo-01"].elk_dot == ElkDot.GREEN


def test_a_changes_since_request_for_an_unchanged_file_gives_not_changed(elk_mock, demo_students):
    unchanged = demo_students["demo-03"]
    ids = _send([unchanged], mode=RequestMode.CHANGES_SINCE)

    transfer_requests_submit(request_ids=ids)
    transfer_requests_poll(request_ids=ids)

    request = TransferRequest.objects.get(id=ids[0])
    assert request.status == RequestStatus.NOT_CHANGED
    assert request.changed_since == unchanged.prior_education.last_dossier_date
    with translation.override("nl"):
        assert request.get_status_display() == "Leerlinginfo niet gewijzigd"


def test_a_file_that_is_not_released_waits_and_is_processed_once_it_is(elk_mock, demo_students):
    late = demo_students["demo-12"]
    elk_mock.set_clock(AFTER_MAY)
    ids = _send([late])
    transfer_requests_submit(request_ids=ids)
    transfer_requests_poll(request_ids=ids)
    waiting = TransferRequest.objects.get(id=ids[0])
    assert waiting.status == RequestStatus.WAITING
    assert waiting.next_attempt_at > timezone.now()

    # Not due yet: nothing is dispatched.
    assert transfer_requests_dispatch_due().poll_ids == []
    elk_mock.set_clock(AFTER_LATE_MAY)
    due = transfer_requests_dispatch_due(now=waiting.next_attempt_at + timedelta(seconds=1))
    assert due.poll_ids == ids
    transfer_requests_poll(request_ids=due.poll_ids)

    assert TransferRequest.objects.get(id=ids[0]).status == RequestStatus.PROCESSED
    assert FinalTestResult.objects.filter(prior_education__student=late).exists()


def test_a_dispatched_request_is_not_dispatched_again_while_its_task_is_queued(
    elk_mock, demo_students
):
    ids = _send([demo_students["demo-16"]])  # its March file is not released at the start
    transfer_requests_submit(request_ids=ids)
    transfer_requests_poll(request_ids=ids)
    later = timezone.now() + timedelta(hours=2)

    first = transfer_requests_dispatch_due(now=later)
    second = transfer_requests_dispatch_due(now=later)

    assert first.poll_ids == ids
    assert second.poll_ids == []


def test_a_refused_request_fails_at_once_with_the_dutch_reason(elk_mock, demo_students):
    elk_mock.set_faults(refuse="demo-02")
    ids = _send([demo_students["demo-02"]])

    outcome = transfer_requests_submit(request_ids=ids)

    request = TransferRequest.objects.get(id=ids[0])
    assert outcome.poll_ids == []
    assert request.status == RequestStatus.FAILED
    assert request.attempts == 0
    assert "basisschool" in request.error  # the client's Dutch message for "refused"


def test_a_transient_failure_is_retried_later_and_then_goes_through(
    elk_mock, demo_students, django_capture_on_commit_callbacks
):
    ids = _send([demo_students["demo-01"]])
    elk_mock.set_faults(next="error")

    with django_capture_on_commit_callbacks() as callbacks:
        outcome = transfer_requests_submit(request_ids=ids)

    request = TransferRequest.objects.get(id=ids[0])
    assert (request.status, request.attempts, request.sent_at) == ("requested", 1, None)
    assert request.error  # the reason, shown while it waits for the retry
    assert outcome.retry_ids == ids and outcome.retry_in > 0
    retry = callbacks[-1]
    assert retry.task.name == "oso_requests.submit_requests"
    assert 0 < retry.options["countdown"] <= capped_countdown(10**6)

    transfer_requests_submit(request_ids=ids)
    request.refresh_from_db()
    assert (request.attempts, request.error) == (0, "")
    assert request.sent_at is not None


def test_a_request_gives_up_after_the_maximum_number_of_transient_failures(
    elk_mock, demo_students, settings
):
    settings.OSO_REQUEST_MAX_ATTEMPTS = 2
    ids = _send([demo_students["demo-01"]])
    elk_mock.set_faults(next="error,error")

    transfer_requests_submit(request_ids=ids)
    transfer_requests_submit(request_ids=ids)

    request = TransferRequest.objects.get(id=ids[0])
    assert request.status == RequestStatus.FAILED
    assert request.error.startswith("Opgegeven na 2 pogingen")


def test_invalid_xml_fails_with_a_reason_and_leaves_the_student_untouched(elk_mock, demo_students):
    student = demo_students["demo-01"]
    elk_mock.set_clock(AFTER_MAY)
    elk_mock.set_faults(invalid_xml_rate=1.0)
    before = (student.prior_education.revised_advice_code, ReceivedDossier.objects.count())
    ids = _send([student])

    transfer_requests_submit(request_ids=ids)
    transfer_requests_poll(request_ids=ids)

    request = TransferRequest.objects.get(id=ids[0])
    assert request.status == RequestStatus.FAILED
    assert "XML" in request.error
    student.prior_education.refresh_from_db()
    after = (student.prior_education.revised_advice_code, ReceivedDossier.objects.count())
    assert after == before
    assert not FinalTestResult.objects.filter(prior_education__student=student).exists()


def test_the_same_poll_delivered_twice_merges_once(elk_mock, demo_students):
    elk_mock.set_clock(AFTER_MAY)
    ids = _send([demo_students["demo-01"], demo_students["demo-02"]])
    transfer_requests_submit(request_ids=ids)
    transfer_requests_submit(request_ids=ids)  # a redelivered submit: nothing left to send

    first = transfer_requests_poll(request_ids=ids)
    second = transfer_requests_poll(request_ids=ids)

    assert (first.claimed, second.claimed) == (2, 0)
    assert elk_mock.stats()["submit_calls"] == 1
    for request in TransferRequest.objects.filter(id__in=ids).select_related("student"):
        # Fetched (not the first file the fixture imported), named after the pupil and date.
        [fetched] = ReceivedDossier.objects.filter(student=request.student).exclude(
            received_by="test"
        )
        student = request.student
        assert fetched.source_name == (
            f"{student.student_number}_{student.surname}_{fetched.collection_date.isoformat()}.xml"
        )
        assert request.dossier_id == fetched.pk


def test_rows_a_live_worker_holds_are_skipped_and_expired_claims_are_swept(elk_mock, demo_students):
    ids = _send([demo_students["demo-01"]])
    held_until = timezone.now() + timedelta(minutes=5)
    TransferRequest.objects.filter(id__in=ids).update(
        claim_token="00000000-0000-0000-0000-000000000001", claimed_until=held_until
    )

    assert transfer_requests_submit(request_ids=ids).claimed == 0
    assert transfer_requests_sweep().total == 0

    swept = transfer_requests_sweep(now=held_until + timedelta(seconds=1))
    assert swept.submit_ids == ids
    request = TransferRequest.objects.get(id=ids[0])
    assert request.claim_token is None
    assert transfer_requests_submit(request_ids=ids).claimed == 1


def test_a_worker_that_lost_its_claim_records_and_merges_nothing(
    elk_mock, demo_students, monkeypatch
):
    """The sweeper gave the rows to another worker while this one was still fetching."""
    from requests.services import pipeline

    elk_mock.set_clock(AFTER_MAY)
    ids = _send([demo_students["demo-01"]])
    transfer_requests_submit(request_ids=ids)
    fetch = pipeline._fetch_results

    def fetch_then_lose_the_claim(rows):
        answers = fetch(rows)
        TransferRequest.objects.filter(id__in=ids).update(claim_token=None, claimed_until=None)
        return answers

    monkeypatch.setattr(pipeline, "_fetch_results", fetch_then_lose_the_claim)
    dossiers_before = ReceivedDossier.objects.count()

    outcome = transfer_requests_poll(request_ids=ids)

    assert outcome.claimed == 0
    assert ReceivedDossier.objects.count() == dossiers_before
    assert TransferRequest.objects.get(id=ids[0]).status == RequestStatus.REQUESTED


def test_a_locally_corrected_surname_stays_and_gives_processed_with_remarks(
    elk_mock, demo_students
):
    from students.services.corrections import naw_correction_record

    student = demo_students["demo-01"]
    naw_correction_record(student=student, field="surname", value="Gecorrigeerd", user="anna")
    elk_mock.set_clock(AFTER_MAY)
    ids = _send([student])

    transfer_requests_submit(request_ids=ids)  # identifies the pupil by the dossier's surname
    transfer_requests_poll(request_ids=ids)

    request = TransferRequest.objects.get(id=ids[0])
    student.refresh_from_db()
    assert request.status == RequestStatus.PROCESSED_WITH_REMARKS
    assert any("Gecorrigeerd" in remark for remark in request.remark_texts)
    assert student.surname == "Gecorrigeerd"


def test_countdowns_never_exceed_the_visibility_timeout(settings):
    settings.CELERY_VISIBILITY_TIMEOUT = 100
    settings.OSO_MAX_COUNTDOWN_SECONDS = 600

    assert capped_countdown(10_000) < 100
    assert capped_countdown(5) == 5


# --- audit: outcomes that never reach the merge ----------------------------------------


def _finished_entries() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=AuditAction.REQUEST_FINISHED).order_by("id"))


def test_a_refused_request_is_on_record_as_finished_by_the_system(elk_mock, demo_students):
    refused = demo_students["demo-02"]
    elk_mock.set_faults(refuse="demo-02")
    ids = _send([refused])

    transfer_requests_submit(request_ids=ids)

    (entry,) = _finished_entries()
    assert (entry.actor, entry.student_id, entry.student_number) == (
        SYSTEM_ACTOR,
        refused.pk,
        refused.student_number,
    )
    assert entry.details == {
        "request_id": ids[0],
        "batch_id": TransferRequest.objects.get(id=ids[0]).batch_id,
        "status": RequestStatus.FAILED,
        "failure": TransferRequest.objects.get(id=ids[0]).failure,
    }
    assert entry.details["failure"]["code"] == "client.refusal"
    assert entry.summary.startswith("Mislukt: ")
    assert refused.bsn not in entry.summary + str(entry.details)


def test_not_changed_answers_of_a_chunk_are_recorded_in_one_insert(elk_mock, demo_students):
    unchanged = [demo_students[key] for key in ("demo-03", "demo-09", "demo-12")]
    ids = _send(unchanged, mode=RequestMode.CHANGES_SINCE)
    transfer_requests_submit(request_ids=ids)

    with CaptureQueriesContext(connection) as queries:
        transfer_requests_poll(request_ids=ids)

    assert set(_statuses(ids).values()) == {RequestStatus.NOT_CHANGED}
    entries = _finished_entries()
    assert sorted(e.student_id for e in entries) == sorted(s.pk for s in unchanged)
    assert {e.summary for e in entries} == {"Leerlinginfo niet gewijzigd"}
    assert {e.details["status"] for e in entries} == {RequestStatus.NOT_CHANGED}
    assert {e.student_number for e in entries} == {s.student_number for s in unchanged}
    audit_inserts = [q for q in queries.captured_queries if 'INSERT INTO "audit_' in q["sql"]]
    assert len(audit_inserts) == 1


def test_a_merged_file_is_on_record_once_as_imported_not_as_finished(elk_mock, demo_students):
    elk_mock.set_clock(AFTER_MAY)
    student = demo_students["demo-01"]
    ids = _send([student])
    transfer_requests_submit(request_ids=ids)
    imported_before = AuditEntry.objects.filter(action=AuditAction.DOSSIER_IMPORTED).count()

    transfer_requests_poll(request_ids=ids)

    assert _status_of(student) == RequestStatus.PROCESSED
    assert _finished_entries() == []
    imported = AuditEntry.objects.filter(action=AuditAction.DOSSIER_IMPORTED)
    assert imported.count() == imported_before + 1
    assert imported.latest("id").student_id == student.pk


def test_giving_up_after_transient_failures_is_on_record(elk_mock, demo_students, settings):
    settings.OSO_REQUEST_MAX_ATTEMPTS = 2
    student = demo_students["demo-01"]
    ids = _send([student])
    elk_mock.set_faults(next="error,error")

    transfer_requests_submit(request_ids=ids)
    assert _finished_entries() == []  # the first failure is retried, not final
    transfer_requests_submit(request_ids=ids)

    (entry,) = _finished_entries()
    assert entry.student_id == student.pk
    assert entry.summary.startswith("Mislukt: Opgegeven na 2 pogingen")


def test_requests_the_restarted_endpoint_lost_are_submitted_again_and_end_processed(
    elk_mock, demo_students, django_capture_on_commit_callbacks
):
    elk_mock.set_clock(AFTER_MAY)
    students = [demo_students["demo-01"], demo_students["demo-02"]]
    ids = _send(students)
    transfer_requests_submit(request_ids=ids)
    elk_mock.reset(faults=False, stats=False, requests=True)  # what a restart forgets

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        transfer_requests_poll(request_ids=ids)

    lost = list(TransferRequest.objects.filter(id__in=ids))
    assert {(r.status, r.sent_at, r.resubmits, r.error) for r in lost} == {
        (RequestStatus.REQUESTED, None, 1, "")
    }
    assert [(c.task.name, sorted(c.request_ids)) for c in callbacks] == [
        ("oso_requests.submit_requests", sorted(ids))
    ]
    public_ids = {str(r.public_id) for r in lost}
    transfer_requests_submit(request_ids=ids)
    transfer_requests_poll(request_ids=ids)

    final = list(TransferRequest.objects.filter(id__in=ids))
    assert {r.status for r in final} == {RequestStatus.PROCESSED}
    assert {str(r.public_id) for r in final} == public_ids  # the same request ids


def test_a_request_the_endpoint_keeps_losing_fails_after_the_bounded_resubmits(
    elk_mock, demo_students, settings
):
    settings.OSO_REQUEST_MAX_RESUBMITS = 2
    ids = _send([demo_students["demo-01"]])
    for _round in range(3):
        transfer_requests_submit(request_ids=ids)
        elk_mock.reset(faults=False, stats=False, requests=True)
        transfer_requests_poll(request_ids=ids)

    request = TransferRequest.objects.get(id=ids[0])
    assert (request.status, request.resubmits) == (RequestStatus.FAILED, 2)
    with translation.override("nl"):
        assert request.error == "Het eindpunt kent deze aanvraag niet."
