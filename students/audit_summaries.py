"""How the audit page reads the students app's entries in the active language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from audit.models import AuditAction
from audit.summaries import after_label, summary_renderer_register
from students.models import DossierOutcome, changed_fields_text
from students.services.dossier_merge.texts import field_label


def _dossier_imported(details: Mapping[str, Any], summary: str) -> str | None:
    outcome = details.get("outcome")
    if outcome not in DossierOutcome.values:
        return None
    name = details.get("source_name") or after_label(summary)
    text = str(DossierOutcome(outcome).label)
    if name:
        text = f"{text}: {name}"
    changed = changed_fields_text(details.get("changed_fields"))
    return f"{text} ({changed})" if changed else text


def _correction(details: Mapping[str, Any], summary: str) -> str | None:
    field = details.get("field")
    return field_label(field) if field else None


def summaries_register() -> None:
    summary_renderer_register(AuditAction.DOSSIER_IMPORTED, _dossier_imported)
    summary_renderer_register(AuditAction.CORRECTION_RECORDED, _correction)
    summary_renderer_register(AuditAction.CORRECTION_RELEASED, _correction)
