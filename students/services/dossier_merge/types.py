"""The merge's values: what goes in, what comes out, and what it decides per file."""

from __future__ import annotations

from dataclasses import dataclass, field

from oso_format.official_rules import Melding
from oso_format.types import ParsedDossier
from portal_text import Message, render, render_all
from students.models import DossierOutcome, Student


@dataclass(frozen=True)
class DossierIn:
    """One file to merge. ``expected_student_id``: the file answers a request for that student."""

    raw: bytes
    source_name: str
    expected_student_id: int | None = None
    # A fetched file has no name of its own: it is named after the pupil and the file's
    # date (``<stamnummer>_<achternaam>_<jjjj-mm-dd>.xml``) when it is archived.
    name_after_pupil: bool = False


@dataclass(frozen=True)
class MergeResult:
    source_name: str
    outcome: str  # a DossierOutcome value
    student_id: int | None
    student_number: str | None
    dossier_id: int | None  # the ReceivedDossier row
    remark_messages: tuple[Message, ...] = ()
    reason_message: Message | None = None  # only when outcome == failed
    # The ChangedField keys the file changed (only when it was applied).
    changed_fields: tuple[str, ...] = ()
    # The official stylesheet's meldingen: {"location", "text", "severity"} each.
    meldingen: tuple[dict[str, str], ...] = ()

    @property
    def remarks(self) -> list[str]:
        """The remarks in the active language."""
        return render_all(self.remark_messages)

    @property
    def reason(self) -> str:
        """The failure reason in the active language ("" unless failed)."""
        return render(self.reason_message)


@dataclass(frozen=True)
class ValidEntry:
    """A file the reader accepted."""

    index: int
    item: DossierIn
    parsed: ParsedDossier

    def pupil_keys(self) -> set[tuple[object, ...]]:
        keys: set[tuple[object, ...]] = set()
        if self.item.expected_student_id is not None:
            keys.add(("id", self.item.expected_student_id))
        # Without the birth date: two files with one BSN and different birth dates
        # go in turn, so the second sees the pupil the first may have created.
        if self.parsed.bsn:
            keys.add(("bsn", self.parsed.bsn))
        if self.parsed.education_number:
            keys.add(("edu", self.parsed.education_number))
        return keys


@dataclass(frozen=True)
class FailedEntry:
    """A file the reader refused, with its reason."""

    index: int
    item: DossierIn
    error: Message
    # The official stylesheet's meldingen, when it ran before the file was refused.
    meldingen: tuple[Melding, ...] = ()

    def pupil_keys(self) -> set[tuple[object, ...]]:
        if self.item.expected_student_id is not None:
            return {("id", self.item.expected_student_id)}
        return set()


Entry = ValidEntry | FailedEntry

APPLYING_OUTCOMES = (
    DossierOutcome.CREATED,
    DossierOutcome.PROCESSED,
    DossierOutcome.PROCESSED_WITH_REMARKS,
)


@dataclass
class Plan:
    """What one file will do, decided in memory before anything is written."""

    entry: Entry
    outcome: str
    student: Student | None = None
    remarks: list[Message] = field(default_factory=list)
    reason: Message | None = None
    created: bool = False
    # A file that is not this student's must not show up among the student's dossiers.
    archive_without_student: bool = False
    # The ChangedField keys, filled in when the file is applied.
    changed_fields: list[str] = field(default_factory=list)

    @property
    def applies(self) -> bool:
        return self.outcome in APPLYING_OUTCOMES

    @property
    def parsed(self) -> ParsedDossier | None:
        return self.entry.parsed if isinstance(self.entry, ValidEntry) else None

    @property
    def meldingen(self) -> tuple[Melding, ...]:
        return (
            self.entry.parsed.meldingen
            if isinstance(self.entry, ValidEntry)
            else (self.entry.meldingen)
        )


@dataclass
class AppliedPlan:
    """A plan that applies, with the values the writes need (no Optional left)."""

    plan: Plan
    parsed: ParsedDossier
    student: Student


def applied_of(plan: Plan) -> AppliedPlan:
    parsed = plan.parsed
    if parsed is None or plan.student is None or not plan.applies:
        raise ValueError("only a plan that applies a parsed file to a student is applied")
    return AppliedPlan(plan=plan, parsed=parsed, student=plan.student)
