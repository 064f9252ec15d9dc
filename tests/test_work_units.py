"""The shared life of a unit of background work (requests/services/work_units.py): claim,
answer, record only what is still ours, sweep; shown on sign-off rows, which need no request."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from requests.client import PermanentEndpointError, SignoffAck, TransientEndpointError
from requests.models import RequestSignoff, SignoffStatus
from requests.services.work_units import (
    UnitStatuses,
    work_unit_answer,
    work_units_claim,
    work_units_ours,
    work_units_sweep,
)

pytestmark = pytest.mark.django_db

STATUSES = UnitStatuses(
    pending=SignoffStatus.PENDING,
    accepted=SignoffStatus.DONE,
    refused=SignoffStatus.REFUSED,
    failed=SignoffStatus.FAILED,
)


def _signoff(**fields) -> RequestSignoff:
    return RequestSignoff.objects.create(
        public_id=uuid.uuid4(), session_id="s-1", result="dossier", **fields
    )


def _answer(row: RequestSignoff, answer, *, max_attempts: int = 3) -> bool:
    return work_unit_answer(
        row, answer, statuses=STATUSES, max_attempts=max_attempts, now=timezone.now()
    )


def test_a_claim_takes_only_free_pending_rows_and_outlasts_one_call():
    now = timezone.now()
    free = _signoff()
    expired = _signoff(claim_token=uuid.uuid4(), claimed_until=now - timedelta(seconds=1))
    held = _signoff(claim_token=uuid.uuid4(), claimed_until=now + timedelta(minutes=5))
    done = _signoff(status=SignoffStatus.DONE)

    with override_settings(OSO_REQUEST_CLAIM_SECONDS=60, OSO_ENDPOINT_READ_TIMEOUT=30):
        token, rows = work_units_claim(
            RequestSignoff.objects.all(),
            ids=[done.id, held.id, expired.id, free.id, free.id],
            pending=SignoffStatus.PENDING,
            now=now,
        )

    assert [row.id for row in rows] == [free.id, expired.id]
    assert {row.claim_token for row in rows} == {token}
    assert {row.claimed_until for row in rows} == {now + timedelta(seconds=90)}


def test_the_answers_end_a_row_or_retry_it_with_backoff_until_the_attempts_run_out():
    accepted, refused, permanent, transient, silent = (_signoff() for _ in range(5))

    assert not _answer(accepted, SignoffAck("x", accepted=True))
    assert not _answer(refused, SignoffAck("x", accepted=False, code="unknown_request"))
    assert not _answer(permanent, PermanentEndpointError("nee", code="http_400"))
    assert _answer(transient, TransientEndpointError("later", code="timeout"))
    assert _answer(silent, None)

    assert (accepted.status, accepted.failure_code) == (SignoffStatus.DONE, "")
    assert (refused.status, refused.failure_code) == (SignoffStatus.REFUSED, "unknown_request")
    assert (permanent.status, permanent.failure_code) == (SignoffStatus.FAILED, "http_400")
    assert (transient.status, transient.attempts, transient.failure_code) == (
        SignoffStatus.PENDING,
        1,
        "timeout",
    )
    assert transient.next_attempt_at > timezone.now()
    assert transient.claimed_until > transient.next_attempt_at
    assert transient.claim_token is None
    assert silent.failure_code == "no_answer"

    # The last allowed attempt gives up: failed, with the last failure kept.
    transient.attempts = 2
    assert not _answer(transient, TransientEndpointError("later", code="timeout"))
    assert (transient.status, transient.attempts, transient.next_attempt_at) == (
        SignoffStatus.FAILED,
        3,
        None,
    )


def test_only_rows_still_claimed_by_this_token_are_recorded():
    token = uuid.uuid4()
    mine = _signoff(claim_token=token)
    taken = _signoff(claim_token=uuid.uuid4())

    assert work_units_ours(RequestSignoff, [mine, taken], token=token) == [mine]


def test_the_sweep_queues_again_pending_rows_whose_reservation_expired():
    now = timezone.now()
    lost = _signoff(claimed_until=now - timedelta(seconds=1))
    unreserved = _signoff()
    _signoff(claimed_until=now + timedelta(minutes=1))
    _signoff(status=SignoffStatus.DONE)
    queued: list[list[int]] = []

    assert (
        work_units_sweep(
            RequestSignoff, pending=SignoffStatus.PENDING, now=now, enqueue=queued.append
        )
        == 2
    )

    assert queued == [[lost.id, unreserved.id]]
    lost.refresh_from_db()
    assert lost.claimed_until > now
