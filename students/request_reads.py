"""What the students pages show about a pupil's OSO requests, through a small interface.

The requests app depends on students, never the other way round. The search
filter, the signup-group counts, the student page and the card exports still
show each pupil's request state, so the requests app hands these reads in when
it starts (``OsoRequestsConfig.ready`` calls ``request_reads_install``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Exists
from django.db.models.expressions import BaseExpression
from django.db.models.lookups import Exact


class RequestReads(Protocol):
    def open_request_exists(self) -> Exists:
        """The student (``OuterRef("pk")``) has a request that is not final."""
        ...

    def latest_request_failed(self) -> Exact:
        """The student's most recent request ended in *Mislukt*."""
        ...

    def student_requests(self, *, student_id: int) -> Sequence[Any]:
        """The student's requests, newest first (for the student page)."""
        ...

    def latest_request_status(self) -> BaseExpression:
        """The status value of the student's (``OuterRef("pk")``) latest request, or NULL."""
        ...

    def status_label(self, status: str) -> str:
        """A status value's label in the active language."""
        ...


_installed: RequestReads | None = None


def request_reads_install(reads: RequestReads) -> None:
    global _installed
    _installed = reads


def request_reads() -> RequestReads:
    if _installed is None:
        raise ImproperlyConfigured("The requests app has not installed its request reads.")
    return _installed


def request_reads_or_none() -> RequestReads | None:
    """The reads, or None without the requests app (an export then leaves the column empty)."""
    return _installed
