"""Dutch whatever the browser says; English only when chosen with the language switch."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ENGLISH_BROWSER = "en-US,en;q=0.9"


def test_a_browser_set_to_english_gets_the_dutch_login_page(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE=ENGLISH_BROWSER)

    page = response.content.decode()
    assert '<html lang="nl">' in page
    assert "Inloggen" in page
    assert "Log in</h1>" not in page
    assert response["Content-Language"] == "nl"
    assert "Accept-Language" not in response.get("Vary", "")


def test_english_is_shown_once_chosen_with_the_language_switch(client):
    client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})

    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="nl-NL,nl;q=0.9").content.decode()

    assert '<html lang="en">' in page
    assert "Log in</h1>" in page


def test_choosing_dutch_again_gives_dutch(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    client.post(reverse("set_language"), {"language": "nl", "next": "/"})

    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE=ENGLISH_BROWSER).content.decode()

    assert '<html lang="nl">' in page


def test_an_unknown_language_cookie_falls_back_to_dutch(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert '<html lang="nl">' in page


def test_the_admin_names_the_periodic_tasks_in_dutch(client):
    client.force_login(UserFactory(username="beheer", is_staff=True, is_superuser=True))

    page = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE=ENGLISH_BROWSER)

    html = page.content.decode()
    assert "Periodieke taken" in html
    assert "Periodic Tasks" not in html
    assert "Intervallen" in html


def test_the_periodic_task_form_in_the_admin_reads_in_dutch(client):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    every = IntervalSchedule.objects.create(every=30, period=IntervalSchedule.SECONDS)
    task = PeriodicTask.objects.create(name="oso-test", task="x", interval=every)
    client.force_login(UserFactory(username="beheer", is_staff=True, is_superuser=True))

    html = client.get(
        reverse("admin:django_celery_beat_periodictask_change", args=[task.pk])
    ).content.decode()

    assert "Intervalschema van de taak." in html
    assert "elke 30 seconden" in html
    assert "Set only one schedule type" not in html


def test_the_periodic_tasks_are_described_in_dutch_whatever_language_syncs_them():
    from django.utils import translation
    from django_celery_beat.models import PeriodicTask

    from requests.services.beat import periodic_tasks_sync

    with translation.override("en"):
        periodic_tasks_sync()
        again = periodic_tasks_sync()

    feed = PeriodicTask.objects.get(name="oso-read-elk-feed")
    assert feed.description.startswith("Leest de plaatsingen en blauwe stippen van ELK")
    assert again.updated == []  # a second sync finds nothing to change
