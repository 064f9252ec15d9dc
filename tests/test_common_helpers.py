"""The small shared helpers: id slicing with the chunk size from settings, aware times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from common.chunks import id_chunk_size, id_chunks
from common.clock import aware


def test_ids_are_sliced_by_the_configured_chunk_size(settings):
    settings.OSO_ID_CHUNK_SIZE = 3
    assert id_chunk_size() == 3
    assert list(id_chunks(list(range(8)))) == [[0, 1, 2], [3, 4, 5], [6, 7]]
    assert list(id_chunks([])) == []


def test_an_explicit_size_wins_over_the_setting(settings):
    settings.OSO_ID_CHUNK_SIZE = 3
    assert list(id_chunks([1, 2, 3, 4], size=4)) == [[1, 2, 3, 4]]


def test_a_naive_time_is_taken_as_utc_and_an_aware_one_is_kept():
    assert aware(datetime(2021, 5, 11, 8, 0)) == datetime(2021, 5, 11, 8, 0, tzinfo=UTC)
    amsterdam = timezone(timedelta(hours=2))
    kept = datetime(2021, 5, 11, 8, 0, tzinfo=amsterdam)
    assert aware(kept) is kept
