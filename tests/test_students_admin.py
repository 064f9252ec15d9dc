"""The students admin: lists with few queries, corrections via the service, read-only archive."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditAction, AuditEntry
from students.models import (
    CodelistEntry,
    DossierOutcome,
    NawCorrection,
    ReceivedDossier,
    Student,
)
from students.services.corrections import naw_correction_record
from students.services.dossier_merge import DossierIn, dossiers_merge
from tests.admin_forms import admin_correct, admin_form
from tests.factories import (
    PriorEducationFactory,
    SignupGroupFactory,
    StudentFactory,
    UserFactory,
)
from tests.oso_dossier_edit import dossier_edit

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "primaryschool",
    "signupgroup",
    "codelistentry",
    "student",
    "prioreducation",
    "finaltestresult",
    "nawcorrection",
    "receiveddossier",
]


@pytest.fixture
def versions(oso_examples):
    """Two versions of one pupil's dossier, merged: March, then May with another surname."""
    base = next(p for p in oso_examples if p.name == "Voorbeelddossier_OV_POVO_full.xml")
    results = dossiers_merge(
        items=[
            DossierIn(
                raw=dossier_edit(base, collection_date=dt.date(2021, 3, 1)), source_name="maart.xml"
            ),
            DossierIn(
                raw=dossier_edit(base, collection_date=dt.date(2021, 5, 10), surname="Bergsma"),
                source_name="mei.xml",
            ),
        ],
        signup_group=SignupGroupFactory(),
    )
    return [ReceivedDossier.objects.get(pk=r.dossier_id) for r in results]


def _students(count):
    for _ in range(count):
        student = StudentFactory()
        PriorEducationFactory(student=student)
        naw_correction_record(student=student, field="town", value="Zaandam", user="anna")


@pytest.mark.parametrize("model", CHANGELISTS)
def test_every_changelist_opens_with_a_search_and_a_query_count_that_does_not_grow(
    superuser_client, model
):
    url = f"/admin/students/{model}/?q=a"
    _students(2)
    with CaptureQueriesContext(connection) as small:
        assert superuser_client.get(url).status_code == 200
    _students(12)
    with CaptureQueriesContext(connection) as large:
        assert superuser_client.get(url).status_code == 200

    assert len(large.captured_queries) == len(small.captured_queries)


def test_changing_a_non_naw_field_records_no_correction(superuser_client):
    student = StudentFactory()
    page = superuser_client.get(f"/admin/students/student/{student.pk}/change/")
    assert page.status_code == 200

    admin_correct(superuser_client, student, first_names="Noor Maria")

    student.refresh_from_db()
    assert student.first_names == "Noor Maria"
    assert not NawCorrection.objects.exists()


def test_invalid_naw_value_in_the_admin_is_refused_in_dutch(superuser_client):
    student = StudentFactory(postcode="1506EG")
    url = f"/admin/students/student/{student.pk}/change/"
    data = admin_form(superuser_client, url)
    data["postcode"] = "ABC"

    response = superuser_client.post(url, data, HTTP_ACCEPT_LANGUAGE="nl")

    assert response.status_code == 200
    assert "Vul een Nederlandse postcode in" in response.content.decode()
    student.refresh_from_db()
    assert student.postcode == "1506EG"
    assert not NawCorrection.objects.exists()


def test_full_bsn_only_for_those_who_may_reveal_it(client):
    student = StudentFactory(bsn="234017892")
    clerk = UserFactory(username="clerk", is_staff=True)
    clerk.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_student", "change_student"])
    )
    client.force_login(clerk)

    page = client.get(f"/admin/students/student/{student.pk}/change/").content.decode()

    assert "234017892" not in page
    assert "*****7892" in page
    clerk.user_permissions.add(Permission.objects.get(codename="reveal_bsn"))
    clerk = type(clerk).objects.get(pk=clerk.pk)  # drop the permission cache
    client.force_login(clerk)
    assert (
        "234017892" in client.get(f"/admin/students/student/{student.pk}/change/").content.decode()
    )


def test_release_action_restores_the_dossier_value(superuser_client):
    student = StudentFactory(surname="Hof", dossier_values={"surname": "Hof"})
    correction = naw_correction_record(
        student=student, field="surname", value="Hof-Jansen", user="anna"
    )

    superuser_client.post(
        "/admin/students/nawcorrection/",
        {"action": "release_corrections", "_selected_action": [correction.pk]},
    )

    student.refresh_from_db()
    assert student.surname == "Hof"
    assert not NawCorrection.objects.exists()


