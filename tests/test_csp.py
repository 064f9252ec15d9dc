"""Security headers on every response, and templates that a strict CSP does not break."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.contrib.auth.views import LoginView, LogoutView
from django.http import HttpResponse
from django.urls import include, path, reverse

from audit.forms import ThrottledAuthenticationForm
from oso_portal.middleware import build_policy
from tests.factories import UserFactory


def _own_policy(request):
    response = HttpResponse("embeddable widget")
    response["Content-Security-Policy"] = "frame-ancestors 'self'"
    return response


urlpatterns = [
    path("", lambda request: HttpResponse("home"), name="home"),
    path(
        "accounts/login/",
        LoginView.as_view(
            authentication_form=ThrottledAuthenticationForm,
            template_name="registration/login.html",
        ),
        name="login",
    ),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("audit/", include("audit.urls")),
    path("own-policy/", _own_policy),
]

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

EXPECTED_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


@pytest.fixture
def auditor(client):
    user = UserFactory(username="auditor", is_staff=True)
    for app_label, codename in [("students", "use_portal"), ("audit", "view_auditentry")]:
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    client.force_login(user)
    return client


def _assert_security_headers(response):
    assert response["Content-Security-Policy"] == EXPECTED_POLICY
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_the_policy_allows_only_our_own_origin_and_no_inline_code(settings):
    assert build_policy(settings.CONTENT_SECURITY_POLICY) == EXPECTED_POLICY


@pytest.mark.parametrize("url", ["/accounts/login/", "/admin/login/", "/no-such-page/"])
def test_anonymous_responses_carry_every_security_header(client, url):
    _assert_security_headers(client.get(url))


def test_pages_for_logged_in_users_carry_the_headers_and_are_never_stored(auditor):
    for url in [reverse("audit:log"), reverse("admin:index"), "/admin/audit/auditentry/"]:
        response = auditor.get(url)
        assert response.status_code == 200, url
        _assert_security_headers(response)
        assert "no-store" in response["Cache-Control"], url


def test_a_response_with_its_own_policy_keeps_it(client):
    response = client.get("/own-policy/")

    assert response["Content-Security-Policy"] == "frame-ancestors 'self'"


# --- templates ------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]

# What a policy without 'unsafe-inline' / 'unsafe-eval' blocks.
FORBIDDEN = {
    "inline <script> (no src)": re.compile(
        r"<script\b(?![^>]*\bsrc=)(?![^>]*type=[\"']application/(?:ld\+)?json)[^>]*>", re.I
    ),
    "<style> element": re.compile(r"<style\b", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "on... event handler attribute": re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I),
    "hx-on (needs eval)": re.compile(r"\s(?:data-)?hx-on", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


# Folders that hold no template of ours (tools, caches, build output, collected static).
_NOT_OURS = {".venv", ".git", "node_modules", "var", "build", "staticfiles", "__pycache__"}

_TEMPLATE_COMMENTS = re.compile(r"{#.*?#}|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.S)


def _project_templates() -> list[Path]:
    return sorted(
        path
        for pattern in ("*.html", "*.txt", "*.svg")
        for path in ROOT.rglob(pattern)
        if not _NOT_OURS.intersection(path.relative_to(ROOT).parts)
        and "templates" in path.relative_to(ROOT).parts
    )


def _violations(text: str) -> list[str]:
    markup = _TEMPLATE_COMMENTS.sub("", text)
    return [what for what, pattern in FORBIDDEN.items() if pattern.search(markup)]


def test_no_template_uses_inline_script_style_or_handlers():
    templates = _project_templates()
    # Every app's templates and the project's own are scanned, the admin overrides too.
    for known in [
        ROOT / "audit" / "templates" / "audit" / "auditentry_list.html",
        ROOT / "templates" / "base.html",
        ROOT / "students" / "templates" / "admin" / "students" / "receiveddossier" / "diff.html",
    ]:
        assert known in templates

    problems = [
        (str(path.relative_to(ROOT)), what)
        for path in templates
        for what in _violations(path.read_text(encoding="utf-8"))
    ]

    assert problems == []


def _python_markup(source: str) -> list[str]:
    """The string literals of a module that hold markup, docstrings left out."""
    tree = ast.parse(source)
    docstrings = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            docstrings.add(id(body[0].value))
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and "<" in node.value
        and id(node) not in docstrings
    ]


# HTML attributes that a strict policy blocks, as keys of an ``attrs`` dict
# (form widgets, django-tables2 columns) rather than as markup in a string.
_FORBIDDEN_ATTRIBUTE = re.compile(r"^(?:style|on[a-z]+|(?:data-)?hx-on\b.*)$", re.I)


def _attrs_dicts(tree: ast.AST) -> list[ast.Dict]:
    """The dict literals given as ``attrs`` (a keyword argument, an assignment or a key)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "attrs":
            found.append(node.value)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = [getattr(t, "id", None) or getattr(t, "attr", None) for t in targets]
            if "attrs" in names:
                found.append(node.value)
        elif isinstance(node, ast.Dict):
            found.extend(
                value
                for key, value in zip(node.keys, node.values, strict=True)
                if isinstance(key, ast.Constant) and key.value == "attrs"
            )
    return [node for node in found if isinstance(node, ast.Dict)]


