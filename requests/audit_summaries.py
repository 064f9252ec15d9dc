"""How the audit page reads the requests app's entries in the active language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from audit.models import AuditAction
from audit.summaries import after_label, summary_renderer_register
from portal_text import date_param, render
from requests.models import RequestMode, RequestStatus


def _request_sent(details: Mapping[str, Any], summary: str) -> str | None:
    batch = details.get("batch_id")
    if batch is None:
        return None
    if details.get("mode") == RequestMode.CHANGES_SINCE:
        since = date_param(details.get("changed_since")) or "-"
        return _("changes since %(date)s, batch %(batch)s") % {"date": since, "batch": batch}
    return _("current file, batch %(batch)s") % {"batch": batch}


def _request_finished(details: Mapping[str, Any], summary: str) -> str | None:
    status = details.get("status")
    if status not in RequestStatus.values:
        return None
    label = str(RequestStatus(status).label)
    # The reason's code when the entry holds it; else the text it was stored with.
    failure = details.get("failure")
    reason = render(failure) if isinstance(failure, dict) else after_label(summary)
    return f"{label}: {reason}" if reason else label


def _request_added(details: Mapping[str, Any], summary: str) -> str | None:
    return str(RequestStatus.READY.label) if summary == "ready" else None


def _request_deleted(details: Mapping[str, Any], summary: str) -> str | None:
    return _("ready request deleted") if summary == "ready request deleted" else None


def _request_stopped(details: Mapping[str, Any], summary: str) -> str | None:
    failure = details.get("failure")
    if not isinstance(failure, dict):
        return None
    # The reason says it stopped ("Gestopt: ELK heeft de plaatsing ingetrokken. ...").
    return render(failure) or None


def summaries_register() -> None:
    summary_renderer_register(AuditAction.REQUEST_ADDED, _request_added)
    summary_renderer_register(AuditAction.REQUEST_DELETED, _request_deleted)
    summary_renderer_register(AuditAction.REQUEST_SENT, _request_sent)
    summary_renderer_register(AuditAction.REQUEST_RETRIED, _request_sent)
    summary_renderer_register(AuditAction.REQUEST_FINISHED, _request_finished)
    summary_renderer_register(AuditAction.REQUEST_STOPPED, _request_stopped)
