"""Merge OSO dossiers onto students: the merge rule of DOMAIN.md, in chunks.

The flow for one call:

1. every file is validated by the dossier reader first, with no database work;
2. the files are split into sub-chunks in which each pupil appears once, so two
   versions of one pupil's file are applied in the order given;
3. per sub-chunk, in one transaction: load every matching student, its
   corrections, its prior-education record and the hash of its last dossier
   with a constant number of queries, decide per file in memory, then write
   with bulk queries. The number of queries does not grow with the chunk.

Each file's effect is all or nothing: everything that could make one file fail
(a reader error, no match, a value that does not fit) is decided in memory
before anything is written. Should the bulk write still fail, the sub-chunk is
rolled back and redone one file at a time, each in its own savepoint, so one
bad file fails alone and the others still go through.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db import DatabaseError, transaction
from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from audit.models import SYSTEM_ACTOR, AuditAction
from audit.services import AuditInput, audit_record_many
from common.bulk import bulk_update_rows
from oso_format.identifiers import normalise_postcode
from oso_format.types import DossierError, ParsedDossier
from students.models import (
    NAW_FIELDS,
    PRIOR_EDUCATION_FIELDS,
    DossierOutcome,
    FinalTestResult,
    NawCorrection,
    PrimarySchool,
    PriorEducation,
    ReceivedDossier,
    SignupGroup,
    Student,
    StudentNumberCounter,
)

logger = logging.getLogger(__name__)

# At most this many files are written in one transaction (bulk statements stay a
# sensible size); a larger call is simply split, in order.
MAX_SUB_CHUNK = 250
# The language of stored remarks and reasons: they are kept with the dossier.
REMARK_LANGUAGE = "nl"

# Student fields a merge writes (bulk_update_rows needs them listed).
_STUDENT_UPDATE_FIELDS: tuple[str, ...] = (
    *NAW_FIELDS,
    "first_names",
    "initials",
    "sex",
    "birth_date",
    "bsn",
    "education_number",
    "primary_school",
    "signup_group",
    "dossier_values",
    "dossier_identity",
    "updated_at",
)


@dataclass(frozen=True)
class DossierIn:
    """One file to merge. ``expected_student_id``: the file answers a request for that student."""

    raw: bytes
    source_name: str
    expected_student_id: int | None = None


@dataclass(frozen=True)
class MergeResult:
    source_name: str
    outcome: str  # a DossierOutcome value
    student_id: int | None
    student_number: str | None
    dossier_id: int | None  # the ReceivedDossier row
    remarks: list[str] = field(default_factory=list)  # Dutch
    reason: str = ""  # Dutch; only when outcome == failed


def dossiers_merge(
    *,
    items: Sequence[DossierIn],
    signup_group: SignupGroup | None = None,
    received_by: str = "",
) -> list[MergeResult]:
    """Validate and merge a chunk of dossiers; one result per item, in the same order.

    Unknown pupils are created in ``signup_group`` when it is given, otherwise
    their file fails. Never raises for a bad file: that file fails with a reason.
    """
    if not items:
        return []
    with translation.override(REMARK_LANGUAGE):
        parsed = _validate_all([item.raw for item in items])
    return dossiers_merge_parsed(
        items=items, parsed=parsed, signup_group=signup_group, received_by=received_by
    )


def dossiers_merge_parsed(
    *,
    items: Sequence[DossierIn],
    parsed: Sequence[ParsedDossier | DossierError],
    signup_group: SignupGroup | None = None,
    received_by: str = "",
) -> list[MergeResult]:
    """Like ``dossiers_merge`` for files the reader has already validated (same order)."""
    if len(items) != len(parsed):
        raise ValueError("items and parsed must have the same length")
    entries = [
        _Entry(
            index=i,
            item=item,
            parsed=value if isinstance(value, ParsedDossier) else None,
            error=value.message if isinstance(value, DossierError) else "",
        )
        for i, (item, value) in enumerate(zip(items, parsed, strict=True))
    ]
    results: list[MergeResult | None] = [None] * len(entries)
    with translation.override(REMARK_LANGUAGE):
        pending = entries
        while pending:
            # One sub-chunk per round: each pupil at most once in it. Files that
            # meet a student already handled in this round (found through
            # another identifier) are deferred and go round again, in order.
            sub_chunk = _split_by_pupil(pending)[0][:MAX_SUB_CHUNK]
            deferred: list[_Entry] = []
            for entry, result in _merge_sub_chunk_safely(
                sub_chunk, signup_group=signup_group, received_by=received_by, deferred=deferred
            ):
                results[entry.index] = result
            done = {entry.index for entry in sub_chunk} - {entry.index for entry in deferred}
            pending = [entry for entry in pending if entry.index not in done]
    return [result for result in results if result is not None]


# --- Validation ------------------------------------------------------------------


def _validate_all(raws: list[bytes]) -> list[ParsedDossier | DossierError]:
    # Imported here: the reader loads the XSD, which the rest of this module
    # does not need (and tests of the merge may feed parsed values directly).
    from oso_format.reader import dossier_validate_many

    return dossier_validate_many(raws=raws)


# --- Internal values -------------------------------------------------------------


@dataclass
class _Entry:
    index: int
    item: DossierIn
    parsed: ParsedDossier | None
    error: str = ""

    def pupil_keys(self) -> set[tuple]:
        keys: set[tuple] = set()
        if self.item.expected_student_id is not None:
            keys.add(("id", self.item.expected_student_id))
        if self.parsed is not None:
            if self.parsed.bsn:
                keys.add(("bsn", self.parsed.bsn, self.parsed.birth_date))
            if self.parsed.education_number:
                keys.add(("edu", self.parsed.education_number, self.parsed.birth_date))
        return keys


@dataclass
class _Plan:
    """What one file will do, decided in memory before anything is written."""

    entry: _Entry
    outcome: str
    student: Student | None = None
    remarks: list[str] = field(default_factory=list)
    reason: str = ""
    created: bool = False
    # A file that is not this student's must not show up among the student's dossiers.
    archive_without_student: bool = False

    @property
    def applies(self) -> bool:
        return self.outcome in (
            DossierOutcome.CREATED,
            DossierOutcome.PROCESSED,
            DossierOutcome.PROCESSED_WITH_REMARKS,
        )


def _split_by_pupil(entries: list[_Entry]) -> list[list[_Entry]]:
    """Split so each pupil appears at most once per sub-chunk, keeping each pupil's order."""
    level_of_key: dict[tuple, int] = {}
    levels: list[list[_Entry]] = []
    for entry in entries:
        keys = entry.pupil_keys()
        level = max((level_of_key[key] + 1 for key in keys if key in level_of_key), default=0)
        for key in keys:
            level_of_key[key] = level
        while len(levels) <= level:
            levels.append([])
        levels[level].append(entry)
    return levels


