"""The benchmarks still run: each script with a tiny count, end to end (results: BENCHMARKS.md).

They need PostgreSQL (and Redis for the region benchmark) and are skipped without
them. Nothing is timed here: a benchmark's figures are no test's business.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


def _postgres_server() -> str | None:
    """The server of DATABASE_URL when it is PostgreSQL, else the local default; None if down."""
    url = os.environ.get("DATABASE_URL", "")
    parts = urlsplit(url)
    if parts.scheme in {"postgres", "postgresql"}:
        server = f"{parts.scheme}://{parts.netloc}"
    else:
        server = "postgres://postgres@127.0.0.1:5432"
    try:
        import psycopg

        with psycopg.connect(f"{server}/postgres", connect_timeout=3):
            return server
    except Exception:
        return None


def _redis() -> str | None:
    url = os.environ.get("CELERY_BROKER_URL", "")
    url = url if url.startswith("redis://") else "redis://127.0.0.1:6379/7"
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
        return url
    except Exception:
        return None


def _run(script: str, *args: str, tmp_path: Path, env: dict[str, str]) -> dict:
    output = tmp_path / f"{script}.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *args, "--json", str(output)],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(output.read_text())


@pytest.fixture
def server() -> str:
    found = _postgres_server()
    if found is None:
        pytest.skip("PostgreSQL is not reachable")
    return found


def test_the_import_benchmark_imports_every_file_and_reports_the_ratio(server, tmp_path):
    database = f"oso_bench_smoke_{uuid.uuid4().hex[:8]}"
    result = _run(
        "import_dossiers.py",
        "--count",
        "20",
        "--database",
        database,
        tmp_path=tmp_path,
        env={"OSO_BENCH_PG": server},
    )

    assert result["ok"] is True
    assert result["command"]["outcomes"] == {"Nieuwe leerling aangemaakt": 20}
    assert result["floor"]["dossiers"] == 20
    assert result["command"]["queries"] > 0
    assert result["ratio_wall"] > 0


def test_the_region_benchmark_settles_every_request_through_real_workers(server, tmp_path):
    broker = _redis()
    if broker is None:
        pytest.skip("Redis is not reachable")
    database = f"oso_bench_smoke_{uuid.uuid4().hex[:8]}"
    result = _run(
        "region.py",
        "--counts",
        "20",
        "--database",
        database,
        tmp_path=tmp_path,
        env={"OSO_BENCH_PG": server, "OSO_BENCH_REDIS": broker},
    )

    (run,) = result["runs"]
    assert run["ok"] is True
    assert sum(run["statuses"].values()) == 20
    assert run["worker"]["processes"] >= 1
    assert run["worker"]["queries"] > 0
    assert run["memory"]["peak_rss_tree_mib"] > 0
    assert run["floor"]["dossiers"] == 20


def test_the_pages_benchmark_serves_both_pages_under_gunicorn_to_wrk(server, tmp_path):
    if shutil.which("wrk") is None:
        pytest.skip("wrk is not installed")
    database = f"oso_bench_smoke_{uuid.uuid4().hex[:8]}"
    result = _run(
        "pages.py",
        "--rows",
        "60",
        "--duration",
        "1",
        "--single-seconds",
        "1",
        "--sessions",
        "2",
        "--clients",
        "2",
        "--database",
        database,
        tmp_path=tmp_path,
        env={"OSO_BENCH_PG": server},
    )

    assert result["workers"] == 4
    (size,) = result["sizes"]
    assert set(size["pages"]) == {"search", "overview"}
    for page in size["pages"].values():
        for run in (page["single"], page["concurrent"]):
            assert run["requests"] > 0 and run["non_200"] == 0 and run["errors"] == 0
            assert run["server_ms"]["p50"] > 0
