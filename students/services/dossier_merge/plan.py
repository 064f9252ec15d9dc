"""Decide per file what it will do, in memory, before anything is written."""

from __future__ import annotations

from oso_format.official_rules import FOUT
from oso_format.types import ParsedDossier
from portal_text import Message, legacy
from students.models import DossierOutcome, SignupGroup
from students.services.dossier_merge import texts
from students.services.dossier_merge.common import identity_matches, prior_education_of
from students.services.dossier_merge.load import StudentIndex
from students.services.dossier_merge.types import Entry, FailedEntry, Plan


def split_by_pupil(entries: list[Entry]) -> list[list[Entry]]:
    """Split so each pupil appears at most once per sub-chunk, keeping each pupil's order."""
    level_of_key: dict[tuple[object, ...], int] = {}
    levels: list[list[Entry]] = []
    for entry in entries:
        keys = entry.pupil_keys()
        level = max((level_of_key[key] + 1 for key in keys if key in level_of_key), default=0)
        for key in keys:
            level_of_key[key] = level
        while len(levels) <= level:
            levels.append([])
        levels[level].append(entry)
    return levels


def notices_of(parsed: ParsedDossier) -> list[Message]:
    """The reader's notices as remarks (a notice without a code is kept as its text),
    then each official *waarschuwing*, quoting the stylesheet's text."""
    return [
        *(
            notice if isinstance(notice, Message) else legacy(str(notice))
            for notice in parsed.notices
        ),
        *(
            texts.OFFICIAL_WARNING(location=melding.location, text=melding.text)
            for melding in parsed.meldingen
            if melding.severity != FOUT
        ),
    ]


def plan_decide(
    entry: Entry,
    students: StudentIndex,
    last_hashes: dict[int, str],
    *,
    signup_group: SignupGroup | None,
) -> Plan:
    if isinstance(entry, FailedEntry):
        return Plan(entry, DossierOutcome.FAILED, reason=entry.error)
    parsed = entry.parsed
    matches = students.matches(parsed)
    expected_id = entry.item.expected_student_id
    if expected_id is not None:
        expected = students.by_id.get(expected_id)
        if expected is None:
            return Plan(entry, DossierOutcome.FAILED, reason=texts.STUDENT_GONE())
        if expected not in matches and not identity_matches(expected, parsed):
            return Plan(
                entry,
                DossierOutcome.FAILED,
                student=expected,
                archive_without_student=True,
                reason=texts.NOT_THIS_STUDENT(),
            )
        student = expected
    elif len(matches) > 1:
        return Plan(entry, DossierOutcome.FAILED, reason=texts.AMBIGUOUS())
    elif matches:
        student = matches[0]
    elif students.same_number(parsed):
        # Never a second pupil with one BSN: either this file's birth date or the
        # student's is wrong, and only staff can tell which.
        return Plan(entry, DossierOutcome.FAILED, reason=texts.OTHER_BIRTH_DATE())
    elif signup_group is not None:
        return Plan(entry, DossierOutcome.CREATED, remarks=notices_of(parsed), created=True)
    else:
        return Plan(entry, DossierOutcome.FAILED, reason=texts.NO_STUDENT())

    prior = prior_education_of(student)
    if (
        prior is not None
        and prior.last_dossier_id
        and (last_hashes.get(prior.last_dossier_id) == parsed.sha256)
    ):
        return Plan(entry, DossierOutcome.NOT_CHANGED, student=student)
    if (
        prior is not None
        and prior.last_dossier_date
        and (parsed.collection_date <= prior.last_dossier_date)
    ):
        text = texts.OLDER if parsed.collection_date < prior.last_dossier_date else texts.SAME_DATE
        remark = text(date=parsed.collection_date, last=prior.last_dossier_date)
        return Plan(entry, DossierOutcome.NOT_CHANGED, student=student, remarks=[remark])
    if prior is None:
        # A signed-up pupil's first file: it fills the card, as for a new pupil.
        return Plan(entry, DossierOutcome.CREATED, student=student, remarks=notices_of(parsed))
    return Plan(entry, DossierOutcome.PROCESSED, student=student, remarks=notices_of(parsed))