# --- One sub-chunk -----------------------------------------------------------------


def _merge_sub_chunk_safely(
    entries: list[_Entry],
    *,
    signup_group: SignupGroup | None,
    received_by: str,
    deferred: list[_Entry],
) -> Iterable[tuple[_Entry, MergeResult]]:
    try:
        with transaction.atomic():
            return _merge_sub_chunk(
                entries, signup_group=signup_group, received_by=received_by, deferred=deferred
            )
    except Exception as exc:
        # The one place that retries one file at a time: a database error, or a bug
        # that one file trips, then fails that file only and the chunk goes on.
        if len(entries) == 1:
            logger.exception("Storing one dossier failed; it is recorded as failed")
            reason = (
                _("The dossier could not be stored because of a database error.")
                if isinstance(exc, DatabaseError)
                else _("The file could not be processed because of an internal error.")
            )
            return [
                (
                    entries[0],
                    _record_storage_failure(entries[0], received_by=received_by, reason=reason),
                )
            ]
        logger.warning("Bulk merge of %d dossiers failed; retrying one by one", len(entries))
    deferred.clear()
    results: list[tuple[_Entry, MergeResult]] = []
    for entry in entries:
        results.extend(
            _merge_sub_chunk_safely(
                [entry], signup_group=signup_group, received_by=received_by, deferred=deferred
            )
        )
    return results


