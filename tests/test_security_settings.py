"""Production settings: check --deploy is clean, secrets have no default, DEBUG cannot be on.

Each case starts a fresh Python process with only the environment it names, the
way a deployment starts, so nothing from the test run's own settings leaks in.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PRINT_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({name: getattr(s, name, None) for name in %r}, default=str))
"""


def _production_env(tmp_path, **overrides: str | None) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", ""),
        "DJANGO_SETTINGS_MODULE": "oso_portal.settings",
        "OSO_PORTAL_VAR_DIR": str(tmp_path),
        "OSO_PORTAL_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        # Never connected to: neither check --deploy nor loading settings opens it.
        "DATABASE_URL": "postgres://portal:secret@db.invalid:5432/portal",
        "CELERY_BROKER_URL": "redis://redis.invalid:6379/0",
        "ALLOWED_HOSTS": "portal.example.nl",
    }
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def _settings(env: dict[str, str], *names: str) -> dict:
    result = _run(["-c", PRINT_SETTINGS % (names,)], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_check_deploy_reports_no_issues_in_production(tmp_path):
    result = _run(["manage.py", "check", "--deploy"], _production_env(tmp_path))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


@pytest.mark.parametrize("name", ["SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL"])
def test_production_refuses_to_start_without_a_secret(tmp_path, name):
    result = _run(["manage.py", "check"], _production_env(tmp_path, **{name: None}))

    assert result.returncode != 0
    assert f"The environment variable {name} is required." in result.stderr


def test_production_refuses_to_start_with_debug_on(tmp_path):
    result = _run(["manage.py", "check"], _production_env(tmp_path, DEBUG="1"))

    assert result.returncode != 0
    assert "DEBUG must be off in production." in result.stderr


def test_production_refuses_a_short_secret_key(tmp_path):
    result = _run(["manage.py", "check"], _production_env(tmp_path, SECRET_KEY="short-key"))

    assert result.returncode != 0
    assert "SECRET_KEY must be at least 50 random characters." in result.stderr


def test_production_sends_cookies_over_https_only_and_asks_for_hsts(tmp_path):
    values = _settings(
        _production_env(tmp_path),
        "DEBUG",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "X_FRAME_OPTIONS",
    )

    assert values == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 60 * 60 * 24 * 365,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "X_FRAME_OPTIONS": "DENY",
    }


def test_demo_mode_keeps_plain_http_working(tmp_path):
    env = _production_env(tmp_path, OSO_PORTAL_ENV="demo", SECRET_KEY=None, DATABASE_URL=None)
    env.pop("CELERY_BROKER_URL")

    values = _settings(env, "SESSION_COOKIE_SECURE", "SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT")

    assert values == {
        "SESSION_COOKIE_SECURE": False,
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_SSL_REDIRECT": False,
    }


def test_a_school_brin_that_is_not_a_brin_code_stops_the_start(tmp_path):
    result = _run(["manage.py", "check"], _production_env(tmp_path, OSO_SCHOOL_BRIN="99-X"))

    assert result.returncode != 0
    assert "OSO_SCHOOL_BRIN must be a BRIN code" in result.stderr
