"""Login throttling: after repeated failures per user or address, the right password waits too."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.auth.views import LoginView, LogoutView
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import include, path, reverse
from django.utils import timezone, translation

from audit.forms import ThrottledAuthenticationForm
from audit.models import AuditAction, AuditEntry, LoginFailure
from common.security import client_address
from tests.factories import UserFactory

urlpatterns = [
    path("", lambda request: HttpResponse("home"), name="home"),
    path(
        "accounts/login/",
        LoginView.as_view(
            authentication_form=ThrottledAuthenticationForm,
            template_name="registration/login.html",
        ),
        name="login",
    ),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

PASSWORD = "secret-pass-123"  # UserFactory's
DUTCH_BLOCKED = "Te veel mislukte inlogpogingen. Probeer het over 15 minuten opnieuw."


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Dozens of logins per test: the production hasher would make this file slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def marieke():
    return UserFactory(username="marieke")


def _login(client, username, password, *, address="10.0.0.1", url=None):
    with translation.override("nl"):
        return client.post(
            url or reverse("login"),
            {"username": username, "password": password},
            REMOTE_ADDR=address,
        )


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_right_password_still_works_after_a_few_failures(client, marieke):
    for _ in range(4):
        _login(client, "marieke", "wrong")

    response = _login(client, "marieke", PASSWORD)

    assert response.status_code == 302
    assert _logged_in(client)


def test_after_five_failures_even_the_right_password_is_refused_in_dutch(client, marieke):
    for _ in range(5):
        _login(client, "marieke", "wrong")

    response = _login(client, "marieke", PASSWORD)

    assert response.status_code == 200
    assert DUTCH_BLOCKED in response.content.decode()
    assert not _logged_in(client)


def test_the_block_counts_the_username_whatever_its_case_or_address(client, marieke):
    for number in range(5):
        _login(client, "Marieke", "wrong", address=f"10.0.0.{number}")

    response = _login(client, "marieke", PASSWORD, address="10.9.9.9")

    assert DUTCH_BLOCKED in response.content.decode()


def test_a_successful_login_clears_the_username_failures(client, marieke):
    for _ in range(4):
        _login(client, "marieke", "wrong")
    _login(client, "marieke", PASSWORD)
    client.logout()
    for _ in range(4):
        _login(client, "marieke", "wrong")

    _login(client, "marieke", PASSWORD)

    assert _logged_in(client)


def test_one_address_is_blocked_after_twenty_failures_across_usernames(client, marieke):
    for number in range(20):
        _login(client, f"guess{number}", "wrong", address="192.0.2.7")

    blocked = _login(client, "marieke", PASSWORD, address="192.0.2.7")
    assert DUTCH_BLOCKED in blocked.content.decode()
    assert not _logged_in(client)

    elsewhere = _login(client, "marieke", PASSWORD, address="192.0.2.8")
    assert elsewhere.status_code == 302


def test_failures_older_than_the_window_no_longer_count(client, marieke):
    long_ago = timezone.now() - dt.timedelta(minutes=16)
    LoginFailure.objects.bulk_create(
        LoginFailure(at=long_ago, username="marieke", client_address="10.0.0.1") for _ in range(10)
    )

    _login(client, "marieke", PASSWORD)

    assert _logged_in(client)


def test_reaching_the_limit_is_written_to_the_audit_log_once(client, marieke):
    for _ in range(5):
        _login(client, "marieke", "wrong")
    for _ in range(3):
        _login(client, "marieke", PASSWORD)

    entry = AuditEntry.objects.get(action=AuditAction.LOGIN_BLOCKED)
    assert entry.details["username"] == "marieke"
    assert entry.details["client_address"] == "10.0.0.1"


def test_refused_attempts_during_the_block_do_not_extend_it(client, marieke):
    for _ in range(5):
        _login(client, "marieke", "wrong")
    for _ in range(5):
        _login(client, "marieke", "wrong")

    assert LoginFailure.objects.filter(username="marieke").count() == 5


def test_the_admin_login_is_throttled_too(client):
    UserFactory(username="beheer", is_staff=True)
    url = reverse("admin:login")
    for _ in range(5):
        _login(client, "beheer", "wrong", url=url)

    response = _login(client, "beheer", PASSWORD, url=url)

    assert DUTCH_BLOCKED in response.content.decode()
    assert not _logged_in(client)


def test_a_non_staff_user_at_the_admin_login_is_refused_without_counting_a_failure(client, marieke):
    response = _login(client, "marieke", PASSWORD, url=reverse("admin:login"))

    assert response.status_code == 200
    assert not LoginFailure.objects.exists()


def test_client_address_trusts_forwarded_for_only_behind_configured_proxies(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5"
    )

    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request) == "10.0.0.2"

    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request) == "203.0.113.5"
