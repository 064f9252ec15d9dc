"""Overstapdossier opvragen: the overview, its actions, the export and the progress fragment."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditAction, AuditEntry
from requests.models import RequestBatch, RequestMode, RequestStatus, TransferRequest
from students.models import Student
from tests.factories import (
    PrimarySchoolFactory,
    RequestBatchFactory,
    SignupGroupFactory,
    StudentFactory,
    TransferRequestFactory,
)
from tests.pages_support import column_headers

OVERVIEW = reverse("oso_requests:overview")
SEND = reverse("oso_requests:send")
RETRY = reverse("oso_requests:retry")
DELETE = reverse("oso_requests:delete")


def rows_in(response) -> list[TransferRequest]:
    return [row.record for row in response.context["table"].paginated_rows]


@pytest.fixture
def group(db):
    return SignupGroupFactory()


@pytest.fixture
def ready(group):
    return [
        TransferRequestFactory(
            student=StudentFactory(signup_group=group), status=RequestStatus.READY
        )
        for _ in range(3)
    ]


def test_overview_shows_the_seed_columns_in_dutch(portal_client, ready):
    response = portal_client.get(OVERVIEW, HTTP_ACCEPT_LANGUAGE="nl")
    html = response.content.decode()

    assert response.status_code == 200
    assert column_headers(html, "request-table") == [
        "",
        "Status",
        "Laatste activiteit",
        "Aanvraag",
        "Stamnummer",
        "Roepnaam",
        "Tussenvoegsel",
        "Achternaam",
        "Opmerkingen",
        # With the history shown, "Soort aanvraag" follows (a pupil's rows differ by it).
    ]
    for label in ("Klaar om op te vragen", "Actueel", "Mutaties vanaf", ">Aanvragen<"):
        assert label in html
    for label in ("Opnieuw proberen", "Verwijderen", "Exporteren"):
        assert label in html
    assert "data-date-input" in html  # Mutaties vanaf: typed dd-mm-jjjj, with a calendar
    student = ready[0].student
    assert reverse("students:detail", args=[student.student_number]) in html


def test_overview_filters_by_status_and_signup_group(portal_client, group, ready):
    other_group = SignupGroupFactory(name="Groep 8 - Elders")
    failed = TransferRequestFactory(
        student=StudentFactory(signup_group=other_group), status=RequestStatus.FAILED
    )

    response = portal_client.get(OVERVIEW, {"status": RequestStatus.FAILED})
    assert rows_in(response) == [failed]

    response = portal_client.get(OVERVIEW, {"signup_group": group.pk})
    assert {r.pk for r in rows_in(response)} == {r.pk for r in ready}

    response = portal_client.get(OVERVIEW, {"status": "open"})
    assert {r.pk for r in rows_in(response)} == {r.pk for r in ready}


def test_remarks_and_the_failure_reason_are_shown(portal_client, group):
    TransferRequestFactory(
        status=RequestStatus.PROCESSED_WITH_REMARKS,
        remarks=["Achternaam lokaal gecorrigeerd; dossier: Jansen"],
    )
    TransferRequestFactory(status=RequestStatus.FAILED, error="Leerling onbekend bij ELK")

    html = portal_client.get(OVERVIEW).content.decode()

    assert "Achternaam lokaal gecorrigeerd; dossier: Jansen" in html
    assert "Leerling onbekend bij ELK" in html


def test_send_current_sends_the_selected_ready_requests_as_one_batch(
    portal_client, ready, no_enqueue, django_capture_on_commit_callbacks
):
    chosen = ready[:2]
    with django_capture_on_commit_callbacks(execute=True):
        response = portal_client.post(
            SEND,
            {"request_ids": [r.pk for r in chosen], "mode": "current", "changed_since": ""},
            HTTP_ACCEPT_LANGUAGE="nl",
        )

    batch = RequestBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{OVERVIEW}?batch={batch.pk}"
    assert batch.mode == RequestMode.CURRENT
    statuses = dict(TransferRequest.objects.values_list("pk", "status"))
    assert statuses[chosen[0].pk] == RequestStatus.REQUESTED
    assert statuses[chosen[1].pk] == RequestStatus.REQUESTED
    assert statuses[ready[2].pk] == RequestStatus.READY
    assert sorted(pk for ids in no_enqueue for pk in ids) == sorted(r.pk for r in chosen)

    page = portal_client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="nl")
    assert "2 aanvragen verstuurd." in page.content.decode()


def test_send_changes_since_a_date_applies_it_to_every_request(portal_client, ready, no_enqueue):
    portal_client.post(
        SEND,
        {
            "request_ids": [r.pk for r in ready],
            "mode": "changes_since",
            "changed_since": "2021-02-01",
        },
    )

    batch = RequestBatch.objects.get()
    assert batch.mode == RequestMode.CHANGES_SINCE
    assert batch.changed_since == dt.date(2021, 2, 1)
    assert set(TransferRequest.objects.values_list("changed_since", flat=True)) == {
        dt.date(2021, 2, 1)
    }


def test_send_changes_since_without_a_date_uses_each_students_last_dossier(
    portal_client, ready, no_enqueue
):
    portal_client.post(
        SEND, {"request_ids": [r.pk for r in ready], "mode": "changes_since", "changed_since": ""}
    )

    batch = RequestBatch.objects.get()
    assert batch.mode == RequestMode.CHANGES_SINCE
    assert batch.changed_since is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2999-01-01", "mag niet in de toekomst liggen"),
        ("morgen", "Vul een geldige datum in."),
    ],
)
def test_send_with_a_future_or_unreadable_date_sends_nothing_and_says_why(
    portal_client, ready, no_enqueue, value, message
):
    response = portal_client.post(
        SEND,
        {
            "request_ids": [r.pk for r in ready],
            "mode": "changes_since",
            "changed_since": value,
            "query": "status=ready",
        },
        HTTP_ACCEPT_LANGUAGE="nl",
        follow=True,
    )

    assert message in response.content.decode()
    # The page opens at the send options, where the error is told.
    assert response.redirect_chain[-1][0] == f"{OVERVIEW}?status=ready#send-options"
    assert 'id="send-options"' in response.content.decode()
    assert not RequestBatch.objects.exists()
    assert set(TransferRequest.objects.values_list("status", flat=True)) == {RequestStatus.READY}
    assert no_enqueue == []


def test_send_of_requests_that_are_not_ready_says_nothing_was_sent(
    portal_client, group, no_enqueue
):
    done = TransferRequestFactory(status=RequestStatus.PROCESSED)

    response = portal_client.post(
        SEND, {"request_ids": [done.pk], "mode": "current"}, HTTP_ACCEPT_LANGUAGE="nl", follow=True
    )

    assert "Er is niets verstuurd" in response.content.decode()
    assert not RequestBatch.objects.exists()


def test_select_all_sends_every_request_of_the_filter(portal_client, group, no_enqueue):
    for _ in range(60):
        TransferRequestFactory(student=StudentFactory(signup_group=group))
    TransferRequestFactory(student=StudentFactory(signup_group=SignupGroupFactory(name="Ander")))

    portal_client.post(
        SEND, {"select_all": "1", "query": f"signup_group={group.pk}", "mode": "current"}
    )

    assert TransferRequest.objects.filter(status=RequestStatus.REQUESTED).count() == 60
    assert TransferRequest.objects.filter(status=RequestStatus.READY).count() == 1


def test_retry_sends_failed_requests_again(portal_client, group, no_enqueue):
    failed = TransferRequestFactory(status=RequestStatus.FAILED, error="time-out")
    ready = TransferRequestFactory(status=RequestStatus.READY)

    response = portal_client.post(
        RETRY, {"request_ids": [failed.pk, ready.pk]}, HTTP_ACCEPT_LANGUAGE="nl", follow=True
    )

    failed.refresh_from_db()
    assert failed.status == RequestStatus.REQUESTED
    assert failed.error == ""
    assert "1 mislukte aanvraag wordt opnieuw geprobeerd." in response.content.decode()


def test_delete_removes_only_ready_requests(portal_client, group):
    ready = TransferRequestFactory(status=RequestStatus.READY)
    done = TransferRequestFactory(status=RequestStatus.PROCESSED)

    response = portal_client.post(
        DELETE, {"request_ids": [ready.pk, done.pk]}, HTTP_ACCEPT_LANGUAGE="nl", follow=True
    )

    assert list(TransferRequest.objects.values_list("pk", flat=True)) == [done.pk]
    assert "1 aanvraag verwijderd." in response.content.decode()


def test_actions_without_a_selection_change_nothing(portal_client, ready, no_enqueue):
    for url in (SEND, RETRY, DELETE):
        response = portal_client.post(
            url, {"mode": "current"}, HTTP_ACCEPT_LANGUAGE="nl", follow=True
        )
        assert "Selecteer eerst minstens één rij." in response.content.decode()
    assert TransferRequest.objects.filter(status=RequestStatus.READY).count() == 3


# --- Export -----------------------------------------------------------------------------


def test_csv_export_of_the_filter_masks_the_bsn(portal_client, group):
    student = StudentFactory(signup_group=group, surname="Vermeulen")
    TransferRequestFactory(student=student, status=RequestStatus.FAILED, error="=HYPERLINK()")
    TransferRequestFactory(status=RequestStatus.READY)

    response = portal_client.get(
        reverse("oso_requests:export", args=["csv"]),
        {"status": "failed"},
        HTTP_ACCEPT_LANGUAGE="nl",
    )

    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body), delimiter=";"))
    assert rows[0][:4] == ["Status", "Laatste activiteit", "Aanvraag", "Stamnummer"]
    assert len(rows) == 2
    assert rows[1][0] == "Mislukt"
    assert rows[1][3] == student.student_number
    assert rows[1][6] == "Vermeulen"
    assert student.bsn not in body
    assert student.bsn_masked in rows[1]
    assert rows[1][-1] == "'=HYPERLINK()"


def test_export_controls_are_named_exporteren_and_link_to_the_current_filter(portal_client, ready):
    response = portal_client.get(OVERVIEW, {"status": "failed"}, HTTP_ACCEPT_LANGUAGE="nl")
    html = response.content.decode()

    anchors = re.findall(r'<a href="([^"]*)"[^>]*>\s*Exporteren \((\w+)\)\s*</a>', html)
    links = {name: href.replace("&amp;", "&") for href, name in anchors}
    assert set(links) == {"CSV", "Excel"}
    assert links["CSV"].startswith(reverse("oso_requests:export", args=["csv"]) + "?")
    assert links["Excel"].startswith(reverse("oso_requests:export", args=["xlsx"]) + "?")
    for href in links.values():
        assert "status=failed" in href
    export = portal_client.get(links["CSV"])
    assert export.status_code == 200
    assert export["Content-Type"].startswith("text/csv")


def test_excel_export_has_the_same_rows(portal_client, group):
    students = [StudentFactory(signup_group=group) for _ in range(3)]
    for student in students:
        TransferRequestFactory(student=student)

    response = portal_client.get(reverse("oso_requests:export", args=["xlsx"]))

    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][3] == "Stamnummer"
    assert sorted(v[3] for v in values[1:]) == sorted(s.student_number for s in students)
    flat = " ".join(str(cell) for row in values for cell in row)
    for student in students:
        assert student.bsn not in flat


def test_excel_export_defuses_text_that_would_run_as_a_formula(portal_client):
    TransferRequestFactory(status=RequestStatus.FAILED, error="=HYPERLINK()")

    response = portal_client.get(reverse("oso_requests:export", args=["xlsx"]))

    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][-1] == "'=HYPERLINK()"


def test_unknown_export_format_is_refused(portal_client):
    response = portal_client.get(reverse("oso_requests:export", args=["pdf"]))
    assert response.status_code == 400
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT_MADE).exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_is_on_record_with_who_the_filter_and_the_row_count(
    portal_client, portal_user, group, fmt
):
    for _ in range(2):
        TransferRequestFactory(
            student=StudentFactory(signup_group=group), status=RequestStatus.FAILED
        )
    TransferRequestFactory(student=StudentFactory(signup_group=group))
    other = StudentFactory(signup_group=SignupGroupFactory(name="Groep 8 - Andere school"))
    TransferRequestFactory(student=other, status=RequestStatus.FAILED)

    response = portal_client.get(
        reverse("oso_requests:export", args=[fmt]),
        {"status": "failed", "signup_group": group.pk},
    )
    assert response.status_code == 200

    entry = AuditEntry.objects.get(action=AuditAction.EXPORT_MADE)
    assert entry.actor == portal_user.get_username()
    assert entry.summary == "requests, 2 rows"
    assert entry.details["export"] == "requests"
    assert entry.details["format"] == fmt
    assert entry.details["rows"] == 2
    assert entry.details["filters"]["status"] == "failed"
    assert group.name in entry.details["filters"]["signup_group"]


# --- Progress -----------------------------------------------------------------------------


def test_progress_fragment_polls_while_the_batch_runs_and_stops_when_settled(portal_client):
    batch = RequestBatchFactory(created_by="toelating")
    running = TransferRequestFactory(batch=batch, status=RequestStatus.REQUESTED)
    TransferRequestFactory(batch=batch, status=RequestStatus.PROCESSED)
    url = reverse("oso_requests:batch_progress", args=[batch.pk])

    response = portal_client.get(url, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="nl")
    html = response.content.decode()
    assert 'hx-trigger="every 2s"' in html
    assert "1 van 2 afgehandeld" in html
    assert "HX-Trigger" not in response

    running.status = RequestStatus.NOT_CHANGED
    running.save()

    response = portal_client.get(url, HTTP_HX_REQUEST="true", HTTP_ACCEPT_LANGUAGE="nl")
    html = response.content.decode()
    assert "hx-trigger" not in html
    assert "2 van 2 afgehandeld" in html
    assert "Leerlinginfo niet gewijzigd" in html
    assert response["HX-Trigger"] == "batch-finished"


def test_progress_names_the_elk_feed_and_the_changes_since_date_in_the_page_language(
    portal_client,
):
    batch = RequestBatchFactory(
        created_by="elk-feed", mode=RequestMode.CHANGES_SINCE, changed_since=dt.date(2021, 3, 1)
    )
    TransferRequestFactory(batch=batch, status=RequestStatus.REQUESTED)
    url = reverse("oso_requests:batch_progress", args=[batch.pk])

    dutch = portal_client.get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    portal_client.cookies["django_language"] = "en"
    english = portal_client.get(url).content.decode()

    assert "door ELK-koppeling (Mutaties vanaf 01-03-2021)." in dutch
    assert "by ELK feed (Changes since 01-03-2021)." in english
    assert "elk-feed" not in dutch + english


def test_progress_of_changes_since_without_a_date_says_each_pupils_last_dossier(portal_client):
    batch = RequestBatchFactory(created_by="toelating", mode=RequestMode.CHANGES_SINCE)
    TransferRequestFactory(batch=batch, status=RequestStatus.REQUESTED)
    url = reverse("oso_requests:batch_progress", args=[batch.pk])

    html = portal_client.get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()

    assert "(Mutaties vanaf het laatste dossier van elke leerling)." in html


def test_overview_shows_the_progress_of_the_batch_just_sent(portal_client):
    batch = RequestBatchFactory()
    TransferRequestFactory(batch=batch, status=RequestStatus.REQUESTED)
    later = RequestBatchFactory()

    html = portal_client.get(OVERVIEW, {"batch": batch.pk}).content.decode()

    assert reverse("oso_requests:batch_progress", args=[batch.pk]) in html
    assert reverse("oso_requests:batch_progress", args=[later.pk]) not in html


# --- Query budget ---------------------------------------------------------------------------


def _bulk_requests(group, count: int) -> None:
    school = PrimarySchoolFactory()
    students = Student.objects.bulk_create(
        Student(
            student_number=str(4000000000 + i),
            surname=f"Klein{i}",
            signup_group=group,
            primary_school=school,
        )
        for i in range(count)
    )
    now = timezone.now()
    TransferRequest.objects.bulk_create(
        TransferRequest(student=s, status=RequestStatus.READY, last_activity_at=now, remarks=["x"])
        for s in students
    )


def test_overview_costs_the_same_queries_for_10_and_1000_requests(
    portal_client, group, django_assert_num_queries
):
    _bulk_requests(group, 10)
    portal_client.get(OVERVIEW)
    with CaptureQueriesContext(connection) as small:
        assert portal_client.get(OVERVIEW).status_code == 200
    TransferRequest.objects.all().delete()
    Student.objects.all().delete()
    _bulk_requests(group, 1000)

    with django_assert_num_queries(len(small.captured_queries)):
        response = portal_client.get(OVERVIEW)

    assert response.context["table"].paginator.count == 1000
    assert len(rows_in(response)) == 50


def test_excel_export_has_real_dates_widths_a_frozen_header_and_an_auto_filter(
    portal_client, group
):
    student = StudentFactory(signup_group=group, surname="Vermeulen-Achternaamlang")
    request = TransferRequestFactory(student=student, status=RequestStatus.PROCESSED)
    moment = timezone.make_aware(dt.datetime(2021, 5, 11, 9, 30))
    TransferRequest.objects.filter(pk=request.pk).update(created_at=moment, last_activity_at=moment)

    response = portal_client.get(
        reverse("oso_requests:export", args=["xlsx"]), HTTP_ACCEPT_LANGUAGE="nl"
    )

    sheet = load_workbook(io.BytesIO(response.content)).active
    headers = [cell.value for cell in sheet[1]]
    assert headers[:4] == ["Status", "Laatste activiteit", "Aanvraag", "Stamnummer"]
    last_activity, requested_on = sheet["B2"], sheet["C2"]
    assert last_activity.value == dt.datetime(2021, 5, 11, 9, 30)
    assert last_activity.number_format == "dd-mm-yyyy hh:mm"
    assert requested_on.value == dt.datetime(2021, 5, 11)
    assert requested_on.number_format == "dd-mm-yyyy"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{chr(ord('A') + len(headers) - 1)}2"
    surname_column = chr(ord("A") + headers.index("Achternaam"))
    assert sheet.column_dimensions[surname_column].width >= len("Vermeulen-Achternaamlang")
