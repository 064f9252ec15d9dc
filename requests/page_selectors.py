"""Reads for the requests overview that the pipeline's selectors do not cover."""

from __future__ import annotations

from requests.models import RequestBatch


def batch_to_follow(*, batch_id: int | None) -> RequestBatch | None:
    """The batch whose progress the overview shows: the one asked for, else the latest."""
    batches = RequestBatch.objects.order_by("-created_at", "-pk")
    if batch_id is not None:
        return batches.filter(pk=batch_id).first()
    return batches.first()
