"""Login, logout, navigation, language and the accessible page frame."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import UserFactory

NAV_LABELS = [
    "Leerlingen zoeken",
    "Overstapdossier opvragen",
    "Aanmeldingsgroepen",
    "Dossier inlezen",
    "Leerling aanmelden",
    "Aanmeldingen inlezen",
]


def test_login_page_is_dutch_with_labelled_fields(client, db):
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()

    assert '<html lang="nl">' in html
    assert '<label for="id_username">Gebruikersnaam</label>' in html
    assert '<label for="id_password">Wachtwoord</label>' in html
    assert ">Inloggen<" in html


def test_logging_in_leads_to_the_start_page_with_the_navigation(client, portal_user):
    response = client.post(
        reverse("login"),
        {"username": "toelating", "password": "secret-pass-123"},
        HTTP_ACCEPT_LANGUAGE="nl",
        follow=True,
    )

    html = response.content.decode()
    assert response.redirect_chain[-1][0] == "/"
    nav = html[html.index('<nav class="main-nav"') : html.index("</nav>")]
    assert re.findall(r">([^<>]+)</a>", nav) == NAV_LABELS


def test_wrong_password_gives_a_dutch_error(client, portal_user):
    response = client.post(
        reverse("login"),
        {"username": "toelating", "password": "wrong"},
        HTTP_ACCEPT_LANGUAGE="nl",
    )

    assert response.status_code == 200
    assert "Voer een juiste gebruikersnaam en wachtwoord in" in response.content.decode()


def test_logout_is_a_post_and_ends_the_session(portal_client):
    response = portal_client.post(reverse("logout"))

    assert response.status_code == 302
    assert portal_client.get(reverse("students:search")).status_code == 302


@pytest.mark.parametrize(
    "url_name",
    [
        "home",
        "students:search",
        "oso_requests:overview",
        "students:signup_groups",
        "students:dossier_import",
    ],
)
def test_every_page_has_a_skip_link_a_main_landmark_and_no_inline_script_or_style(
    portal_client, url_name
):
    html = portal_client.get(reverse(url_name), HTTP_ACCEPT_LANGUAGE="nl").content.decode()

    assert '<a class="skip-link" href="#main">Naar de inhoud</a>' in html
    assert '<main id="main"' in html
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert " style=" not in html
    assert re.findall(r"\son[a-z]+=", html) == []
    assert "/static/vendor/htmx/htmx.min.js" in html
    assert "cdn" not in html.lower()


def test_current_page_is_marked_in_the_navigation(portal_client):
    html = portal_client.get(reverse("students:signup_groups")).content.decode()

    assert re.search(r'href="/signup-groups/"\s+aria-current="page"', html)


def test_language_switch_changes_the_interface_to_english(portal_client):
    response = portal_client.post(
        reverse("set_language"),
        {"language": "en", "next": reverse("students:search")},
        follow=True,
    )

    html = response.content.decode()
    assert '<html lang="en">' in html
    assert ">Search students<" in html
    assert ">Add to transfer-file requests<" not in html  # no results yet
    assert "Student no." in html


def test_every_input_on_the_search_page_has_a_label(portal_client):
    html = portal_client.get(reverse("students:search"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    ids = re.findall(r'<(?:input|select)\b(?![^>]*type="hidden")[^>]*\bid="([^"]+)"', html)
    labelled = set(re.findall(r'<label for="([^"]+)"', html))

    assert ids
    assert set(ids) <= labelled


def test_the_demo_hint_only_shows_in_demo_mode(client, db, settings):
    settings.DEMO_LOGIN_ENABLED = False
    assert "demo" not in client.get(reverse("login")).content.decode().lower().split("</header>")[1]


def test_user_without_permission_sees_no_navigation_links_it_cannot_use(client, db):
    client.force_login(UserFactory(username="zonder-rechten"))
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Geen toegang" in html


def test_the_audit_log_is_in_the_menu_only_for_those_who_may_read_it(client, portal_user):
    from django.contrib.auth.models import Permission

    client.force_login(portal_user)
    assert reverse("audit:log") not in client.get(reverse("home")).content.decode()

    portal_user.user_permissions.add(Permission.objects.get(codename="view_auditentry"))
    client.force_login(portal_user)
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()

    assert f'<a href="{reverse("audit:log")}">Auditlog</a>' in html


# --- Layout: the header's user menu, one spelling, singular counts ---------------------------


def test_the_user_name_opens_a_menu_with_the_admin_and_log_out(client, portal_user):
    portal_user.is_staff = True
    portal_user.save()
    client.force_login(portal_user)
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="nl").content.decode()

    menu = html[html.index('<details class="user-menu"') : html.index("</details>")]
    assert '<span class="visually-hidden">Ingelogd als </span>' in menu
    assert '<span class="user-name">toelating</span>' in menu
    assert f'<a href="{reverse("admin:index")}">Beheer</a>' in menu
    assert f'action="{reverse("logout")}"' in menu and ">Uitloggen</button>" in menu


@pytest.mark.parametrize(("language", "label"), [("nl", ">ELK-status<"), ("en", ">ELK status<")])
def test_the_elk_status_is_spelled_the_same_on_the_search_and_the_student_page(
    client, portal_user, language, label
):
    from tests.factories import SignupGroupFactory, StudentFactory

    student = StudentFactory(signup_group=SignupGroupFactory(), surname="Eenling")
    client.force_login(portal_user)
    client.post(reverse("set_language"), {"language": language})
    response = client.post(
        reverse("students:search"), {"in_signup_group": "on", "surname": "Eenling"}
    )
    search_html = client.get(response["Location"]).content.decode()
    detail = reverse("students:detail", args=[student.student_number])
    detail_html = client.get(detail).content.decode()

    assert label in search_html
    assert label in detail_html
    if language == "nl":
        assert ">ELK status<" not in search_html + detail_html


@pytest.mark.parametrize(
    ("language", "one", "many"),
    [
        ("nl", "Het enige resultaat selecteren", "Alle 2 resultaten selecteren"),
        ("en", "Select the only result", "Select all 2 results"),
    ],
)
def test_select_all_results_says_one_result_in_the_singular(
    client, portal_user, language, one, many
):
    from tests.factories import SignupGroupFactory, StudentFactory

    group = SignupGroupFactory()
    StudentFactory(signup_group=group, surname="Eenling")
    StudentFactory(signup_group=group, surname="Tweeling")
    client.force_login(portal_user)
    client.post(reverse("set_language"), {"language": language})

    def label_for(surname: str) -> str:
        response = client.post(
            reverse("students:search"), {"in_signup_group": "on", "surname": surname}
        )
        html = client.get(response["Location"]).content.decode()
        start = html.index('<label for="select-all-results">')
        return html[start : html.index("</label>", start)]

    assert one in label_for("Eenling")
    assert "Alle 1 " not in label_for("Eenling") and "all 1 " not in label_for("Eenling")
    assert many in label_for("ling")


@pytest.mark.parametrize(
    ("language", "one"),
    [("nl", "De enige aanvraag selecteren"), ("en", "Select the only request")],
)
def test_select_all_requests_says_one_request_in_the_singular(client, portal_user, language, one):
    from tests.factories import TransferRequestFactory

    TransferRequestFactory()
    client.force_login(portal_user)
    client.post(reverse("set_language"), {"language": language})
    html = client.get(reverse("oso_requests:overview")).content.decode()

    start = html.index('<label for="select-all-results">')
    assert one in html[start : html.index("</label>", start)]
