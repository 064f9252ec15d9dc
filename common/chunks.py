"""Slicing long id lists for ``id__in`` queries and bulk writes.

A query with tens of thousands of bound values is slow to plan (PostgreSQL) or
refused (old SQLite builds bind at most 999), so every long ``id__in`` is sent in
slices of ``settings.OSO_ID_CHUNK_SIZE``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

from django.conf import settings

T = TypeVar("T")


def id_chunk_size() -> int:
    return settings.OSO_ID_CHUNK_SIZE


def id_chunks(values: Sequence[T], *, size: int | None = None) -> Iterator[Sequence[T]]:
    """``values`` in consecutive slices of at most ``size`` (default: the setting)."""
    step = size or id_chunk_size()
    for start in range(0, len(values), step):
        yield values[start : start + step]
