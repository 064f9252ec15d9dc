"""Forms of the signup pages: one pupil, a signup list, editing a signup, moving to a group.

Fields are cleaned here as far as a form can; the row rules themselves (check digits,
dates, BRIN) are the intake service's (``students.services.signup_rows``), so every
way in refuses the same things with the same Dutch words.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from common import page_text as text
from common.dates import DateTextInput
from students.models import SignupGroup
from students.services.signup_rows import SignupIn
from students.services.signup_table import MAX_TABLE_BYTES
from students.services.signups import signup_clean
from students.services.students import signup_group_for_import, signup_group_name_clean


class SignupGroupChoiceForm(forms.Form):
    """An existing signup group, or the name of a new one."""

    signup_group = forms.ModelChoiceField(
        queryset=SignupGroup.objects.all(), required=False, label=text.SIGNUP_GROUP, empty_label="—"
    )
    new_group = forms.CharField(
        required=False, label=text.NEW_GROUP, help_text=text.NEW_GROUP_HELP, max_length=200
    )

    def clean(self):
        cleaned = super().clean()
        name = (cleaned.get("new_group") or "").strip()
        if name:
            try:
                cleaned["new_group"] = signup_group_name_clean(name)
            except ValidationError as error:
                self.add_error("new_group", error)
        elif not cleaned.get("signup_group") and "signup_group" not in self.errors:
            self.add_error(None, ValidationError(text.GROUP_REQUIRED, code="required"))
        return cleaned

    def chosen_group(self) -> SignupGroup:
        """The group chosen, created when it is a new one (call after is_valid)."""
        if self.cleaned_data.get("new_group"):
            group, _created = signup_group_for_import(name=self.cleaned_data["new_group"])
            return group
        return self.cleaned_data["signup_group"]


class SignupFieldsForm(forms.Form):
    """What a request for the first file identifies a pupil by."""

    bsn = forms.CharField(required=False, label=text.SIGNUP_BSN, help_text=text.IDENTIFIER_HELP)
    education_number = forms.CharField(required=False, label=text.EDUCATION_NUMBER)
    # Read by signup_clean (dd-mm-jjjj); the widget adds the calendar button.
    birth_date = forms.CharField(
        label=text.BIRTH_DATE, help_text=text.SIGNUP_BIRTH_DATE_HELP, widget=DateTextInput
    )
    given_name = forms.CharField(required=False, label=text.GIVEN_NAME)
    # A field named like Form.prefix: the metaclass takes it out of the class attributes,
    # so the form's own prefix stays None.
    prefix = forms.CharField(required=False, label=text.PREFIX)  # type: ignore[assignment]
    surname = forms.CharField(label=text.SURNAME)
    primary_school_brin = forms.CharField(
        label=text.PRIMARY_SCHOOL_BRIN, help_text=text.PRIMARY_SCHOOL_BRIN_HELP
    )
    branch = forms.CharField(required=False, label=text.BRANCH)

    field_order = [
        "bsn",
        "education_number",
        "birth_date",
        "given_name",
        "prefix",
        "surname",
        "primary_school_brin",
        "branch",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("bsn", "education_number"):
            self.fields[name].widget.attrs.update(inputmode="numeric", autocomplete="off")

    def clean(self):
        cleaned = super().clean()
        own = SignupFieldsForm.base_fields
        if any(name in self.errors for name in own):
            return cleaned
        try:
            cleaned["signup"] = signup_clean({name: cleaned.get(name) for name in own})
        except ValidationError as error:
            self.add_error(None, error.messages)
        return cleaned

    @property
    def signup(self) -> SignupIn:
        return self.cleaned_data["signup"]


class SignupForm(SignupFieldsForm, SignupGroupChoiceForm):
    send_now = forms.BooleanField(
        required=False, initial=True, label=text.SEND_NOW, help_text=text.SEND_NOW_HELP
    )


class SignupUploadForm(forms.Form):
    file = forms.FileField(label=text.SIGNUP_FILE, help_text=text.SIGNUP_FILE_HELP)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = (
            ".csv,.txt,.xlsx,text/csv,"
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_TABLE_BYTES:
            raise ValidationError(
                text.SIGNUP_FILE_TOO_LARGE,
                code="too_large",
                params={
                    "size": filesizeformat(upload.size),
                    "limit": filesizeformat(MAX_TABLE_BYTES),
                },
            )
        return upload


class SignupImportForm(SignupGroupChoiceForm):
    """The preview's choice: which group the valid rows go to, and whether to send at once."""

    send_now = forms.BooleanField(
        required=False, initial=True, label=text.SEND_NOW, help_text=text.SEND_NOW_HELP
    )


class MoveToGroupForm(forms.Form):
    target_group = forms.ModelChoiceField(
        queryset=SignupGroup.objects.all(), label=text.MOVE_TO, empty_label="—"
    )