def _merge_sub_chunk(
    entries: list[_Entry],
    *,
    signup_group: SignupGroup | None,
    received_by: str,
    deferred: list[_Entry],
) -> list[tuple[_Entry, MergeResult]]:
    may_create = signup_group is not None and any(
        entry.parsed is not None and entry.item.expected_student_id is None for entry in entries
    )
    counter = None
    if may_create:
        # Taken before matching: no other worker can create the same pupil
        # between our "no match" and our insert.
        counter = _counter_lock()
    valid = [entry for entry in entries if entry.parsed is not None]
    students = _students_load(valid)
    corrections = _corrections_load(students.all_ids())
    last_hashes = _last_hashes_load(students.all())
    schools = _schools_ensure([entry.parsed.school for entry in valid])  # type: ignore[union-attr]

    plans: list[_Plan] = []
    used_students: set[int] = set()
    for entry in entries:
        plan = _plan(entry, students, last_hashes, signup_group=signup_group)
        if plan is None:
            deferred.append(entry)
            continue
        if plan.student is not None and plan.student.pk is not None:
            if plan.student.pk in used_students:
                deferred.append(entry)
                continue
            used_students.add(plan.student.pk)
        plans.append(plan)

    now = timezone.now()
    new_plans = [plan for plan in plans if plan.outcome == DossierOutcome.CREATED]
    if new_plans:
        assert counter is not None  # only a signup group creates, and then we hold the lock
        numbers = _numbers_allocate(counter, len(new_plans))
        for plan, number in zip(new_plans, numbers, strict=True):
            plan.student = _student_new(plan.entry.parsed, number, signup_group)  # type: ignore[arg-type]
    for plan in plans:
        if plan.applies:
            _student_apply(plan, corrections, schools, signup_group, now)
    if new_plans:
        Student.objects.bulk_create([plan.student for plan in new_plans])

    archived = ReceivedDossier.objects.bulk_create(
        [_archive_row(plan, received_by=received_by) for plan in plans]
    )
    applied = [plan for plan in plans if plan.applies]
    if applied:
        _prior_education_write(
            applied,
            archived_by_plan=dict(zip(map(id, plans), archived, strict=True)),
            schools=schools,
            now=now,
        )
        updated = [plan.student for plan in applied if plan.outcome != DossierOutcome.CREATED]
        if updated:
            bulk_update_rows(updated, _STUDENT_UPDATE_FIELDS)

    _audit(plans, archived, received_by=received_by)

    results = []
    for plan, row in zip(plans, archived, strict=True):
        student = plan.student
        results.append(
            (
                plan.entry,
                MergeResult(
                    source_name=plan.entry.item.source_name,
                    outcome=str(plan.outcome),
                    student_id=student.pk if student else None,
                    student_number=student.student_number if student else None,
                    dossier_id=row.pk,
                    remarks=list(plan.remarks),
                    reason=plan.reason,
                ),
            )
        )
    return results


# --- Loading ------------------------------------------------------------------------


class _StudentIndex:
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
            if student.birth_date == parsed.birth_date or _identity_matches(student, parsed):
                found[student.pk] = student
        return sorted(found.values(), key=lambda student: student.pk)


