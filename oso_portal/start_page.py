"""The start page's summary: what needs attention, each count linking to its list.

Each count uses the same expressions as the list it links to, so the number on
the start page is the number of rows that list shows: the requests overview
counts each pupil's latest request (``latest_requests``), the search uses the
conditions in ``students.selectors.students`` that its filters use.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from requests.models import OPEN_STATUSES, RequestStatus
from requests.selectors import latest_requests, overview_status_counts
from students.models import Student
from students.selectors.students import has_blue_dot, has_final_test


@dataclass(frozen=True)
class SummaryItem:
    key: str
    count: int
    label: str | Promise
    url: str
    # Something to act on (failed requests, a blue dot): shown with a warning colour.
    attention: bool = False


def _link(name: str, **params: str) -> str:
    return f"{reverse(name)}?{urlencode(params)}"


def start_page_summary() -> list[SummaryItem]:
    """Open, waiting and failed requests, blue dots, pupils without a final test. Two queries."""
    requests = overview_status_counts(latest_requests())
    pupils = Student.objects.filter(signup_group__isnull=False).aggregate(
        blue_dot=Count("pk", filter=has_blue_dot()),
        without_final_test=Count("pk", filter=~Q(has_final_test())),
    )
    overview, search = "oso_requests:overview", "students:search"
    return [
        SummaryItem(
            key="open",
            count=sum(requests[status] for status in OPEN_STATUSES),
            label=_("open requests (ready, requested or waiting)"),
            url=_link(overview, status="open"),
        ),
        SummaryItem(
            key="waiting",
            count=requests[RequestStatus.WAITING],
            label=_("waiting for the primary school"),
            url=_link(overview, status=RequestStatus.WAITING),
        ),
        SummaryItem(
            key="failed",
            count=requests[RequestStatus.FAILED],
            label=_("failed"),
            url=_link(overview, status=RequestStatus.FAILED),
            attention=requests[RequestStatus.FAILED] > 0,
        ),
        SummaryItem(
            key="blue_dot",
            count=pupils["blue_dot"],
            label=_("students with a blue dot (new data at the primary school)"),
            url=_link(search, in_signup_group="on", elk_dot="blue"),
            attention=pupils["blue_dot"] > 0,
        ),
        SummaryItem(
            key="without_final_test",
            count=pupils["without_final_test"],
            label=_("students without a final test"),
            url=_link(search, in_signup_group="on", final_test="without"),
        ),
    ]
