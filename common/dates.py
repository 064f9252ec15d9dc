"""Date fields as Dutch staff type them: dd-mm-jjjj, with a calendar to pick from.

A native ``<input type="date">`` shows the browser's own format (``mm/dd/yyyy`` in
many browsers, whatever the page's language) and cannot be typed into as
dd-mm-jjjj. So every date field of the portal is a text field that accepts
dd-mm-jjjj (and ISO yyyy-mm-dd), shows its value as dd-mm-jjjj, and gets a
calendar button from ``static/js/date_input.js`` (no inline script: the CSP
forbids it). Without script the typed date still works.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

# The form shows the first; all are accepted. Day first, as the Netherlands writes dates.
DATE_INPUT_FORMATS = ["%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y"]
DATE_DISPLAY_FORMAT = DATE_INPUT_FORMATS[0]


class DateTextInput(forms.DateInput):
    """A text input for dd-mm-jjjj that ``date_input.js`` pairs with the native picker."""

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        defaults = {
            "data-date-input": "",
            "inputmode": "numeric",
            "autocomplete": "off",
            "size": "10",
            "maxlength": "10",
            # Read by date_input.js for the calendar button's accessible name.
            "data-picker-label": _("Choose a date"),
            "placeholder": _("dd-mm-yyyy"),
        }
        super().__init__(attrs={**defaults, **(attrs or {})}, format=format or DATE_DISPLAY_FORMAT)

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, dt.date):
            return value.strftime(self.format or DATE_DISPLAY_FORMAT)
        # A typed value that did not parse comes back as typed, so it can be corrected.
        return super().format_value(value)


class DayFirstDateField(forms.DateField):
    """A date field that reads dd-mm-jjjj (and yyyy-mm-dd) in every language."""

    widget = DateTextInput
    input_formats = DATE_INPUT_FORMATS


# A date (with its time) in a table cell stays on one line: django-tables2 column attrs.
DATE_CELL_ATTRS = {"td": {"class": "date"}}
