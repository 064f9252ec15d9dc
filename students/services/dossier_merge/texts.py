"""The merge's remarks and failure reasons, as codes (rendered in the reader's language)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.utils.text import capfirst
from django.utils.translation import gettext_noop

from oso_format.types import Phrase
from portal_text import Message, date_param, define, legacy


def field_label(name: Any) -> str:
    """A student field's label in the active language ("Woonplaats"); unknown names as given."""
    from students.models import Student

    try:
        model_field = Student._meta.get_field(str(name))
    except FieldDoesNotExist:  # an old row may hold a label instead of a field name
        return str(name)
    return str(capfirst(getattr(model_field, "verbose_name", None) or name))


def field_from_label(label: str) -> str:
    """A label as a page showed it back to the field name; an unknown label as it is."""
    from students.models import Student

    for model_field in Student._meta.get_fields():
        verbose = getattr(model_field, "verbose_name", None)
        if verbose is not None and str(capfirst(verbose)) == label:
            return model_field.name
    return label


STUDENT_GONE = define(
    "merge.student_gone", gettext_noop("The student of this request no longer exists.")
)
NOT_THIS_STUDENT = define(
    "merge.not_this_student",
    gettext_noop(
        "This dossier does not belong to this student: the citizen service "
        "number/education number or the birth date differs."
    ),
)
AMBIGUOUS = define(
    "merge.ambiguous",
    gettext_noop(
        "More than one student found with this citizen service number/education "
        "number and this birth date."
    ),
)
OTHER_BIRTH_DATE = define(
    "merge.other_birth_date",
    gettext_noop(
        "A student with this citizen service number/education number already exists, with "
        "another birth date. Check the birth date; if the student's is wrong, correct it in "
        "the admin and import the file again."
    ),
)
NO_STUDENT = define(
    "merge.no_student",
    gettext_noop(
        "No student found with this citizen service number/education number and this birth date."
    ),
)
OLDER = define(
    "merge.older",
    gettext_noop(
        "This dossier (dated %(date)s) is older than the last dossier applied "
        "(dated %(last)s); nothing was changed."
    ),
    formats={"date": date_param, "last": date_param},
)
SAME_DATE = define(
    "merge.same_date",
    gettext_noop(
        "This dossier has the same date (%(date)s) as the last dossier applied but "
        "a different content; nothing was changed."
    ),
    formats={"date": date_param, "last": date_param},
)
CORRECTED_KEPT = define(
    "merge.corrected_kept",
    gettext_noop(
        "%(field)s is corrected locally: '%(local)s' kept, the dossier gives '%(dossier)s'."
    ),
    formats={"field": field_label},
    parsers={"field": field_from_label},
)
TOO_LONG = define(
    "merge.too_long",
    gettext_noop(
        "%(field)s from the dossier is too long (%(length)d characters, at most "
        "%(max)d) and was not taken over: '%(value)s'."
    ),
    formats={"field": field_label},
    parsers={"field": field_from_label},
)
# A secret value (adresgeheim, a placeholder) met a real stored one, which stays: only
# then is it a remark. With nothing stored the card just says the value is secret.
SECRET_ADDRESS_KEPT = define(
    "merge.secret_address_kept",
    gettext_noop("Address is secret in the dossier (adresgeheim): the existing address was kept."),
)
SECRET_PHONE_KEPT = define(
    "merge.secret_phone_kept",
    gettext_noop("Phone number is secret in the dossier: the existing number was kept."),
)
SECRET_EMAIL_KEPT = define(
    "merge.secret_email_kept",
    gettext_noop("E-mail address is secret in the dossier: the existing address was kept."),
)
STORAGE_FAILED = define(
    "merge.storage_failed",
    gettext_noop("The dossier could not be stored because of a database error."),
)
INTERNAL_ERROR = define(
    "merge.internal_error",
    gettext_noop("The file could not be processed because of an internal error."),
)


# The official stylesheet's meldingen: its location and its Dutch text are parameters,
# the sentence around them follows the reader's language.
OFFICIAL_WARNING = define(
    "merge.official_warning",
    gettext_noop("Official OSO check (warning) at %(location)s: %(text)s"),
)
OFFICIAL_FAULT = define(
    "merge.official_fault", gettext_noop("Official OSO rule at %(location)s: %(text)s")
)
OFFICIAL_FAULTS = define(
    "merge.official_faults",
    gettext_noop("Official OSO rule at %(location)s: %(text)s (and %(more)s more)"),
)


def _reader_text(params: Mapping[str, Any]) -> str:
    """The reader's sentence (oso_format's msgid) in the active language, filled in."""
    return Phrase.from_json(params).text()


# Why the reader refused a file: oso_format's own untranslated sentence and its
# (masked) parameters; oso_format's catalogue translates it when it is shown.
READER_TEXT = define("reader.text", renderer=_reader_text)


def dossier_error_text(error: Any) -> Message:
    """A reader's refusal (a DossierError) as a stored reason; plain text stays legacy."""
    phrase = getattr(error, "phrase", None)
    if isinstance(phrase, Phrase):
        return READER_TEXT(**phrase.masked().as_json())
    return legacy(getattr(error, "message", None) or str(error))
