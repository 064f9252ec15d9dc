"""What two received versions of a pupil's file say differently, field by field.

The version diff on the student page shows this list first (in the reader's language,
with codes read through the codelists) and the raw XML diff under it. The values are
read from the archived files themselves, so any two versions compare, applied or not.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date

from django.utils.dateformat import format as date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common import page_text
from oso_format.reader import dossier_values
from oso_format.types import DossierError, FinalTest, ParsedDossier
from students.models import Codelist, ReceivedDossier, Sex, Student, mask_identifier
from students.selectors.codelists import coded_text, codelist_labels_for
from students.selectors.dossiers import dossier_raw_bytes
from students.validators import display_postcode

logger = logging.getLogger(__name__)

_ADDRESS = ("street", "house_number", "house_number_suffix", "postcode", "town")


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str  # "" when the older version has no value
    new: str


def dossier_field_changes(
    *, older: ReceivedDossier, newer: ReceivedDossier
) -> list[FieldChange] | None:
    """The fields whose value differs between the two versions, in the card's order.

    None when either file cannot be read back (a file that failed on arrival).
    """
    old, new = _values(older), _values(newer)
    if old is None or new is None:
        return None
    labels = codelist_labels_for(set(_codes(old)) | set(_codes(new)))
    old_rows, new_rows = dict(_rows(old, labels)), dict(_rows(new, labels))
    order = list(old_rows) + [label for label in new_rows if label not in old_rows]
    changes = [
        FieldChange(label=label, old=old_rows.get(label, ""), new=new_rows.get(label, ""))
        for label in order
        if old_rows.get(label, "") != new_rows.get(label, "")
    ]
    attachments = _attachments_change(old, new)
    return changes + ([attachments] if attachments else [])


def _attachments_change(old: ParsedDossier, new: ParsedDossier) -> FieldChange | None:
    """How many attachments each version has, and which names one has that the other lacks."""
    old_names = [a.filename or a.description for a in old.attachments]
    new_names = [a.filename or a.description for a in new.attachments]
    if old_names == new_names:
        return None

    def shown(names: list[str], others: list[str], word: str) -> str:
        count = ngettext("%(count)d attachment", "%(count)d attachments", len(names)) % {
            "count": len(names)
        }
        only_here = [name for name in names if name not in others]
        return f"{count}; {word}: {', '.join(only_here)}" if only_here else count

    return FieldChange(
        label=_("Attachments"),
        old=shown(old_names, new_names, _("only in this version")),
        new=shown(new_names, old_names, _("new in this version")),
    )


def _values(dossier: ReceivedDossier) -> ParsedDossier | None:
    try:
        return dossier_values(raw=dossier_raw_bytes(dossier))
    except (DossierError, AttributeError, TypeError, ValueError):
        logger.info("dossier %s cannot be read back for the field diff", dossier.pk)
        return None


def _codes(parsed: ParsedDossier) -> Iterator[tuple[str, str]]:
    for code in (
        parsed.advice_code,
        parsed.parents_wish_code,
        parsed.pupil_wish_code,
        parsed.revised_advice_code,
    ):
        if code:
            yield Codelist.ADVICE, code
    for test in parsed.final_tests:
        yield Codelist.TEST_TYPE, test.test_type_code
        yield Codelist.TEST_LEVEL, test.test_level
        for level in test.reference_levels:
            yield Codelist.REFERENCE_LEVEL, level.level


def _day(value: date | None) -> str:
    return date_format(value, "d-m-Y") if value else ""


def _student_label(name: str) -> str:
    return str(capfirst(getattr(Student._meta.get_field(name), "verbose_name", name)))


def _rows(parsed: ParsedDossier, labels: dict[tuple[str, str], str]) -> Iterator[tuple[str, str]]:
    """(label, value) for every field the portal reads, as staff read it."""

    def code(codelist: str, value: str) -> str:
        return coded_text(value, labels.get((codelist, value)))

    yield _("Date of the dossier"), _day(parsed.collection_date)
    school = parsed.school
    yield (
        _("Primary school"),
        f"{school.name} ({' '.join(p for p in (school.brin, school.branch) if p)})",
    )
    naw = parsed.naw
    secret = {
        **dict.fromkeys(_ADDRESS, parsed.address_secret),
        "phone": parsed.phone_secret,
        "email": parsed.email_secret,
    }
    secret_text = {
        **dict.fromkeys(_ADDRESS, page_text.SECRET_TEXTS["address_secret"]),
        "phone": page_text.SECRET_TEXTS["phone_secret"],
        "email": page_text.SECRET_TEXTS["email_secret"],
    }
    for name, label in page_text.NAW_FIELD_LABELS.items():
        value = getattr(naw, name) or ""
        if name == "postcode":
            value = display_postcode(value)
        if not value and secret.get(name):
            value = str(secret_text[name])
        yield str(label), value
    yield _student_label("first_names"), parsed.first_names
    yield _student_label("initials"), parsed.initials
    yield _("Birth date"), _day(parsed.birth_date)
    yield _("Sex"), str(Sex(parsed.sex).label) if parsed.sex in Sex.values else parsed.sex
    if parsed.bsn:
        yield _("Citizen service number"), mask_identifier(parsed.bsn) or ""
    if parsed.education_number:
        yield _("Education number"), mask_identifier(parsed.education_number) or ""
    yield _("School advice"), code(Codelist.ADVICE, parsed.advice_code)
    yield _("Parents' wish"), code(Codelist.ADVICE, parsed.parents_wish_code)
    yield _("Pupil's wish"), code(Codelist.ADVICE, parsed.pupil_wish_code)
    yield _("Revised advice"), code(Codelist.ADVICE, parsed.revised_advice_code)
    yield _("Motivation"), parsed.revised_advice_motivation
    yield _("Parents' inspection"), _inspection(parsed)
    for test in parsed.final_tests:
        yield from _test_rows(test, code)


def _inspection(parsed: ParsedDossier) -> str:
    if parsed.inspection_agreed is None:
        return ""
    if parsed.inspection_agreed:
        return _("Agreed")
    reason = parsed.inspection_disagreement_reason
    return f"{_('Not agreed')}: {reason}" if reason else _("Not agreed")


def _test_rows(test: FinalTest, code: Callable[[str, str], str]) -> Iterator[tuple[str, str]]:
    # Keyed by the test type, so the same test in two versions lines up.
    name = code(Codelist.TEST_TYPE, test.test_type_code)
    prefix = f"{_('Final test')} {name}"
    yield f"{prefix}: {_('Date taken')}", _day(test.date)
    yield (
        f"{prefix}: {_('Standard score')}",
        "" if test.standard_score is None else str(test.standard_score),
    )
    yield f"{prefix}: {_('Test advice')}", test.test_advice
    yield f"{prefix}: {_('Test level')}", code(Codelist.TEST_LEVEL, test.test_level)
    yield (
        f"{prefix}: {_('Reference levels')}",
        "; ".join(
            f"{level.name or level.code}: {code(Codelist.REFERENCE_LEVEL, level.level)}"
            for level in test.reference_levels
        ),
    )
