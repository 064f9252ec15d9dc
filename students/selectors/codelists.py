"""Codelist labels, and a code as staff read it."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from students.models import CodelistEntry


def codelist_labels_for(wanted: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Labels for many (codelist, code) pairs in one query (none for an unknown code)."""
    if not wanted:
        return {}
    condition = Q()
    for codelist, code in wanted:
        condition |= Q(codelist=codelist, code=code)
    entries = CodelistEntry.objects.filter(condition).values_list("codelist", "code", "label")
    return {(codelist, code): label for codelist, code, label in entries}


def codelists_labels(codelists: tuple[str, ...]) -> dict[tuple[str, str], str]:
    """Every label of these codelists (small tables): one query."""
    entries = CodelistEntry.objects.filter(codelist__in=codelists).values_list(
        "codelist", "code", "label"
    )
    return {(codelist, code): label for codelist, code, label in entries}


def coded_text(code: str, label: str | None) -> str:
    """A code as staff read it: ``havo (50)``, or ``code 44 (omschrijving onbekend)``."""
    if not code:
        return ""
    if label:
        return f"{label} ({code})"
    return _("code %(code)s (description unknown)") % {"code": code}
