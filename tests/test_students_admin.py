"""The students admin: lists with few queries, corrections via the service, read-only archive."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from students.models import CodelistEntry, NawCorrection, ReceivedDossier, Student
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
def staff(client):
    client.force_login(UserFactory(username="beheer", is_staff=True, is_superuser=True))
    return client


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
def test_every_changelist_opens_with_a_search_and_a_query_count_that_does_not_grow(staff, model):
    url = f"/admin/students/{model}/?q=a"
    _students(2)
    with CaptureQueriesContext(connection) as small:
        assert staff.get(url).status_code == 200
    _students(12)
    with CaptureQueriesContext(connection) as large:
        assert staff.get(url).status_code == 200

    assert len(large.captured_queries) == len(small.captured_queries)


def test_changing_a_non_naw_field_records_no_correction(staff):
    student = StudentFactory()
    page = staff.get(f"/admin/students/student/{student.pk}/change/")
    assert page.status_code == 200

    admin_correct(staff, student, first_names="Noor Maria")

    student.refresh_from_db()
    assert student.first_names == "Noor Maria"
    assert not NawCorrection.objects.exists()


def test_invalid_naw_value_in_the_admin_is_refused_in_dutch(staff):
    student = StudentFactory(postcode="1506EG")
    url = f"/admin/students/student/{student.pk}/change/"
    data = admin_form(staff, url)
    data["postcode"] = "ABC"

    response = staff.post(url, data, HTTP_ACCEPT_LANGUAGE="nl")

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


def test_release_action_restores_the_dossier_value(staff):
    student = StudentFactory(surname="Hof", dossier_values={"surname": "Hof"})
    correction = naw_correction_record(
        student=student, field="surname", value="Hof-Jansen", user="anna"
    )

    staff.post(
        "/admin/students/nawcorrection/",
        {"action": "release_corrections", "_selected_action": [correction.pk]},
    )

    student.refresh_from_db()
    assert student.surname == "Hof"
    assert not NawCorrection.objects.exists()


def test_dossier_archive_is_read_only_and_shows_the_xml_escaped(staff, versions):
    march = versions[0]

    page = staff.get(f"/admin/students/receiveddossier/{march.pk}/change/").content.decode()

    assert "&lt;achternaam&gt;Berg&lt;/achternaam&gt;" in page
    assert 'name="_save"' not in page
    assert staff.get("/admin/students/receiveddossier/add/").status_code == 403
    response = staff.post(f"/admin/students/receiveddossier/{march.pk}/change/", {})
    assert response.status_code == 403


def test_diff_view_shows_what_changed_between_two_versions(staff, versions):
    march, may = versions

    page = staff.get(
        f"/admin/students/receiveddossier/{may.pk}/diff/", {"other": march.pk}
    ).content.decode()

    assert "- &lt;achternaam&gt;Berg&lt;/achternaam&gt;" in " ".join(page.split())
    assert "+ &lt;achternaam&gt;Bergsma&lt;/achternaam&gt;" in " ".join(page.split())


def test_codelist_labels_are_editable_in_the_list(staff):
    url = "/admin/students/codelistentry/?codelist__exact=advice&q=havo+t%2Fm"
    data = admin_form(staff, url)
    label_fields = [name for name, value in data.items() if value == "havo t/m vwo (voorlopig)"]
    assert len(label_fields) == 1
    data[label_fields[0]] = "havo/vwo"
    data.pop(label_fields[0].replace("-label", "-provisional"), None)  # untick "provisional"
    data["_save"] = "Opslaan"

    response = staff.post(url, data)

    assert response.status_code == 302
    entry = CodelistEntry.objects.get(codelist="advice", code="51")
    assert (entry.label, entry.provisional) == ("havo/vwo", False)


def test_student_list_has_no_full_bsn(staff):
    StudentFactory(bsn="234017892")

    page = staff.get("/admin/students/student/").content.decode()

    assert "234017892" not in page and "*****7892" in page
    assert Student.objects.count() == 1


def test_dossier_diff_selector_lists_changed_lines_and_abbreviates_attachments(versions):
    from students.selectors import dossier_diff

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
