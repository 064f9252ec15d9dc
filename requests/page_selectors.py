"""Reads for the requests overview that the pipeline's selectors do not cover."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from requests.models import RequestBatch, RequestStatus, TransferRequest


def batch_to_follow(*, batch_id: int | None) -> RequestBatch | None:
    """The batch whose progress the overview shows: the one asked for, else the latest."""
    batches = RequestBatch.objects.order_by("-created_at", "-pk")
    if batch_id is not None:
        return batches.filter(pk=batch_id).first()
    return batches.first()


def overview_status_counts(queryset: QuerySet[TransferRequest]) -> dict[str, int]:
    """The rows of ``queryset`` per status, every status in flow order, zeros included.

    One query. The overview passes its filter without the status choice, so the
    counts are those of the rows shown (one per pupil unless the history is on),
    and the table takes its row count from them.
    """
    found = dict(
        queryset.order_by()
        .values_list("status")
        .annotate(count=Count("id"))
        .values_list("status", "count")
    )
    return {status: found.get(status, 0) for status in RequestStatus.values}
