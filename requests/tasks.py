"""Celery tasks: thin wrappers that take ids (never a BSN) and call the services.

Every task is safe to run twice: the services claim their rows before acting
(requests/services/pipeline.py). ``acks_late`` with ``reject_on_worker_lost``
(also the app-wide defaults in settings) puts a task back on the queue when the
worker process dies under it, instead of acknowledging it as done.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from celery import shared_task

from common.db_health import database_outage_guard
from requests.services.elk_feed import elk_feed_sync
from requests.services.notifications import (
    notification_registrations_register,
    notifications_sweep,
)
from requests.services.pipeline import (
    transfer_requests_dispatch_due,
    transfer_requests_poll,
    transfer_requests_submit,
    transfer_requests_sweep,
)
from requests.services.signoffs import request_signoffs_send, signoffs_sweep

logger = logging.getLogger(__name__)

T = TypeVar("T")


def _guarded(step: Callable[[], T | None], report: Callable[[T], dict[str, int]]) -> dict[str, int]:
    """Run a step and report its outcome; a lost database ends the task quietly (its rows
    keep their claim, which expires, and the sweeper queues them again)."""
    outcome = database_outage_guard(step, lost=None)
    if outcome is None:
        return {"database_lost": 1}
    return report(outcome)


def _task(name: str):
    """Every task here: acknowledged only once it ran, back on the queue when its worker dies,
    no result stored (the rows are the record)."""
    return shared_task(name=name, acks_late=True, reject_on_worker_lost=True, ignore_result=True)


@_task("oso_requests.submit_requests")
def submit_requests(request_ids: list[int]) -> dict[str, int]:
    """Send a chunk of requests to the endpoint; queues their results poll."""
    return _guarded(
        lambda: transfer_requests_submit(request_ids=request_ids),
        lambda outcome: {
            "claimed": outcome.claimed,
            "sent": len(outcome.poll_ids),
            "final": outcome.final,
        },
    )


@_task("oso_requests.poll_requests")
def poll_requests(request_ids: list[int]) -> dict[str, int]:
    """Fetch the results of a chunk of sent requests and merge the files that came back."""
    return _guarded(
        lambda: transfer_requests_poll(request_ids=request_ids),
        lambda outcome: {
            "claimed": outcome.claimed,
            "final": outcome.final,
            "waiting": outcome.waiting,
        },
    )


@_task("oso_requests.poll_due_requests")
def poll_due_requests() -> dict[str, int]:
    """Beat: ask again for every request whose next attempt is due (Wacht op basisschool)."""
    return _guarded(
        transfer_requests_dispatch_due,
        lambda result: {"submit": len(result.submit_ids), "poll": len(result.poll_ids)},
    )


@_task("oso_requests.sweep_stuck_requests")
def sweep_stuck_requests() -> dict[str, int]:
    """Beat: queue again the requests whose worker died or whose message was lost."""
    result = database_outage_guard(transfer_requests_sweep, lost=None)
    if result is None:
        return {"database_lost": 1}
    if result.total:
        logger.warning("swept %d stuck requests back onto the queue", result.total)
    # The notification registrations whose task was lost go on the same way.
    registrations = database_outage_guard(notifications_sweep, lost=0) or 0
    swept = {"submit": len(result.submit_ids), "poll": len(result.poll_ids)}
    if registrations:
        swept["registrations"] = registrations
    # And the sign-offs.
    signoffs = database_outage_guard(signoffs_sweep, lost=0) or 0
    if signoffs:
        swept["signoffs"] = signoffs
    return swept


@_task("oso_requests.sign_off_requests")
def sign_off_requests(signoff_ids: list[int]) -> dict[str, int]:
    """Sign finished transfers off at the endpoint with their best result, each once."""
    return _guarded(
        lambda: request_signoffs_send(signoff_ids=signoff_ids),
        lambda outcome: {
            "claimed": outcome.claimed,
            "done": outcome.done,
            "refused": outcome.refused,
            "retry": len(outcome.retry_ids),
        },
    )


@_task("oso_requests.register_notifications")
def register_notifications(registration_ids: list[int]) -> dict[str, int]:
    """Register waiting requests at the endpoint for a callback when their file is released."""
    return _guarded(
        lambda: notification_registrations_register(registration_ids=registration_ids),
        lambda outcome: {
            "claimed": outcome.claimed,
            "registered": outcome.registered,
            "failed": outcome.failed,
            "retry": len(outcome.retry_ids),
        },
    )


@_task("oso_requests.read_elk_feed")
def read_elk_feed() -> dict[str, int]:
    """Beat: read ELK's placements and blue dots; re-request every student with a blue dot."""
    read = elk_feed_sync()
    return {
        "placements": read.placements,
        "changed": read.changed,
        "blue_dots": read.blue_dots,
        "requests_sent": read.requests_sent,
    }
