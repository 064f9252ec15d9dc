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

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from common.chunks import id_chunk_size, id_chunks
from students.models import ElkDot, ElkStatus, PriorEducation, Student

_DOT_FIELDS = ("elk_status", "elk_status_date", "elk_dot", "elk_changed_at")
# The statuses of a pupil ELK lists as placed at our school.
ELK_PLACED_STATUSES = (ElkStatus.PLACED, ElkStatus.PLACED_GUIDED)


@dataclass(frozen=True)
class ElkPlacementIn:
    bsn: str = field(repr=False)
    education_number: str = field(repr=False)
    status: str  # an ElkStatus value of ELK_PLACED_STATUSES
    date: date


@dataclass(frozen=True)
class ElkChangeIn:
    bsn: str = field(repr=False)
    education_number: str = field(repr=False)
    changed_at: datetime  # aware


@dataclass
class ElkApplied:
    blue: int = 0  # dots turned blue
    placed_ids: set[int] = field(default_factory=set)  # the students the placements name
    unknown: list[int] = field(default_factory=list)  # the placements' indexes of no student


def students_elk_apply(
    *, placements: Sequence[ElkPlacementIn], changes: Sequence[ElkChangeIn]
) -> ElkApplied:
    """Write placements and changes onto the students they name (a few bulk queries).

    Pupils the portal does not know are skipped and their placements returned by
    index. Call inside the caller's transaction.
    """
    everyone: list[ElkPlacementIn | ElkChangeIn] = [*placements, *changes]
    index = _StudentIndex.load(
        bsns={item.bsn for item in everyone if item.bsn},
        education_numbers={item.education_number for item in everyone if item.education_number},
    )
    touched: dict[int, Student] = {}
    applied = ElkApplied()
    for position, placement in enumerate(placements):
        student = index.find(placement.bsn, placement.education_number)
        if student is None:
            applied.unknown.append(position)
            continue
        applied.placed_ids.add(student.pk)
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
        changed_at = change.changed_at
        if student.elk_changed_at is not None and changed_at <= student.elk_changed_at:
            continue  # a change we already know of
        student.elk_changed_at = changed_at
        held = index.last_dossier_date(student)
        if held is not None and changed_at.date() <= held:
            if not student.elk_dot:
                student.elk_dot = ElkDot.GREEN
        else:
            student.elk_dot = ElkDot.BLUE
            applied.blue += 1
        touched[student.pk] = student
    Student.objects.bulk_update(
        list(touched.values()), fields=_DOT_FIELDS, batch_size=id_chunk_size()
    )
    return applied


def students_elk_withdraw(*, placed_ids: set[int]) -> list[int]:
    """Students placed until now whom the feed no longer lists as placed; their ids."""
    # Compared here, not in SQL: the feed may list more pupils than a statement may bind.
    withdrawn = sorted(
        set(Student.objects.filter(elk_status__in=ELK_PLACED_STATUSES).values_list("pk", flat=True))
        - placed_ids
    )
    for part in id_chunks(withdrawn):
        Student.objects.filter(pk__in=part).update(
            elk_status=ElkStatus.WITHDRAWN, elk_status_date=timezone.localdate()
        )
    return withdrawn


def students_elk_placements_set(
    *, student_ids: Iterable[int], placements: Sequence[ElkPlacementIn]
) -> None:
    """The placement status of students just signed up from these placements."""
    by_identifier = {
        identifier: placement
        for placement in placements
        for identifier in (placement.bsn, placement.education_number)
        if identifier
    }
    students = list(
        Student.objects.filter(pk__in=list(student_ids)).only(
            "pk", "bsn", "education_number", "elk_status", "elk_status_date"
        )
    )
    for student in students:
        placement = by_identifier.get(student.bsn) or by_identifier[student.education_number]
        student.elk_status = placement.status
        student.elk_status_date = placement.date
    Student.objects.bulk_update(
        students, ["elk_status", "elk_status_date"], batch_size=id_chunk_size()
    )


def students_elk_fetched(*, student_ids: Iterable[int], released_on: Mapping[int, date]) -> None:
    """ELK's green dot: a file (or *Leerlinginfo niet gewijzigd*) was fetched for them.

    ``released_on`` (student id -> the day the primary school released the file)
    records that each student's file includes the changes up to its release: ELK's
    feed dates a change by that release, which can be a week after the file's
    collection date, and a feed that lists the release of the file just fetched is no
    news (``students_elk_apply`` skips a change no newer than ``elk_changed_at``).
    One UPDATE for the dots and one for the release days, whatever their number.
    """
    ids = sorted(set(student_ids))
    if not ids:
        return
    Student.objects.filter(id__in=ids).exclude(elk_dot=ElkDot.GREEN).update(elk_dot=ElkDot.GREEN)
    by_day: dict[date, list[int]] = {}
    for student_id, day in released_on.items():
        by_day.setdefault(day, []).append(student_id)
    if not by_day:
        return
    whens = []
    for day, day_ids in by_day.items():
        moment = datetime(day.year, day.month, day.day, tzinfo=UTC)  # the feed's day moment
        newer = Q(elk_changed_at__isnull=True) | Q(elk_changed_at__lt=moment)
        whens.append(When(Q(id__in=day_ids) & newer, then=Value(moment)))
    Student.objects.filter(id__in=[sid for day_ids in by_day.values() for sid in day_ids]).update(
        elk_changed_at=Case(*whens, default=F("elk_changed_at"))
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
            for identifiers in id_chunks(values):
                for student in Student.objects.filter(**{f"{field_name}__in": identifiers}).only(
                    "id", "bsn", "education_number", *_DOT_FIELDS
                ):
                    students[student.pk] = student
        last_dates: dict[int, date | None] = {}
        ids = sorted(students)
        for part in id_chunks(ids):
            last_dates.update(
                PriorEducation.objects.filter(student_id__in=part).values_list(
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
