"""Who may open the staff pages: login, then students.use_portal (group Toelating)."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import UserFactory

# A value for each URL parameter of the staff pages.
SAMPLE_KWARGS = {
    "student_number": "1000000001",
    "field": "surname",
    "dossier_id": 1,
    "index": 0,
    "group_id": 1,
    "batch_id": 1,
    "fmt": "csv",
}
PORTAL_NAMESPACES = ("students", "oso_requests")


def portal_urls() -> list[tuple[str, str]]:
    """Every URL of the staff pages: the start page and the students and requests apps."""
    urls = [("home", reverse("home"))]
    for entry in get_resolver().url_patterns:
        if isinstance(entry, URLResolver) and entry.namespace in PORTAL_NAMESPACES:
            for pattern in entry.url_patterns:
                assert isinstance(pattern, URLPattern)
                name = f"{entry.namespace}:{pattern.name}"
                kwargs = {key: SAMPLE_KWARGS[key] for key in pattern.pattern.converters}
                urls.append((name, reverse(name, kwargs=kwargs)))
    return urls


URLS = portal_urls()


def test_every_app_url_is_walked():
    names = {name for name, _ in URLS}
    assert {"students:search", "oso_requests:overview", "oso_requests:send"} <= names
    assert len(URLS) >= 14


@pytest.mark.parametrize(("name", "url"), URLS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitor_is_sent_to_the_login_page(client, db, name, url, method):
    response = getattr(client, method)(url)

    assert response.status_code == 302, name
    assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize(("name", "url"), URLS)
@pytest.mark.parametrize("method", ["get", "post"])
def test_logged_in_user_without_the_permission_gets_403(client, db, name, url, method):
    client.force_login(UserFactory(username="zonder-rechten"))

    response = getattr(client, method)(url, HTTP_ACCEPT_LANGUAGE="nl")

    assert response.status_code == 403, name
    if method == "get":
        assert "Geen toegang" in response.content.decode()


def test_staff_without_the_permission_may_not_use_the_portal(client, db):
    client.force_login(UserFactory(username="beheer", is_staff=True))

    assert client.get(reverse("students:search")).status_code == 403


def test_the_admin_needs_staff_status(client, portal_user):
    client.force_login(portal_user)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
