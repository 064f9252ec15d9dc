"""The start page's summary: open, waiting and failed requests, blue dots and pupils without a
final test, each count a link to the list that shows exactly those rows."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from oso_portal.start_page import start_page_summary
from requests.models import RequestStatus
from students.models import ElkDot
from tests.factories import (
    FinalTestResultFactory,
    PriorEducationFactory,
    SignupGroupFactory,
    StudentFactory,
    TransferRequestFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def school(db):
    group = SignupGroupFactory()

    def pupil(*statuses: str, blue: bool = False, final_test: bool = False):
        student = StudentFactory(signup_group=group, elk_dot=ElkDot.BLUE if blue else "")
        for status in statuses:  # oldest first: the last is the latest request
            TransferRequestFactory(student=student, status=status)
        if final_test:
            FinalTestResultFactory(prior_education=PriorEducationFactory(student=student))
        return student

    pupil(RequestStatus.READY)
    pupil(RequestStatus.REQUESTED, blue=True)
    pupil(RequestStatus.WAITING, final_test=True)
    pupil(RequestStatus.WAITING, blue=True)
    pupil(RequestStatus.FAILED)
    # Failed before, processed since: no longer failed, nor open.
    pupil(RequestStatus.FAILED, RequestStatus.PROCESSED, final_test=True)
    pupil()  # signed up, nothing asked yet
    # Outside every signup group: not one of this year's pupils.
    StudentFactory(signup_group=None, elk_dot=ElkDot.BLUE)
    return group


EXPECTED = {"open": 4, "waiting": 2, "failed": 1, "blue_dot": 2, "without_final_test": 5}


def _rows_shown(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200
    return response.context["table"].paginator.count


def test_the_summary_counts_each_pupil_by_their_latest_request(school):
    summary = {item.key: item.count for item in start_page_summary()}

    assert summary == EXPECTED


def test_the_summary_costs_two_queries(school):
    with CaptureQueriesContext(connection) as queries:
        start_page_summary()

    assert len(queries) == 2


def test_each_count_links_to_a_list_of_exactly_that_many_rows(portal_client, school):
    for item in start_page_summary():
        assert _rows_shown(portal_client, item.url) == item.count, item.key


def test_the_start_page_shows_the_summary_in_dutch_with_its_links(portal_client, school):
    html = portal_client.get(reverse("home")).content.decode()

    assert "Vraagt aandacht" in html
    items = dict(re.findall(r'data-summary="(\w+)">\s*<a href="([^"]+)"', html))
    assert set(items) == set(EXPECTED)
    assert items["failed"].replace("&amp;", "&") == "/requests/?status=failed"
    assert items["blue_dot"].replace("&amp;", "&") == "/students/?in_signup_group=on&elk_dot=blue"
    assert "leerlingen zonder eindtoets" in html
    assert '<span class="summary__count">5</span>' in html


def test_the_summary_reads_in_english_when_chosen(portal_client, school):
    portal_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    html = portal_client.get(reverse("home")).content.decode()

    assert "Needs attention" in html
    assert "students without a final test" in html
