"""Demo mode runs with DEBUG off: Dutch 404, 403, 400 and 500 pages, never Django's technical
ones; WhiteNoise serves the static files and the site's icon is there."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import SuspiciousOperation
from django.urls import path

from oso_portal.urls import urlpatterns as portal_urlpatterns
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[1]
DEBUG_MARKERS = ("Using the URLconf", "Traceback", "DEBUG = True", "technical_", "Django tried")
WHITENOISE = "whitenoise.middleware.WhiteNoiseMiddleware"


def _broken(request):
    raise RuntimeError("a bug with a BSN 123456782 in its message")


def _bad(request):
    raise SuspiciousOperation("a forged value")


urlpatterns = [path("broken/", _broken), path("bad/", _bad), *portal_urlpatterns]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]


def _demo_settings(var_dir: Path) -> dict:
    """The settings a fresh process gets in demo mode, with no variables but the mode."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", ""),
        "DJANGO_SETTINGS_MODULE": "oso_portal.settings",
        "OSO_PORTAL_ENV": "demo",
        "OSO_PORTAL_VAR_DIR": str(var_dir),
    }
    script = (
        "import json, django; django.setup(); from django.conf import settings as s;"
        "print(json.dumps({'debug': s.DEBUG, 'middleware': s.MIDDLEWARE,"
        " 'hosts': s.ALLOWED_HOSTS, 'finders': s.WHITENOISE_USE_FINDERS}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "No directory at" not in result.stderr  # WhiteNoise finds its folders
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def demo(settings, tmp_path):
    """This process set up as the demo runs: DEBUG off, WhiteNoise serving the static files."""
    settings.DEBUG = False
    settings.STATIC_ROOT = tmp_path
    settings.WHITENOISE_USE_FINDERS = True
    if WHITENOISE not in settings.MIDDLEWARE:
        settings.MIDDLEWARE = [settings.MIDDLEWARE[0], WHITENOISE, *settings.MIDDLEWARE[1:]]
    return settings


def _assert_plain_dutch_page(response, status: int, heading: str) -> str:
    page = response.content.decode()
    assert response.status_code == status
    assert f"<h1>{heading}</h1>" in page
    assert '<html lang="nl">' in page
    for marker in DEBUG_MARKERS:
        assert marker not in page, marker
    assert "<script>" not in page and "style=" not in page
    assert "Content-Security-Policy" in response.headers
    return page


def test_demo_mode_runs_with_debug_off_and_whitenoise_on_localhost(tmp_path):
    demo = _demo_settings(tmp_path)

    assert demo["debug"] is False
    assert WHITENOISE in demo["middleware"]
    assert demo["finders"] is True
    assert {"127.0.0.1", "localhost"} <= set(demo["hosts"])


def test_an_unknown_student_number_answers_a_dutch_404_page_without_debug_output(
    portal_client, demo
):
    response = portal_client.get("/students/doesnotexist/", HTTP_ACCEPT_LANGUAGE="en")

    page = _assert_plain_dutch_page(response, 404, "Pagina niet gevonden")
    assert "Deze pagina bestaat niet (meer)." in page


def test_an_unknown_address_answers_the_dutch_404_page_to_anyone(client, demo):
    response = client.get("/no/such/page/")

    _assert_plain_dutch_page(response, 404, "Pagina niet gevonden")


def test_the_404_page_is_english_when_english_was_chosen(portal_client, demo):
    portal_client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"

    page = portal_client.get("/students/doesnotexist/").content.decode()

    assert "<h1>Page not found</h1>" in page


def test_a_user_without_access_gets_the_dutch_403_page(client, demo):
    client.force_login(UserFactory(username="zonder-rechten"))

    response = client.get("/students/")

    _assert_plain_dutch_page(response, 403, "Geen toegang")


def test_a_failing_page_answers_a_dutch_500_page_without_debug_output(client, demo):
    client.raise_request_exception = False

    response = client.get("/broken/")

    page = _assert_plain_dutch_page(response, 500, "Er ging iets mis")
    assert "123456782" not in page and "RuntimeError" not in page


def test_a_refused_request_answers_a_dutch_400_page(client, demo):
    response = client.get("/bad/")

    page = _assert_plain_dutch_page(response, 400, "Verzoek niet begrepen")
    assert "forged" not in page


def test_whitenoise_serves_the_static_files_with_debug_off(client, demo):
    response = client.get("/static/css/portal.css")

    assert response.status_code == 200
    assert b"--brand" in b"".join(response.streaming_content)


def test_the_site_icon_is_served_and_named_on_every_page(client, demo):
    icon = client.get("/favicon.ico")
    login = client.get("/accounts/login/").content.decode()

    assert icon.status_code == 200
    assert icon["Content-Type"] == "image/x-icon"
    assert b"".join(icon.streaming_content)[:4] == b"\x00\x00\x01\x00"
    assert 'rel="icon" href="/static/favicon.ico"' in login


def test_a_form_from_an_expired_page_answers_a_dutch_403_page(demo):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)

    response = client.post("/accounts/login/", {"username": "x", "password": "y"})

    page = _assert_plain_dutch_page(response, 403, "De pagina was verlopen")
    assert "CSRF" not in page
