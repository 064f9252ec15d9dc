"""The story of a school year never leaks a full BSN.

Staff import the official example dossiers on the page, search (also on a full
BSN), add everyone to the requests, send them, export, open every student page,
the admin and the audit log. Every URL, redirect, response body, export file, log
record (as logged, before the redaction filter) and audit row is captured; none
may hold a pupil's full BSN or education number. The one place that may is the
answer to an explicit reveal by a user with ``students.reveal_bsn``.
"""

from __future__ import annotations

import io
import logging

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from audit.models import AuditEntry
from requests.models import TransferRequest
from students.models import ReceivedDossier, Student
from tests.factories import SignupGroupFactory, UserFactory

pytestmark = pytest.mark.django_db


class _RawRecords(logging.Handler):
    """Keeps each record's text as the code logged it, before any handler's filter."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.texts: list[str] = []

    def handle(self, record: logging.LogRecord) -> bool:  # no filters: see everything
        text = record.getMessage()
        if record.exc_info:
            text += logging.Formatter().formatException(record.exc_info)
        self.texts.append(f"{record.name}: {text}")
        return True

    def emit(self, record):  # pragma: no cover - handle() does the work
        pass


@pytest.fixture
def raw_log():
    root = logging.getLogger()
    handler = _RawRecords()
    # First in line, so no other handler's filter has touched the record yet.
    root.handlers.insert(0, handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)


def _user(username: str, *perms: str, staff: bool = False):
    user = UserFactory(username=username, is_staff=staff)
    for perm in perms:
        app_label, codename = perm.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


class _Recorder:
    """A test client wrapper that remembers every URL and everything it received."""

    def __init__(self, client) -> None:
        self.client = client
        self.seen: list[tuple[str, str]] = []

    def _record(self, method: str, url: str, response) -> None:
        self.seen.append((f"{method} {url} (url)", url))
        for redirect_url, _status in getattr(response, "redirect_chain", []):
            self.seen.append((f"{method} {url} (redirect)", redirect_url))
        if response.has_header("Location"):
            self.seen.append((f"{method} {url} (Location)", response["Location"]))
        if getattr(response, "streaming", False):
            body = b"".join(response.streaming_content)
        else:
            body = response.content
        if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
            sheet = load_workbook(io.BytesIO(body)).active
            text = "\n".join(
                " ".join("" if cell is None else str(cell) for cell in row)
                for row in sheet.iter_rows(values_only=True)
            )
        else:
            text = body.decode("utf-8", errors="replace")
        self.seen.append((f"{method} {url} ({response.status_code})", text))

    def get(self, url, data=None, **kwargs):
        response = self.client.get(url, data, **kwargs)
        self._record("GET", url, response)
        return response

    def post(self, url, data=None, **kwargs):
        response = self.client.post(url, data, **kwargs)
        self._record("POST", url, response)
        return response


def _identifiers() -> set[str]:
    numbers = set()
    for bsn, education_number in Student.objects.values_list("bsn", "education_number"):
        numbers |= {bsn, education_number} - {""}
    return numbers


def _leaks(texts: list[tuple[str, str]], identifiers: set[str]) -> list[str]:
    return [
        f"{where}: *****{number[-4:]}"
        for where, text in texts
        for number in identifiers
        if number in text
    ]


def test_the_whole_story_shows_no_full_bsn_outside_an_explicit_reveal(
    client, raw_log, oso_examples
):
    group = SignupGroupFactory(name="Groep 8 - Saenredam College", school_year="2021-2022")
    staff = _user(
        "toelating",
        "students.use_portal",
        "audit.view_auditentry",
        "students.view_student",
        "students.view_receiveddossier",
        staff=True,
    )
    client.force_login(staff)
    web = _Recorder(client)

    # Dossier inlezen: the eight official examples.
    files = [
        SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/xml")
        for path in oso_examples
    ]
    web.post(
        reverse("students:dossier_import"), {"files": files, "signup_group": group.pk}, follow=True
    )
    identifiers = _identifiers()
    assert len(identifiers) >= 7, "the examples were imported"
    students = list(Student.objects.order_by("student_number"))

    # Leerlingen zoeken: a surname part, then a full BSN (posted, never in a URL).
    web.get(reverse("students:search"))
    web.post(reverse("students:search"), {"in_signup_group": "on", "surname": "a"}, follow=True)
    with_bsn = next(student for student in students if student.bsn)
    found = web.post(
        reverse("students:search"), {"in_signup_group": "on", "bsn": with_bsn.bsn}, follow=True
    )
    assert [row.record for row in found.context["table"].paginated_rows] == [with_bsn]
    query = found.context["search_query"]
    # Add the found student with "select all" (the BSN stays in the session), then
    # every student by checkbox; send the requests (their tasks queue after commit).
    web.post(reverse("students:add_to_requests"), {"select_all": "1", "query": query}, follow=True)
    web.post(
        reverse("students:add_to_requests"),
        {"student_ids": [student.pk for student in students]},
        follow=True,
    )
    request_ids = list(TransferRequest.objects.values_list("pk", flat=True))
    assert len(request_ids) == len(students)
    web.post(
        reverse("oso_requests:send"),
        {"request_ids": request_ids, "mode": "current", "changed_since": ""},
        follow=True,
    )

    # Overviews, exports, every student page, the groups, the admin, the audit log.
    web.get(reverse("oso_requests:overview"))
    web.get(reverse("oso_requests:export", args=["csv"]))
    web.get(reverse("oso_requests:export", args=["xlsx"]))
    web.get(reverse("students:signup_groups"))
    # The cards of the group and of the BSN search: CSV, Excel, the print view. The zip
    # is the one purpose-made export with full numbers: this user may not make it.
    for export_format in ("csv", "xlsx"):
        web.get(reverse("students:signup_group_export", args=[group.pk, export_format]))
        web.get(f"{reverse('students:export', args=[export_format])}?{query}")
    web.get(reverse("students:signup_group_print", args=[group.pk]))
    web.get(f"{reverse('students:print')}?{query}")
    assert (
        web.get(reverse("students:signup_group_export", args=[group.pk, "zip"])).status_code == 403
    )
    for student in students:
        web.get(reverse("students:detail", args=[student.student_number]))
    web.get(reverse("admin:students_student_changelist"))
    web.get(reverse("admin:students_student_change", args=[with_bsn.pk]))
    web.get(reverse("admin:students_receiveddossier_changelist"))
    web.get(reverse("audit:log"))
    web.get(reverse("audit:export"))

    audit_rows = [
        (f"audit {entry.pk} {entry.action}", f"{entry.summary} {entry.details}")
        for entry in AuditEntry.objects.all()
    ]
    assert audit_rows, "the story is on record"
    logged = [("log", text) for text in raw_log.texts]

    assert _leaks(web.seen + audit_rows + logged, identifiers) == []

    # The one allowed place: an explicit reveal, by a user who may.
    client.force_login(_user("privacy", "students.use_portal", "students.reveal_bsn"))
    reveal = client.post(reverse("audit:reveal_bsn", args=[with_bsn.pk]))
    assert with_bsn.bsn in reveal.content.decode()
    assert _leaks([("log", text) for text in raw_log.texts], identifiers) == []


def test_the_dossier_archive_in_the_admin_masks_the_bsn_without_reveal_permission(
    client, oso_examples
):
    group = SignupGroupFactory()
    importer = _user("importer", "students.use_portal")
    client.force_login(importer)
    example = oso_examples[0]
    client.post(
        reverse("students:dossier_import"),
        {
            "files": [SimpleUploadedFile(example.name, example.read_bytes())],
            "signup_group": group.pk,
        },
    )
    dossier = ReceivedDossier.objects.get()
    client.force_login(_user("staff", "students.view_receiveddossier", staff=True))

    response = client.get(reverse("admin:students_receiveddossier_change", args=[dossier.pk]))

    assert response.status_code == 200
    assert _leaks([("admin", response.content.decode())], _identifiers()) == []
