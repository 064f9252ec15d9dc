"""Codelist labels: the one loader, for any set of (codelist, code) pairs in one query."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q

from students.models import CodelistEntry


def codelist_labels_for(wanted: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """Labels for many (codelist, code) pairs in one query; unknown pairs are left out."""
    pairs = {(codelist, code) for codelist, code in wanted if code}
    if not pairs:
        return {}
    condition = Q()
    for codelist, code in pairs:
        condition |= Q(codelist=codelist, code=code)
    entries = CodelistEntry.objects.filter(condition).values_list("codelist", "code", "label")
    return {(codelist, code): label for codelist, code, label in entries}


def codelist_labels(codelist: str) -> dict[str, str]:
    """Every code of one codelist with its label (one query)."""
    return dict(CodelistEntry.objects.filter(codelist=codelist).values_list("code", "label"))


def codelist_label(codelist: str, code: str) -> str | None:
    """The label of one code, or None when the code is empty or unknown."""
    return codelist_labels_for([(codelist, code)]).get((codelist, code))
