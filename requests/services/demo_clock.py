"""Move the demo endpoint's clock: the demo's stand-in for primary schools releasing files."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from requests.client.mock_clock import mock_clock_read, mock_clock_set

# The mock's data covers spring 2021; a date far outside it is a typing error.
EARLIEST = date(2020, 8, 1)
LATEST = date(2022, 7, 31)


def demo_clock_read() -> date:
    """The mock's current date; raises EndpointError (Dutch message) when it cannot say."""
    return mock_clock_read(base_url=settings.OSO_ENDPOINT_URL)


def demo_clock_set(*, day: date) -> date:
    """Set the mock's clock; files collected up to that day count as released."""
    if not settings.OSO_ENDPOINT_DEMO_CLOCK:
        raise ValidationError(_("The endpoint clock can only be moved in the demo."))
    if not EARLIEST <= day <= LATEST:
        raise ValidationError(
            _(
                "Choose a date between %(first)s and %(last)s: "
                "the demo data covers that school year."
            )
            % {"first": EARLIEST.strftime("%d-%m-%Y"), "last": LATEST.strftime("%d-%m-%Y")}
        )
    return mock_clock_set(base_url=settings.OSO_ENDPOINT_URL, day=day)
