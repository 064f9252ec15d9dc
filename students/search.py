"""A pupil search as a result URL gives it, shared by the search page and its actions.

A BSN typed in the search form is never put in a URL or kept whole in the session:
see ``remember_bsn_search``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib import messages
from django.db.models import QuerySet
from django.http import QueryDict

from common import page_text as text
from students.filters import StudentSearchFilter
from students.models import Student, mask_identifier
from students.selectors import students as student_selectors

# Parameters of the result list that are not search fields.
LIST_PARAMS = frozenset({"page", "sort", "per_page"})

# --- BSN search without a BSN in any URL or session ------------------------------------------
# The search form is posted. A BSN in it is resolved at once to the students it
# matches; the session keeps only their ids (and the number masked, to show what
# was searched) under a random reference, and the result URL (paging, sorting,
# "select all") carries only that reference. No full BSN is stored or echoed.
BSN_SESSION_KEY = "student_search_bsn"
BSN_REFS_KEPT = 5


def remember_bsn_search(session, digits: str) -> str:
    ids = list(
        Student.objects.filter(student_selectors.identifier_matches(digits)).values_list(
            "pk", flat=True
        )
    )
    shown = mask_identifier(digits) if len(digits) == 9 else f"…{digits[-4:]}"
    ref = secrets.token_urlsafe(9)
    refs = dict(list(session.get(BSN_SESSION_KEY, {}).items())[-(BSN_REFS_KEPT - 1) :])
    refs[ref] = {"ids": ids, "shown": shown}
    session[BSN_SESSION_KEY] = refs
    return ref


@dataclass
class StudentSearch:
    """A search as a result URL gives it: the filter, plus a BSN search kept in the session."""

    filterset: StudentSearchFilter
    bsn_ids: list[int] | None = None
    bsn_shown: str | None = None

    @classmethod
    def from_params(cls, request, params: QueryDict) -> StudentSearch:
        data = params.copy()
        data.pop("bsn", None)  # never from a URL
        bound = any(key not in LIST_PARAMS for key in params)
        filterset = StudentSearchFilter(
            data if bound else None,
            queryset=student_selectors.student_search_queryset(),
            request=request,
        )
        ref = params.get("bsn_ref")
        if not ref:
            return cls(filterset)
        kept = request.session.get(BSN_SESSION_KEY, {}).get(ref)
        if kept is None:
            messages.warning(request, text.SEARCH_EXPIRED)
            return cls(filterset, bsn_ids=[])
        return cls(filterset, bsn_ids=kept["ids"], bsn_shown=kept["shown"])

    @property
    def is_bound(self) -> bool:
        return self.filterset.is_bound

    def results(self) -> QuerySet[Student]:
        if not self.filterset.is_valid():
            return Student.objects.none()
        queryset = self.filterset.qs
        if self.bsn_ids is not None:
            queryset = queryset.filter(pk__in=self.bsn_ids)
        return queryset
