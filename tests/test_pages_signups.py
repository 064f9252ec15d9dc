"""The signup pages: Leerling aanmelden, Aanmeldingen inlezen (preview, import or none), undo,
moving pupils between groups, and the pupil state on search, student page and overview."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audit.models import AuditAction, AuditEntry
from requests.models import RequestStatus, TransferRequest
from students.models import SignupImport, SignupImportStatus, Student
from tests import signup_tables as table
from tests.factories import PriorEducationFactory, SignupGroupFactory, StudentFactory

NL = {"HTTP_ACCEPT_LANGUAGE": "nl"}
STATE = "Aangemeld, nog geen dossier"


@pytest.fixture
def group(db):
    return SignupGroupFactory(name="Aanmeldingen 2021", school_year="2021-2022")


def _form(**changes) -> dict:
    iris = table.IRIS
    data = {
        "bsn": iris.bsn,
        "birth_date": iris.birth_date.strftime("%d-%m-%Y"),
        "given_name": iris.given_name,
        "surname": iris.surname,
        "primary_school_brin": "12ab",
        "send_now": "",
    }
    data.update(changes)
    return data


def test_sign_up_page_has_dutch_labels(portal_client):
    html = portal_client.get(reverse("signups:create"), **NL).content.decode()

    assert "<h1>Leerling aanmelden</h1>" in html
    for label in ("BSN", "Onderwijsnummer", "Geboortedatum", "Achternaam", "BRIN basisschool"):
        assert f">{label}</label>" in html


def test_signing_up_one_pupil_gives_a_number_and_a_ready_request(portal_client, group):
    response = portal_client.post(
        reverse("signups:create"), _form(signup_group=group.pk), follow=True, **NL
    )

    student = Student.objects.get(bsn=table.IRIS.bsn)
    assert student.student_number and student.signup_group == group
    assert student.primary_school.brin == "12AB"
    [request] = TransferRequest.objects.filter(student=student)
    assert request.status == RequestStatus.READY
    html = response.content.decode()
    assert f"is aangemeld met stamnummer {student.student_number}" in html
    assert STATE in html
    assert table.IRIS.bsn not in html


def test_signing_up_with_send_now_sends_the_first_request(
    portal_client, group, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        portal_client.post(reverse("signups:create"), _form(signup_group=group.pk, send_now="on"))

    [request] = TransferRequest.objects.filter(student__bsn=table.IRIS.bsn)
    assert request.status == RequestStatus.REQUESTED
    assert [c.__qualname__ for c in callbacks]  # the submit task is queued on commit


def test_a_bad_check_digit_is_refused_in_dutch_and_nothing_is_created(portal_client, group):
    response = portal_client.post(
        reverse("signups:create"), _form(bsn=table.BAD_BSN, signup_group=group.pk), **NL
    )

    assert "BSN: het controlecijfer klopt niet" in response.content.decode()
    assert not Student.objects.exists()


def test_a_pupil_signed_up_already_is_not_signed_up_twice(portal_client, group):
    StudentFactory(bsn=table.IRIS.bsn)

    response = portal_client.post(reverse("signups:create"), _form(signup_group=group.pk), **NL)

    assert "Er is al een leerling met dit BSN" in response.content.decode()
    assert Student.objects.count() == 1


def test_a_new_group_is_created_for_the_next_school_year(portal_client):
    portal_client.post(reverse("signups:create"), _form(new_group="Open dag"))

    assert Student.objects.get(bsn=table.IRIS.bsn).signup_group.name == "Open dag"


def _upload(portal_client, raw: bytes, name: str = "aanmeldingen.csv"):
    return portal_client.post(
        reverse("signups:upload"),
        {"file": SimpleUploadedFile(name, raw, content_type="text/csv")},
        follow=True,
        **NL,
    )


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        (table.csv_bytes(encoding="cp1252", delimiter=";"), "aanmeldingen.csv"),
        (table.csv_bytes(encoding="utf-8", delimiter=",", bom=True), "aanmeldingen.csv"),
        (table.xlsx_bytes(), "aanmeldingen.xlsx"),
    ],
    ids=["windows-1252", "utf8-bom", "excel"],
)
def test_the_preview_shows_each_refused_row_and_imports_only_the_valid_ones(
    portal_client, group, raw, name
):
    table.already_signed_up()
    response = _upload(portal_client, raw, name)
    html = response.content.decode()

    assert "Regel 6: BSN: het controlecijfer klopt niet (elfproef)" in html
    assert "Regel 7: BSN: staat al op regel 2" in html
    assert "Regel 12: BRIN basisschool: geen 2 cijfers en 2 letters (zoals 12AB)" in html
    assert "5 leerlingen kunnen worden aangemeld, 1 zijn al aangemeld, 4 regels" in html
    assert not [b for b in (*table.EXPECTED_NEW, table.BAD_BSN) if b in html]
    assert Student.objects.count() == 1  # nothing yet: the preview writes no pupil

    preview_url = response.redirect_chain[-1][0]
    done = portal_client.post(
        preview_url, {"action": "import", "signup_group": group.pk}, follow=True, **NL
    )

    new = Student.objects.filter(signup_group=group)
    assert {s.bsn or s.education_number for s in new} == table.EXPECTED_NEW
    assert TransferRequest.objects.filter(student__in=new, status=RequestStatus.READY).count() == 5
    assert "5 aangemeld, 1 al aangemeld, 4 regels geweigerd." in done.content.decode()
    upload = SignupImport.objects.get()
    assert (upload.status, upload.raw) == (SignupImportStatus.IMPORTED, None)


def test_the_preview_names_the_lines_of_pupils_signed_up_already(portal_client, group):
    table.already_signed_up()

    html = _upload(portal_client, table.csv_bytes()).content.decode()

    assert "Al aangemeld: regel 9." in html


def test_import_nothing_drops_the_file_and_signs_up_nobody(portal_client, group):
    preview_url = _upload(portal_client, table.csv_bytes()).redirect_chain[-1][0]

    response = portal_client.post(preview_url, {"action": "discard"}, follow=True, **NL)

    assert "Er is niets ingelezen" in response.content.decode()
    assert not Student.objects.exists()
    assert SignupImport.objects.get().status == SignupImportStatus.DISCARDED
    assert SignupImport.objects.get().raw is None


def test_importing_a_preview_twice_signs_up_once(portal_client, group):
    preview_url = _upload(portal_client, table.csv_bytes()).redirect_chain[-1][0]
    portal_client.post(preview_url, {"action": "import", "signup_group": group.pk})

    again = portal_client.post(
        preview_url, {"action": "import", "signup_group": group.pk}, follow=True, **NL
    )

    assert "al ingelezen of terzijde gelegd" in again.content.decode()
    assert Student.objects.count() == 6  # line 9 too: nobody was signed up before here


def test_a_file_that_is_no_signup_list_is_refused_on_the_upload_page(portal_client):
    response = _upload(portal_client, b"naam;adres\nPiet;Dorp\n")

    assert "De eerste regel moet de kolommen noemen" in response.content.decode()
    assert not SignupImport.objects.exists()


def test_undo_removes_the_signups_without_a_file_and_keeps_the_others(portal_client, group):
    preview_url = _upload(portal_client, table.csv_bytes()).redirect_chain[-1][0]
    portal_client.post(preview_url, {"action": "import", "signup_group": group.pk})
    upload = SignupImport.objects.get()
    arrived = Student.objects.get(bsn=table.MEES.bsn)
    PriorEducationFactory(student=arrived)  # the first file came in for this one

    response = portal_client.post(reverse("signups:undo", args=[upload.pk]), follow=True, **NL)

    # Six signed up (line 9 too: nobody was signed up before here), one has its file.
    assert "5 leerlingen zonder dossier verwijderd" in response.content.decode()
    assert list(Student.objects.all()) == [arrived]
    assert not TransferRequest.objects.exclude(student=arrived).exists()
    assert AuditEntry.objects.filter(action=AuditAction.SIGNUP_UNDONE).count() == 5
    upload.refresh_from_db()
    assert (upload.status, upload.undone_count) == (SignupImportStatus.UNDONE, 5)
    again = portal_client.post(reverse("signups:undo", args=[upload.pk]), follow=True, **NL)
    assert "al ongedaan gemaakt" in again.content.decode()


def test_search_student_page_and_overview_show_the_pupil_state(portal_client, group):
    portal_client.post(reverse("signups:create"), _form(signup_group=group.pk))
    signed_up = Student.objects.get()
    with_file = PriorEducationFactory(student__signup_group=group).student

    search = portal_client.get(
        reverse("students:search"), {"in_signup_group": "on"}, **NL
    ).content.decode()
    page = portal_client.get(
        reverse("students:detail", args=[signed_up.student_number]), **NL
    ).content.decode()
    other = portal_client.get(
        reverse("students:detail", args=[with_file.student_number]), **NL
    ).content.decode()
    overview = portal_client.get(reverse("oso_requests:overview"), **NL).content.decode()

    assert search.count(STATE) == 1
    assert STATE in page and "Aanmelding wijzigen" in page
    assert STATE not in other
    assert STATE in overview


def test_moving_pupils_to_another_group_from_the_search_page(portal_client, group):
    other = SignupGroupFactory(name="Groep 8 - andere school", school_year="2021-2022")
    pupils = StudentFactory.create_batch(2, signup_group=group)

    response = portal_client.post(
        reverse("students:move_to_group"),
        {"student_ids": [p.pk for p in pupils], "target_group": other.pk, "query": ""},
        follow=True,
        **NL,
    )

    assert set(Student.objects.values_list("signup_group", flat=True)) == {other.pk}
    assert "2 leerlingen verplaatst naar" in response.content.decode()
    entries = AuditEntry.objects.filter(action=AuditAction.STUDENT_MOVED)
    assert {e.details["from"] for e in entries} == {group.name}


def test_a_pupil_without_a_file_shows_the_signup_as_the_source_of_the_names(portal_client, group):
    portal_client.post(reverse("signups:create"), _form(signup_group=group.pk))
    signed_up = Student.objects.get()
    with_file = PriorEducationFactory(student__signup_group=group).student

    page = portal_client.get(
        reverse("students:detail", args=[signed_up.student_number]), **NL
    ).content.decode()
    other = portal_client.get(
        reverse("students:detail", args=[with_file.student_number]), **NL
    ).content.decode()

    assert '<span class="muted">Aanmelding</span>' in page
    assert '<span class="muted">Dossier</span>' not in page
    assert '<span class="muted">Dossier</span>' in other
    assert '<span class="muted">Aanmelding</span>' not in other
