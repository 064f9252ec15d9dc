"""How the audit page reads the students app's entries in the active language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.summaries import after_label, summary_renderer_register
from students.models import DossierOutcome, SignupSource, changed_fields_text
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


def _student_changed(details: Mapping[str, Any], summary: str) -> str | None:
    fields = details.get("fields")
    if not isinstance(fields, list):
        return None
    labels = ", ".join(field_label(name) for name in fields)
    if details.get("created"):
        return _("created: %(fields)s") % {"fields": labels}
    return _("fields: %(fields)s") % {"fields": labels}


def _student_purged(details: Mapping[str, Any], summary: str) -> str | None:
    if "school_year" not in details:
        return None
    return f"{details['school_year']} {details.get('signup_group') or ''}".strip()


def _dossier_purged(details: Mapping[str, Any], summary: str) -> str | None:
    outcome = details.get("outcome")
    if "dossier_id" not in details or outcome not in DossierOutcome.values:
        return None
    return _("%(year)s dossier %(id)s (%(outcome)s)") % {
        "year": details.get("school_year", ""),
        "id": details["dossier_id"],
        "outcome": DossierOutcome(outcome).label,
    }


def _signup_created(details: Mapping[str, Any], summary: str) -> str | None:
    source = details.get("source")
    if source not in SignupSource.values or "signup_group" not in details:
        return None
    group = details["signup_group"]
    if details.get("school_year"):
        group = f"{group} ({details['school_year']})"
    return f"{SignupSource(source).label}: {group}"


def _signup_undone(details: Mapping[str, Any], summary: str) -> str | None:
    if "signup_import_id" not in details:
        return None
    return _("signup import %(id)s undone") % {"id": details["signup_import_id"]}


def summaries_register() -> None:
    summary_renderer_register(AuditAction.DOSSIER_IMPORTED, _dossier_imported)
    summary_renderer_register(AuditAction.CORRECTION_RECORDED, _correction)
    summary_renderer_register(AuditAction.CORRECTION_RELEASED, _correction)
    summary_renderer_register(AuditAction.STUDENT_CHANGED, _student_changed)
    summary_renderer_register(AuditAction.STUDENT_PURGED, _student_purged)
    summary_renderer_register(AuditAction.DOSSIER_PURGED, _dossier_purged)
    summary_renderer_register(AuditAction.SIGNUP_CREATED, _signup_created)
    summary_renderer_register(AuditAction.SIGNUP_UNDONE, _signup_undone)
