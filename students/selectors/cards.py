"""The *Vooropleiding* card as it is read: one read model, for one pupil or for many.

``vooropleiding_card`` reads one pupil's card with its final tests and every label
they need; the student page shows it and ``student_card_data`` (the JSON contract of
``student_card --json``) renders it. ``card_rows`` reads a set of pupils (a signup
group, or the search page's current filter) with their card, the latest final test,
the codelist labels and the latest request status, for the exports and the print
view: three queries whatever the number of pupils (four with the remarks).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet, Subquery

from students.models import (
    NAW_FIELDS,
    Codelist,
    ElkStatus,
    FinalTestResult,
    PriorEducation,
    ReceivedDossier,
    Student,
)
from students.request_status import latest_request_status_source
from students.selectors.codelists import coded_text, codelist_labels_for, codelists_labels

# The three areas of the final test that class formation reads, by the OSO part or
# domain code, else by a word in its description.
REFERENCE_AREAS: tuple[tuple[str, str, str], ...] = (
    ("reading", "8050", "lezen"),
    ("language", "8051", "taalverzorging"),
    ("maths", "8001", "rekenen"),
)


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
    source = latest_request_status_source()
    if source is not None:
        queryset = queryset.annotate(card_latest_request_status=source.expression())
    pupils = list(queryset.order_by(*order_by))
    labels = codelists_labels((Codelist.ADVICE, Codelist.TEST_TYPE, Codelist.REFERENCE_LEVEL))
    remarks = _last_dossier_remarks(students) if with_remarks else {}
    rows = []
    for student in pupils:
        status = getattr(student, "card_latest_request_status", None)
        rows.append(
            _row(
                student,
                labels=labels,
                status=source.label(status) if source is not None and status else "",
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


# --- The card of one pupil: the student page and ``student_card --json`` ------------------

ADVICE_FIELDS = ("advice", "parents_wish", "pupil_wish", "revised_advice")


@dataclass(frozen=True)
class Coded:
    code: str
    label: str  # "" when the codelist does not know the code


@dataclass(frozen=True)
class FinalTestRow:
    result: FinalTestResult
    # The file's description, else the codelist label, else "code 0014 (omschrijving onbekend)".
    name: str
    reference_levels: list[dict]  # each as stored, with "coded" (a Coded or None) added
    test_level: Coded | None = None  # toetsniveau (codelist 43) with its label
    type_label: str = ""  # the test type's codelist label, "" when unknown


@dataclass(frozen=True)
class VooropleidingCard:
    prior_education: PriorEducation
    advice: dict[str, Coded | None]  # by ADVICE_FIELDS name; None without a code
    final_tests: list[FinalTestRow]


def vooropleiding_card(*, prior: PriorEducation, tests: list[FinalTestResult]) -> VooropleidingCard:
    """One pupil's card with its final tests, every code read with its label (one query).

    The caller loads the card and its tests (in the order it shows them); the student
    page shows the result, ``student_card_data`` renders it as JSON.
    """
    codes = {name: getattr(prior, f"{name}_code") for name in ADVICE_FIELDS}
    wanted: set[tuple[str, str]] = {(Codelist.ADVICE, code) for code in codes.values() if code}
    for test in tests:
        wanted.add((Codelist.TEST_TYPE, test.test_type_code))
        wanted.add((Codelist.TEST_LEVEL, test.test_level))
        wanted.update(
            (Codelist.REFERENCE_LEVEL, level["level"])
            for level in test.reference_levels or []
            if level.get("level")
        )
    labels = codelist_labels_for(wanted)

    def coded(codelist: str, code: str) -> Coded | None:
        return Coded(code, labels.get((codelist, code), "")) if code else None

    rows = []
    for test in tests:
        type_label = labels.get((Codelist.TEST_TYPE, test.test_type_code), "")
        rows.append(
            FinalTestRow(
                result=test,
                name=test.test_name or type_label or coded_text(test.test_type_code, None),
                reference_levels=[
                    {**level, "coded": coded(Codelist.REFERENCE_LEVEL, level.get("level", ""))}
                    for level in test.reference_levels or []
                ],
                test_level=coded(Codelist.TEST_LEVEL, test.test_level),
                type_label=type_label,
            )
        )
    return VooropleidingCard(
        prior_education=prior,
        advice={name: coded(Codelist.ADVICE, code) for name, code in codes.items()},
        final_tests=rows,
    )


def _or_none(value):
    """Unknown values are null on the card: empty strings become None."""
    return value if value not in ("", None) else None


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _coded_json(value: Coded | None) -> dict | None:
    return {"code": value.code, "label": value.label or None} if value else None


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
    prior = _prior(student)
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

    card = vooropleiding_card(
        prior=prior,
        tests=list(FinalTestResult.objects.filter(prior_education=prior).order_by("date", "pk")),
    )
    school = prior.primary_school
    data_card: dict = {
        "primary_school": {"name": school.name, "brin": school.brin} if school else None,
        "advice": _coded_json(card.advice["advice"]),
        "revised_advice": _coded_json(card.advice["revised_advice"]),
        "revised_advice_motivation": _or_none(prior.revised_advice_motivation),
        "final_tests": [_final_test_json(row, extended=extended) for row in card.final_tests],
        "last_dossier_date": _iso(prior.last_dossier_date),
    }
    if extended:
        if school:
            data_card["primary_school"]["branch"] = _or_none(school.branch)
        data_card["parents_wish"] = _coded_json(card.advice["parents_wish"])
        data_card["pupil_wish"] = _coded_json(card.advice["pupil_wish"])
        data_card["inspection"] = {
            "agreed": prior.inspection_agreed,
            "disagreement_reason": _or_none(prior.inspection_disagreement_reason),
        }
        data_card["attachments"] = (
            ReceivedDossier.objects.filter(pk=prior.last_dossier_id)
            .values_list("attachments", flat=True)
            .first()
            if prior.last_dossier_id is not None
            else None
        ) or []
        data_card["last_dossier_id"] = prior.last_dossier_id
    data["prior_education"] = data_card
    return data


def _final_test_json(row: FinalTestRow, *, extended: bool) -> dict:
    test = row.result
    item = {
        "test_type_code": test.test_type_code,
        "test_name": _or_none(test.test_name) or _or_none(row.type_label),
        "date": _iso(test.date),
        "standard_score": test.standard_score,
        "test_advice": _or_none(test.test_advice),
    }
    if extended:
        item["test_level"] = _or_none(test.test_level)
        item["reference_levels"] = [
            {
                **{key: value for key, value in level.items() if key != "coded"},
                "label": level["coded"].label or None if level["coded"] else None,
            }
            for level in row.reference_levels
        ]
    return item
