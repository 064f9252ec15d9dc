"""Merge a chunk of files: split by pupil, one transaction per sub-chunk, retry one by one."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace

from django.db import DatabaseError, transaction
from django.utils import timezone, translation

from common.bulk import bulk_update_rows
from common.db_health import database_connection_lost
from common.security import redact_identifiers
from oso_format.official_rules import FOUT
from oso_format.types import DossierError, ParsedDossier
from portal_text import Message
from students.models import ReceivedDossier, SignupGroup, Student
from students.services.dossier_merge import texts
from students.services.dossier_merge.apply import STUDENT_UPDATE_FIELDS, student_apply, student_new
from students.services.dossier_merge.archive import (
    archive_row,
    audit_write,
    storage_failure_record,
)
from students.services.dossier_merge.card import prior_education_write
from students.services.dossier_merge.load import (
    corrections_load,
    last_hashes_load,
    schools_ensure,
    students_load,
)
from students.services.dossier_merge.numbers import counter_lock, numbers_allocate
from students.services.dossier_merge.plan import plan_decide, split_by_pupil
from students.services.dossier_merge.types import (
    DossierIn,
    Entry,
    FailedEntry,
    MergeResult,
    Plan,
    ValidEntry,
    applied_of,
)

logger = logging.getLogger(__name__)

# At most this many files are written in one transaction (bulk statements stay a
# sensible size); a larger call is simply split, in order.
MAX_SUB_CHUNK = 250
# The language of the texts kept as plain text (the reader's, the audit summary).
REMARK_LANGUAGE = "nl"


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
    # Imported here: the reader loads the XSD, which the rest of the merge does
    # not need (and tests of the merge may feed parsed values directly).
    from oso_format.reader import dossier_validate_many

    with translation.override(REMARK_LANGUAGE):
        parsed = dossier_validate_many(raws=[item.raw for item in items])
    return dossiers_merge_parsed(
        items=items, parsed=parsed, signup_group=signup_group, received_by=received_by
    )


def _error_message(error: DossierError) -> Message:
    text = getattr(error, "text", None)
    if isinstance(text, Message):
        return text
    faults = [melding for melding in error.meldingen if melding.severity == FOUT]
    if faults and error.official:
        first = faults[0]
        if len(faults) == 1:
            return texts.OFFICIAL_FAULT(location=first.location, text=first.text)
        return texts.OFFICIAL_FAULTS(location=first.location, text=first.text, more=len(faults) - 1)
    return texts.dossier_error_text(error)


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
    # A file may be named after the pupil's BSN: the name is kept masked.
    items = [replace(item, source_name=redact_identifiers(item.source_name)) for item in items]
    entries: list[Entry] = [
        ValidEntry(index=i, item=item, parsed=value)
        if isinstance(value, ParsedDossier)
        else FailedEntry(index=i, item=item, error=_error_message(value), meldingen=value.meldingen)
        for i, (item, value) in enumerate(zip(items, parsed, strict=True))
    ]
    results: list[MergeResult | None] = [None] * len(entries)
    pending = entries
    # The audit summary's plain text is kept in Dutch (the page renders it anew).
    with translation.override(REMARK_LANGUAGE):
        while pending:
            # One sub-chunk per round: each pupil at most once in it. Files that
            # meet a student already handled in this round (found through
            # another identifier) are deferred and go round again, in order.
            sub_chunk = split_by_pupil(pending)[0][:MAX_SUB_CHUNK]
            deferred: list[Entry] = []
            for entry, result in _merge_sub_chunk_safely(
                sub_chunk, signup_group=signup_group, received_by=received_by, deferred=deferred
            ):
                results[entry.index] = result
            done = {entry.index for entry in sub_chunk} - {entry.index for entry in deferred}
            pending = [entry for entry in pending if entry.index not in done]
    return [result for result in results if result is not None]


def _merge_sub_chunk_safely(
    entries: list[Entry],
    *,
    signup_group: SignupGroup | None,
    received_by: str,
    deferred: list[Entry],
) -> list[tuple[Entry, MergeResult]]:
    try:
        with transaction.atomic():
            return _merge_sub_chunk(
                entries, signup_group=signup_group, received_by=received_by, deferred=deferred
            )
    except Exception as exc:
        # The one fallback of every caller (the worker's poll, the import): a database
        # error, or a bug that one file trips, fails that file alone; the others go on.
        if isinstance(exc, DatabaseError) and database_connection_lost(exc):
            raise  # the connection is gone: file by file would fail (and log) each time
        if len(entries) == 1:
            logger.exception("Storing one dossier failed; it is recorded as failed")
            reason = texts.STORAGE_FAILED() if isinstance(exc, DatabaseError) else None
            return [
                (
                    entries[0],
                    storage_failure_record(entries[0], received_by=received_by, reason=reason),
                )
            ]
        logger.warning("Bulk merge of %d dossiers failed; retrying one by one", len(entries))
    deferred.clear()
    results: list[tuple[Entry, MergeResult]] = []
    for entry in entries:
        results.extend(
            _merge_sub_chunk_safely(
                [entry], signup_group=signup_group, received_by=received_by, deferred=deferred
            )
        )
    return results


def _merge_sub_chunk(
    entries: list[Entry],
    *,
    signup_group: SignupGroup | None,
    received_by: str,
    deferred: list[Entry],
) -> list[tuple[Entry, MergeResult]]:
    valid = [entry for entry in entries if isinstance(entry, ValidEntry)]
    counter = None
    if signup_group is not None and any(e.item.expected_student_id is None for e in valid):
        # Taken before matching: no other worker can create the same pupil
        # between our "no match" and our insert.
        counter = counter_lock()
    students = students_load(valid)
    corrections = corrections_load(students.all_ids())
    last_hashes = last_hashes_load(students.all())
    schools = schools_ensure(entry.parsed.school for entry in valid)

    plans: list[Plan] = []
    used_students: set[int] = set()
    for entry in entries:
        plan = plan_decide(entry, students, last_hashes, signup_group=signup_group)
        if plan.student is not None and plan.student.pk is not None:
            if plan.student.pk in used_students:
                deferred.append(entry)
                continue
            used_students.add(plan.student.pk)
        plans.append(plan)

    now = timezone.now()
    new_plans = [plan for plan in plans if plan.created]
    if new_plans:
        if counter is None:  # only a signup group creates, and then we hold the lock
            raise RuntimeError("creating students without the counter lock")
        numbers = numbers_allocate(counter, len(new_plans))
        for plan, number in zip(new_plans, numbers, strict=True):
            plan.student = student_new(number, signup_group)
    applied = [applied_of(plan) for plan in plans if plan.applies]
    for one in applied:
        student_apply(one, corrections, schools, signup_group, now)
    if new_plans:
        Student.objects.bulk_create([one.student for one in applied if one.plan.created])

    archived = ReceivedDossier.objects.bulk_create(
        [archive_row(plan, received_by=received_by) for plan in plans]
    )
    if applied:
        prior_education_write(
            applied,
            archived=dict(zip(map(id, plans), archived, strict=True)),
            schools=schools,
            now=now,
        )
        updated = [one.student for one in applied if not one.plan.created]
        if updated:
            bulk_update_rows(updated, STUDENT_UPDATE_FIELDS)

    audit_write(plans, archived, received_by=received_by)

    results = []
    for plan, row in zip(plans, archived, strict=True):
        student = plan.student
        results.append(
            (
                plan.entry,
                MergeResult(
                    source_name=row.source_name,
                    outcome=str(plan.outcome),
                    student_id=student.pk if student else None,
                    student_number=student.student_number if student else None,
                    dossier_id=row.pk,
                    remark_messages=tuple(plan.remarks),
                    reason_message=plan.reason,
                    changed_fields=tuple(plan.changed_fields),
                    meldingen=tuple(row.meldingen),
                ),
            )
        )
    return results