def test_dossier_archive_is_read_only_and_shows_the_xml_escaped(superuser_client, versions):
    march = versions[0]

    page = superuser_client.get(
        f"/admin/students/receiveddossier/{march.pk}/change/"
    ).content.decode()

    assert "&lt;achternaam&gt;Berg&lt;/achternaam&gt;" in page
    assert 'name="_save"' not in page
    assert superuser_client.get("/admin/students/receiveddossier/add/").status_code == 403
    response = superuser_client.post(f"/admin/students/receiveddossier/{march.pk}/change/", {})
    assert response.status_code == 403


def test_diff_view_shows_what_changed_between_two_versions(superuser_client, versions):
    march, may = versions

    page = superuser_client.get(
        f"/admin/students/receiveddossier/{may.pk}/diff/", {"other": march.pk}
    ).content.decode()

    assert "- &lt;achternaam&gt;Berg&lt;/achternaam&gt;" in " ".join(page.split())
    assert "+ &lt;achternaam&gt;Bergsma&lt;/achternaam&gt;" in " ".join(page.split())


def test_codelist_labels_are_editable_in_the_list(superuser_client):
    url = "/admin/students/codelistentry/?codelist__exact=advice&q=havo+t%2Fm"
    data = admin_form(superuser_client, url)
    label_fields = [name for name, value in data.items() if value == "havo t/m vwo"]
    assert len(label_fields) == 1
    data[label_fields[0]] = "havo/vwo"
    data.pop(label_fields[0].replace("-label", "-provisional"), None)  # untick "provisional"
    data["_save"] = "Opslaan"

    response = superuser_client.post(url, data)

    assert response.status_code == 302
    entry = CodelistEntry.objects.get(codelist="advice", code="51")
    assert (entry.label, entry.provisional) == ("havo/vwo", False)


def test_student_list_has_no_full_bsn(superuser_client):
    StudentFactory(bsn="234017892")

    page = superuser_client.get("/admin/students/student/").content.decode()

    assert "234017892" not in page and "*****7892" in page
    assert Student.objects.count() == 1


def test_dossier_diff_selector_lists_changed_lines_and_abbreviates_attachments(versions):
    from students.selectors.dossiers import dossier_diff

    march, may = versions

    lines = dossier_diff(older=march, newer=may)

    changed = [(line.op, line.text.strip()) for line in lines if line.op in ("added", "removed")]
    assert ("removed", "<achternaam>Berg</achternaam>") in changed
    assert ("added", "<achternaam>Bergsma</achternaam>") in changed
    assert ("removed", "<datum>2021-03-01</datum>") in changed
    assert lines[0].op == "hunk"
    # The attachments are equal: no base64 in the diff, and no line of it at all.
    assert max(len(line.text) for line in lines) < 300
    assert dossier_diff(older=march, newer=march) == []


# --- Identifiers in the dossier archive ---------------------------------------------------


