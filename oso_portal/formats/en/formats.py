"""English formats: Django's, but dates typed and shown day first as in the Netherlands
(the admin's date fields too): English is a language here, not a country."""

from django.conf.locale.en.formats import *  # type: ignore[import-untyped]  # noqa: F403

from common.dates import DATE_INPUT_FORMATS as DATE_INPUT_FORMATS

DATETIME_INPUT_FORMATS = [
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
]
