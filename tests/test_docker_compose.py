"""docker-compose.yml and the Dockerfile, checked without a Docker engine.

The structure (services, health checks, start order, roles), and that the
environment the compose file gives the portal is exactly what the settings read:
every variable is one settings.py (or the entrypoint) knows, and the settings load
with it in production mode, pointing at the compose services.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
ENTRYPOINT = ROOT / "docker" / "entrypoint.sh"
PORTAL_SERVICES = ("web", "worker", "beat")
# Read by docker/entrypoint.sh, not by the settings.
ENTRYPOINT_VARIABLES = {
    "PORT",
    "WEB_CONCURRENCY",
    "WORKER_CONCURRENCY",
    "FORWARDED_ALLOW_IPS",
    "MOCK_PORT",
    "MOCK_DATASET",
    "MOCK_NOTIFY_URL",
    # Read by the mock itself (python -m elk_mock), the secret it signs callbacks with.
    "ELK_MOCK_NOTIFY_SECRET",
}
TEST_VALUES = {"SECRET_KEY": "k" * 50, "POSTGRES_PASSWORD": "secret-pw"}


def _interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's ${VAR}, ${VAR:-default}, ${VAR:?error} and $$."""

    def replace(match: re.Match) -> str:
        name, op, arg = match.group(1), match.group(2), match.group(3)
        if env.get(name):
            return env[name]
        if op == ":?":
            raise KeyError(f"{name} is required: {arg}")
        return arg if op == ":-" else ""

    value = re.sub(r"\$\{([A-Z_][A-Z0-9_]*)(?:(:-|:\?)([^}]*))?\}", replace, value)
    return value.replace("$$", "$")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def _environment(service: dict, env: dict[str, str] | None = None) -> dict[str, str]:
    values = {str(k): str(v) for k, v in (service.get("environment") or {}).items()}
    return {k: _interpolate(v, env or TEST_VALUES) for k, v in values.items()}


def _settings_variables() -> set[str]:
    """Every NAME in env_xxx("NAME", ...) calls of settings.py."""
    tree = ast.parse((ROOT / "oso_portal" / "settings.py").read_text())
    names = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id.startswith("env_")
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names.add(node.args[0].value)
    return names


def test_it_runs_every_part_of_the_product_each_with_a_health_check(compose):
    services = compose["services"]

    assert {"postgres", "redis", "web", "worker", "beat", "mock"} <= set(services)
    for name in ("postgres", "redis", "web", "worker", "beat", "mock"):
        assert services[name]["healthcheck"]["test"], name


def test_the_portal_starts_after_its_database_broker_and_migrations(compose):
    services = compose["services"]

    web_needs = services["web"]["depends_on"]
    assert web_needs["postgres"]["condition"] == "service_healthy"
    assert web_needs["redis"]["condition"] == "service_healthy"
    for name in ("worker", "beat"):  # web runs the migrations before it reports healthy
        assert services[name]["depends_on"]["web"]["condition"] == "service_healthy"


def test_each_service_runs_a_role_the_entrypoint_knows_and_web_is_gunicorn(compose):
    script = ENTRYPOINT.read_text()
    roles = set(re.findall(r"^\s+([a-z]+)\)$", script, flags=re.MULTILINE))
    web_branch = script.split("  web)")[1].split(";;")[0]

    for name in ("web", "worker", "beat", "mock"):
        assert compose["services"][name]["command"][0] in roles
    assert "exec gunicorn --config python:oso_portal.gunicorn_conf oso_portal.wsgi:application" in (
        web_branch
    )
    assert "migrate --noinput" in web_branch and "sync_schedules" in web_branch
    assert os.access(ENTRYPOINT, os.X_OK)
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'ENTRYPOINT ["/app/docker/entrypoint.sh"]' in dockerfile


def test_every_variable_given_to_the_portal_is_one_the_settings_read(compose):
    known = _settings_variables() | ENTRYPOINT_VARIABLES

    for name in (*PORTAL_SERVICES, "mock"):
        unknown = set(_environment(compose["services"][name])) - known
        assert not unknown, f"{name}: {sorted(unknown)} are read by nothing"