def _reveal_user(client, *codenames):
    user = UserFactory(username="privacy", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client.force_login(user)
    return user


def test_dossier_archive_masks_the_bsn_even_for_those_who_may_reveal_it(client, versions):
    march = versions[0]
    _reveal_user(client, "view_receiveddossier", "reveal_bsn")

    page = client.get(f"/admin/students/receiveddossier/{march.pk}/change/").content.decode()

    bsn = march.student.bsn
    assert bsn and bsn not in page
    assert f"&lt;bsn&gt;*****{bsn[-4:]}&lt;/bsn&gt;" in page
    # Looking at a masked dossier reveals nothing, so nothing is recorded as a reveal.
    assert not AuditEntry.objects.filter(action=AuditAction.BSN_REVEALED).exists()


def test_diff_view_masks_a_bsn_that_changed_between_versions(superuser_client, oso_examples):
    base = next(p for p in oso_examples if p.name == "Voorbeelddossier_OV_POVO_full.xml")
    old_number = "229854382"
    results = dossiers_merge(
        items=[
            DossierIn(
                raw=dossier_edit(base, collection_date=dt.date(2021, 3, 1), bsn=old_number),
                source_name="maart.xml",
            )
        ],
        signup_group=SignupGroupFactory(),
    )
    student = Student.objects.get(pk=results[0].student_id)
    march = ReceivedDossier.objects.get(pk=results[0].dossier_id)
    assert old_number in march.raw_xml
    # A later version with another number (a corrected BSN at the primary school).
    may = ReceivedDossier.objects.create(
        student=student,
        raw_xml=dossier_edit(
            march.raw_xml.encode(), collection_date=dt.date(2021, 5, 10), bsn="234017892"
        ).decode(),
        sha256="0" * 64,
        collection_date=dt.date(2021, 5, 10),
        outcome=DossierOutcome.PROCESSED,
    )

    page = superuser_client.get(
        f"/admin/students/receiveddossier/{may.pk}/diff/", {"other": march.pk}
    ).content.decode()

    flat = " ".join(page.split())
    assert "- &lt;bsn&gt;*****4382&lt;/bsn&gt;" in flat
    assert "+ &lt;bsn&gt;*****7892&lt;/bsn&gt;" in flat
    assert old_number not in page and "234017892" not in page


def test_dossier_xml_masks_identifier_elements_even_with_a_wrong_check_digit():
    from students.selectors.dossiers import dossier_pretty_xml

    raw = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<dossier xmlns="urn:x" ref="229854382"><!-- leerling 229854382 -->'
        "<bsn>123456789</bsn><onderwijsnummer>100000009</onderwijsnummer>"
        "<opmerking>BSN 229854382</opmerking><telefoon>0612345678</telefoon></dossier>"
    )

    pretty = dossier_pretty_xml(raw)

    for number in ("123456789", "100000009", "229854382"):
        assert number not in pretty
    assert "<bsn>*****6789</bsn>" in pretty
    assert "<onderwijsnummer>*****0009</onderwijsnummer>" in pretty
    assert "0612345678" in pretty  # other numbers stay readable


def test_dossier_text_that_is_not_xml_is_shown_with_identifiers_masked():
    from students.selectors.dossiers import dossier_pretty_xml

    shown = dossier_pretty_xml("<dossier><bsn>123456789</bsn> afgebroken")

    assert "123456789" not in shown and "<bsn>*****6789</bsn>" in shown


def test_dossier_pages_in_the_admin_style_with_a_static_sheet_not_inline(
    superuser_client, versions
):
    march, may = versions
    pages = [
        superuser_client.get(
            f"/admin/students/receiveddossier/{march.pk}/change/"
        ).content.decode(),
        superuser_client.get(
            f"/admin/students/receiveddossier/{may.pk}/diff/", {"other": march.pk}
        ).content.decode(),
    ]

    for page in pages:
        assert "css/admin-diff.css" in page
        assert "<style" not in page and " style=" not in page
    assert 'class="dossier-xml"' in pages[0]
    assert 'class="dossier-diff"' in pages[1]


# --- Admin changes and deletions on record ----------------------------------------------


def test_changing_a_student_in_the_admin_records_the_changed_field_names(superuser_client):
    student = StudentFactory(first_names="Noor", sex="1")

    admin_correct(superuser_client, student, first_names="Noor Maria", sex="2")

    entry = AuditEntry.objects.get(action=AuditAction.STUDENT_CHANGED)
    assert (entry.actor, entry.student_id, entry.student_number) == (
        "beheer",
        student.pk,
        student.student_number,
    )
    assert entry.details == {"created": False, "fields": ["first_names", "sex"]}
    assert "Noor Maria" not in f"{entry.summary} {entry.details}"


def test_a_changed_bsn_is_on_record_by_field_name_never_by_value(superuser_client):
    student = StudentFactory(bsn="229854382")

    admin_correct(superuser_client, student, bsn="234017892")

    student.refresh_from_db()
    assert student.bsn == "234017892"
    entry = AuditEntry.objects.get(action=AuditAction.STUDENT_CHANGED)
    assert entry.details["fields"] == ["bsn"]
    stored = f"{entry.summary} {entry.details}"
    assert "234017892" not in stored and "229854382" not in stored


def test_a_naw_correction_in_the_admin_is_recorded_once_as_a_correction(superuser_client):
    student = StudentFactory(surname="Hof", first_names="Noor")

    admin_correct(superuser_client, student, surname="Hof-Jansen", first_names="Noor Maria")

    corrections = AuditEntry.objects.filter(action=AuditAction.CORRECTION_RECORDED)
    assert [e.details["field"] for e in corrections] == ["surname"]
    changed = AuditEntry.objects.get(action=AuditAction.STUDENT_CHANGED)
    assert changed.details["fields"] == ["first_names"]


def test_saving_without_a_change_records_nothing(superuser_client):
    student = StudentFactory()

    admin_correct(superuser_client, student)

    assert not AuditEntry.objects.exclude(action=AuditAction.BSN_REVEALED).exists()


