"""Notifications end to end with real processes: a Celery worker, the mock, and the portal's
callback view served by a live server. No beat runs, so nothing polls a waiting request:
only the mock's callback can bring the released files in.
"""

from __future__ import annotations

import time
from datetime import date

import pytest

from requests.models import (
    NotificationRegistration,
    NotificationStatus,
    RequestStatus,
)
from students.models import FinalTestResult
from tests.conftest_worker import wait_until
from tests.request_support import demo_sign_up, requests_send
from tests.test_notifications import SECRET

pytestmark = [pytest.mark.worker, pytest.mark.slow]

MAY = date(2021, 5, 10)
FETCHED = {RequestStatus.PROCESSED, RequestStatus.PROCESSED_WITH_REMARKS}


def test_a_real_worker_shows_released_files_on_the_card_within_10_s_with_polling_off(
    pipeline_processes, elk_mock, demo_students, live_server, settings
):
    callback_url = f"{live_server.url}/oso/notifications/"
    settings.OSO_NOTIFICATIONS = True  # the live server's view runs in this process
    settings.OSO_NOTIFICATION_SECRET = SECRET
    elk_mock.set_notify(secret=SECRET)
    pipeline_processes.worker(
        OSO_NOTIFICATIONS="1",
        OSO_NOTIFICATION_SECRET=SECRET,
        OSO_NOTIFICATION_CALLBACK_URL=callback_url,
        OSO_NOTIFICATION_FALLBACK_POLL_SECONDS="3600",
    )
    # Both waits: demo-16's parents have not seen his file; aanm-08 has nothing released.
    bram, jesse = demo_students["demo-16"], demo_sign_up("aanm-08")
    batch = requests_send([bram, jesse])
    registrations = NotificationRegistration.objects.filter(request__batch=batch)
    wait_until(
        lambda: registrations.filter(status=NotificationStatus.REGISTERED).count() == 2,
        timeout=60,
    )
    assert set(batch.requests.values_list("status", flat=True)) == {RequestStatus.WAITING}

    moved = time.monotonic()
    elk_mock.set_clock(MAY)
    wait_until(
        lambda: set(batch.requests.values_list("status", flat=True)) <= FETCHED,
        timeout=10,
        interval=0.1,
    )
    seconds = time.monotonic() - moved
    print(f"release to card: {seconds:.2f} s")

    assert seconds < 10
    assert FinalTestResult.objects.filter(prior_education__student=bram).exists()
    jesse.refresh_from_db()
    assert jesse.prior_education.last_dossier_date is not None
    stats = elk_mock.stats()
    assert stats["callback_calls"] >= 1
    # One poll after the send, one after the callback: nothing else asked the endpoint.
    assert stats["results_calls"] == 2