def test_production_variables_are_required_and_have_no_default(compose):
    raw = compose["services"]["web"]["environment"]

    for name in PORTAL_SERVICES:
        environment = _environment(compose["services"][name])
        assert environment["OSO_PORTAL_ENV"] == "production"
        assert {"SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL"} <= set(environment)
    assert ":?" in raw["SECRET_KEY"]
    with pytest.raises(KeyError):
        _environment(compose["services"]["web"], env={"POSTGRES_PASSWORD": "x"})


def test_the_urls_point_at_the_compose_services(compose):
    services = compose["services"]
    environment = _environment(services["web"])
    database = urlsplit(environment["DATABASE_URL"])
    postgres = _environment(services["postgres"])

    assert (database.hostname, database.port) == ("postgres", 5432)
    assert database.username == postgres["POSTGRES_USER"]
    assert database.password == postgres["POSTGRES_PASSWORD"]
    assert database.path.lstrip("/") == postgres["POSTGRES_DB"]
    assert urlsplit(environment["CELERY_BROKER_URL"]).hostname == "redis"
    endpoint = urlsplit(environment["OSO_ENDPOINT_URL"])
    assert endpoint.hostname == "mock"
    assert str(endpoint.port) == _environment(services["mock"])["MOCK_PORT"]


def test_the_settings_load_in_production_mode_with_the_compose_environment(compose, tmp_path):
    environment = _environment(compose["services"]["worker"])
    env = {"PATH": os.environ["PATH"], "OSO_PORTAL_VAR_DIR": str(tmp_path), **environment}
    script = (
        "import json, django; django.setup(); from django.conf import settings as s;"
        "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'],"
        " 'host': s.DATABASES['default']['HOST'], 'broker': s.CELERY_BROKER_URL,"
        " 'visibility': s.CELERY_VISIBILITY_TIMEOUT, 'debug': s.DEBUG,"
        " 'endpoint': s.OSO_ENDPOINT_URL, 'middleware': s.MIDDLEWARE}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "oso_portal.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded["engine"] == "django.db.backends.postgresql"
    assert loaded["host"] == "postgres"
    assert loaded["broker"] == "redis://redis:6379/0"
    assert loaded["visibility"] == 3600
    assert loaded["debug"] is False
    assert loaded["endpoint"] == "http://mock:8765"
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in loaded["middleware"]


def test_notifications_are_wired_between_the_mock_and_the_web_service(compose, tmp_path):
    secret = "s" * 40
    env = {"OSO_NOTIFICATIONS": "1", "OSO_NOTIFICATION_SECRET": secret}
    web = _environment(compose["services"]["web"], env={**TEST_VALUES, **env})
    mock = _environment(compose["services"]["mock"], env={**TEST_VALUES, **env})
    callback = urlsplit(web["OSO_NOTIFICATION_CALLBACK_URL"])

    # The mock calls the web service back, signed with the portal's own secret.
    assert mock["MOCK_NOTIFY_URL"] == web["OSO_NOTIFICATION_CALLBACK_URL"]
    assert mock["ELK_MOCK_NOTIFY_SECRET"] == web["OSO_NOTIFICATION_SECRET"] == secret
    assert (callback.hostname, callback.port) == ("web", 8000)
    assert "web" in web["ALLOWED_HOSTS"].split(",")
    assert '--notify-url "${MOCK_NOTIFY_URL:-}"' in (ROOT / "docker" / "entrypoint.sh").read_text()

    script = (
        "import json, re, django; django.setup(); from django.conf import settings as s;"
        "print(json.dumps({'on': s.OSO_NOTIFICATIONS,"
        " 'exempt': any(re.search(p, 'oso/notifications/') for p in s.SECURE_REDIRECT_EXEMPT),"
        " 'others': any(re.search(p, 'students/') for p in s.SECURE_REDIRECT_EXEMPT)}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={
            "PATH": os.environ["PATH"],
            "OSO_PORTAL_VAR_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "oso_portal.settings",
            **web,
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    # The signed callback is not redirected to https (no caller follows that); pages are.
    assert loaded == {"on": True, "exempt": True, "others": False}