def test_adding_a_student_in_the_admin_is_on_record(superuser_client):
    url = "/admin/students/student/add/"
    data = admin_form(superuser_client, url)
    data.update(
        student_number="1000000777",
        surname="Visser",
        birth_date="2010-01-02",
        bsn="234017892",
    )

    response = superuser_client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    student = Student.objects.get(student_number="1000000777")
    entry = AuditEntry.objects.get(action=AuditAction.STUDENT_CHANGED)
    assert entry.student_id == student.pk and entry.details["created"] is True
    assert "bsn" in entry.details["fields"] and "234017892" not in str(entry.details)


def test_deleting_a_student_in_the_admin_is_on_record(superuser_client):
    student = StudentFactory()
    PriorEducationFactory(student=student)

    response = superuser_client.post(
        f"/admin/students/student/{student.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Student.objects.exists()
    entry = AuditEntry.objects.get(action=AuditAction.STUDENT_DELETED)
    assert (entry.actor, entry.student_id, entry.student_number) == (
        "beheer",
        student.pk,
        student.student_number,
    )
    assert student.bsn not in f"{entry.summary} {entry.details}"


def test_deleting_selected_students_records_one_entry_each(superuser_client):
    students = [StudentFactory() for _ in range(3)]
    kept = StudentFactory()

    response = superuser_client.post(
        "/admin/students/student/",
        {
            "action": "delete_selected",
            "_selected_action": [s.pk for s in students],
            "post": "yes",
        },
    )

    assert response.status_code == 302
    assert list(Student.objects.all()) == [kept]
    entries = AuditEntry.objects.filter(action=AuditAction.STUDENT_DELETED)
    assert sorted(e.student_number for e in entries) == sorted(s.student_number for s in students)


def test_opening_a_student_with_the_full_bsn_on_the_form_is_recorded_as_a_reveal(client):
    student = StudentFactory(bsn="234017892")
    _reveal_user(client, "view_student", "change_student", "reveal_bsn")

    page = client.get(f"/admin/students/student/{student.pk}/change/").content.decode()

    assert "234017892" in page
    reveal = AuditEntry.objects.get(action=AuditAction.BSN_REVEALED)
    assert (reveal.actor, reveal.student_id) == ("privacy", student.pk)


def test_opening_a_student_with_the_bsn_masked_records_no_reveal(client):
    student = StudentFactory(bsn="234017892")
    _reveal_user(client, "view_student", "change_student")

    client.get(f"/admin/students/student/{student.pk}/change/")

    assert not AuditEntry.objects.exists()


def test_the_dossier_page_says_in_dutch_that_identifiers_are_masked(superuser_client, versions):
    page = superuser_client.get(
        f"/admin/students/receiveddossier/{versions[0].pk}/change/", HTTP_ACCEPT_LANGUAGE="nl"
    ).content.decode()

    assert "Het burgerservicenummer en het onderwijsnummer zijn gemaskeerd." in page


def test_the_move_to_group_action_moves_the_selection_and_puts_it_on_record(superuser_client):
    from tests.factories import SignupGroupFactory

    old = SignupGroupFactory(name="Aanmeldingen ELK")
    new = SignupGroupFactory(name="Groep 8 - Saenredam College")
    pupils = StudentFactory.create_batch(2, signup_group=old)
    url = reverse("admin:students_student_changelist")

    response = superuser_client.post(
        url,
        {"action": "move_to_group", "_selected_action": [p.pk for p in pupils],
         "target_group": new.pk},
        follow=True,
    )  # fmt: skip

    assert {p.signup_group_id for p in Student.objects.all()} == {new.pk}
    assert "2 leerlingen verplaatst naar" in response.content.decode()
    moved = AuditEntry.objects.filter(action=AuditAction.STUDENT_MOVED)
    assert [e.details["to"] for e in moved] == [new.name, new.name]


def test_an_admin_search_on_a_bsn_is_redirected_without_it_and_says_why(superuser_client):
    from tests.factories import StudentFactory

    student = StudentFactory()

    response = superuser_client.get(
        "/admin/students/student/",
        {"q": f"x {student.bsn}", "o": "1"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="nl",
    )

    assert response.redirect_chain == [("/admin/students/student/?o=1", 302)]
    assert student.bsn not in response.content.decode()
    assert "Zoeken op een BSN kan hier niet" in response.content.decode()
