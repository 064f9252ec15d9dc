"""The *Vooropleiding* card as it is read: one read model for the page and the command line.

``vooropleiding_card`` loads the card, its final tests and every label they need
in three queries; the student page shows it and ``student_card_data`` (the JSON
of ``student_card --json``) renders it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from students.models import (
    NAW_FIELDS,
    Codelist,
    FinalTestResult,
    PriorEducation,
    ReceivedDossier,
    Student,
)
from students.selectors.codelists import codelist_labels_for

ADVICE_FIELDS = ("advice", "parents_wish", "pupil_wish", "revised_advice")


@dataclass(frozen=True)
class Coded:
    code: str
    label: str | None  # None when the codelist does not know the code


@dataclass(frozen=True)
class FinalTestRow:
    result: FinalTestResult
    name: str  # the file's description, else the codelist label, else the code
    label: str | None  # the test type's codelist label
    reference_levels: list[dict]  # each as stored, with "label" and "coded" added


@dataclass(frozen=True)
class VooropleidingCard:
    prior_education: PriorEducation
    advice: dict[str, Coded | None]  # by ADVICE_FIELDS name
    final_tests: list[FinalTestRow]


def vooropleiding_card(*, student: Student) -> VooropleidingCard | None:
    """The student's card with its final tests and labels (3 queries), or None if none yet."""
    prior = PriorEducation.objects.select_related("primary_school").filter(student=student).first()
    if prior is None:
        return None
    tests = list(FinalTestResult.objects.filter(prior_education=prior).order_by("date", "pk"))
    codes = {name: getattr(prior, f"{name}_code") for name in ADVICE_FIELDS}
    wanted = {(Codelist.ADVICE, code) for code in codes.values()}
    for test in tests:
        wanted.add((Codelist.TEST_TYPE, test.test_type_code))
        wanted.update(
            (Codelist.REFERENCE_LEVEL, level.get("level", ""))
            for level in test.reference_levels or []
        )
    labels = codelist_labels_for(wanted)

    def coded(codelist: str, code: str) -> Coded | None:
        return Coded(code, labels.get((codelist, code))) if code else None

    rows = []
    for test in tests:
        label = labels.get((Codelist.TEST_TYPE, test.test_type_code))
        levels = []
        for level in test.reference_levels or []:
            level_coded = coded(Codelist.REFERENCE_LEVEL, level.get("level", ""))
            levels.append(
                {**level, "label": level_coded.label if level_coded else None, "coded": level_coded}
            )
        rows.append(
            FinalTestRow(
                result=test,
                name=test.test_name or label or test.test_type_code,
                label=label,
                reference_levels=levels,
            )
        )
    return VooropleidingCard(
        prior_education=prior,
        advice={name: coded(Codelist.ADVICE, code) for name, code in codes.items()},
        final_tests=rows,
    )


# --- student_card --json ------------------------------------------------------------------


def _or_none(value: Any) -> Any:
    """Unknown values are null on the card: empty strings become None."""
    return value if value not in ("", None) else None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _coded_json(value: Coded | None) -> dict | None:
    return {"code": value.code, "label": value.label} if value else None


def student_card_data(*, student_number: str, extended: bool = False) -> dict:
    """The student's NAW data and Vooropleiding card as one JSON-ready dict.

    The keys are the contract of ``student_card --json``. ``extended`` adds what
    the staff pages show besides (wishes, inspection, reference levels,
    attachments, who corrected what); it never renames a contract key.
    Raises Student.DoesNotExist for an unknown student number.
    """
    student = Student.objects.select_related("primary_school", "signup_group").get(
        student_number=student_number
    )
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
    card = vooropleiding_card(student=student)
    if card is None:
        return data
    prior = card.prior_education
    school = prior.primary_school
    json_card: dict = {
        "primary_school": {"name": school.name, "brin": school.brin} if school else None,
        "advice": _coded_json(card.advice["advice"]),
        "revised_advice": _coded_json(card.advice["revised_advice"]),
        "revised_advice_motivation": _or_none(prior.revised_advice_motivation),
        "final_tests": [_final_test_json(row, extended=extended) for row in card.final_tests],
        "last_dossier_date": _iso(prior.last_dossier_date),
    }
    if extended:
        if school:
            json_card["primary_school"]["branch"] = _or_none(school.branch)
        json_card["parents_wish"] = _coded_json(card.advice["parents_wish"])
        json_card["pupil_wish"] = _coded_json(card.advice["pupil_wish"])
        json_card["inspection"] = {
            "agreed": prior.inspection_agreed,
            "disagreement_reason": _or_none(prior.inspection_disagreement_reason),
        }
        json_card["attachments"] = (
            ReceivedDossier.objects.filter(pk=prior.last_dossier_id)
            .values_list("attachments", flat=True)
            .first()
            or []
        )
        json_card["last_dossier_id"] = prior.last_dossier_id
    data["prior_education"] = json_card
    return data


def _final_test_json(row: FinalTestRow, *, extended: bool) -> dict:
    test = row.result
    item = {
        "test_type_code": test.test_type_code,
        "test_name": _or_none(test.test_name) or row.label,
        "date": _iso(test.date),
        "standard_score": test.standard_score,
        "test_advice": _or_none(test.test_advice),
    }
    if extended:
        item["test_level"] = _or_none(test.test_level)
        item["reference_levels"] = [
            {key: value for key, value in level.items() if key != "coded"}
            for level in row.reference_levels
        ]
    return item
