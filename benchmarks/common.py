"""Shared parts of the benchmarks: environment, fresh databases, the floor, machine facts.

Every benchmark runs against its own PostgreSQL database, created fresh and migrated,
and dropped at the end unless ``--keep-db`` is given. The Django settings are the
production ones (DEBUG off: Django keeps no query log), pointed at that database.
"""

from __future__ import annotations

import json
import os
import platform
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RESULTS_DIR = ROOT / "benchmarks" / "results"
PG_URL = os.environ.get("OSO_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
SECRET_KEY = "benchmark-only-secret-key-" + "x" * 40  # production mode wants 50+ characters


def bench_env(database: str, *, var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of every process of a benchmark (this one, commands, workers)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "oso_portal.settings",
        "OSO_PORTAL_ENV": "production",
        "DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,
        "DATABASE_URL": f"{PG_URL}/{database}",
        "OSO_PORTAL_VAR_DIR": str(var_dir),
        "CELERY_BROKER_URL": os.environ.get("OSO_BENCH_REDIS", "redis://127.0.0.1:6379/7"),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    env.update(extra)
    return env


def setup_django(env: dict[str, str]) -> None:
    """Configure this process like the ones it starts, then ``django.setup()``."""
    os.environ.update(env)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# --- Databases ------------------------------------------------------------------------


def _admin_sql(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def database_recreate(name: str) -> None:
    if not name.startswith("oso_bench"):
        raise SystemExit(f"refusing to drop {name!r}: benchmark databases start with oso_bench")
    _admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin_sql(f'CREATE DATABASE "{name}"')


def database_drop(name: str) -> None:
    if name.startswith("oso_bench"):
        _admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrate(env: dict[str, str]) -> None:
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )


# --- Load and machine --------------------------------------------------------------------


def load() -> tuple[float, float, float]:
    return os.getloadavg()


def load_text(values: Sequence[float] | None = None) -> str:
    one, five, fifteen = values or load()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def machine() -> dict[str, str]:
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": memory,
        "python": platform.python_version(),
        "postgresql": _postgres_version(),
    }


def _postgres_version() -> str:
    import psycopg

    with psycopg.connect(f"{PG_URL}/postgres") as conn:
        row = conn.execute("SHOW server_version").fetchone()
        return str(row[0]) if row else "?"


# --- The floor: safe parse, XSD validation, one bulk write ------------------------------

FLOOR_TABLE = "bench_floor_dossier"
FLOOR_COLUMNS = (
    "sha256",
    "bsn",
    "education_number",
    "birth_date",
    "surname",
    "given_name",
    "collection_date",
    "school_brin",
    "advice_code",
)


@dataclass
class FloorTimes:
    read: float = 0.0
    parse: float = 0.0
    validate: float = 0.0
    extract: float = 0.0
    write: float = 0.0
    count: int = 0
    invalid: int = 0

    @property
    def total(self) -> float:
        return self.read + self.parse + self.validate + self.extract + self.write

    def as_dict(self) -> dict[str, float | int]:
        return {
            "read_s": round(self.read, 3),
            "parse_s": round(self.parse, 3),
            "validate_s": round(self.validate, 3),
            "extract_s": round(self.extract, 3),
            "write_s": round(self.write, 3),
            "total_s": round(self.total, 3),
            "dossiers": self.count,
            "invalid": self.invalid,
        }


def floor_table_create() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {FLOOR_TABLE}")
        cursor.execute(
            f"CREATE TABLE {FLOOR_TABLE} (id bigserial PRIMARY KEY, sha256 char(64) NOT NULL, "
            "bsn varchar(9) NOT NULL, education_number varchar(9) NOT NULL, birth_date date, "
            "surname varchar(200) NOT NULL, given_name varchar(100) NOT NULL, "
            "collection_date date, school_brin varchar(4) NOT NULL, "
            "advice_code varchar(2) NOT NULL)"
        )


class FloorReader:
    """The reader's own safe parser and compiled XSD, and a plain lookup of the main fields."""

    def __init__(self) -> None:
        from oso_format import reader, schema
        from oso_format.versions import OSO_VERSIONS

        self._root_and_version = reader._root_and_version
        self._validate = schema.validate
        # Compiled once per process, as the reader does; counted in the floor.
        started = time.perf_counter()
        for version in OSO_VERSIONS:
            schema.get_schema(version)
        self.compile_seconds = time.perf_counter() - started

    def rows(self, raws: Iterable[bytes], times: FloorTimes) -> list[tuple]:
        import hashlib

        from oso_format.types import DossierError

        rows = []
        for raw in raws:
            started = time.perf_counter()
            try:
                root, version = self._root_and_version(raw)
            except DossierError:
                times.invalid += 1
                times.parse += time.perf_counter() - started
                continue
            parsed = time.perf_counter()
            times.parse += parsed - started
            try:
                self._validate(root, version)
            except DossierError:
                times.invalid += 1
                times.validate += time.perf_counter() - parsed
                continue
            validated = time.perf_counter()
            times.validate += validated - parsed
            rows.append(_main_fields(root, version, hashlib.sha256(raw).hexdigest()))
            times.extract += time.perf_counter() - validated
            times.count += 1
        return rows


def _main_fields(root, version, sha256: str) -> tuple:
    """The main fields by fixed paths (no business rules, no codelists, no mapping)."""
    pupil = root.find(f"{version.tag('huidigeschool')}/{version.tag('leerling')}")
    school = root.find(version.tag("huidigeschool"))

    def find(element, *names: str) -> str:
        if element is None:
            return ""
        path = "/".join(version.tag(name) for name in names)
        return (element.findtext(path) or "").strip()

    return (
        sha256,
        find(pupil, "bsn"),
        find(pupil, "onderwijsnummer"),
        find(pupil, "geboortedatum") or None,
        find(pupil, "achternaam"),
        find(pupil, "roepnaam"),
        find(root, "metadata", "datum") or None,
        find(school, "brincode")[:4],
        find(pupil, "overstapadvies", "advies")[:2],
    )


def floor_write(rows: list[tuple], times: FloorTimes) -> None:
    """One bulk write: a single COPY of every row, in one transaction."""
    from django.db import connection, transaction

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        raw_cursor = cursor.cursor  # psycopg 3 cursor under Django's wrapper
        with raw_cursor.copy(f"COPY {FLOOR_TABLE} ({', '.join(FLOOR_COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    times.write += time.perf_counter() - started


def floor_check(count: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), count(DISTINCT sha256) FROM {FLOOR_TABLE}")
        total, distinct = cursor.fetchone()
    if total != count:
        raise SystemExit(f"floor wrote {total} rows, expected {count}")
    if distinct != count:
        raise SystemExit(f"floor rows are not distinct: {distinct} of {count}")


# --- Query counting -----------------------------------------------------------------------


class QueryCounter:
    """A ``connection.execute_wrapper`` that counts statements and the time spent in them.

    An ``executemany`` counts as one statement (one call, as Django sends it). The time
    is the round trip as the caller sees it: binding, network, server, fetching.
    """

    _TABLE = re.compile(r'(?:INTO|UPDATE|FROM)\s+"?([a-z_0-9]+)"?', re.IGNORECASE)

    def __init__(self) -> None:
        self.queries = 0
        self.seconds = 0.0
        self.by_kind: dict[str, int] = {}
        self.by_statement: dict[str, list[float]] = {}

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - started
            self.queries += 1
            self.seconds += elapsed
            kind = sql.lstrip().split(None, 1)[0].upper() if sql else "?"
            self.by_kind[kind] = self.by_kind.get(kind, 0) + 1
            table = self._TABLE.search(sql or "")
            key = f"{kind} {table.group(1) if table else ''}".strip()
            entry = self.by_statement.setdefault(key, [0, 0.0])
            entry[0] += 1
            entry[1] += elapsed

    def as_dict(self) -> dict:
        return {
            "queries": self.queries,
            "query_s": round(self.seconds, 3),
            "by_kind": self.by_kind,
            "by_statement": {
                key: {"count": count, "seconds": round(seconds, 3)}
                for key, (count, seconds) in sorted(
                    self.by_statement.items(), key=lambda item: -item[1][1]
                )
            },
        }


def backend_cpu_seconds() -> float | None:
    """CPU seconds (user + system) of this connection's PostgreSQL backend so far.

    The server runs on this machine: psutil reads its process. None if it cannot.
    """
    try:
        import psutil
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        times = psutil.Process(pid).cpu_times()
        return times.user + times.system
    except Exception:
        return None


def own_cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system


# --- Profiling ----------------------------------------------------------------------------


def py_spy_binary() -> str:
    """py-spy from $PY_SPY, the venv or PATH (``pip install py-spy``; not a project dependency)."""
    import shutil

    candidates = [os.environ.get("PY_SPY"), str(Path(PYTHON).parent / "py-spy"), "py-spy"]
    for candidate in candidates:
        if candidate and shutil.which(candidate):
            return candidate
    raise SystemExit("py-spy not found: pip install py-spy, or set PY_SPY=/path/to/py-spy")


def py_spy_record(output: Path, *, pid: int | None = None, rate: int = 250) -> list[str]:
    """The py-spy command line that samples into collapsed stacks.

    Idle time (waiting on the database or the network) is sampled too, so the shares
    are of wall time; ``OSO_BENCH_PY_SPY_CPU=1`` samples only running code (CPU time).
    """
    command = [py_spy_binary(), "record", "--rate", str(rate), "--format", "raw"]
    if os.environ.get("OSO_BENCH_PY_SPY_CPU") != "1":
        command.append("--idle")
    command += ["--output", str(output)]
    if pid is not None:
        return [*command, "--subprocesses", "--pid", str(pid)]
    return [*command, "--"]


# --- Reporting --------------------------------------------------------------------------


def write_result(name: str, result: dict) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = RESULTS_DIR / f"{name}-{stamp}.json"
    path.write_text(json.dumps(result, indent=2, default=str) + "\n")
    return path


def today() -> date:
    return date.today()


def process_group_stop(process: subprocess.Popen) -> None:
    """Warm shutdown (SIGTERM to the process's own group: a worker and its children), then
    SIGKILL for what is still running after 30 seconds."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)
