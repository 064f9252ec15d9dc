"""Long id lists sent to the database in slices.

A statement with tens of thousands of bound values is slow to plan (PostgreSQL) or
refused (SQLite binds a limited number), so every long ``id__in`` and bulk write is
sent in slices of ``settings.OSO_ID_CHUNK_SIZE``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

from django.conf import settings

T = TypeVar("T")


def id_chunk_size() -> int:
    """How many ids one statement binds at most (``OSO_ID_CHUNK_SIZE``)."""
    return int(settings.OSO_ID_CHUNK_SIZE)


def id_chunks(values: Sequence[T], *, size: int | None = None) -> Iterator[list[T]]:
    """``values`` in consecutive slices of at most ``size`` (default: the setting)."""
    step = size or id_chunk_size()
    for start in range(0, len(values), step):
        yield list(values[start : start + step])
