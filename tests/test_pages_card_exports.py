"""*Exporteren* and *Afdrukken* on *Aanmeldingsgroepen* and *Leerlingen zoeken*."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditAction, AuditEntry
from common.security import find_identifiers
from requests.models import RequestStatus, TransferRequest
from students.card_exports import HEADERS
from students.models import (
    FinalTestResult,
    PrimarySchool,
    PriorEducation,
    ReceivedDossier,
    Student,
)
from tests.factories import (
    SignupGroupFactory,
    StudentFactory,
    bsn_from_seed,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def group():
    return SignupGroupFactory()


def fill(group, count: int, *, start: int = 0) -> list[Student]:
    """``count`` pupils with a card, two final tests, a request and an archived file each."""
    school = PrimarySchool.objects.get_or_create(
        brin="12AB", branch="00", defaults={"name": "OBS De Vuurtoren"}
    )[0]
    students = Student.objects.bulk_create(
        [
            Student(
                student_number=str(1100000000 + start + i),
                given_name="Noor",
                surname=f"Hof{start + i:04d}",
                birth_date=dt.date(2009, 5, 14),
                bsn=bsn_from_seed(start + i),
                signup_group=group,
                primary_school=school,
            )
            for i in range(count)
        ]
    )
    raws = [f"<dossier>{s.student_number}</dossier>" for s in students]
    dossiers = ReceivedDossier.objects.bulk_create(
        [
            ReceivedDossier(
                student=s,
                raw_xml=raw,
                sha256=hashlib.sha256(raw.encode()).hexdigest(),
                outcome="processed_with_remarks",
                remarks=[f"Opmerking bij {s.student_number}"],
                collection_date=dt.date(2021, 5, 10),
            )
            for s, raw in zip(students, raws, strict=True)
        ]
    )
    cards = PriorEducation.objects.bulk_create(
        [
            PriorEducation(
                student=s,
                primary_school=school,
                advice_code="50",
                revised_advice_code="44",
                last_dossier=d,
                last_dossier_date=dt.date(2021, 5, 10),
            )
            for s, d in zip(students, dossiers, strict=True)
        ]
    )
    FinalTestResult.objects.bulk_create(
        [
            FinalTestResult(prior_education=c, test_type_code=code, date=date, standard_score=540)
            for c in cards
            for code, date in (("0012", dt.date(2021, 2, 1)), ("0011", dt.date(2021, 4, 20)))
        ]
    )
    TransferRequest.objects.bulk_create(
        [TransferRequest(student=s, status=RequestStatus.PROCESSED) for s in students]
    )
    return students


@pytest.fixture
def dossier_exporter(portal_user):
    portal_user.user_permissions.add(Permission.objects.get(codename="export_dossiers"))
    return portal_user


def _csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


# --- Aanmeldingsgroepen ---------------------------------------------------------------------


def test_the_groups_page_offers_export_and_print_but_the_zip_only_with_the_permission(
    portal_client, group, dossier_exporter
):
    fill(group, 2)
    urls = {
        reverse("students:signup_group_export", args=[group.pk, "csv"]),
        reverse("students:signup_group_export", args=[group.pk, "xlsx"]),
        reverse("students:signup_group_print", args=[group.pk]),
    }
    zip_url = reverse("students:signup_group_export", args=[group.pk, "zip"])
    dossier_exporter.user_permissions.clear()
    page = portal_client.get(reverse("students:signup_groups")).content.decode()

    assert "Exporteren" in page
    assert all(url in page for url in urls)
    assert zip_url not in page

    dossier_exporter.user_permissions.add(Permission.objects.get(codename="export_dossiers"))
    page = portal_client.get(reverse("students:signup_groups")).content.decode()
    assert zip_url in page


def test_the_group_csv_has_one_row_per_pupil_and_is_on_record(portal_client, group):
    fill(group, 3)
    StudentFactory(student_number="1200000001", signup_group=group)  # no file yet
    fill(SignupGroupFactory(name="Andere groep"), 2, start=50)

    response = portal_client.get(reverse("students:signup_group_export", args=[group.pk, "csv"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        'attachment; filename="leerlingkaarten-groep-8-saenredam-college-'
        in response["Content-Disposition"]
    )
    rows = _csv_rows(response)
    assert rows[0] == list(HEADERS)
    assert [r[0] for r in rows[1:]] == ["1100000000", "1100000001", "1100000002", "1200000001"]
    assert rows[1][HEADERS.index("Herzien advies")] == "code 44 (omschrijving onbekend)"
    assert rows[4][HEADERS.index("Leerlingstatus")] == "Aangemeld, nog geen dossier"
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT_MADE)
    assert (entry.actor, entry.details["export"], entry.details["format"]) == (
        "toelating",
        "cards",
        "csv",
    )
    assert (entry.details["signup_group"], entry.details["rows"]) == (str(group), 4)


def test_the_group_excel_is_a_workbook_with_the_same_columns(portal_client, group):
    fill(group, 2)

    response = portal_client.get(reverse("students:signup_group_export", args=[group.pk, "xlsx"]))

    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == list(HEADERS)
    assert sheet.max_row == 3 and sheet.freeze_panes == "A2"


def test_the_zip_is_refused_without_the_permission_and_nothing_is_recorded(portal_client, group):
    fill(group, 2)

    response = portal_client.get(reverse("students:signup_group_export", args=[group.pk, "zip"]))

    assert response.status_code == 403
    assert b"PK" not in response.content[:2]
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT_MADE).exists()


def test_the_zip_with_the_permission_holds_the_files_and_is_on_record(
    portal_client, group, dossier_exporter
):
    students = fill(group, 3)

    response = portal_client.get(reverse("students:signup_group_export", args=[group.pk, "zip"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    assert files == {
        f"{s.student_number}_{s.surname}.xml": f"<dossier>{s.student_number}</dossier>".encode()
        for s in students
    }
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT_MADE)
    assert (entry.actor, entry.details["files"], entry.details["signup_group"]) == (
        "toelating",
        3,
        str(group),
    )


def test_an_unknown_format_or_group_is_refused(portal_client, group):
    assert (
        portal_client.get(
            reverse("students:signup_group_export", args=[group.pk, "pdf"])
        ).status_code
        == 400
    )
    assert (
        portal_client.get(reverse("students:signup_group_export", args=[999, "csv"])).status_code
        == 404
    )


# --- Leerlingen zoeken: the current filter ---------------------------------------------------


def test_the_search_page_exports_its_current_filter_all_pages(portal_client, group):
    fill(group, 60)
    search = {"signup_group": group.pk, "surname": "Hof00", "in_signup_group": "on"}

    page = portal_client.get(reverse("students:search"), search).content.decode()
    assert "Exporteren" in page
    response = portal_client.get(reverse("students:export", args=["csv"]), search)

    rows = _csv_rows(response)
    # Hof0000 .. Hof0059 all match "Hof00": more than one page (50) of results.
    assert len(rows) == 1 + 60
    narrow = portal_client.get(
        reverse("students:export", args=["csv"]), {**search, "surname": "Hof0042"}
    )
    assert [r[0] for r in _csv_rows(narrow)[1:]] == ["1100000042"]
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT_MADE).latest("pk")
    assert entry.details["filters"]["surname"] == "Hof0042"
    assert "signup_group_id" not in entry.details  # a search, not a group


def test_a_bsn_search_exports_its_match_without_the_bsn_in_the_link(portal_client, group):
    students = fill(group, 3)
    wanted = students[1]

    response = portal_client.post(
        reverse("students:search"), {"bsn": wanted.bsn, "in_signup_group": "on"}
    )
    result_url = response["Location"]
    page = portal_client.get(result_url).content.decode()
    assert wanted.bsn not in page
    query = result_url.split("?", 1)[1]
    export = portal_client.get(f"{reverse('students:export', args=['csv'])}?{query}")

    assert [r[0] for r in _csv_rows(export)[1:]] == [wanted.student_number]
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT_MADE)
    assert wanted.bsn not in str(entry.details)


def test_an_export_without_a_search_goes_back_to_the_search_page(portal_client):
    response = portal_client.get(reverse("students:export", args=["csv"]))

    assert response.status_code == 302 and response["Location"] == reverse("students:search")
    assert not AuditEntry.objects.exists()


def test_the_search_zip_needs_the_permission_too(portal_client, group, dossier_exporter):
    fill(group, 2)
    url = reverse("students:export", args=["zip"])
    search = {"signup_group": group.pk, "in_signup_group": "on"}

    assert portal_client.get(url, search).status_code == 200
    dossier_exporter.user_permissions.clear()
    # Permissions are cached on the user object of the session: log in afresh.
    portal_client.force_login(Student._meta.apps.get_model("auth", "User").objects.get())
    assert portal_client.get(url, search).status_code == 403


# --- The print view ----------------------------------------------------------------------------


def test_the_print_view_has_one_card_per_pupil_with_the_bsn_masked(portal_client, group):
    students = fill(group, 3)
    signed_up = StudentFactory(student_number="1200000001", surname="Aa", signup_group=group)

    page = portal_client.get(reverse("students:signup_group_print", args=[group.pk])).content

    html = page.decode()
    assert html.count('<article class="print-card"') == 4
    # Alphabetical: "Aa" first.
    assert html.index(signed_up.student_number) < html.index(students[0].student_number)
    assert students[0].bsn_masked in html and find_identifiers(html) == []
    assert "Aangemeld, nog geen dossier" in html
    assert "Opmerking bij 1100000000" in html
    assert "Centrale Eindtoets (0011)" in html and "havo (50)" in html
    assert "data-print" in html
    assert " style=" not in html and "<script>" not in html


def test_the_search_print_view_prints_the_current_filter(portal_client, group):
    fill(group, 3)

    page = portal_client.get(
        reverse("students:print"),
        {"signup_group": group.pk, "surname": "Hof0001", "in_signup_group": "on"},
    ).content.decode()

    assert page.count('<article class="print-card"') == 1 and "1100000001" in page


def test_the_stylesheet_prints_one_pupil_per_page():
    from django.contrib.staticfiles import finders

    css = Path(finders.find("css/portal.css")).read_text(encoding="utf-8")
    print_rules = css[css.index("@media print") :]
    assert "break-after: page" in print_rules.split(".print-card {", 1)[1].split("}", 1)[0]


# --- Query budgets: the same for 10 and for 200 pupils ---------------------------------------


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)
    return len(queries)


@pytest.mark.parametrize(
    "route",
    [
        ("students:signup_group_export", "csv"),
        ("students:signup_group_export", "xlsx"),
        ("students:signup_group_export", "zip"),
        ("students:signup_group_print", None),
    ],
)
def test_a_group_export_costs_the_same_queries_for_10_and_200_pupils(
    portal_client, dossier_exporter, route
):
    counts = []
    for size, start in ((10, 0), (200, 1000)):
        group = SignupGroupFactory(name=f"Groep {size}")
        fill(group, size, start=start)
        name, fmt = route
        args = [group.pk, fmt] if fmt else [group.pk]
        counts.append(_queries(portal_client, reverse(name, args=args)))

    assert counts[0] == counts[1], counts


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "zip"])
def test_a_search_export_costs_the_same_queries_for_10_and_200_pupils(
    portal_client, dossier_exporter, fmt
):
    counts = []
    for size, start in ((10, 0), (200, 1000)):
        group = SignupGroupFactory(name=f"Groep {size}")
        fill(group, size, start=start)
        params = {"signup_group": group.pk, "in_signup_group": "on"}
        counts.append(_queries(portal_client, reverse("students:export", args=[fmt]), params))

    assert counts[0] == counts[1], counts


def test_a_large_zip_is_built_in_a_temporary_file_and_still_downloads_whole(
    portal_client, group, dossier_exporter, monkeypatch
):
    from students import card_views

    monkeypatch.setattr(card_views, "ZIP_IN_MEMORY", 64)  # roll over to a file at once
    students = fill(group, 5)

    response = portal_client.get(reverse("students:signup_group_export", args=[group.pk, "zip"]))

    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        assert len(archive.namelist()) == len(students)
        assert archive.testzip() is None
