"""After saving a correction in the admin, staff return to the pupil's page they came from."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.urls import reverse

from students.models import NawCorrection
from students.services.access import access_groups_ensure
from tests.admin_forms import admin_form
from tests.factories import SignupGroupFactory, StudentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = UserFactory(username="beheer", is_staff=True, is_superuser=True)
    user.groups.add(access_groups_ensure())
    client.force_login(user)
    return client


@pytest.fixture
def student():
    return StudentFactory(signup_group=SignupGroupFactory(), surname="Hof")


def _admin_link_on_the_student_page(client, student) -> str:
    page = client.get(reverse("students:detail", args=[student.student_number]))
    [link] = re.findall(r'href="(/admin/students/student/\d+/change/[^"]*)"', page.content.decode())
    return link.replace("&amp;", "&")


def _save(client, url: str, button: str = "_save", **changes):
    data = admin_form(client, url)
    data.update(changes)
    data[button] = "1"
    return client.post(url, data)


def test_the_student_page_opens_the_admin_with_the_way_back(staff, student):
    detail = reverse("students:detail", args=[student.student_number])

    link = _admin_link_on_the_student_page(staff, student)

    assert link.endswith(f"?_return_to={quote(detail, safe='')}")


def test_saving_a_correction_opened_from_the_student_page_returns_there(staff, student):
    detail = reverse("students:detail", args=[student.student_number])
    link = _admin_link_on_the_student_page(staff, student)

    response = _save(staff, link, surname="Hoff")

    assert response.status_code == 302
    assert response["Location"] == detail
    assert NawCorrection.objects.get(student=student, field="surname").value == "Hoff"
    page = staff.get(detail).content.decode()
    assert "Hoff" in page
    assert "is met succes gewijzigd" in page  # the admin's own message, on the portal page


def test_save_and_continue_stays_in_the_admin_and_keeps_the_way_back(staff, student):
    detail = reverse("students:detail", args=[student.student_number])
    link = _admin_link_on_the_student_page(staff, student)

    response = _save(staff, link, button="_continue", surname="Hoff")

    location = response["Location"]
    assert location.startswith(f"/admin/students/student/{student.pk}/change/")
    assert f"_return_to={quote(detail, safe='')}" in location


def test_without_a_way_back_the_admin_goes_to_its_list_as_before(staff, student):
    response = _save(staff, f"/admin/students/student/{student.pk}/change/", surname="Hoff")

    assert response["Location"].startswith("/admin/students/student/")
    assert "change" not in response["Location"]


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "students/1/"]
)
def test_a_way_back_to_another_site_is_ignored(staff, student, target):
    url = f"/admin/students/student/{student.pk}/change/?_return_to={quote(target, safe='')}"

    response = _save(staff, url, surname="Hoff")

    assert response["Location"].startswith("/admin/students/student/")
    assert "evil" not in response["Location"]