def _students_load(entries: list[_Entry]) -> _StudentIndex:
    bsns = {entry.parsed.bsn for entry in entries if entry.parsed.bsn}  # type: ignore[union-attr]
    education_numbers = {
        entry.parsed.education_number  # type: ignore[union-attr]
        for entry in entries
        if entry.parsed.education_number  # type: ignore[union-attr]
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
        return _StudentIndex([])
    students = list(
        Student.objects.filter(condition)
        .select_related("prior_education")
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    return _StudentIndex(students)


def _corrections_load(student_ids: list[int]) -> dict[tuple[int, str], NawCorrection]:
    if not student_ids:
        return {}
    return {
        (correction.student_id, correction.field): correction
        for correction in NawCorrection.objects.filter(student_id__in=student_ids)
    }


def _last_hashes_load(students: list[Student]) -> dict[int, str]:
    dossier_ids = {
        prior.last_dossier_id
        for student in students
        if (prior := _prior_education_of(student)) is not None and prior.last_dossier_id
    }
    if not dossier_ids:
        return {}
    return dict(ReceivedDossier.objects.filter(pk__in=dossier_ids).values_list("pk", "sha256"))


def _schools_ensure(refs: list) -> dict[tuple[str, str], PrimarySchool]:
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
                    brin=brin, branch=branch, name=_clip(wanted[(brin, branch)] or brin, 200)
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
        if name and school.name != _clip(name, 200):
            school.name = _clip(name, 200)
            renamed.append(school)
    if renamed:
        PrimarySchool.objects.bulk_update(renamed, ["name"])
    return schools


# --- Deciding -------------------------------------------------------------------------


def _plan(
    entry: _Entry,
    students: _StudentIndex,
    last_hashes: dict[int, str],
    *,
    signup_group: SignupGroup | None,
) -> _Plan | None:
    if entry.parsed is None:
        return _Plan(entry, DossierOutcome.FAILED, reason=entry.error)
    parsed = entry.parsed
    matches = students.matches(parsed)
    expected_id = entry.item.expected_student_id
    if expected_id is not None:
        expected = students.by_id.get(expected_id)
        if expected is None:
            return _Plan(
                entry,
                DossierOutcome.FAILED,
                reason=_("The student of this request no longer exists."),
            )
        if expected not in matches and not _identity_matches(expected, parsed):
            return _Plan(
                entry,
                DossierOutcome.FAILED,
                student=expected,
                archive_without_student=True,
                reason=_(
                    "This dossier does not belong to this student: the citizen service "
                    "number/education number or the birth date differs."
                ),
            )
        student = expected
    elif len(matches) > 1:
        return _Plan(
            entry,
            DossierOutcome.FAILED,
            reason=_(
                "More than one student found with this citizen service number/education "
                "number and this birth date."
            ),
        )
    elif matches:
        student = matches[0]
    elif signup_group is not None:
        return _Plan(entry, DossierOutcome.CREATED, remarks=list(parsed.notices), created=True)
    else:
        return _Plan(
            entry,
            DossierOutcome.FAILED,
            reason=_(
                "No student found with this citizen service number/education number and "
                "this birth date."
            ),
        )

    prior = _prior_education_of(student)
    if (
        prior is not None
        and prior.last_dossier_id
        and (last_hashes.get(prior.last_dossier_id) == parsed.sha256)
    ):
        return _Plan(entry, DossierOutcome.NOT_CHANGED, student=student)
    if (
        prior is not None
        and prior.last_dossier_date
        and (parsed.collection_date <= prior.last_dossier_date)
    ):
        values = {
            "date": _dutch_date(parsed.collection_date),
            "last": _dutch_date(prior.last_dossier_date),
        }
        if parsed.collection_date < prior.last_dossier_date:
            remark = (
                _(
                    "This dossier (dated %(date)s) is older than the last dossier applied "
                    "(dated %(last)s); nothing was changed."
                )
                % values
            )
        else:
            remark = (
                _(
                    "This dossier has the same date (%(date)s) as the last dossier applied but "
                    "a different content; nothing was changed."
                )
                % values
            )
        return _Plan(entry, DossierOutcome.NOT_CHANGED, student=student, remarks=[remark])
    return _Plan(entry, DossierOutcome.PROCESSED, student=student, remarks=list(parsed.notices))


# --- Applying in memory -------------------------------------------------------------


def _student_new(parsed: ParsedDossier, number: str, signup_group: SignupGroup | None) -> Student:
    return Student(student_number=number, signup_group=signup_group, surname="")


def _student_apply(
    plan: _Plan,
    corrections: dict[tuple[int, str], NawCorrection],
    schools: dict[tuple[str, str], PrimarySchool],
    signup_group: SignupGroup | None,
    now,
) -> None:
    """Set the file's values on the student (in memory), leaving corrected fields alone."""
    parsed = plan.entry.parsed
    assert parsed is not None and plan.student is not None
    student = plan.student
    remarks = plan.remarks
    naw = parsed.naw.as_dict()
    dossier_values = dict(student.dossier_values or {})
    for name in NAW_FIELDS:
        supplied = naw.get(name)
        if supplied is None:
            # Not in the file (secret address, placeholder): keep what we have.
            continue
        dossier_values[name] = supplied
        value = _normalise(name, supplied)
        if not _fits(student, name, value, remarks):
            continue
        if student.pk is not None and (student.pk, name) in corrections:
            local = getattr(student, name)
            if local != value:
                remarks.append(
                    _(
                        "%(field)s is corrected locally: '%(local)s' kept, the dossier gives "
                        "'%(dossier)s'."
                    )
                    % {"field": _field_label(name), "local": local, "dossier": value}
                )
            continue
        setattr(student, name, value)
    student.dossier_values = dossier_values

    for name, value in (
        ("first_names", parsed.first_names),
        ("initials", parsed.initials),
    ):
        if _fits(student, name, value, remarks):
            setattr(student, name, value)
    student.sex = parsed.sex or student.sex
    if parsed.birth_date is not None:
        student.birth_date = parsed.birth_date
    student.bsn = parsed.bsn or student.bsn
    student.education_number = parsed.education_number or student.education_number
    student.dossier_identity = _identity_of(parsed)
    school = schools.get((parsed.school.brin, parsed.school.branch or ""))
    if school is not None:
        student.primary_school = school
    if student.signup_group_id is None and signup_group is not None:
        student.signup_group = signup_group
    student.updated_at = now
    if plan.outcome == DossierOutcome.PROCESSED and remarks:
        plan.outcome = DossierOutcome.PROCESSED_WITH_REMARKS


def _prior_education_write(
    applied: list[_Plan],
    *,
    archived_by_plan: dict[int, ReceivedDossier],
    schools: dict[tuple[str, str], PrimarySchool],
    now,
) -> None:
    """Replace each applied student's Vooropleiding card and final tests with the file's."""
    to_create: list[PriorEducation] = []
    to_update: list[PriorEducation] = []
    for plan in applied:
        parsed = plan.entry.parsed
        student = plan.student
        assert parsed is not None and student is not None
        prior = None if plan.created else _prior_education_of(student)
        if prior is None:
            prior = PriorEducation(student=student)
            to_create.append(prior)
        else:
            to_update.append(prior)
        prior.primary_school = schools.get((parsed.school.brin, parsed.school.branch or ""))
        prior.advice_code = parsed.advice_code
        prior.parents_wish_code = parsed.parents_wish_code
        prior.pupil_wish_code = parsed.pupil_wish_code
        prior.revised_advice_code = parsed.revised_advice_code
        prior.revised_advice_motivation = parsed.revised_advice_motivation
        prior.inspection_agreed = parsed.inspection_agreed
        prior.inspection_disagreement_reason = parsed.inspection_disagreement_reason
        prior.last_dossier_date = parsed.collection_date
        prior.last_dossier = archived_by_plan[id(plan)]
        prior.updated_at = now
        student.prior_education = prior
    if to_create:
        PriorEducation.objects.bulk_create(to_create)
    if to_update:
        bulk_update_rows(to_update, PRIOR_EDUCATION_FIELDS)
        FinalTestResult.objects.filter(prior_education__in=[p.pk for p in to_update]).delete()
    tests = []
    for plan in applied:
        parsed = plan.entry.parsed
        prior = plan.student.prior_education  # type: ignore[union-attr]
        for test in parsed.final_tests:  # type: ignore[union-attr]
            tests.append(
                FinalTestResult(
                    prior_education=prior,
                    test_type_code=_clip(test.test_type_code, 4),
                    test_name=_clip(test.test_name, 200),
                    test_level=_clip(test.test_level, 10),
                    date=test.date,
                    standard_score=test.standard_score,
                    test_advice=_clip(test.test_advice, 200),
                    reference_levels=[
                        {"code": level.code, "name": level.name, "level": level.level}
                        for level in test.reference_levels
                    ],
                )
            )
    if tests:
        FinalTestResult.objects.bulk_create(tests)


def _archive_row(plan: _Plan, *, received_by: str) -> ReceivedDossier:
    parsed = plan.entry.parsed
    raw = plan.entry.item.raw
    return ReceivedDossier(
        student=None if plan.archive_without_student else plan.student,
        raw_xml=_raw_text(raw),
        sha256=parsed.sha256 if parsed is not None else hashlib.sha256(raw).hexdigest(),
        collection_date=parsed.collection_date if parsed is not None else None,
        outcome=plan.outcome,
        remarks=[*plan.remarks, *([plan.reason] if plan.reason else [])],
        attachments=[
            {"filename": a.filename, "description": a.description, "index": a.index}
            for a in (parsed.attachments if parsed is not None else ())
        ],
        source_name=_clip(plan.entry.item.source_name, 255),
        received_by=_clip(received_by, 150),
    )


def _audit(plans: list[_Plan], archived: list[ReceivedDossier], *, received_by: str) -> None:
    """One audit entry per file, whatever its outcome, in the same transaction (one query)."""
    entries = []
    for plan, row in zip(plans, archived, strict=True):
        student = None if plan.archive_without_student else plan.student
        entries.append(
            AuditInput(
                actor=received_by or SYSTEM_ACTOR,
                action=AuditAction.DOSSIER_IMPORTED,
                student_id=student.pk if student else None,
                student_number=student.student_number if student else "",
                summary=f"{DossierOutcome(plan.outcome).label}: {row.source_name}",
                details={
                    "outcome": str(plan.outcome),
                    "dossier_id": row.pk,
                    "collection_date": _iso_or_none(row.collection_date),
                    "remarks": len(plan.remarks),
                },
            )
        )
    audit_record_many(entries=entries)


def _iso_or_none(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _record_storage_failure(entry: _Entry, *, received_by: str, reason: str) -> MergeResult:
    """This one file could not be merged: archive it as failed, change nothing else."""
    plan = _Plan(entry, DossierOutcome.FAILED, reason=reason)
    try:
        with transaction.atomic():
            row = ReceivedDossier.objects.bulk_create(
                [_archive_row(plan, received_by=received_by)]
            )[0]
            _audit([plan], [row], received_by=received_by)
            dossier_id = row.pk
    except DatabaseError:
        logger.exception("Archiving a failed dossier failed too")
        dossier_id = None
    return MergeResult(
        source_name=entry.item.source_name,
        outcome=str(DossierOutcome.FAILED),
        student_id=None,
        student_number=None,
        dossier_id=dossier_id,
        remarks=[],
        reason=reason,
    )


# --- Student numbers ----------------------------------------------------------------


def _counter_lock() -> StudentNumberCounter:
    counter, _created = StudentNumberCounter.objects.select_for_update().get_or_create(pk=1)
    return counter


def _numbers_allocate(counter: StudentNumberCounter, count: int) -> list[str]:
    """``count`` free student numbers at or above STUDENT_NUMBER_START (counter row locked)."""
    start = settings.STUDENT_NUMBER_START
    width = len(str(start))
    highest = Student.objects.filter(student_number__regex=rf"^[0-9]{{{width}}}$").aggregate(
        highest=Max("student_number")
    )["highest"]
    first = max(start, counter.last_number + 1, int(highest) + 1 if highest else start)
    counter.last_number = first + count - 1
    StudentNumberCounter.objects.filter(pk=counter.pk).update(last_number=counter.last_number)
    return [str(number) for number in range(first, first + count)]


# --- Small helpers ------------------------------------------------------------------


def _identity_of(parsed: ParsedDossier) -> dict[str, str]:
    """The pupil's identity as the file gives it (``Student.dossier_identity``)."""
    return {
        "bsn": parsed.bsn or "",
        "education_number": parsed.education_number or "",
        "birth_date": _iso_or_none(parsed.birth_date) or "",
    }


def _identity_matches(student: Student, parsed: ParsedDossier) -> bool:
    """The file identifies the pupil as the last dossier applied to ``student`` did."""
    identity = student.dossier_identity or {}
    if not identity.get("birth_date") or identity["birth_date"] != _iso_or_none(parsed.birth_date):
        return False
    return bool(
        (parsed.bsn and parsed.bsn == identity.get("bsn"))
        or (parsed.education_number and parsed.education_number == identity.get("education_number"))
    )


def _prior_education_of(student: Student) -> PriorEducation | None:
    if student.pk is None:
        return None
    try:
        return student.prior_education
    except PriorEducation.DoesNotExist:
        return None


def _normalise(name: str, value: str) -> str:
    value = value.strip()
    if name == "postcode":
        return normalise_postcode(value)
    return value


def _fits(student: Student, name: str, value: str, remarks: list[str]) -> bool:
    max_length = Student._meta.get_field(name).max_length
    if max_length is None or len(value) <= max_length:
        return True
    remarks.append(
        _(
            "%(field)s from the dossier is too long (%(length)d characters, at most "
            "%(max)d) and was not taken over: '%(value)s'."
        )
        % {
            "field": _field_label(name),
            "length": len(value),
            "max": max_length,
            "value": _clip(value, 60),
        }
    )
    return False


def _field_label(name: str) -> str:
    return str(capfirst(Student._meta.get_field(name).verbose_name))


def _dutch_date(value: date) -> str:
    return value.strftime("%d-%m-%Y")


def _clip(value: str, length: int) -> str:
    value = value or ""
    return value if len(value) <= length else value[: length - 1] + "…"


_XML_ENCODING = re.compile(rb"""^<\?xml[^>]*encoding=["']([A-Za-z0-9._-]+)["']""")


def _raw_text(raw: bytes) -> str:
    """The file as text for the archive; an oversized file is noted, not stored."""
    limit = settings.OSO_DOSSIER_MAX_BYTES
    if len(raw) > limit:
        return _(
            "[Not stored: the file of %(size)d bytes is larger than the limit of %(limit)d bytes.]"
        ) % {"size": len(raw), "limit": limit}
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        match = _XML_ENCODING.match(raw)
        try:
            text = raw.decode(
                match.group(1).decode("ascii") if match else "utf-8", errors="replace"
            )
        except LookupError:
            text = raw.decode("utf-8", errors="replace")
    # PostgreSQL text cannot hold NUL characters; a file with them is garbage anyway.
    return text.replace("\x00", "\ufffd")
