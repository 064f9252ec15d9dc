"""The audit log page and its CSV export: who may see them, searching, the export on record."""

from __future__ import annotations

import csv
import io

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.contrib.auth.views import LoginView, LogoutView
from django.http import HttpResponse
from django.urls import include, path, reverse
from django.utils import translation

from audit.models import AuditAction, AuditEntry
from audit.services import audit_record
from tests.factories import UserFactory

# What base.html links to, plus the audit app, so these tests do not depend on
# the state of the portal's other pages.
urlpatterns = [
    path("", lambda request: HttpResponse("home"), name="home"),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("audit/", include("audit.urls")),
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def _user_with(*perms: str, username: str = "auditor"):
    user = UserFactory(username=username)
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


@pytest.fixture
def auditor_client(client):
    client.force_login(_user_with("students.use_portal", "audit.view_auditentry"))
    return client


@pytest.fixture
def entries():
    return [
        audit_record(
            actor="marieke",
            action=AuditAction.CORRECTION_RECORDED,
            student_number="1000000001",
            summary="surname",
        ),
        audit_record(
            actor="joost",
            action=AuditAction.BSN_REVEALED,
            student_number="1000000002",
            summary="bsn *****6782",
        ),
        audit_record(actor="system", action=AuditAction.REQUEST_SENT, summary="=HYPERLINK(1)"),
    ]


@pytest.mark.parametrize("name", ["audit:log", "audit:export"])
def test_anonymous_visitor_is_sent_to_the_login_page(client, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", ["audit:log", "audit:export"])
@pytest.mark.parametrize("perms", [(), ("students.use_portal",), ("audit.view_auditentry",)])
def test_user_without_both_permissions_gets_403_and_no_export_is_recorded(client, name, perms):
    client.force_login(_user_with(*perms))

    response = client.get(reverse(name))

    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT_MADE).exists()


def test_auditor_sees_entries_with_dutch_labels(auditor_client, entries):
    with translation.override("nl"):
        response = auditor_client.get(reverse("audit:log"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Auditlog" in page
    assert "Correctie vastgelegd" in page
    assert "BSN getoond" in page
    assert "1000000002" in page
    assert "Exporteren (CSV)" in page


def test_search_form_narrows_the_table(auditor_client, entries):
    response = auditor_client.get(reverse("audit:log"), {"action": "bsn_revealed"})

    rows = list(response.context["table"].rows)
    assert [row.record for row in rows] == [entries[1]]


def test_wrong_date_is_refused_in_dutch_and_shows_nothing(auditor_client, entries):
    with translation.override("nl"):
        response = auditor_client.get(reverse("audit:log"), {"date_from": "31-02-2026"})

        invalid_date = str(forms.DateField().error_messages["invalid"])

    assert response.status_code == 200
    assert invalid_date.startswith(("Vul een geldige datum in", "Voer een geldige datum in"))
    assert invalid_date in response.content.decode()
    assert list(response.context["table"].rows) == []


def test_start_date_after_end_date_is_refused_in_dutch(auditor_client, entries):
    with translation.override("nl"):
        response = auditor_client.get(
            reverse("audit:log"), {"date_from": "2026-03-12", "date_to": "2026-03-10"}
        )

    assert "De begindatum ligt na de einddatum." in response.content.decode()


def _csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(body)))


def test_export_gives_the_current_search_as_csv_and_is_itself_on_record(auditor_client, entries):
    with translation.override("nl"):
        response = auditor_client.get(reverse("audit:export"), {"actor": "marieke"})
        rows = _csv_rows(response)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="auditlog-')
    assert rows[0][:5] == ["Tijdstip", "Wie", "Actie", "Stamnummer", "Samenvatting"]
    assert [row[1:5] for row in rows[1:]] == [
        ["marieke", "Correctie vastgelegd", "1000000001", "surname"]
    ]
    export = AuditEntry.objects.get(action=AuditAction.EXPORT_MADE)
    assert export.actor == "auditor"
    assert export.details["filters"] == {"actor": "marieke"}
    assert export.summary == "audit log, 1 rows"


def test_export_defuses_cells_that_a_spreadsheet_would_run_as_formula(auditor_client, entries):
    rows = _csv_rows(auditor_client.get(reverse("audit:export"), {"actor": "system"}))

    assert rows[1][4] == "'=HYPERLINK(1)"


@pytest.mark.urls("oso_portal.urls")
def test_the_project_serves_the_audit_pages_under_audit(auditor_client, entries):
    assert reverse("audit:log") == "/audit/"

    response = auditor_client.get("/audit/", {"student_number": "1000000002"})

    assert response.status_code == 200
    assert [row.record for row in response.context["table"].rows] == [entries[1]]
