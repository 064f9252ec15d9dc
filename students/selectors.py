"""Reads of the students app: codelist labels, the student card, dossier versions and diffs.

The staff pages, the admin and the management commands all read through here.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass
from datetime import date

from lxml import etree

from common.security import redact_identifiers
from oso_format.parsers import hardened_parser
from students.models import (
    NAW_FIELDS,
    Codelist,
    CodelistEntry,
    FinalTestResult,
    PriorEducation,
    ReceivedDossier,
    Student,
    mask_identifier,
)

# --- Codelists -----------------------------------------------------------------------


def codelist_labels(codelist: str) -> dict[str, str]:
    """Every code of one codelist with its label (one query)."""
    return dict(CodelistEntry.objects.filter(codelist=codelist).values_list("code", "label"))


def codelist_label(codelist: str, code: str) -> str | None:
    """The label of one code, or None when the code is empty or unknown."""
    if not code:
        return None
    return (
        CodelistEntry.objects.filter(codelist=codelist, code=code)
        .values_list("label", flat=True)
        .first()
    )


# --- The student card ------------------------------------------------------------------


def _or_none(value):
    """Unknown values are null on the card: empty strings become None."""
    return value if value not in ("", None) else None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _coded(code: str, labels: dict[str, str]) -> dict | None:
    if not code:
        return None
    return {"code": code, "label": labels.get(code)}


def student_card_data(*, student_number: str, extended: bool = False) -> dict:
    """The student's NAW data and Vooropleiding card as one JSON-ready dict.

    The keys are the contract of ``student_card --json``. ``extended`` adds what
    the staff pages show besides (wishes, inspection, reference levels,
    attachments, who corrected what); it never renames a contract key.
    Raises Student.DoesNotExist for an unknown student number.
    """
    student = Student.objects.select_related(
        "prior_education__primary_school", "primary_school", "signup_group"
    ).get(student_number=student_number)
    corrections = sorted(student.corrections.all(), key=lambda c: NAW_FIELDS.index(c.field))
    data: dict = {
        "student_number": student.student_number,
        "given_name": _or_none(student.given_name),
        "prefix": _or_none(student.prefix),
        "surname": _or_none(student.surname),
        "birth_date": _iso(student.birth_date),
        "bsn_masked": student.bsn_masked,
        "education_number_masked": student.education_number_masked,
        "street": _or_none(student.street),
        "house_number": _or_none(student.house_number),
        "house_number_suffix": _or_none(student.house_number_suffix),
        "postcode": _or_none(student.postcode),
        "town": _or_none(student.town),
        "phone": _or_none(student.phone),
        "email": _or_none(student.email),
        "corrected_fields": [correction.field for correction in corrections],
        "prior_education": None,
    }
    try:
        prior: PriorEducation | None = student.prior_education
    except PriorEducation.DoesNotExist:
        prior = None
    if extended:
        data["corrections"] = [
            {
                "field": correction.field,
                "value": correction.value,
                "corrected_by": correction.corrected_by,
                "corrected_at": correction.corrected_at.isoformat(),
            }
            for correction in corrections
        ]
        data["sex"] = _or_none(student.sex)
        data["signup_group"] = str(student.signup_group) if student.signup_group else None
        data["elk_status"] = _or_none(student.elk_status)
        data["elk_status_date"] = _iso(student.elk_status_date)
        data["elk_dot"] = _or_none(student.elk_dot)
    if prior is None:
        return data

    labels = {
        codelist: codelist_labels(codelist)
        for codelist in (Codelist.ADVICE, Codelist.TEST_TYPE, Codelist.REFERENCE_LEVEL)
    }
    tests = list(FinalTestResult.objects.filter(prior_education=prior).order_by("date", "pk"))
    school = prior.primary_school
    card: dict = {
        "primary_school": {"name": school.name, "brin": school.brin} if school else None,
        "advice": _coded(prior.advice_code, labels[Codelist.ADVICE]),
        "revised_advice": _coded(prior.revised_advice_code, labels[Codelist.ADVICE]),
        "revised_advice_motivation": _or_none(prior.revised_advice_motivation),
        "final_tests": [_final_test(test, labels, extended=extended) for test in tests],
        "last_dossier_date": _iso(prior.last_dossier_date),
    }
    if extended:
        if school:
            card["primary_school"]["branch"] = _or_none(school.branch)
        card["parents_wish"] = _coded(prior.parents_wish_code, labels[Codelist.ADVICE])
        card["pupil_wish"] = _coded(prior.pupil_wish_code, labels[Codelist.ADVICE])
        card["inspection"] = {
            "agreed": prior.inspection_agreed,
            "disagreement_reason": _or_none(prior.inspection_disagreement_reason),
        }
        card["attachments"] = (
            ReceivedDossier.objects.filter(pk=prior.last_dossier_id)
            .values_list("attachments", flat=True)
            .first()
            or []
        )
        card["last_dossier_id"] = prior.last_dossier_id
    data["prior_education"] = card
    return data


def _final_test(test: FinalTestResult, labels: dict, *, extended: bool) -> dict:
    item = {
        "test_type_code": test.test_type_code,
        "test_name": _or_none(test.test_name)
        or labels[Codelist.TEST_TYPE].get(test.test_type_code),
        "date": _iso(test.date),
        "standard_score": test.standard_score,
        "test_advice": _or_none(test.test_advice),
    }
    if extended:
        item["test_level"] = _or_none(test.test_level)
        item["reference_levels"] = [
            {**level, "label": labels[Codelist.REFERENCE_LEVEL].get(level.get("level", ""))}
            for level in test.reference_levels
        ]
    return item


# --- Dossier versions and their diff -----------------------------------------------------


def student_dossiers(*, student: Student):
    """The dossiers received for a student, newest first, without their (large) XML."""
    return (
        ReceivedDossier.objects.filter(student=student)
        .defer("raw_xml")
        .order_by("-received_at", "-pk")
    )


# Long text (base64 attachments) is shown as its size and hash so a diff stays readable
# and still shows that an attachment changed.
_LONG_TEXT = 200
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")

# The elements of an OSO dossier that hold the pupil's national identifiers. Their
# text is masked whatever it holds (a failed file may carry a number with a wrong
# check digit); anywhere else a valid BSN or education number is masked too.
_IDENTIFIER_ELEMENTS = frozenset({"bsn", "onderwijsnummer"})
_IDENTIFIER_TEXT = re.compile(
    r"(<(?:[\w.-]+:)?(?:bsn|onderwijsnummer)(?:\s[^>]*)?>)([^<]*)(</)", re.IGNORECASE
)


def _identifier_masked(text: str) -> str:
    value = text.strip()
    if len(value) <= 4:
        return "*" * len(value)
    return mask_identifier(value) or ""


def _masked_raw(raw_xml: str) -> str:
    """Text that does not parse as XML, identifiers masked as well as a regex can."""
    masked = _IDENTIFIER_TEXT.sub(
        lambda m: m.group(1) + _identifier_masked(m.group(2)) + m.group(3), raw_xml
    )
    return redact_identifiers(masked)


def dossier_pretty_xml(raw_xml: str) -> str:
    """The dossier indented one element a line, long text abbreviated, identifiers masked.

    The BSN and education number show as ``*****4382`` (the elements that hold
    them, and any valid number elsewhere: text, attributes, comments), so every
    page and admin screen that shows a dossier can show this to anyone allowed to
    see the dossier. The full number is shown only by the audited reveal.
    Text that is not XML comes back as it is, identifiers masked.
    """
    parser = hardened_parser(remove_blank_text=True)
    # The archive holds text; its declaration may name another encoding than UTF-8.
    body = _XML_DECLARATION.sub("", raw_xml, count=1)
    try:
        root = etree.fromstring(body.encode("utf-8"), parser)
    except (etree.XMLSyntaxError, ValueError):
        return _masked_raw(raw_xml)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions: masked below
        if element.text and etree.QName(element).localname.lower() in _IDENTIFIER_ELEMENTS:
            element.text = _identifier_masked(element.text)
        elif element.text and len(element.text) > _LONG_TEXT:
            digest = hashlib.sha256(element.text.encode("utf-8")).hexdigest()[:12]
            element.text = f"[{len(element.text)} tekens, sha256 {digest}…]"
    etree.indent(root, space="  ")
    return redact_identifiers(etree.tostring(root, encoding="unicode"))


@dataclass(frozen=True)
class DiffLine:
    """One line of a unified diff: op is "hunk", "context", "added" or "removed"."""

    op: str
    text: str
    old_number: int | None = None
    new_number: int | None = None


def dossier_diff(
    *, older: ReceivedDossier, newer: ReceivedDossier, context: int = 3
) -> list[DiffLine]:
    """A readable line diff of two dossier versions (pretty-printed XML, not escaped).

    Identifiers are masked as in ``dossier_pretty_xml``.
    """
    old_lines = dossier_pretty_xml(older.raw_xml).splitlines()
    new_lines = dossier_pretty_xml(newer.raw_xml).splitlines()
    lines: list[DiffLine] = []
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        first, last = group[0], group[-1]
        lines.append(
            DiffLine(
                "hunk",
                f"@@ -{first[1] + 1},{last[2] - first[1]} +{first[3] + 1},{last[4] - first[3]} @@",
            )
        )
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                for offset, text in enumerate(old_lines[i1:i2]):
                    lines.append(DiffLine("context", text, i1 + offset + 1, j1 + offset + 1))
                continue
            if tag in ("replace", "delete"):
                for offset, text in enumerate(old_lines[i1:i2]):
                    lines.append(DiffLine("removed", text, old_number=i1 + offset + 1))
            if tag in ("replace", "insert"):
                for offset, text in enumerate(new_lines[j1:j2]):
                    lines.append(DiffLine("added", text, new_number=j1 + offset + 1))
    return lines
