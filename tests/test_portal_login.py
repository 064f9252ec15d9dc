"""The portal's own login page (the project's URLconf), throttled after repeated failures."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from audit.forms import ThrottledAuthenticationForm
from audit.models import AuditAction, AuditEntry, LoginFailure
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "secret-pass-123"  # UserFactory's
DUTCH_BLOCKED = "Te veel mislukte inlogpogingen. Probeer het over 15 minuten opnieuw."


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _login(client, username, password):
    with translation.override("nl"):
        return client.post(
            reverse("login"),
            {"username": username, "password": password},
            HTTP_ACCEPT_LANGUAGE="nl",
            REMOTE_ADDR="10.0.0.7",
        )


def test_the_portal_login_page_uses_the_throttled_form(client):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert isinstance(response.context["form"], ThrottledAuthenticationForm)


def test_the_sixth_failed_attempt_for_a_username_shows_the_dutch_throttling_message(client):
    UserFactory(username="marieke")
    for attempt in range(5):
        response = _login(client, "marieke", "wrong")
        assert response.status_code == 200
        assert DUTCH_BLOCKED not in response.content.decode(), attempt

    sixth = _login(client, "marieke", "wrong")

    assert sixth.status_code == 200
    page = sixth.content.decode()
    assert DUTCH_BLOCKED in page
    assert 'role="alert"' in page
    assert LoginFailure.objects.filter(username="marieke").count() == 5
    assert AuditEntry.objects.filter(action=AuditAction.LOGIN_BLOCKED).count() == 1


def test_during_the_block_even_the_right_password_does_not_log_in(client):
    UserFactory(username="marieke")
    for _ in range(5):
        _login(client, "marieke", "wrong")

    response = _login(client, "marieke", PASSWORD)

    assert response.status_code == 200
    assert DUTCH_BLOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_right_password_logs_in_and_clears_the_failures(client):
    UserFactory(username="marieke")
    for _ in range(4):
        _login(client, "marieke", "wrong")

    response = _login(client, "marieke", PASSWORD)

    assert response.status_code == 302
    assert "_auth_user_id" in client.session
    assert not LoginFailure.objects.filter(username="marieke").exists()
