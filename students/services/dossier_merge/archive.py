"""Every file is kept whole, with its outcome, and goes on the audit record."""

from __future__ import annotations

import hashlib
import logging
import re

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import SYSTEM_ACTOR, AuditAction
from audit.services import AuditInput, audit_record_many
from oso_format.identifiers import redact_identifiers
from portal_text import Message, messages_to_json
from students.models import DossierOutcome, ReceivedDossier
from students.services.card_exports import dossier_file_name
from students.services.dossier_merge import texts
from students.services.dossier_merge.common import clip, iso_or_none
from students.services.dossier_merge.types import Entry, MergeResult, Plan

logger = logging.getLogger(__name__)


def archive_row(plan: Plan, *, received_by: str) -> ReceivedDossier:
    parsed = plan.parsed
    raw = plan.entry.item.raw
    return ReceivedDossier(
        student=None if plan.archive_without_student else plan.student,
        raw_xml=_raw_text(raw),
        sha256=parsed.sha256 if parsed is not None else hashlib.sha256(raw).hexdigest(),
        collection_date=parsed.collection_date if parsed is not None else None,
        outcome=plan.outcome,
        remarks=messages_to_json([*plan.remarks, *([plan.reason] if plan.reason else [])]),
        changed_fields=list(plan.changed_fields),
        meldingen=[melding.as_dict() for melding in plan.meldingen],
        attachments=[
            {"filename": a.filename, "description": a.description, "index": a.index}
            for a in (parsed.attachments if parsed is not None else ())
        ],
        source_name=clip(_source_name(plan), 255),
        received_by=clip(received_by, 150),
    )


def _source_name(plan: Plan) -> str:
    """The file's own name, or for a fetched file its pupil's number and surname and its date.

    No BSN in it: the surname is masked like any text from a file.
    """
    item = plan.entry.item
    if not item.name_after_pupil:
        return item.source_name
    parsed, student = plan.parsed, plan.student
    day = parsed.collection_date if parsed is not None else timezone.localdate()
    if student is None or plan.archive_without_student or not student.student_number:
        return f"dossier_{day.isoformat()}.xml"
    return redact_identifiers(
        dossier_file_name(student_number=student.student_number, surname=student.surname, day=day)
    )


def audit_write(plans: list[Plan], archived: list[ReceivedDossier], *, received_by: str) -> None:
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
                    "collection_date": iso_or_none(row.collection_date),
                    "remarks": len(plan.remarks),
                    "source_name": row.source_name,
                    "changed_fields": list(plan.changed_fields),
                },
            )
        )
    audit_record_many(entries=entries)


def storage_failure_record(
    entry: Entry, *, received_by: str, reason: Message | None = None
) -> MergeResult:
    """This one file could not be merged: archive it as failed, change nothing else.

    ``reason``: why; by default an internal error (a database refusal says so itself).
    """
    reason = reason or texts.INTERNAL_ERROR()
    plan = Plan(entry, DossierOutcome.FAILED, reason=reason)
    try:
        with transaction.atomic():
            row = ReceivedDossier.objects.bulk_create([archive_row(plan, received_by=received_by)])[
                0
            ]
            audit_write([plan], [row], received_by=received_by)
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
        reason_message=reason,
    )


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
