"""Form fields and forms of the student pages (search input, dossier upload)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from common import page_text as text
from students.models import SignupGroup
from students.validators import is_valid_bsn, is_valid_education_number

# --- Partial birth date: a day, a month or a year ----------------------------------------


@dataclass(frozen=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None


_DAY_FIRST = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_MONTH = re.compile(r"^(\d{1,2})[-/.](\d{4})$")
_YEAR = re.compile(r"^(\d{4})$")


def parse_partial_date(value: str) -> PartialDate | None:
    """'14-05-2009', '2009-05-14', '05-2009' or '2009'; None when it is none of these."""
    value = value.strip()
    if match := _DAY_FIRST.match(value):
        day, month, year = (int(g) for g in match.groups())
    elif match := _ISO.match(value):
        year, month, day = (int(g) for g in match.groups())
    elif match := _MONTH.match(value):
        month, year = int(match.group(1)), int(match.group(2))
        return PartialDate(year, month) if 1 <= month <= 12 else None
    elif match := _YEAR.match(value):
        return PartialDate(int(match.group(1)))
    else:
        return None
    try:
        dt.date(year, month, day)
    except ValueError:
        return None
    return PartialDate(year, month, day)


class PartialDateField(forms.CharField):
    default_error_messages = {"invalid": text.BIRTH_DATE_INVALID}

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        parsed = parse_partial_date(value)
        if parsed is None:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


class BsnSearchField(forms.CharField):
    """The whole BSN or education number (check digit tested), or at least its last 4 digits."""

    default_error_messages = {
        "invalid": text.BSN_INVALID,
        "check_digit": text.BSN_CHECK_DIGIT,
    }

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return ""
        digits = re.sub(r"[\s.]", "", value)
        if not digits.isdigit() or not 4 <= len(digits) <= 9:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if len(digits) == 9 and not (is_valid_bsn(digits) or is_valid_education_number(digits)):
            raise forms.ValidationError(self.error_messages["check_digit"], code="check_digit")
        return digits


# --- Dossier inlezen ------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files; each is judged on its own later (an empty one fails by name there)."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files:
            raise forms.ValidationError(text.NO_FILES, code="required")
        # FileField's own check would refuse the whole upload for one empty file.
        for f in files:
            if not hasattr(f, "name") or not hasattr(f, "size"):
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return list(files)


class DossierImportForm(forms.Form):
    files = MultipleFileField(label=text.FILES)
    signup_group = forms.ModelChoiceField(
        queryset=SignupGroup.objects.all(),
        required=False,
        label=text.SIGNUP_GROUP_FOR_NEW,
        help_text=text.SIGNUP_GROUP_FOR_NEW_WHY,
        empty_label="—",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        files = self.fields["files"]
        files.widget.attrs["accept"] = ".xml,application/xml,text/xml,.zip,application/zip"
        files.help_text = text.FILES_HELP_ZIP % {
            "count": settings.OSO_UPLOAD_MAX_FILES,
            "limit": filesizeformat(settings.OSO_UPLOAD_MAX_TOTAL_BYTES),
        }

    def clean_files(self):
        # A file over the per-file limit is refused by name, the others still read
        # (students.dossier_uploads); only the whole upload has a cap.
        files = self.cleaned_data["files"]
        total = sum(f.size for f in files)
        if total > settings.OSO_UPLOAD_MAX_TOTAL_BYTES:
            raise forms.ValidationError(upload_too_large_error(total))
        return files


def upload_too_large_error(size: int) -> forms.ValidationError:
    return forms.ValidationError(
        text.UPLOAD_TOO_LARGE,
        code="upload_too_large",
        params={
            "size": filesizeformat(size),
            "limit": filesizeformat(settings.OSO_UPLOAD_MAX_TOTAL_BYTES),
        },
    )
