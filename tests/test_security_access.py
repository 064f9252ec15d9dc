"""Every URL of the project refuses visitors who may not use it.

The test walks every pattern in the root URLconf (whatever the apps add later is
walked too) and requests it with GET and POST as an anonymous visitor, as a
logged-in user without the Toelating permission, and (for the audit pages) as a
Toelating user without the audit permissions. Each answer must be a redirect to
a login page or 403; only the login, logout and language pages are public.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import Resolver404

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Public by design: logging in and out, choosing the language, and the site's icon. The chain's
# notification callback takes no login: its HMAC signature is checked instead
# (tests/test_notifications.py).
PUBLIC = {
    "login",
    "logout",
    "set_language",
    "admin:login",
    "admin:logout",
    "favicon",
    "oso_notifications",
}

# Sample values for path converters; they need not exist, because the access
# check must come before any lookup.
SAMPLE_BY_NAME = {"fmt": "csv", "field": "surname", "app_label": None, "url": "x"}


def _fill_route(route: str) -> str:
    def sample(match: re.Match[str]) -> str:
        converter, name = match.group(1) or "str", match.group(2)
        if SAMPLE_BY_NAME.get(name):
            return SAMPLE_BY_NAME[name]
        return {"int": "1", "uuid": "00000000-0000-0000-0000-000000000001"}.get(converter, "1")

    return re.sub(r"<(?:(\w+):)?(\w+)>", sample, route)


def _fill_regex(regex: str) -> str:
    def sample(match: re.Match[str]) -> str:
        name, body = match.group(1), match.group(2)
        if name == "app_label":
            return body.split("|")[0]
        return SAMPLE_BY_NAME.get(name) or "1"

    text = re.sub(r"\(\?P<(\w+)>([^)]*)\)", sample, regex)
    return text.replace("^", "").replace("$", "").replace("\\", "")


def _walk(patterns, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, prefix + _fill(pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else f"{namespace}<unnamed>"
            yield "/" + prefix + _fill(pattern), name


def _fill(pattern) -> str:
    raw = str(pattern.pattern)
    return (
        _fill_regex(raw) if type(pattern.pattern).__name__ == "RegexPattern" else _fill_route(raw)
    )


def project_urls() -> list[tuple[str, str]]:
    urls = []
    for url, name in _walk(get_resolver().url_patterns):
        if name in PUBLIC or url.startswith(f"/{settings.STATIC_URL}"):
            continue
        urls.append((url, name))
    return urls


def _is_login_redirect(response) -> bool:
    if response.status_code != 302:
        return False
    location = response["Location"]
    return location.startswith((reverse("login"), reverse("admin:login")))


def _refusals(client, urls) -> list[str]:
    problems = []
    for url, name in urls:
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if not (response.status_code == 403 or _is_login_redirect(response)):
                problems.append(f"{method.upper()} {url} ({name}): {response.status_code}")
    return problems


def test_the_walk_finds_the_portal_audit_and_admin_urls():
    urls = project_urls()
    for url, _name in urls:
        try:
            resolve(url)
        except Resolver404:
            pytest.fail(f"sample URL {url} does not resolve")
    names = {name for _url, name in urls}
    assert {"home", "audit:log", "audit:export", "audit:reveal_bsn", "admin:index"} <= names
    assert len(urls) > 50


def test_an_anonymous_visitor_is_refused_everywhere(client):
    assert _refusals(client, project_urls()) == []


def test_a_logged_in_user_without_toelating_is_refused_everywhere(client):
    client.force_login(UserFactory(username="no-permission"))

    assert _refusals(client, project_urls()) == []


def test_a_toelating_user_without_extra_permissions_cannot_reach_audit_or_reveal(client):
    user = UserFactory(username="toelating")
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="students", codename="use_portal")
    )
    client.force_login(user)
    audit_urls = [(url, name) for url, name in project_urls() if name.startswith("audit:")]

    assert len(audit_urls) == 3
    assert _refusals(client, audit_urls) == []
