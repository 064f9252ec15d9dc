"""Forms of the requests overview."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from common import page_text as text
from common.dates import DayFirstDateField
from requests.models import RequestMode


class SendForm(forms.Form):
    """*Aanvragen*: the whole current file, or only changes since a date."""

    mode = forms.ChoiceField(
        choices=RequestMode.choices,
        initial=RequestMode.CURRENT,
        widget=forms.RadioSelect,
        label=text.MODE,
    )
    # Typed dd-mm-jjjj (or yyyy-mm-dd), with a calendar: common/dates.py.
    changed_since = DayFirstDateField(
        required=False,
        label=text.CHANGED_SINCE,
        help_text=text.CHANGED_SINCE_HELP,
        error_messages={"invalid": text.DATE_INVALID},
    )

    def clean_changed_since(self):
        value = self.cleaned_data["changed_since"]
        if value and value > timezone.localdate():
            raise forms.ValidationError(text.DATE_IN_FUTURE, code="future")
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("mode") == RequestMode.CURRENT:
            # The date only counts for changes since; a stray value is ignored.
            self.errors.pop("changed_since", None)
            cleaned["changed_since"] = None
        return cleaned
