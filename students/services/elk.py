"""ELK's word about pupils, written onto the students: placement status and the dot.

The dot (DOMAIN.md): **green** once the file was fetched, **blue** when the primary
school added data since. The requests app reads ELK's feed and fetches the files;
these services are the only way it changes a student's ELK columns.

A listed change turns the dot blue unless

* it is no newer than the change already recorded for the student
  (``Student.elk_changed_at``): a feed that repeats itself re-requests nothing; or
* the file we hold was collected on or after the day of the change.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from common.chunks import id_chunk_size, id_chunks
from common.clock import aware
from students.models import ElkDot, PriorEducation, Student

_DOT_FIELDS = ("elk_status", "elk_status_date", "elk_dot", "elk_changed_at")


@dataclass(frozen=True)
class ElkPlacementIn:
    bsn: str = field(repr=False)
    education_number: str = field(repr=False)
    status: str  # an ElkStatus value
    date: date


@dataclass(frozen=True)
class ElkChangeIn:
    bsn: str = field(repr=False)
    education_number: str = field(repr=False)
    changed_at: datetime


def students_elk_apply(
    *, placements: Sequence[ElkPlacementIn], changes: Sequence[ElkChangeIn]
) -> int:
    """Write placements and changes onto the students they name; return the new blue dots.

    Pupils the portal does not know are skipped. Call inside the caller's transaction.
    """
    everyone: list[ElkPlacementIn | ElkChangeIn] = [*placements, *changes]
    index = _StudentIndex.load(
        bsns={item.bsn for item in everyone if item.bsn},
        education_numbers={item.education_number for item in everyone if item.education_number},
    )
    touched: dict[int, Student] = {}
    blue = 0
    for placement in placements:
        student = index.find(placement.bsn, placement.education_number)
        if student is None:
            continue
        if (student.elk_status, student.elk_status_date) != (placement.status, placement.date):
            student.elk_status = placement.status
            student.elk_status_date = placement.date
            touched[student.pk] = student
        if not student.elk_dot and index.last_dossier_date(student) is not None:
            student.elk_dot = ElkDot.GREEN
            touched[student.pk] = student
    for change in changes:
        student = index.find(change.bsn, change.education_number)
        if student is None:
            continue
        changed_at = aware(change.changed_at)
        if student.elk_changed_at is not None and changed_at <= student.elk_changed_at:
            continue  # a change we already know of
        student.elk_changed_at = changed_at
        held = index.last_dossier_date(student)
        if held is not None and changed_at.date() <= held:
            if not student.elk_dot:
                student.elk_dot = ElkDot.GREEN
        else:
            student.elk_dot = ElkDot.BLUE
            blue += 1
        touched[student.pk] = student
    Student.objects.bulk_update(
        list(touched.values()), fields=_DOT_FIELDS, batch_size=id_chunk_size()
    )
    return blue


def students_elk_dot_fetched(*, student_ids: Iterable[int]) -> None:
    """ELK's green dot: a file (or *Leerlinginfo niet gewijzigd*) was fetched for them."""
    ids = sorted(set(student_ids))
    for part in id_chunks(ids):
        Student.objects.filter(id__in=part).exclude(elk_dot=ElkDot.GREEN).update(
            elk_dot=ElkDot.GREEN
        )


class _StudentIndex:
    """The feed's pupils matched to students by BSN or education number."""

    def __init__(self, students: Iterable[Student], last_dates: dict[int, date | None]) -> None:
        self.by_bsn: dict[str, Student] = {}
        self.by_education_number: dict[str, Student] = {}
        for student in students:
            if student.bsn:
                self.by_bsn[student.bsn] = student
            if student.education_number:
                self.by_education_number[student.education_number] = student
        self._last_dates = last_dates

    @classmethod
    def load(cls, *, bsns: set[str], education_numbers: set[str]) -> _StudentIndex:
        students: dict[int, Student] = {}
        for field_name, values in (
            ("bsn", sorted(bsns)),
            ("education_number", sorted(education_numbers)),
        ):
            for part in id_chunks(values):
                for student in Student.objects.filter(**{f"{field_name}__in": part}).only(
                    "id", "bsn", "education_number", *_DOT_FIELDS
                ):
                    students[student.pk] = student
        last_dates: dict[int, date | None] = {}
        for ids in id_chunks(sorted(students)):
            last_dates.update(
                PriorEducation.objects.filter(student_id__in=ids).values_list(
                    "student_id", "last_dossier_date"
                )
            )
        return cls(students.values(), last_dates)

    def find(self, bsn: str, education_number: str) -> Student | None:
        if bsn and bsn in self.by_bsn:
            return self.by_bsn[bsn]
        if education_number:
            return self.by_education_number.get(education_number)
        return None

    def last_dossier_date(self, student: Student) -> date | None:
        return self._last_dates.get(student.pk)
