"""Load what a sub-chunk's decisions need, with a constant number of queries."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from oso_format.types import ParsedDossier, SchoolRef
from students.models import NawCorrection, PrimarySchool, ReceivedDossier, Student
from students.services.dossier_merge.common import clip, identity_matches, prior_education_of
from students.services.dossier_merge.types import ValidEntry


class StudentIndex:
    def __init__(self, students: list[Student]) -> None:
        self.by_id = {student.pk: student for student in students}
        self.by_bsn: dict[str, list[Student]] = {}
        self.by_education_number: dict[str, list[Student]] = {}
        for student in students:
            if student.bsn:
                self.by_bsn.setdefault(student.bsn, []).append(student)
            if student.education_number:
                self.by_education_number.setdefault(student.education_number, []).append(student)

    def all(self) -> list[Student]:
        return list(self.by_id.values())

    def all_ids(self) -> list[int]:
        return list(self.by_id)

    def same_number(self, parsed: ParsedDossier) -> bool:
        """Whether a student has the file's BSN or education number (any birth date)."""
        return bool(
            (parsed.bsn and self.by_bsn.get(parsed.bsn))
            or (parsed.education_number and self.by_education_number.get(parsed.education_number))
        )

    def matches(self, parsed: ParsedDossier) -> list[Student]:
        """Students with the file's BSN or education number and its birth date.

        Either as the student is now, or as the last dossier applied identified
        them (what a request sends): a birth date that staff changed in the admin
        does not make the pupil's next file a stranger's.
        """
        found: dict[int, Student] = {}
        candidates = [
            *(self.by_bsn.get(parsed.bsn, []) if parsed.bsn else []),
            *(
                self.by_education_number.get(parsed.education_number, [])
                if parsed.education_number
                else []
            ),
        ]
        for student in candidates:
            if student.birth_date == parsed.birth_date or identity_matches(student, parsed):
                found[student.pk] = student
        return sorted(found.values(), key=lambda student: student.pk)


def students_load(entries: list[ValidEntry]) -> StudentIndex:
    """The matching students, locked, with their card and its final tests (to see what changed)."""
    bsns = {entry.parsed.bsn for entry in entries if entry.parsed.bsn}
    education_numbers = {
        entry.parsed.education_number for entry in entries if entry.parsed.education_number
    }
    expected = {
        entry.item.expected_student_id
        for entry in entries
        if entry.item.expected_student_id is not None
    }
    condition = Q(pk__in=expected) if expected else Q()
    if bsns:
        condition |= Q(bsn__in=bsns)
    if education_numbers:
        condition |= Q(education_number__in=education_numbers)
    if not (bsns or education_numbers or expected):
        return StudentIndex([])
    students = list(
        Student.objects.filter(condition)
        .select_related("prior_education")
        .prefetch_related("prior_education__final_tests")
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    return StudentIndex(students)


def corrections_load(student_ids: list[int]) -> dict[tuple[int, str], NawCorrection]:
    if not student_ids:
        return {}
    return {
        (correction.student_id, correction.field): correction
        for correction in NawCorrection.objects.filter(student_id__in=student_ids)
    }


def last_hashes_load(students: list[Student]) -> dict[int, str]:
    dossier_ids = {
        prior.last_dossier_id
        for student in students
        if (prior := prior_education_of(student)) is not None and prior.last_dossier_id
    }
    if not dossier_ids:
        return {}
    return dict(ReceivedDossier.objects.filter(pk__in=dossier_ids).values_list("pk", "sha256"))


def schools_ensure(refs: Iterable[SchoolRef]) -> dict[tuple[str, str], PrimarySchool]:
    """The PrimarySchool of every (brin, branch), created or renamed as the files say."""
    wanted: dict[tuple[str, str], str] = {}
    for ref in refs:
        if ref.brin:
            wanted[(ref.brin, ref.branch or "")] = ref.name
    if not wanted:
        return {}
    condition = Q()
    for brin, branch in wanted:
        condition |= Q(brin=brin, branch=branch)
    schools = {
        (school.brin, school.branch): school for school in PrimarySchool.objects.filter(condition)
    }
    missing = [key for key in wanted if key not in schools]
    if missing:
        PrimarySchool.objects.bulk_create(
            [
                PrimarySchool(
                    brin=brin, branch=branch, name=clip(wanted[(brin, branch)] or brin, 200)
                )
                for brin, branch in missing
            ],
            ignore_conflicts=True,
        )
        again = Q()
        for brin, branch in missing:
            again |= Q(brin=brin, branch=branch)
        schools.update(
            {(school.brin, school.branch): school for school in PrimarySchool.objects.filter(again)}
        )
    renamed = []
    for key, name in wanted.items():
        school = schools[key]
        if name and school.name != clip(name, 200):
            school.name = clip(name, 200)
            renamed.append(school)
    if renamed:
        PrimarySchool.objects.bulk_update(renamed, ["name"])
    return schools
