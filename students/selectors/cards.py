"""Reads for the card exports and the print view: one row per pupil, a fixed number of queries.

``card_rows`` reads a set of pupils (a signup group, or the search page's current
filter) with their *Vooropleiding* card, the latest final test, the codelist labels
and the latest request status: three queries whatever the number of pupils (four
with the remarks of the print view). ``applied_dossiers`` streams the latest applied
OSO file of each pupil, byte for byte, in one query.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet, Subquery
from django.utils.translation import gettext as _

from students.models import (
    Codelist,
    ElkStatus,
    FinalTestResult,
    PriorEducation,
    ReceivedDossier,
    Student,
)
from students.request_reads import request_reads_or_none
from students.selectors.codelists import codelist_labels_in

# The three areas of the final test that class formation reads, by the OSO part or
# domain code, else by a word in its description.
REFERENCE_AREAS: tuple[tuple[str, str, str], ...] = (
    ("reading", "8050", "lezen"),
    ("language", "8051", "taalverzorging"),
    ("maths", "8001", "rekenen"),
)


def coded_text(code: str, label: str | None) -> str:
    """A code as staff read it: ``havo (50)``, or ``code 44 (omschrijving onbekend)``."""
    if not code:
        return ""
    if label:
        return f"{label} ({code})"
    return _("code %(code)s (description unknown)") % {"code": code}


@dataclass(frozen=True)
class CardTest:
    """The latest final test of a pupil, its codes already read with their labels."""

    test: str
    date: dt.date | None
    standard_score: int | None
    test_advice: str
    test_level: str
    # REFERENCE_AREAS name -> "2F (04)"
    areas: dict[str, str]
    # Every reference level of the test, in the file's order: (part, "2F (04)").
    reference_levels: list[tuple[str, str]]


@dataclass(frozen=True)
class CardRow:
    student: Student
    # False for a signed-up pupil whose first OSO file has not been applied yet:
    # the card columns are then empty.
    has_file: bool
    prior_education: PriorEducation | None
    school_name: str
    brin: str
    branch: str
    advice: str
    revised_advice: str
    revised_advice_motivation: str
    parents_wish: str
    pupil_wish: str
    last_dossier_date: dt.date | None
    test: CardTest | None
    latest_request_status: str
    identifier_masked: str
    elk_status: str
    signup_group: str
    remarks: list[str] = field(default_factory=list)


def has_applied_file(prior: PriorEducation | None) -> bool:
    """Whether an OSO file was ever applied to this card (not just a card made at signup)."""
    return prior is not None and (
        prior.last_dossier_id is not None or prior.last_dossier_date is not None
    )


def card_rows(
    *,
    students: QuerySet[Student],
    order_by: tuple[str, ...] = ("student_number",),
    with_remarks: bool = False,
) -> list[CardRow]:
    """One row per pupil of ``students``, in ``order_by`` order; 3 queries (4 with remarks)."""
    queryset = students.select_related(
        "signup_group", "prior_education__primary_school"
    ).prefetch_related(
        Prefetch(
            "prior_education__final_tests",
            queryset=FinalTestResult.objects.order_by("date", "pk"),
        )
    )
    source = request_reads_or_none()
    if source is not None:
        queryset = queryset.annotate(card_latest_request_status=source.latest_request_status())
    pupils = list(queryset.order_by(*order_by))
    labels = codelist_labels_in(Codelist.ADVICE, Codelist.TEST_TYPE, Codelist.REFERENCE_LEVEL)
    remarks = _last_dossier_remarks(students) if with_remarks else {}
    rows = []
    for student in pupils:
        status = getattr(student, "card_latest_request_status", None)
        rows.append(
            _row(
                student,
                labels=labels,
                status=source.status_label(status) if source is not None and status else "",
                remarks=remarks,
            )
        )
    return rows


def _last_dossier_remarks(students: QuerySet[Student]) -> dict[int, list[str]]:
    """The remarks of each pupil's latest applied file, by dossier id: one query."""
    last_ids = students.order_by().values("prior_education__last_dossier_id")
    return {
        pk: [str(remark) for remark in remarks or []]
        for pk, remarks in ReceivedDossier.objects.filter(pk__in=Subquery(last_ids)).values_list(
            "pk", "remarks"
        )
    }


def _prior(student: Student) -> PriorEducation | None:
    try:
        return student.prior_education
    except PriorEducation.DoesNotExist:
        return None


