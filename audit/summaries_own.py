"""The audit app's own entries (exports, reveals, blocked logins), read from their details."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from audit.models import AuditAction

_ROWS = re.compile(r"(\d+) rows$")


def _export(details: Mapping[str, Any], summary: str) -> str | None:
    kind = details.get("export")
    rows = details.get("rows")
    if rows is None and (match := _ROWS.search(summary)):
        rows = int(match.group(1))
    if kind == "audit_log" and rows is not None:
        return _("audit log, %(count)s rows") % {"count": rows}
    if kind == "requests" and rows is not None:
        return _("requests, %(count)s rows") % {"count": rows}
    scope = details.get("signup_group") or _("search")
    if kind == "cards" and rows is not None:
        return _("student cards %(format)s, %(scope)s, %(count)s rows") % {
            "format": details.get("format", ""),
            "scope": scope,
            "count": rows,
        }
    if kind == "dossiers_zip" and "files" in details:
        return _("OSO files zip, %(scope)s, %(count)s files") % {
            "scope": scope,
            "count": details["files"],
        }
    if kind == "dossier_attachment" and "index" in details:
        return _("dossier attachment %(number)s: %(name)s") % {
            "number": int(details["index"]) + 1,
            "name": details.get("filename", ""),
        }
    return None


def _revealed(details: Mapping[str, Any], summary: str) -> str | None:
    kind = details.get("identifier")
    labels = {"bsn": _("citizen service number"), "education_number": _("education number")}
    if kind not in labels:
        return None
    _kind, _space, masked = summary.partition(" ")
    return f"{labels[kind]} {masked}".strip()


def _login_blocked(details: Mapping[str, Any], summary: str) -> str | None:
    if "username" not in details:
        return None
    return _("%(username)s from %(address)s") % {
        "username": details["username"],
        "address": details.get("client_address", ""),
    }


OWN_RENDERERS = {
    AuditAction.EXPORT_MADE: _export,
    AuditAction.BSN_REVEALED: _revealed,
    AuditAction.LOGIN_BLOCKED: _login_blocked,
}
