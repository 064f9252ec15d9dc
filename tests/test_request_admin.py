"""The admin for requests: read-only lists with few queries, actions through the services."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditAction, AuditEntry
from requests.models import RequestStatus, TransferRequest
from tests.factories import (
    RequestBatchFactory,
    SignupGroupFactory,
    TransferRequestFactory,
)

pytestmark = pytest.mark.django_db


def test_the_request_list_costs_the_same_queries_for_few_and_many_rows(superuser_client):
    url = reverse("admin:oso_requests_transferrequest_changelist")
    TransferRequestFactory.create_batch(2)

    with CaptureQueriesContext(connection) as few:
        assert superuser_client.get(url).status_code == 200
    TransferRequestFactory.create_batch(30)
    with CaptureQueriesContext(connection) as many:
        assert superuser_client.get(url).status_code == 200

    assert len(many) == len(few)


@pytest.mark.parametrize(
    "name",
    ["admin:oso_requests_requestbatch_changelist", "admin:oso_requests_elkfeedread_changelist"],
)
def test_the_other_lists_load(superuser_client, name):
    TransferRequestFactory(batch=None)

    assert superuser_client.get(reverse(name)).status_code == 200


def test_the_retry_action_sends_failed_requests_again(
    superuser_client, django_capture_on_commit_callbacks
):
    failed = TransferRequestFactory(status=RequestStatus.FAILED, error="Onbekende leerling")
    url = reverse("admin:oso_requests_transferrequest_changelist")

    with django_capture_on_commit_callbacks() as callbacks:
        response = superuser_client.post(
            url, {"action": "retry_failed", "_selected_action": [failed.pk]}, follow=True
        )

    failed.refresh_from_db()
    assert failed.status == RequestStatus.REQUESTED
    assert "1 aanvraag opnieuw verstuurd." in response.content.decode()
    assert len(callbacks) == 1


def test_the_delete_action_removes_only_ready_requests(superuser_client):
    ready = TransferRequestFactory(status=RequestStatus.READY)
    done = TransferRequestFactory(status=RequestStatus.PROCESSED)
    url = reverse("admin:oso_requests_transferrequest_changelist")

    superuser_client.post(url, {"action": "delete_ready", "_selected_action": [ready.pk, done.pk]})

    assert list(TransferRequest.objects.values_list("id", flat=True)) == [done.pk]


def test_the_admin_actions_are_on_record_with_the_staff_member_as_actor(
    superuser_client, django_capture_on_commit_callbacks
):
    failed = TransferRequestFactory(status=RequestStatus.FAILED)
    ready = TransferRequestFactory(status=RequestStatus.READY)
    url = reverse("admin:oso_requests_transferrequest_changelist")

    with django_capture_on_commit_callbacks():
        superuser_client.post(url, {"action": "retry_failed", "_selected_action": [failed.pk]})
    superuser_client.post(url, {"action": "delete_ready", "_selected_action": [ready.pk]})

    assert sorted(AuditEntry.objects.values_list("action", "actor", "student_id")) == [
        (AuditAction.REQUEST_DELETED, "beheer", ready.student_id),
        (AuditAction.REQUEST_RETRIED, "beheer", failed.student_id),
    ]


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("marieke", ["marieke"]),
        ("Zaanlands", ["joost"]),
        ("batch-id", ["joost"]),
        ("niemand", []),
    ],
)
def test_batches_can_be_searched_by_sender_group_and_number(superuser_client, term, expected):
    RequestBatchFactory(created_by="marieke")
    group = SignupGroupFactory(name="Groep 8 - Zaanlands")
    joost = RequestBatchFactory(created_by="joost", signup_group=group)
    if term == "batch-id":
        term = str(joost.pk)

    response = superuser_client.get(
        reverse("admin:oso_requests_requestbatch_changelist"), {"q": term}
    )

    assert response.status_code == 200
    found = response.context["cl"].result_list
    assert [batch.created_by for batch in found] == expected
