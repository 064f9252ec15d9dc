"""Queue the worker tasks, always after the surrounding transaction commits.

A task queued before commit could run before its rows are visible, or for rows
that a rollback never wrote. ``robust=True``: should the broker be unreachable,
the commit still stands and the error is logged; the rows carry a reservation
(``claimed_until``) and the sweeper queues them again once it expires.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.db import transaction

from requests.client import MAX_ITEMS_PER_CALL


def request_chunk_size() -> int:
    """Requests per task and endpoint call: OSO_REQUEST_CHUNK_SIZE, within the endpoint limit."""
    return max(1, min(int(settings.OSO_REQUEST_CHUNK_SIZE), MAX_ITEMS_PER_CALL))


def chunked(ids: Sequence[int]) -> list[list[int]]:
    size = request_chunk_size()
    return [list(ids[start : start + size]) for start in range(0, len(ids), size)]


def capped_countdown(seconds: float) -> float:
    """A countdown no longer than the broker's visibility timeout nor OSO_MAX_COUNTDOWN_SECONDS.

    Redis redelivers a message that is not acknowledged within the visibility
    timeout, and a worker holds a delayed task unacknowledged until it runs: a
    longer countdown would run the task twice.
    """
    cap = float(settings.OSO_MAX_COUNTDOWN_SECONDS)
    visibility = settings.CELERY_VISIBILITY_TIMEOUT
    if visibility:
        cap = min(cap, float(visibility) * 0.8)
    return max(0.0, min(float(seconds), cap))


def enqueue_submit(request_ids: Sequence[int], *, countdown: float = 0) -> None:
    from requests.tasks import submit_requests

    _on_commit(submit_requests, list(request_ids), countdown)


def enqueue_poll(request_ids: Sequence[int], *, countdown: float = 0) -> None:
    from requests.tasks import poll_requests

    _on_commit(poll_requests, list(request_ids), countdown)


def enqueue_register(registration_ids: Sequence[int], *, countdown: float = 0) -> None:
    """Notification registrations (requests/services/notifications.py), not request ids; in
    chunks of what one endpoint call takes."""
    from requests.tasks import register_notifications

    for chunk in chunked(registration_ids):
        _on_commit(register_notifications, chunk, countdown)


def enqueue_signoff(signoff_ids: Sequence[int], *, countdown: float = 0) -> None:
    """Sign-offs (requests/services/signoffs.py), not request ids; in chunks of what one
    endpoint call takes."""
    from requests.tasks import sign_off_requests

    for chunk in chunked(signoff_ids):
        _on_commit(sign_off_requests, chunk, countdown)


def _on_commit(task, request_ids: list[int], countdown: float) -> None:
    if not request_ids:
        return
    options = {}
    if countdown > 0:
        options["countdown"] = capped_countdown(countdown)
    transaction.on_commit(_Publish(task, request_ids, options), robust=True)


class _Publish:
    """``task.apply_async(args=(ids,), **options)``, readable in tests and in Django's log line."""

    def __init__(self, task, request_ids: list[int], options: dict) -> None:
        self.task = task
        self.request_ids = request_ids
        self.options = options
        self.__qualname__ = f"publish {task.name}"

    def __call__(self) -> None:
        self.task.apply_async(args=(self.request_ids,), **self.options)
