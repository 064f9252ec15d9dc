"""A pupil's OSO requests, as the students app may read them: through this interface.

The requests app owns the request rows and depends on students, never the other
way round. The card exports still show *Status laatste aanvraag*, so the requests
app, once it is ready, provides here how to read it: a queryset expression on
``Student`` (evaluated inside the exports' own query, so it costs no query of its
own) and the label of a status. Without a provider (the requests app not
installed) the column stays empty.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
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


@dataclass(frozen=True, kw_only=True)
class StudentRequestReads:
    """The other reads of a pupil's requests that the students pages show."""

    # An expression on a Student queryset: the student has a request that is not final.
    open_request: Callable[[], BaseExpression]
    # An expression on a Student queryset: the student's latest request ended in Mislukt.
    latest_failed: Callable[[], BaseExpression]
    # The student's requests, newest first (the student page's history).
    student_requests: Callable[[int], Sequence[Any]]


_reads: StudentRequestReads | None = None


def student_request_reads_provide(reads: StudentRequestReads) -> None:
    """Called by the requests app when it is ready; a later call replaces the reads."""
    global _reads
    _reads = reads


def student_request_reads() -> StudentRequestReads:
    if _reads is None:
        raise ImproperlyConfigured("The requests app has not provided its request reads.")
    return _reads