def _row(
    student: Student,
    *,
    labels: dict[tuple[str, str], str],
    status: str,
    remarks: dict[int, list[str]],
) -> CardRow:
    prior = _prior(student)
    has_file = has_applied_file(prior)
    card = prior if has_file else None

    def advice(code: str) -> str:
        return coded_text(code, labels.get((Codelist.ADVICE, code)))

    school = card.primary_school if card else None
    tests = list(card.final_tests.all()) if card else []
    return CardRow(
        student=student,
        has_file=has_file,
        prior_education=card,
        school_name=school.name if school else "",
        brin=school.brin if school else "",
        branch=school.branch if school else "",
        advice=advice(card.advice_code) if card else "",
        revised_advice=advice(card.revised_advice_code) if card else "",
        revised_advice_motivation=card.revised_advice_motivation if card else "",
        parents_wish=advice(card.parents_wish_code) if card else "",
        pupil_wish=advice(card.pupil_wish_code) if card else "",
        last_dossier_date=card.last_dossier_date if card else None,
        test=_latest_test(tests, labels),
        latest_request_status=status,
        identifier_masked=student.bsn_masked or student.education_number_masked or "",
        elk_status=str(ElkStatus(student.elk_status).label) if student.elk_status else "",
        signup_group=student.signup_group.name if student.signup_group else "",
        remarks=remarks.get(card.last_dossier_id, []) if card and card.last_dossier_id else [],
    )


def _latest_test(
    tests: list[FinalTestResult], labels: dict[tuple[str, str], str]
) -> CardTest | None:
    """The test taken last (a test without a date counts as the oldest)."""
    if not tests:
        return None
    test = max(tests, key=lambda t: (t.date or dt.date.min, t.pk))
    levels: list[tuple[str, str]] = []
    areas: dict[str, str] = {}
    for level in test.reference_levels or []:
        code, name = str(level.get("code", "")), str(level.get("name", ""))
        shown = coded_text(
            str(level.get("level", "")),
            labels.get((Codelist.REFERENCE_LEVEL, str(level.get("level", "")))),
        )
        levels.append((name or code, shown))
        for area, area_code, word in REFERENCE_AREAS:
            if area not in areas and (code == area_code or word in name.lower()):
                areas[area] = shown
    return CardTest(
        test=coded_text(
            test.test_type_code,
            labels.get((Codelist.TEST_TYPE, test.test_type_code)) or test.test_name,
        ),
        date=test.date,
        standard_score=test.standard_score,
        test_advice=test.test_advice,
        test_level=test.test_level,
        areas=areas,
        reference_levels=levels,
    )


# --- The OSO files themselves -----------------------------------------------------------


@dataclass(frozen=True)
class AppliedDossier:
    student_number: str
    surname: str
    received_at: dt.datetime
    # The file as it was received, or None when the archive cannot give it back
    # byte for byte (checked against the SHA-256 taken on arrival).
    raw: bytes | None


_XML_ENCODING = re.compile(r"""^\s*<\?xml[^>]*encoding=["']([A-Za-z0-9._-]+)["']""")


def archived_bytes(raw_xml: str, sha256: str) -> bytes | None:
    """The received file's exact bytes from the archived text, or None if they cannot be had.

    The archive keeps the file as text: decoded as UTF-8, or else in the encoding
    its declaration names. Encoding it back the same way gives the original bytes;
    the hash taken on arrival decides which way was taken, and proves the result.
    """
    candidates = [("utf-8", raw_xml)]
    match = _XML_ENCODING.match(raw_xml)
    if match and match.group(1).lower().replace("_", "-") not in ("utf-8", "utf8"):
        candidates.append((match.group(1), raw_xml))
    for encoding, text in candidates:
        try:
            data = text.encode(encoding)
        except (LookupError, UnicodeEncodeError):
            continue
        if hashlib.sha256(data).hexdigest() == sha256:
            return data
    return None


def applied_dossiers(*, students: QuerySet[Student]) -> Iterator[AppliedDossier]:
    """The latest applied OSO file of each pupil that has one, by student number: one query.

    Streamed a few files at a time (files can be megabytes with their attachments).
    """
    last_ids = students.order_by().values("prior_education__last_dossier_id")
    rows = (
        ReceivedDossier.objects.filter(pk__in=Subquery(last_ids), student__isnull=False)
        .order_by("student__student_number")
        .values_list(
            "student__student_number", "student__surname", "received_at", "raw_xml", "sha256"
        )
        .iterator(chunk_size=20)
    )
    for number, surname, received_at, raw_xml, sha256 in rows:
        yield AppliedDossier(
            student_number=number,
            surname=surname,
            received_at=received_at,
            raw=archived_bytes(raw_xml, sha256),
        )
