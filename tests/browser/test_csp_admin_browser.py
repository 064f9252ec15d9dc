"""The Django admin works under our Content Security Policy, in a real browser.

Headless Chromium logs in through the (throttled) admin login form and opens the
pages staff use, including the calendar widget's JavaScript; every CSP violation
the browser reports fails the test.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.views import LoginView, LogoutView
from django.http import HttpResponse
from django.urls import include, path

from students.models import DossierOutcome, ReceivedDossier
from tests.factories import StudentFactory, UserFactory

urlpatterns = [
    # What the 404 page (base.html) links to, and the admin.
    path("", lambda request: HttpResponse("home"), name="home"),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]


pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls(__name__),
]

# Runs before any page script; the browser reports each blocked resource here.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


@pytest.fixture
def browser_page(chromium):
    # One Playwright instance per session (tests/browser/conftest.py): a second
    # sync_playwright() in the same process fails inside the first one's event loop.
    context = chromium.new_context()
    page = context.new_page()
    page.add_init_script(RECORD_VIOLATIONS)
    console_errors: list[str] = []
    page.on(
        "console",
        lambda message: console_errors.append(message.text) if message.type == "error" else None,
    )
    page.console_errors = console_errors
    yield page
    context.close()


def _violations(page) -> list[str]:
    reported = page.evaluate("window.__cspViolations")
    logged = [text for text in page.console_errors if "Content Security Policy" in text]
    return reported + logged


def test_admin_pages_run_without_csp_violations(live_server, browser_page, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    UserFactory(username="beheer", is_staff=True, is_superuser=True)
    student = StudentFactory()
    march, may = (
        ReceivedDossier.objects.create(
            student=student,
            raw_xml=f"<dossier><bsn>{student.bsn}</bsn><achternaam>{surname}</achternaam></dossier>",
            sha256=surname.ljust(64, "0"),
            outcome=DossierOutcome.PROCESSED,
        )
        for surname in ("Berg", "Bergsma")
    )
    page = browser_page
    base = live_server.url

    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", "beheer")
    page.fill("#id_password", "secret-pass-123")
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}/admin/")
    assert _violations(page) == []

    visited = {}
    for url in [
        "/admin/",
        "/admin/students/student/",
        f"/admin/students/student/{student.pk}/change/",
        "/admin/students/student/add/",
        f"/admin/students/receiveddossier/{may.pk}/change/",
        f"/admin/students/receiveddossier/{may.pk}/diff/?other={march.pk}",
        "/admin/audit/auditentry/",
        "/admin/auth/user/",
        "/admin/auth/user/add/",
    ]:
        response = page.goto(f"{base}{url}")
        visited[url] = (response.status, _violations(page))
    assert visited == {url: (200, []) for url in visited}
    # The dossier archive's own style sheet applies (no inline style to block).
    page.goto(f"{base}/admin/students/receiveddossier/{may.pk}/diff/?other={march.pk}")
    assert (
        page.eval_on_selector("tr.added td.text", "cell => getComputedStyle(cell).backgroundColor")
        == "rgb(230, 255, 236)"
    )

    # The admin's JavaScript runs: the changelist's select-all checkbox and the
    # date widget's calendar, both built by admin scripts served from 'self'.
    page.goto(f"{base}/admin/students/student/")
    page.check("#action-toggle")
    assert page.is_checked("input.action-select")
    page.goto(f"{base}/admin/students/student/{student.pk}/change/")
    assert not page.is_visible("#calendarbox0")
    page.click("#calendarlink0")
    assert page.is_visible("#calendarbox0")
    assert _violations(page) == []


def test_a_bsn_typed_into_the_admin_search_is_never_sent(live_server, browser_page, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    UserFactory(username="beheer", is_staff=True, is_superuser=True)
    student = StudentFactory()
    page = browser_page
    base = live_server.url
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url))
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", "beheer")
    page.fill("#id_password", "secret-pass-123")
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}/admin/")

    page.goto(f"{base}/admin/students/student/")
    page.fill("#searchbar", student.bsn)
    page.press("#searchbar", "Enter")
    page.wait_for_selector("[data-no-bsn-search-note]")

    assert "BSN" in page.inner_text("[data-no-bsn-search-note]")
    assert page.url == f"{base}/admin/students/student/"
    assert not [url for url in sent if student.bsn in url]
    # An ordinary search still goes.
    page.fill("#searchbar", student.surname)
    page.press("#searchbar", "Enter")
    page.wait_for_url(f"{base}/admin/students/student/?q=*")
    assert _violations(page) == []