def _python_attributes(source: str) -> list[str]:
    """The keys of a module's ``attrs`` dicts (nested ones too) that name a blocked attribute."""
    return sorted(
        key.value
        for attrs in _attrs_dicts(ast.parse(source))
        for node in ast.walk(attrs)
        if isinstance(node, ast.Dict)
        for key in node.keys
        if isinstance(key, ast.Constant)
        and isinstance(key.value, str)
        and _FORBIDDEN_ATTRIBUTE.match(key.value)
    )


def _project_modules() -> list[Path]:
    return [
        path
        for path in ROOT.rglob("*.py")
        if not (_NOT_OURS | {"tests", "migrations", "benchmarks"}).intersection(
            path.relative_to(ROOT).parts
        )
    ]


def test_no_python_code_builds_inline_script_style_or_handlers():
    modules = _project_modules()
    assert ROOT / "audit" / "views.py" in modules
    assert ROOT / "students" / "admin.py" in modules

    problems = {
        (str(path.relative_to(ROOT)), what)
        for path in modules
        for literal in _python_markup(path.read_text(encoding="utf-8"))
        for what in _violations(literal)
    }

    assert problems == set()


def test_no_python_code_sets_a_style_or_handler_attribute():
    problems = {
        (str(path.relative_to(ROOT)), key)
        for path in _project_modules()
        for key in _python_attributes(path.read_text(encoding="utf-8"))
    }

    assert problems == set()


def test_the_attribute_scan_finds_style_and_handlers_in_attrs_dicts():
    source = """
widget = forms.TextInput(attrs={"style": "width: 3em", "class": "x"})
column = tables.Column(attrs={"td": {"onclick": "go()"}, "th": {"hx-on:click": "x"}})
class Meta:
    attrs = {"class": "data-table", "onload": "x()"}
config = {"storage": 1, "online": True, "style": "compact"}
"""

    assert _python_attributes(source) == ["hx-on:click", "onclick", "onload", "style"]


def test_the_python_scan_finds_markup_in_strings_but_not_in_docstrings():
    source = '''"""Use no <script> here."""
def f():
    """Nor <style> here."""
    return format_html('<pre style="color: red">{}</pre>', x)
'''
    literals = _python_markup(source)

    assert literals == ['<pre style="color: red">{}</pre>']


def test_template_comments_are_not_mistaken_for_markup():
    assert _violations("{# htmx would otherwise add an inline <style> #}") == []
    assert _violations("{% comment %}<script>x()</script>{% endcomment %}") == []


@pytest.mark.parametrize(
    ("html", "what"),
    [
        ("<script>alert(1)</script>", "inline <script> (no src)"),
        ('<div style="color:red">', "style attribute"),
        ('<button onclick="go()">', "on... event handler attribute"),
        ('<button hx-on:click="go()">', "hx-on (needs eval)"),
        ("<style>p{}</style>", "<style> element"),
    ],
)
def test_the_template_scan_recognises_what_csp_blocks(html, what):
    assert FORBIDDEN[what].search(html)


@pytest.mark.parametrize(
    "html",
    [
        '<script src="/static/vendor/htmx/htmx.min.js" defer></script>',
        '<script id="data" type="application/json">{"a": 1}</script>',
        '<button hx-post="/x" hx-target="#y">',
    ],
)
def test_the_template_scan_lets_csp_safe_markup_pass(html):
    assert not any(pattern.search(html) for pattern in FORBIDDEN.values())


def test_the_periodic_task_form_of_the_admin_has_no_inline_script(client):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    every = IntervalSchedule.objects.create(every=30, period=IntervalSchedule.SECONDS)
    task = PeriodicTask.objects.create(name="oso-test", task="x", interval=every)
    client.force_login(UserFactory(username="beheer", is_staff=True, is_superuser=True))

    html = client.get(f"/admin/django_celery_beat/periodictask/{task.pk}/change/").content.decode()

    scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert all('type="application/json"' in attrs for attrs in scripts), scripts
    assert "js/admin_crontab_help.js" in html
