"""The requests overview counts its rows with the status counts it shows anyway.

The counts are those of the filter without its status choice, so they always add up
to the rows the table holds (the group's pupils, one row each by default).
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests.models import RequestStatus
from requests.tables import CountedPaginator
from tests.factories import SignupGroupFactory, StudentFactory, TransferRequestFactory

OVERVIEW = reverse("oso_requests:overview")
STATUSES = [RequestStatus.READY] * 3 + [RequestStatus.FAILED] * 2 + [RequestStatus.PROCESSED]


@pytest.fixture
def requests_in_two_groups(db):
    first, second = SignupGroupFactory(), SignupGroupFactory(name="Groep 8 - Tweede")
    for index, status in enumerate(STATUSES):
        group = first if index % 2 else second
        TransferRequestFactory(status=status, student=StudentFactory(signup_group=group))
    return first


def _count_queries(captured) -> int:
    return sum(
        1 for q in captured if q["sql"].startswith('SELECT COUNT(*) AS "__count" FROM "oso_')
    )


@pytest.mark.parametrize(
    ("query", "rows"),
    [("", 6), ("?status=ready", 3), ("?status=failed", 2), ("?status=open", 3)],
)
def test_the_row_count_comes_from_the_status_counts_without_a_count_query(
    portal_client, requests_in_two_groups, query, rows
):
    with CaptureQueriesContext(connection) as captured:
        response = portal_client.get(OVERVIEW + query)

    paginator = response.context["table"].paginator
    assert isinstance(paginator, CountedPaginator)
    assert paginator.count == rows == len(response.context["table"].page.object_list)
    assert _count_queries(captured.captured_queries) == 0


def test_a_signup_group_filter_takes_its_count_from_the_groups_status_counts(
    portal_client, requests_in_two_groups
):
    group = requests_in_two_groups

    with CaptureQueriesContext(connection) as captured:
        response = portal_client.get(f"{OVERVIEW}?signup_group={group.pk}")

    paginator = response.context["table"].paginator
    chips = {row["status"]: row["count"] for row in response.context["status_counts"]}
    assert paginator.count == 3 == sum(chips.values())
    assert (chips["ready"], chips["failed"], chips["processed"]) == (1, 1, 1)
    assert _count_queries(captured.captured_queries) == 0
