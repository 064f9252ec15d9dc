"""Aanmeldingsgroepen: counts per group, each a link to exactly those students; re-request."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests.models import RequestBatch, RequestMode, RequestStatus, TransferRequest
from tests.factories import (
    PriorEducationFactory,
    SignupGroupFactory,
    StudentFactory,
    TransferRequestFactory,
)

GROUPS = reverse("students:signup_groups")


@pytest.fixture
def group(db):
    return SignupGroupFactory(name="Groep 8 - Saenredam College")


@pytest.fixture
def populated(group):
    """A group with one student in each state the page counts."""

    def with_card(**kwargs):
        prior = PriorEducationFactory(student=StudentFactory(signup_group=group, **kwargs))
        return prior

    tested = with_card()
    tested.final_tests.create(test_type_code="0011", standard_score=540)
    revised = with_card()
    revised.revised_advice_code = "50"
    revised.save()
    revised.final_tests.create(test_type_code="0013", standard_score=88)
    blue = with_card(elk_dot="blue").student
    open_request = StudentFactory(signup_group=group)
    TransferRequestFactory(student=open_request, status=RequestStatus.REQUESTED)
    failed = StudentFactory(signup_group=group)
    TransferRequestFactory(student=failed, status=RequestStatus.FAILED)
    retried_ok = StudentFactory(signup_group=group)
    TransferRequestFactory(student=retried_ok, status=RequestStatus.FAILED)
    TransferRequestFactory(student=retried_ok, status=RequestStatus.PROCESSED)
    StudentFactory(signup_group=SignupGroupFactory(name="Andere groep"))
    # Who needs a re-request: a blue dot, no final test yet, or a last request that failed;
    # never someone with an open request.
    group.needing_rerequest = {blue.pk, failed.pk, retried_ok.pk}
    return group


def test_counts_per_group(portal_client, populated):
    response = portal_client.get(GROUPS, HTTP_ACCEPT_LANGUAGE="nl")
    html = response.content.decode()
    [row] = [r for r in response.context["rows"] if r.group == populated]

    assert "Groep 8 - Saenredam College" in html
    assert row.total == 6
    assert row.with_final_test == 2
    assert row.without_final_test == 4
    assert row.with_revised_advice == 1
    assert row.with_blue_dot == 1
    assert row.with_open_request == 1
    assert row.with_failed_request == 1


@pytest.mark.parametrize(
    "name",
    [
        "with_final_test",
        "without_final_test",
        "with_revised_advice",
        "with_blue_dot",
        "with_open_request",
        "with_failed_request",
    ],
)
def test_each_count_links_to_a_list_of_exactly_that_many_students(portal_client, populated, name):
    html = portal_client.get(GROUPS).content.decode()
    [row] = [tr for tr in html.split("<tr>") if '<th scope="row">Groep 8 - Saenredam' in tr]
    link = re.search(rf'href="([^"]+)" data-count="{name}">(\d+)<', row)
    url, shown = link.group(1).replace("&amp;", "&"), int(link.group(2))

    response = portal_client.get(url)

    assert response.context["table"].paginator.count == shown
    assert all(row.record.signup_group_id == populated.pk for row in response.context["table"].rows)


def test_counts_cost_a_fixed_number_of_queries(portal_client, populated, django_assert_num_queries):
    portal_client.get(GROUPS)
    with CaptureQueriesContext(connection) as few:
        portal_client.get(GROUPS)
    for i in range(5):
        extra = SignupGroupFactory(name=f"Extra {i}")
        for _ in range(5):
            TransferRequestFactory(student=StudentFactory(signup_group=extra))

    with django_assert_num_queries(len(few.captured_queries)):
        portal_client.get(GROUPS)


def test_rerequest_sends_changes_since_for_the_students_who_need_it(
    portal_client, populated, monkeypatch
):
    monkeypatch.setattr(
        "requests.services.transfer_requests.enqueue_submit", lambda ids, **kw: None
    )
    url = reverse("students:signup_group_rerequest", args=[populated.pk])

    response = portal_client.post(url, HTTP_ACCEPT_LANGUAGE="nl")

    batch = RequestBatch.objects.get()
    assert response["Location"] == f"{reverse('oso_requests:overview')}?batch={batch.pk}"
    assert batch.mode == RequestMode.CHANGES_SINCE
    assert batch.signup_group == populated
    sent = set(batch.requests.values_list("student_id", flat=True))
    assert sent == populated.needing_rerequest
    page = portal_client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert f"{len(sent)} leerlingen van Groep 8 - Saenredam College" in page


def test_rerequest_when_nobody_needs_one_says_so(portal_client, group, monkeypatch):
    prior = PriorEducationFactory(student=StudentFactory(signup_group=group))
    prior.final_tests.create(test_type_code="0011", standard_score=540)
    url = reverse("students:signup_group_rerequest", args=[group.pk])

    response = portal_client.post(url, HTTP_ACCEPT_LANGUAGE="nl", follow=True)

    assert "hoeft nu opnieuw te worden opgevraagd" in response.content.decode()
    assert not TransferRequest.objects.exists()


def test_rerequest_needs_post(portal_client, group):
    url = reverse("students:signup_group_rerequest", args=[group.pk])
    assert portal_client.get(url).status_code == 405
