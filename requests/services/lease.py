"""A worker's claim on its requests, renewed while it works.

A claim (``claimed_until``) is short, so that the rows of a worker that dies are free
again soon: the sweeper queues them once it expires. A worker that is merely slow (a
large chunk, a slow endpoint) must not lose its rows meanwhile, so while a step runs a
thread extends the claim every ``OSO_REQUEST_CLAIM_RENEW_SECONDS``. The renewal only
touches rows that still carry this step's claim token: a row that was taken over, or
that the step has already written, is left alone.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import uuid
from collections.abc import Iterator, Sequence
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from common.chunks import id_chunks
from requests.models import TransferRequest

logger = logging.getLogger(__name__)


def claim_lease() -> timedelta:
    return timedelta(seconds=settings.OSO_REQUEST_CLAIM_SECONDS)


def renew_interval() -> float:
    """Seconds between renewals: the setting, but at most a third of the claim."""
    return min(
        float(settings.OSO_REQUEST_CLAIM_RENEW_SECONDS), settings.OSO_REQUEST_CLAIM_SECONDS / 3
    )


def claims_renew(*, request_ids: Sequence[int], token: uuid.UUID) -> int:
    """Extend the claim of the rows that still carry ``token``; how many there were."""
    until = timezone.now() + claim_lease()
    renewed = 0
    for part in id_chunks(list(request_ids)):
        renewed += TransferRequest.objects.filter(id__in=part, claim_token=token).update(
            claimed_until=until
        )
    return renewed


@contextlib.contextmanager
def claims_kept(*, request_ids: Sequence[int], token: uuid.UUID) -> Iterator[None]:
    """Keep renewing the claim while the body runs (nothing happens for a quick step)."""
    interval = renew_interval()
    if interval <= 0 or not request_ids:
        yield
        return
    stop = threading.Event()

    def renew() -> None:
        try:
            while not stop.wait(interval):
                try:
                    claims_renew(request_ids=request_ids, token=token)
                except DatabaseError as exc:  # the step itself will meet it too
                    logger.warning("renewing a claim failed: %s", type(exc).__name__)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=renew, name="claim-renewal", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=interval)
