"""Codelist labels, keyed (codelist, code): for the pairs a page needs, or whole codelists."""

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


def codelist_labels_in(*codelists: str) -> dict[tuple[str, str], str]:
    """Every label of these (small) codelists in one query, for many rows at once."""
    entries = CodelistEntry.objects.filter(codelist__in=codelists).values_list(
        "codelist", "code", "label"
    )
    return {(codelist, code): label for codelist, code, label in entries}
