"""Playwright (sync API) in Debian's headless Chromium, against pytest-django's live_server.

Without /usr/bin/chromium the browser tests are skipped with a plain reason,
unless OSO_PORTAL_REQUIRE_BROWSER=1 (CI), which makes them fail instead.
Every page the browser opens records Content Security Policy violations and
JavaScript errors; ``page`` fails the test at teardown when there were any.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# live_server runs Django in a thread of this process while Playwright's sync API
# runs an event loop in it: Django must allow its sync calls here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REQUIRE_BROWSER = os.environ.get("OSO_PORTAL_REQUIRE_BROWSER") == "1"
# docs/screenshots/ is written only on request (OSO_PORTAL_SCREENSHOTS=1), never by a plain run.
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PASSWORD = "secret-pass-123"

RECORD_PROBLEMS = """
window.__pageProblems = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__pageProblems.push(`CSP ${event.violatedDirective} ${event.blockedURI}`);
});
window.addEventListener("error", (event) => {
  window.__pageProblems.push(`JS ${event.message}`);
});
"""


@pytest.fixture(scope="session")
def chromium():
    if not os.path.exists(CHROMIUM):
        message = f"Chromium is not installed ({CHROMIUM}): the browser tests did not run"
        if REQUIRE_BROWSER:
            pytest.fail(message + " (OSO_PORTAL_REQUIRE_BROWSER=1)")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server, settings):
    """A fresh browser tab (its own cookies) in Dutch, 1366x900 like a laptop."""
    # Logging in through the form hashes the password; the fast hasher keeps tests quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    context = chromium.new_context(
        locale="nl-NL", viewport={"width": 1366, "height": 900}, accept_downloads=True
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    tab.add_init_script(RECORD_PROBLEMS)
    console_errors: list[str] = []
    tab.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    tab.base = live_server.url
    yield tab
    problems = tab.evaluate("window.__pageProblems || []")
    context.close()
    assert problems == [], problems
    assert [e for e in console_errors if "Content Security Policy" in e] == []


def log_in(page, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{page.base}/accounts/login/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{page.base}/")


def menu(page, name: str):
    """A link of the main menu."""
    return page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name=name)


def screenshot(page, name: str, tmp_path: Path) -> Path:
    """A full-page PNG: into docs/screenshots/ with OSO_PORTAL_SCREENSHOTS=1, else tmp_path."""
    folder = SCREENSHOT_DIR if os.environ.get("OSO_PORTAL_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def staff_member(db):
    """Anna of the admissions office: group Toelating, staff and allowed to correct students."""
    from students.services.access import access_groups_ensure
    from tests.factories import UserFactory

    user = UserFactory(username="anna", is_staff=True, is_superuser=True)
    user.groups.add(access_groups_ensure())
    return user
