"""Reads of pupils and signup groups: search, the shared conditions, the student page.

Each function returns what one page shows with a fixed number of queries,
whatever the number of rows: the page tests hold them to that.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.db.models.expressions import BaseExpression
from django.shortcuts import get_object_or_404
from django.utils import timezone

from students.models import (
    ElkDot,
    FinalTestResult,
    NawCorrection,
    PriorEducation,
    ReceivedDossier,
    SignupGroup,
    Student,
)
from students.request_status import student_request_reads
from students.selectors.cards import (
    ADVICE_FIELDS,
    Coded,
    FinalTestRow,
    vooropleiding_card,
)
from students.validators import school_year_for

# --- Conditions shared by the search filters and the signup-group counts ------
# Both pages use the same expressions, so a count on the signup-group page is
# exactly the number of rows its link shows.


def has_final_test() -> Exists:
    return Exists(FinalTestResult.objects.filter(prior_education__student=OuterRef("pk")))


def has_revised_advice() -> Exists:
    return Exists(
        PriorEducation.objects.filter(student=OuterRef("pk")).exclude(revised_advice_code="")
    )


def has_blue_dot() -> Q:
    return Q(elk_dot=ElkDot.BLUE)


def has_open_request() -> BaseExpression:
    # The requests app owns the request rows; it provides these reads when it starts.
    return student_request_reads().open_request()


def latest_request_failed() -> BaseExpression:
    """The student's most recent request ended in Mislukt (a later one supersedes it)."""
    return student_request_reads().latest_failed()


# --- Leerlingen zoeken ---------------------------------------------------------------


def identifier_matches(digits: str) -> Q:
    """A whole BSN or education number (9 digits) exactly, or fewer digits as its end."""
    if len(digits) == 9:
        return Q(bsn=digits) | Q(education_number=digits)
    return Q(bsn__endswith=digits) | Q(education_number__endswith=digits)


def student_ids_with_identifier(digits: str) -> list[int]:
    """The students a typed BSN or education number (or its last digits) matches."""
    return list(Student.objects.filter(identifier_matches(digits)).values_list("pk", flat=True))


def student_search_queryset() -> QuerySet[Student]:
    return (
        Student.objects.select_related("signup_group", "primary_school")
        .annotate(has_file=has_file())
        .order_by("student_number")
    )


def has_file(student_ref: str = "pk") -> Exists:
    """Whether a file has arrived for the student (the card exists); without: signed up only."""
    return Exists(PriorEducation.objects.filter(student_id=OuterRef(student_ref)))


def school_year_choices() -> list[tuple[str, str]]:
    years = (
        SignupGroup.objects.order_by("-school_year")
        .values_list("school_year", flat=True)
        .distinct()
    )
    return [(year, year) for year in years]


def signup_group_for_new_students(*, today: date | None = None) -> SignupGroup | None:
    """The group an upload puts new students in unless staff choose another, or None.

    The school year whose intake is running (the one that starts after today), else
    the newest school year that has groups; of that year's groups the one that is not
    the ELK feed's own group. None when that leaves no group or several (staff then
    choose, and the field says why it matters).
    """
    years = list(
        SignupGroup.objects.order_by("-school_year")
        .values_list("school_year", flat=True)
        .distinct()
    )
    if not years:
        return None
    current = school_year_for(today or timezone.localdate())
    year = current if current in years else years[0]
    groups = list(
        SignupGroup.objects.filter(school_year=year)
        .exclude(name=settings.OSO_ELK_SIGNUP_GROUP)
        .order_by("pk")[:2]
    )
    return groups[0] if len(groups) == 1 else None


# --- Aanmeldingsgroepen --------------------------------------------------------------


@dataclass(frozen=True)
class SignupGroupCounts:
    group: SignupGroup
    total: int
    with_final_test: int
    without_final_test: int
    with_revised_advice: int
    with_blue_dot: int
    with_open_request: int
    with_failed_request: int


def signup_group_counts() -> list[SignupGroupCounts]:
    """Per signup group, how many students are in which state: two queries in all."""
    groups = list(SignupGroup.objects.all())
    rows = (
        Student.objects.filter(signup_group__isnull=False)
        .values("signup_group_id")
        .order_by()
        .annotate(
            total=Count("pk"),
            with_final_test=Count("pk", filter=has_final_test()),
            with_revised_advice=Count("pk", filter=has_revised_advice()),
            with_blue_dot=Count("pk", filter=has_blue_dot()),
            with_open_request=Count("pk", filter=has_open_request()),
            with_failed_request=Count("pk", filter=latest_request_failed()),
        )
    )
    by_group = {row["signup_group_id"]: row for row in rows}
    result = []
    for group in groups:
        row: Mapping[str, Any] = by_group.get(group.pk, {})
        total = row.get("total", 0)
        with_final_test = row.get("with_final_test", 0)
        result.append(
            SignupGroupCounts(
                group=group,
                total=total,
                with_final_test=with_final_test,
                without_final_test=total - with_final_test,
                with_revised_advice=row.get("with_revised_advice", 0),
                with_blue_dot=row.get("with_blue_dot", 0),
                with_open_request=row.get("with_open_request", 0),
                with_failed_request=row.get("with_failed_request", 0),
            )
        )
    return result


# --- Leerlingpagina ---------------------------------------------------------------------


@dataclass
class StudentPage:
    student: Student
    prior_education: PriorEducation | None
    advice: dict[str, Coded | None]
    final_tests: list[FinalTestRow]
    corrections: dict[str, NawCorrection]
    requests: list[Any]  # the requests app's rows, newest first
    dossiers: list[ReceivedDossier]
    last_dossier: ReceivedDossier | None


def student_page(*, student_number: str) -> StudentPage:
    """Everything the student page shows, in 7 queries; raw dossier XML is not loaded."""
    student = get_object_or_404(
        Student.objects.select_related("signup_group", "primary_school").prefetch_related(
            Prefetch("corrections", queryset=NawCorrection.objects.order_by("field")),
        ),
        student_number=student_number,
    )
    prior = (
        PriorEducation.objects.select_related("primary_school")
        .prefetch_related("final_tests")
        .filter(student=student)
        .first()
    )
    card = vooropleiding_card(prior=prior, tests=list(prior.final_tests.all())) if prior else None
    requests = list(student_request_reads().student_requests(student.pk))
    dossiers = list(
        ReceivedDossier.objects.filter(student=student)
        .defer("raw_xml")
        .order_by("-received_at", "-pk")
    )
    return StudentPage(
        student=student,
        prior_education=prior,
        advice=card.advice if card else dict.fromkeys(ADVICE_FIELDS),
        final_tests=card.final_tests if card else [],
        corrections={c.field: c for c in student.corrections.all()},
        requests=requests,
        dossiers=dossiers,
        last_dossier=next((d for d in dossiers if prior and d.pk == prior.last_dossier_id), None),
    )
