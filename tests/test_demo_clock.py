"""Staff move the demo endpoint's clock from the start page, in demo mode only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from elk_mock.testing import MockEndpoint

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def mock_endpoint():
    with MockEndpoint(dataset="demo", clock=dt.date(2021, 3, 20)) as endpoint:
        yield endpoint


@pytest.fixture
def demo_settings(settings, mock_endpoint):
    settings.OSO_ENDPOINT_URL = mock_endpoint.url
    settings.OSO_ENDPOINT_DEMO_CLOCK = True
    mock_endpoint.set_clock(dt.date(2021, 3, 20))
    return settings


def test_start_page_shows_the_demo_endpoints_date(portal_client, demo_settings):
    page = portal_client.get(reverse("home")).content.decode()

    assert "20-03-2021" in page
    assert 'name="day"' in page


def test_moving_the_clock_releases_the_may_files_at_the_endpoint(
    portal_client, demo_settings, mock_endpoint
):
    response = portal_client.post(reverse("demo_clock"), {"day": "2021-05-11"}, follow=True)

    assert mock_endpoint.clock == dt.date(2021, 5, 11)
    assert "11-05-2021" in response.content.decode()


def test_a_date_outside_the_demo_year_is_refused_and_the_clock_stays(
    portal_client, demo_settings, mock_endpoint
):
    response = portal_client.post(reverse("demo_clock"), {"day": "2031-05-11"}, follow=True)

    assert mock_endpoint.clock == dt.date(2021, 3, 20)
    assert "Kies een datum tussen" in response.content.decode()


def test_an_unreadable_date_says_so_in_dutch(portal_client, demo_settings, mock_endpoint):
    response = portal_client.post(reverse("demo_clock"), {"day": "morgen"}, follow=True)

    assert mock_endpoint.clock == dt.date(2021, 3, 20)
    assert "Vul een geldige datum in." in response.content.decode()


def test_a_dead_endpoint_gives_a_dutch_message_not_an_error_page(portal_client, settings):
    settings.OSO_ENDPOINT_DEMO_CLOCK = True
    settings.OSO_ENDPOINT_URL = "http://127.0.0.1:9"

    page = portal_client.get(reverse("home"))
    moved = portal_client.post(reverse("demo_clock"), {"day": "2021-05-11"}, follow=True)

    assert page.status_code == 200
    assert "niet bereikbaar" in page.content.decode()
    assert "niet bereikbaar" in moved.content.decode()


def test_outside_the_demo_there_is_no_clock(portal_client, settings):
    settings.OSO_ENDPOINT_DEMO_CLOCK = False

    page = portal_client.get(reverse("home")).content.decode()
    moved = portal_client.post(reverse("demo_clock"), {"day": "2021-05-11"})

    assert 'name="day"' not in page
    assert moved.status_code == 404
