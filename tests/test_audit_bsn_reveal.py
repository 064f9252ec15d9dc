"""Revealing a full BSN: only with students.reveal_bsn, by POST, one student, always on record."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser, Permission
from django.contrib.auth.views import LoginView, LogoutView
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.urls import include, path, reverse
from django.utils import translation

from audit.models import AuditAction, AuditEntry
from audit.services import bsn_reveal
from oso_portal.urls import audit_urls
from students.validators import is_valid_education_number
from tests.factories import StudentFactory, UserFactory

urlpatterns = [
    path("", lambda request: HttpResponse("home"), name="home"),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("audit/", include(audit_urls)),
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

EDUCATION_NUMBER = "101234564"  # starts with 10, eleven-test remainder 5


def _user_with(*codenames: str, username: str = "marieke"):
    user = UserFactory(username=username)
    for codename in codenames:
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label="students", codename=codename)
        )
    return user


@pytest.fixture
def revealer():
    return _user_with("use_portal", "reveal_bsn")


@pytest.fixture
def student():
    return StudentFactory()


# --- the service -------------------------------------------------------------------


def test_bsn_reveal_returns_the_full_number_and_records_who_saw_whose(revealer, student):
    number = bsn_reveal(student=student, user=revealer)

    assert number == student.bsn
    entry = AuditEntry.objects.get()
    assert entry.action == AuditAction.BSN_REVEALED
    assert entry.actor == "marieke"
    assert entry.student_id == student.pk
    assert entry.student_number == student.student_number
    assert student.bsn not in entry.summary + str(entry.details)


def test_bsn_reveal_without_the_permission_is_denied_and_not_recorded(student):
    user = _user_with("use_portal")

    with pytest.raises(PermissionDenied):
        bsn_reveal(student=student, user=user)
    with pytest.raises(PermissionDenied):
        bsn_reveal(student=student, user=AnonymousUser())

    assert not AuditEntry.objects.exists()


def test_bsn_reveal_gives_the_education_number_when_there_is_no_bsn(revealer):
    assert is_valid_education_number(EDUCATION_NUMBER)
    student = StudentFactory(bsn="", education_number=EDUCATION_NUMBER)

    assert bsn_reveal(student=student, user=revealer) == EDUCATION_NUMBER
    assert AuditEntry.objects.get().details == {"identifier": "education_number"}


def test_bsn_reveal_of_a_student_without_any_number_reveals_and_records_nothing(revealer):
    student = StudentFactory(bsn="", education_number="")

    assert bsn_reveal(student=student, user=revealer) == ""
    assert not AuditEntry.objects.exists()


# --- the view ------------------------------------------------------------------------


def test_post_returns_a_fragment_with_the_number_never_cached(client, revealer, student):
    client.force_login(revealer)
    url = reverse("audit:reveal_bsn", args=[student.pk])

    with translation.override("nl"):
        response = client.post(url, headers={"HX-Request": "true"})

    body = response.content.decode()
    assert response.status_code == 200
    assert student.bsn in body
    assert "Burgerservicenummer" in body
    assert "<html" not in body
    assert response["Cache-Control"] == "no-store"
    assert student.bsn not in url
    assert AuditEntry.objects.filter(action=AuditAction.BSN_REVEALED).count() == 1


def test_each_reveal_is_recorded_again(client, revealer, student):
    client.force_login(revealer)
    url = reverse("audit:reveal_bsn", args=[student.pk])

    client.post(url)
    client.post(url)

    assert AuditEntry.objects.filter(action=AuditAction.BSN_REVEALED).count() == 2


def test_get_is_not_allowed_and_reveals_nothing(client, revealer, student):
    client.force_login(revealer)

    response = client.get(reverse("audit:reveal_bsn", args=[student.pk]))

    assert response.status_code == 405
    assert student.bsn not in response.content.decode()
    assert not AuditEntry.objects.exists()


def test_anonymous_post_is_sent_to_login(client, student):
    response = client.post(reverse("audit:reveal_bsn", args=[student.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("codenames", [("use_portal",), ("reveal_bsn",)])
def test_post_without_both_permissions_is_forbidden(client, student, codenames):
    client.force_login(_user_with(*codenames))

    response = client.post(reverse("audit:reveal_bsn", args=[student.pk]))

    assert response.status_code == 403
    assert student.bsn not in response.content.decode()
    assert not AuditEntry.objects.exists()


def test_post_needs_the_csrf_token(revealer, student):
    client = Client(enforce_csrf_checks=True)
    client.force_login(revealer)

    response = client.post(reverse("audit:reveal_bsn", args=[student.pk]))

    assert response.status_code == 403
    assert not AuditEntry.objects.exists()


def test_unknown_student_gives_404_to_an_allowed_user(client, revealer):
    client.force_login(revealer)

    assert client.post(reverse("audit:reveal_bsn", args=[999_999])).status_code == 404


# --- the template tag --------------------------------------------------------------------


def _render_bsn_field(user, student) -> str:
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load audit_tags %}{% bsn_field student %}")
    with translation.override("nl"):
        return template.render(Context({"request": request, "student": student}))


def test_bsn_field_shows_the_masked_number_and_a_reveal_button_to_allowed_users(revealer, student):
    html = _render_bsn_field(revealer, student)

    assert student.bsn_masked in html
    assert student.bsn not in html
    assert f'hx-post="{reverse("audit:reveal_bsn", args=[student.pk])}"' in html
    assert "Volledig nummer tonen" in html


def test_bsn_field_shows_no_button_without_the_permission(student):
    html = _render_bsn_field(_user_with("use_portal"), student)

    assert student.bsn_masked in html
    assert "hx-post" not in html
