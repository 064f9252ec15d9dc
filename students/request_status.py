"""A pupil's latest OSO request, as the students app may read it: through this interface.

The requests app owns the request rows and depends on students, never the other
way round. The card exports still show *Status laatste aanvraag*, so the requests
app, once it is ready, provides here how to read it: a queryset expression on
``Student`` (evaluated inside the exports' own query, so it costs no query of its
own) and the label of a status. Without a provider (the requests app not
installed) the column stays empty.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models.expressions import BaseExpression


@dataclass(frozen=True, kw_only=True)
class LatestRequestStatusSource:
    # An expression on a Student queryset (OuterRef("pk") is the student):
    # the status value of the student's latest request, or NULL without one.
    expression: Callable[[], BaseExpression]
    # The label of a status value in the active language.
    label: Callable[[str], str]


_source: LatestRequestStatusSource | None = None


def latest_request_status_provide(source: LatestRequestStatusSource) -> None:
    """Called by the requests app when it is ready; a later call replaces the source."""
    global _source
    _source = source


def latest_request_status_source() -> LatestRequestStatusSource | None:
    return _source
