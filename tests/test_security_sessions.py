"""Sessions end after 30 minutes without a request; every request restarts the clock."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone

from tests.factories import UserFactory

urlpatterns = [
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("page/", login_required(lambda request: HttpResponse("pupil data")), name="page"),
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

real_now = timezone.now


def _at(minutes: int):
    """Pretend the clock is this many minutes ahead, everywhere Django asks for 'now'."""
    return mock.patch(
        "django.utils.timezone.now", lambda: real_now() + dt.timedelta(minutes=minutes)
    )


def _still_logged_in(client) -> bool:
    response = client.get("/page/")
    if response.status_code == 200:
        return True
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    return False


def test_a_session_without_requests_for_over_thirty_minutes_ends(client):
    client.force_login(UserFactory())

    with _at(31):
        assert not _still_logged_in(client)


def test_each_request_restarts_the_thirty_minutes(client):
    client.force_login(UserFactory())

    with _at(25):
        assert _still_logged_in(client)
    with _at(50):
        assert _still_logged_in(client)
    with _at(75):
        assert _still_logged_in(client)
    with _at(106):
        assert not _still_logged_in(client)


def test_the_session_cookie_is_http_only_and_ends_with_the_browser(client):
    client.force_login(UserFactory())

    response = client.get("/page/")

    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["max-age"] == ""
    assert cookie["samesite"] == "Lax"
