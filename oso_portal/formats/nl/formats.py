"""Dutch formats: Django's, with ISO yyyy-mm-dd accepted as well as dd-mm-jjjj."""

from django.conf.locale.nl.formats import *  # type: ignore[import-untyped]  # noqa: F403

from common.dates import DATE_INPUT_FORMATS as DATE_INPUT_FORMATS
