"""The release-to-card benchmark still runs: 20 waiting pupils, notified (BENCHMARKS.md).

Needs PostgreSQL and Redis, skipped without them. Nothing is timed here.
"""

from __future__ import annotations

import uuid

import pytest

from tests.test_benchmarks_smoke import _postgres_server, _redis, _run

pytestmark = pytest.mark.slow


def test_the_release_benchmark_brings_every_released_file_in_through_the_callback(tmp_path):
    server, broker = _postgres_server(), _redis()
    if server is None or broker is None:
        pytest.skip("PostgreSQL or Redis is not reachable")
    result = _run(
        "release_to_card.py",
        "--scenario",
        "region",
        "--mode",
        "notify",
        "--count",
        "20",
        "--database",
        f"oso_bench_smoke_{uuid.uuid4().hex[:8]}",
        tmp_path=tmp_path,
        env={"OSO_BENCH_PG": server, "OSO_BENCH_REDIS": broker},
    )

    assert result["ok"] is True
    assert result["waiting"] == 20
    assert result["release_to_card_s"]["count"] == 20
    assert result["calls_after_release"]["callback_items"] == 20
