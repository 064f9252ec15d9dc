"""Login attempts sent at the same moment cannot slip under the throttle.

Forty logins for one user at once cost at most the limit's password checks, and the
right password hidden among wrong ones does not get in once the limit is reached.
"""

from __future__ import annotations

import threading
import time
from functools import partial

import pytest
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.test import RequestFactory

from audit.forms import ThrottledAuthenticationForm
from audit.login_throttle import login_attempt_reserve
from audit.models import LoginFailure
from tests.concurrency import run_together
from tests.factories import UserFactory

PASSWORD = "secret-pass-123"  # UserFactory's


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _form(username: str, password: str, address: str = "10.0.0.1"):
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR=address)
    return ThrottledAuthenticationForm(
        request=request, data={"username": username, "password": password}
    )


@pytest.fixture
def counted_checks(monkeypatch):
    """Counts password checks; each takes a moment, as a real hasher does."""
    checks: list[str] = []
    lock = threading.Lock()
    original = ModelBackend.authenticate

    def authenticate(self, request, username=None, password=None, **kwargs):
        with lock:
            checks.append(password)
        time.sleep(0.05)
        return original(self, request, username=username, password=password, **kwargs)

    monkeypatch.setattr(ModelBackend, "authenticate", authenticate)
    return checks


def _at_once(passwords: list[str]) -> dict[str, list[bool]]:
    """Run one login per password in its own thread (own connection), all released together."""
    valid = run_together(*(partial(_valid, password) for password in passwords))
    outcomes: dict[str, list[bool]] = {}
    for password, result in zip(passwords, valid, strict=True):
        outcomes.setdefault(password, []).append(result)
    return outcomes


def _valid(password: str) -> bool:
    return _form("marieke", password).is_valid()


def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent connections need PostgreSQL; SQLite serialises writers anyway")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_forty_wrong_passwords_at_once_cost_at_most_the_limit_of_password_checks(
    counted_checks, settings
):
    _postgresql_only()
    UserFactory(username="marieke")

    outcomes = _at_once([f"wrong-{n}" for n in range(40)])

    assert len(counted_checks) <= settings.LOGIN_THROTTLE_MAX_FAILURES_PER_USERNAME
    assert not any(valid for results in outcomes.values() for valid in results)
    assert LoginFailure.objects.filter(username="marieke").count() == len(counted_checks)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_right_password_among_39_wrong_ones_does_not_get_in_once_the_limit_is_reached(
    counted_checks, settings
):
    _postgresql_only()
    UserFactory(username="marieke")

    outcomes = _at_once([PASSWORD] + [f"wrong-{n}" for n in range(39)])

    limit = settings.LOGIN_THROTTLE_MAX_FAILURES_PER_USERNAME
    # It got in only if it was checked, and it was checked only as one of the first few.
    assert outcomes[PASSWORD] == [PASSWORD in counted_checks]
    if PASSWORD in counted_checks:
        assert counted_checks.index(PASSWORD) < limit
        # Its success forgave the failures before it, so a few more were checked after.
        assert len(counted_checks) <= 2 * limit
    else:
        assert len(counted_checks) <= limit
        assert not _form("marieke", PASSWORD).is_valid()


@pytest.mark.django_db
def test_attempts_still_being_checked_count_against_the_limit(counted_checks, settings):
    UserFactory(username="marieke")
    for _ in range(settings.LOGIN_THROTTLE_MAX_FAILURES_PER_USERNAME):
        assert login_attempt_reserve(username="marieke", address="10.0.0.1") is not None

    form = _form("marieke", PASSWORD)

    assert not form.is_valid()
    assert form.errors.as_data()["__all__"][0].code == "throttled"
    assert counted_checks == []


@pytest.mark.django_db
def test_the_right_password_removes_its_own_reservation_and_earlier_failures(counted_checks):
    UserFactory(username="marieke")
    assert not _form("marieke", "wrong").is_valid()

    assert _form("marieke", PASSWORD).is_valid()

    assert not LoginFailure.objects.exists()
