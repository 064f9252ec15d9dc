"""The Vooropleiding card: replace it with the file's, and say which parts of it changed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from common.bulk import bulk_update_rows
from oso_format.types import FinalTest, ParsedDossier
from students.models import (
    PRIOR_EDUCATION_FIELDS,
    ChangedField,
    FinalTestResult,
    PrimarySchool,
    PriorEducation,
    ReceivedDossier,
)
from students.services.dossier_merge.common import clip, differs, prior_education_of
from students.services.dossier_merge.types import AppliedPlan

# Which ChangedField a card field belongs to (the primary school counts once, with the student's).
CARD_CHANGES: dict[str, ChangedField] = {
    "advice_code": ChangedField.ADVICE,
    "parents_wish_code": ChangedField.WISHES,
    "pupil_wish_code": ChangedField.WISHES,
    "revised_advice_code": ChangedField.REVISED_ADVICE,
    "revised_advice_motivation": ChangedField.REVISED_ADVICE,
    "inspection_agreed": ChangedField.INSPECTION,
    "inspection_disagreement_reason": ChangedField.INSPECTION,
}


def _card_values(parsed: ParsedDossier) -> dict[str, Any]:
    return {
        "advice_code": parsed.advice_code,
        "parents_wish_code": parsed.parents_wish_code,
        "pupil_wish_code": parsed.pupil_wish_code,
        "revised_advice_code": parsed.revised_advice_code,
        "revised_advice_motivation": parsed.revised_advice_motivation,
        "inspection_agreed": parsed.inspection_agreed,
        "inspection_disagreement_reason": parsed.inspection_disagreement_reason,
    }


def _test_row(test: FinalTest) -> FinalTestResult:
    return FinalTestResult(
        test_type_code=clip(test.test_type_code, 4),
        test_name=clip(test.test_name, 200),
        test_level=clip(test.test_level, 10),
        date=test.date,
        standard_score=test.standard_score,
        test_advice=clip(test.test_advice, 200),
        reference_levels=[
            {"code": level.code, "name": level.name, "level": level.level}
            for level in test.reference_levels
        ],
    )


def _test_key(row: FinalTestResult) -> tuple[object, ...]:
    return (
        row.test_type_code,
        row.test_name,
        row.test_level,
        row.date,
        row.standard_score,
        row.test_advice,
        tuple(tuple(sorted(level.items())) for level in row.reference_levels or ()),
    )


def card_changes(
    applied: AppliedPlan, schools: dict[tuple[str, str], PrimarySchool]
) -> set[ChangedField]:
    """The card's parts that the file changes, compared with the card as it is now."""
    parsed = applied.parsed
    prior = None if applied.plan.created else prior_education_of(applied.student)
    changed: set[ChangedField] = set()
    for name, value in _card_values(parsed).items():
        old = getattr(prior, name) if prior is not None else None
        if differs(old, value):
            changed.add(CARD_CHANGES[name])
    school = schools.get((parsed.school.brin, parsed.school.branch or ""))
    if prior is not None and school is not None and prior.primary_school_id != school.pk:
        changed.add(ChangedField.PRIMARY_SCHOOL)
    old_tests = sorted(
        (_test_key(row) for row in prior.final_tests.all()) if prior is not None else (),
        key=repr,
    )
    new_tests = sorted((_test_key(_test_row(test)) for test in parsed.final_tests), key=repr)
    if old_tests != new_tests:
        changed.add(ChangedField.FINAL_TEST)
    return changed


def prior_education_write(
    applied: list[AppliedPlan],
    *,
    archived: dict[int, ReceivedDossier],
    schools: dict[tuple[str, str], PrimarySchool],
    now: datetime,
) -> None:
    """Replace each applied student's Vooropleiding card and final tests with the file's.

    ``archived`` maps ``id(plan)`` to the plan's ReceivedDossier row.
    """
    to_create: list[PriorEducation] = []
    to_update: list[PriorEducation] = []
    cards: list[tuple[AppliedPlan, PriorEducation]] = []
    for one in applied:
        parsed, student = one.parsed, one.student
        prior = None if one.plan.created else prior_education_of(student)
        if prior is None:
            prior = PriorEducation(student=student)
            to_create.append(prior)
        else:
            to_update.append(prior)
        prior.primary_school = schools.get((parsed.school.brin, parsed.school.branch or ""))
        for name, value in _card_values(parsed).items():
            setattr(prior, name, value)
        prior.last_dossier_date = parsed.collection_date
        prior.last_dossier = archived[id(one.plan)]
        prior.updated_at = now
        student.prior_education = prior
        cards.append((one, prior))
    if to_create:
        PriorEducation.objects.bulk_create(to_create)
    if to_update:
        bulk_update_rows(to_update, PRIOR_EDUCATION_FIELDS)
        FinalTestResult.objects.filter(prior_education__in=[p.pk for p in to_update]).delete()
    tests = []
    for one, prior in cards:
        for test in one.parsed.final_tests:
            row = _test_row(test)
            row.prior_education = prior
            tests.append(row)
    if tests:
        FinalTestResult.objects.bulk_create(tests)
