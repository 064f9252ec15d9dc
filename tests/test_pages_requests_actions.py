"""The overview's actions as staff meet them: *Opnieuw aanvragen* for finished rows, and
refusals that keep the chosen mode, date and selection and say what to do."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from requests.models import RequestBatch, RequestMode, RequestStatus, TransferRequest
from tests.factories import SignupGroupFactory, StudentFactory, TransferRequestFactory

OVERVIEW = reverse("oso_requests:overview")
SEND = reverse("oso_requests:send")
REREQUEST = reverse("oso_requests:rerequest")
DELETE = reverse("oso_requests:delete")


@pytest.fixture
def finished(db):
    group = SignupGroupFactory()
    return [
        TransferRequestFactory(
            student=StudentFactory(signup_group=group), status=RequestStatus.NOT_CHANGED
        )
        for _ in range(3)
    ]


def _checked_ids(html: str) -> set[int]:
    return {
        int(value)
        for value in re.findall(
            r'<input type="checkbox" name="request_ids" value="(\d+)"[^>]* checked', html
        )
    }


def test_the_overview_offers_opnieuw_aanvragen(portal_client, finished):
    html = portal_client.get(OVERVIEW, HTTP_ACCEPT_LANGUAGE="nl").content.decode()

    assert re.search(r'formaction="[^"]*/rerequest/"[^>]*>\s*Opnieuw aanvragen<', html)


def test_opnieuw_aanvragen_sends_a_new_request_per_pupil_in_the_chosen_mode(
    portal_client, finished, no_enqueue
):
    response = portal_client.post(
        REREQUEST,
        {
            "request_ids": [r.pk for r in finished],
            "mode": "changes_since",
            "changed_since": "2021-03-20",
        },
        HTTP_ACCEPT_LANGUAGE="nl",
    )

    batch = RequestBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{OVERVIEW}?batch={batch.pk}"
    new = list(batch.requests.all())
    assert {r.student_id for r in new} == {r.student_id for r in finished}
    assert {(r.status, r.mode, r.changed_since) for r in new} == {
        (RequestStatus.REQUESTED, RequestMode.CHANGES_SINCE, dt.date(2021, 3, 20))
    }
    page = portal_client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="nl")
    html = page.content.decode()
    assert "3 leerlingen worden opnieuw aangevraagd." in html
    # The overview now shows each pupil's new request, not the finished one.
    shown = {row.record.pk for row in page.context["table"].paginated_rows}
    assert shown == {r.pk for r in new}


def test_a_double_click_on_opnieuw_aanvragen_adds_one_request_per_pupil(
    portal_client, finished, no_enqueue
):
    data = {"request_ids": [r.pk for r in finished], "mode": "current"}
    portal_client.post(REREQUEST, data)
    second = portal_client.post(REREQUEST, data, HTTP_ACCEPT_LANGUAGE="nl", follow=True)

    assert TransferRequest.objects.count() == 6
    assert RequestBatch.objects.count() == 1
    assert "elke geselecteerde leerling heeft al een open aanvraag" in second.content.decode()


def test_opnieuw_aanvragen_with_select_all_takes_the_filter(portal_client, finished, no_enqueue):
    elsewhere = TransferRequestFactory(
        student=StudentFactory(signup_group=SignupGroupFactory(name="Ander")),
        status=RequestStatus.PROCESSED,
    )
    group = finished[0].student.signup_group

    portal_client.post(
        REREQUEST, {"select_all": "1", "query": f"signup_group={group.pk}", "mode": "current"}
    )

    assert RequestBatch.objects.get().requests.count() == 3
    assert (
        not TransferRequest.objects.filter(student=elsewhere.student)
        .exclude(pk=elsewhere.pk)
        .exists()
    )


def test_aanvragen_on_finished_rows_says_what_to_do_and_keeps_mode_date_and_selection(
    portal_client, finished, no_enqueue
):
    chosen = finished[:2]
    response = portal_client.post(
        SEND,
        {
            "request_ids": [r.pk for r in chosen],
            "mode": "changes_since",
            "changed_since": "2021-03-20",
            "query": "status=not_changed",
        },
        HTTP_ACCEPT_LANGUAGE="nl",
        follow=True,
    )

    html = response.content.decode()
    assert response.redirect_chain[-1][0] == f"{OVERVIEW}?status=not_changed"
    assert "Er is niets verstuurd" in html
    assert "klik dan op Opnieuw aanvragen" in html
    assert "Uw keuze en selectie zijn bewaard." in html
    assert re.search(r'<input type="radio" name="mode" value="changes_since"[^>]*checked', html)
    assert 'value="2021-03-20"' in html
    assert _checked_ids(html) == {r.pk for r in chosen}
    assert not RequestBatch.objects.exists()
    # Kept for one view only.
    again = portal_client.get(OVERVIEW, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert _checked_ids(again) == set()


def test_a_refusal_keeps_select_all(portal_client, finished, no_enqueue):
    response = portal_client.post(
        SEND, {"select_all": "1", "query": "", "mode": "current"}, follow=True
    )

    assert re.search(r'id="select-all-results"[^>]* checked', response.content.decode())


def test_opnieuw_aanvragen_on_rows_that_are_not_finished_says_what_to_do(portal_client, no_enqueue):
    ready = TransferRequestFactory(student=StudentFactory(signup_group=SignupGroupFactory()))

    response = portal_client.post(
        REREQUEST,
        {"request_ids": [ready.pk], "mode": "current"},
        HTTP_ACCEPT_LANGUAGE="nl",
        follow=True,
    )

    html = response.content.decode()
    assert "geen van de geselecteerde aanvragen is afgerond" in html
    assert "Klik voor aanvragen die klaarstaan op Aanvragen" in html
    assert _checked_ids(html) == {ready.pk}
    assert TransferRequest.objects.count() == 1


def test_refusals_speak_english_when_chosen(portal_client, finished, no_enqueue):
    portal_client.post(reverse("set_language"), {"language": "en", "next": OVERVIEW})

    html = portal_client.post(
        SEND, {"request_ids": [finished[0].pk], "mode": "current"}, follow=True
    ).content.decode()

    assert "Nothing was sent" in html and "click Request again" in html


def test_a_date_error_keeps_the_selection(portal_client, finished, no_enqueue):
    response = portal_client.post(
        REREQUEST,
        {
            "request_ids": [finished[0].pk],
            "mode": "changes_since",
            "changed_since": "2999-01-01",
        },
        HTTP_ACCEPT_LANGUAGE="nl",
        follow=True,
    )

    html = response.content.decode()
    assert "mag niet in de toekomst liggen" in html
    assert _checked_ids(html) == {finished[0].pk}
    assert TransferRequest.objects.count() == 3


def test_verwijderen_without_a_selection_asks_to_select_first_without_a_confirmation(
    portal_client, finished
):
    html = portal_client.get(OVERVIEW, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    # The confirmation is only asked when something is selected (static/js/portal.js).
    assert re.search(r'data-confirm="[^"]+" data-confirm-needs-selection="request_ids"', html)

    response = portal_client.post(DELETE, {}, HTTP_ACCEPT_LANGUAGE="nl", follow=True)

    assert "Selecteer eerst minstens één rij." in response.content.decode()
    assert TransferRequest.objects.count() == 3


def test_opnieuw_proberen_and_verwijderen_refusals_say_what_to_do_and_keep_the_selection(
    portal_client, finished, no_enqueue
):
    chosen = [finished[0].pk]
    retry = portal_client.post(
        reverse("oso_requests:retry"),
        {"request_ids": chosen},
        HTTP_ACCEPT_LANGUAGE="nl",
        follow=True,
    ).content.decode()
    delete = portal_client.post(
        DELETE, {"request_ids": chosen}, HTTP_ACCEPT_LANGUAGE="nl", follow=True
    ).content.decode()

    assert "er is niets opnieuw te proberen" in retry
    assert "klik dan op Opnieuw aanvragen" in retry
    assert "er is niets verwijderd" in delete and "filter op die status" in delete
    assert _checked_ids(retry) == _checked_ids(delete) == set(chosen)
    assert TransferRequest.objects.count() == 3
