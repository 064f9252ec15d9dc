"""Benchmark: a region's 10,000 requests in one send, through real workers, against the floor.

    .venv/bin/python benchmarks/region.py                 # 2,000 then 10,000 students
    .venv/bin/python benchmarks/region.py --counts 10000  # one size

Per size N, in one run:

1. a fresh PostgreSQL database (``oso_bench_region``), migrated; a Celery queue and
   Redis key prefix of this run only (Redis DB 7 unless ``OSO_BENCH_REDIS`` says else);
2. the mock endpoint (``python -m elk_mock --dataset generated:N``, no latency, no
   faults), clock at 2021-03-20: only the first files are released;
3. N students in signup groups of 1,000, made fast: each pupil's first dossier
   (the bytes the mock serves) merged in-process with ``dossiers_merge``; a request
   *Klaar om op te vragen* for each (``transfer_requests_add``); ``ANALYZE``;
4. the mock's clock to 2021-05-20, where every later version (final test, revised
   advice, moved address; the late ones too) is published;
5. one warm-up pass of the floor (the mock builds each served file once and keeps
   it: without this the pipeline would pay that cost and the floor after it not);
6. a real Celery worker, prefork, as many processes as cores, through
   ``benchmarks/bench_worker.py`` (which counts each process's statements per task);
   the Redis broker; no beat;
7. ONE ``transfer_requests_send`` of all N requests; the clock runs from just before
   that call to the ``completed_at`` of the last request to settle; the workers'
   memory (RSS of the worker's whole process tree) is sampled every 0.1 s;
8. the floor, timed: one client fetches the same dossiers from the mock in batches
   of 1,000 (submit, then results), safe parse, XSD validation with the reader's
   compiled schema, a plain lookup of the main fields, and one COPY into a table.

Targets (BENCHMARKS.md): end to end within 3x the floor; queries per chunk independent of
chunk size and of the number of students; worker memory flat as the batch grows.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import (
    PYTHON,
    ROOT,
    FloorReader,
    FloorTimes,
    QueryCounter,
    bench_env,
    database_drop,
    database_recreate,
    floor_table_create,
    floor_write,
    load,
    load_text,
    machine,
    migrate,
    process_group_stop,
    py_spy_record,
    setup_django,
    write_result,
)

DATABASE = "oso_bench_region"
FIRST_CLOCK = date(2021, 3, 20)
LATER_CLOCK = date(2021, 5, 20)
GROUP_SIZE = 1000
IMPORT_CHUNK = 500
FLOOR_BATCH = 1000  # the endpoint's limit per call (requests.client.MAX_ITEMS_PER_CALL)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--counts", default="2000,10000", help="sizes to run, comma-separated")
    parser.add_argument("--concurrency", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--chunk", type=int, default=None, help="OSO_REQUEST_CHUNK_SIZE")
    parser.add_argument("--repeat", type=int, default=1, help="runs per size (fresh each time)")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds to wait")
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--py-spy", metavar="PATH", help="py-spy profile of the workers")
    parser.add_argument("--json", metavar="PATH", help="also write the results here")
    args = parser.parse_args()
    counts = [int(part) for part in args.counts.split(",") if part]

    results = []
    # One queue and Redis key prefix for this invocation (this process configures
    # Django once, and publishes to that queue); nothing else is touched in Redis.
    run_id = uuid.uuid4().hex[:8]
    extra = {"OSO_CELERY_QUEUE": f"bench-{run_id}", "CELERY_BROKER_KEY_PREFIX": f"bench-{run_id}:"}
    if args.chunk:
        extra["OSO_REQUEST_CHUNK_SIZE"] = str(args.chunk)
    for count in counts:
        for _repeat in range(args.repeat):
            work = Path(tempfile.mkdtemp(prefix="oso-bench-region-"))
            env = bench_env(args.database, var_dir=work / "var", **extra)
            try:
                result = _run(count, args, work, env)
            finally:
                _close_connections()
                if not args.keep_db:
                    database_drop(args.database)
                _redis_clean(env["CELERY_BROKER_URL"], extra["CELERY_BROKER_KEY_PREFIX"])
                shutil.rmtree(work, ignore_errors=True)
            _print(result)
            results.append(result)
    _print_summary(results)
    path = write_result("region", {"runs": results})
    if args.json:
        Path(args.json).write_text(json.dumps({"runs": results}, indent=2, default=str) + "\n")
    print(f"result: {path}")
    if args.py_spy:
        from benchmarks.profile_summary import report

        print(report(Path(args.py_spy), within="execute_task"))
    return 0 if all(result["ok"] for result in results) else 1


def _run(count: int, args, work: Path, env: dict[str, str]) -> dict:
    from elk_mock.testing import MockEndpoint

    database_recreate(args.database)
    migrate(env)
    mock = MockEndpoint("--quiet", dataset=f"generated:{count}", clock=FIRST_CLOCK)
    mock.start()
    env["OSO_ENDPOINT_URL"] = mock.url
    try:
        setup_django(env)
        started = time.perf_counter()
        pupils, request_ids = _students_make(count)
        _analyze()
        setup_seconds = time.perf_counter() - started
        mock.set_clock(LATER_CLOCK)
        expected = _expected(pupils)

        reader = FloorReader()
        warm = _floor(pupils, mock.url, reader, write=False, mock_pid=_pid(mock))

        result = _pipeline(count, request_ids, args, work, env, mock)
        result["setup_s"] = round(setup_seconds, 1)
        result["floor_warm_up"] = warm

        load_floor = load()
        floor = _floor(pupils, mock.url, reader, write=True, mock_pid=_pid(mock))
        floor["load"] = load_text(load_floor)
        result["floor"] = floor
        result["expected"] = expected
        result["ok"] = result["ok"] and result["statuses"] == expected
        result["ratio"] = round(result["wall_s"] / floor["total_s"], 2)
        pipeline_cpu = sum(result["cpu_s"].values())
        floor_cpu = sum(floor["cpu_s"].values())
        result["cpu_ratio"] = round(pipeline_cpu / floor_cpu, 2) if floor_cpu else None
        result["mock_stats"] = dict(mock.stats())
        return result
    finally:
        mock.stop()


# --- Set-up: students with their first dossier, and a ready request each -----------------


def _students_make(count: int):
    from django.db import transaction

    from elk_mock.dataset import generated_pupils
    from requests.models import TransferRequest
    from requests.services import transfer_requests_add
    from students.models import SignupGroup
    from students.services.dossier_merge import DossierIn, dossiers_merge

    pupils = generated_pupils(count)  # the mock's --dataset generated:N (seed 0)
    for start in range(0, count, GROUP_SIZE):
        group = SignupGroup.objects.create(
            name=f"Regio groep {start // GROUP_SIZE + 1}", school_year="2021-2022"
        )
        members = pupils[start : start + GROUP_SIZE]
        for offset in range(0, len(members), IMPORT_CHUNK):
            items = [
                DossierIn(raw=pupil.versions[0].xml, source_name=f"{pupil.key}.xml")
                for pupil in members[offset : offset + IMPORT_CHUNK]
            ]
            with transaction.atomic():
                results = dossiers_merge(items=items, signup_group=group, received_by="bench")
            failed = [r for r in results if r.outcome == "failed"]
            if failed:
                raise SystemExit(f"set-up import failed: {failed[0].reason}")
    from students.models import Student

    student_ids = list(Student.objects.order_by("id").values_list("id", flat=True))
    added = transfer_requests_add(student_ids=student_ids, user="bench")
    if added.added != count:
        raise SystemExit(f"expected {count} requests, added {added.added}")
    request_ids = list(TransferRequest.objects.order_by("id").values_list("id", flat=True))
    return pupils, request_ids


def _analyze() -> None:
    """Planner statistics, as autovacuum would have gathered them long before staff send.

    Without them PostgreSQL plans the first chunks' lookups on a just-filled table
    with default estimates (sequential scans of every student).
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _expected(pupils) -> dict[str, int]:
    """What the pipeline must end with: a later file is processed, the rest unchanged."""
    from elk_mock.dataset import released_version
    from requests.models import RequestStatus

    expected: Counter = Counter()
    for pupil in pupils:
        version = released_version(pupil, LATER_CLOCK)
        changed = version is not pupil.versions[0]
        expected[RequestStatus.NOT_CHANGED if not changed else "processed*"] += 1
    return dict(expected)


# --- The pipeline ------------------------------------------------------------------------


def _pipeline(count, request_ids, args, work: Path, env, mock) -> dict:
    from django.db import connection
    from django.db.models import Count, Max, Min
    from django.utils import timezone

    from requests.models import FINAL_STATUSES, RequestMode, RequestStatus, TransferRequest
    from requests.services import transfer_requests_send

    stats_dir = work / "worker"
    stats_dir.mkdir()
    worker_env = {**env, "OSO_BENCH_WORKER_DIR": str(stats_dir)}
    worker_log = (work / "worker.log").open("w")
    worker = subprocess.Popen(
        [
            PYTHON,
            str(ROOT / "benchmarks" / "bench_worker.py"),
            "--pool",
            "prefork",
            "--concurrency",
            str(args.concurrency),
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--hostname",
            f"bench-{uuid.uuid4().hex[:6]}@%h",
        ],
        cwd=ROOT,
        env=worker_env,
        stdout=worker_log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    spy = None
    try:
        _wait_for(lambda: (stats_dir / "ready").exists(), timeout=60, what="the worker")
        if args.py_spy:
            spy = subprocess.Popen(
                py_spy_record(Path(args.py_spy), pid=worker.pid),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(1.0)  # py-spy attaches
        sampler = _Sampler(worker.pid, mock.process.pid, args.database, {_backend_pid()})
        sampler.start()
        xact_before = _xact_count()
        load_before = load()
        loads = []

        send_counter = QueryCounter()
        sent_at = time.time()
        send_started = timezone.now()
        with connection.execute_wrapper(send_counter):
            batch = transfer_requests_send(
                request_ids=request_ids, mode=RequestMode.CURRENT, changed_since=None, user="bench"
            )
        send_seconds = time.time() - sent_at
        assert batch is not None

        monitor_queries = 0
        deadline = time.monotonic() + args.timeout
        settled = False
        while time.monotonic() < deadline:
            time.sleep(0.25)
            loads.append(load()[0])
            monitor_queries += 1
            if not TransferRequest.objects.filter(
                status__in=(RequestStatus.READY, RequestStatus.REQUESTED)
            ).exists():
                settled = True
                break
            if worker.poll() is not None:
                break
        sampler.stop()
        load_after = load()
    finally:
        if spy is not None:
            spy.send_signal(signal.SIGINT)
            try:
                spy.wait(60)
            except subprocess.TimeoutExpired:
                spy.kill()
        process_group_stop(worker)
        worker_log.close()
    time.sleep(1.0)  # backends flush their statistics when they end
    xact_after = _xact_count()

    rows = TransferRequest.objects.filter(batch=batch)
    times = rows.aggregate(first=Min("completed_at"), last=Max("completed_at"))
    last_activity = rows.aggregate(last=Max("last_activity_at"))["last"]
    end = max(filter(None, [times["last"], last_activity]))
    statuses = dict(rows.values_list("status").annotate(n=Count("id")).order_by())
    wall = (end - send_started).total_seconds()
    workers = _worker_stats(stats_dir)
    final = sum(statuses.get(s, 0) for s in FINAL_STATUSES)
    processed = statuses.get(RequestStatus.PROCESSED, 0) + statuses.get(
        RequestStatus.PROCESSED_WITH_REMARKS, 0
    )
    result = {
        "benchmark": "region",
        "count": count,
        "machine": machine(),
        "concurrency": args.concurrency,
        "chunk_size": int(env.get("OSO_REQUEST_CHUNK_SIZE", "200")),
        "settled": settled,
        "ok": settled and final == count and statuses.get(RequestStatus.FAILED, 0) == 0,
        "statuses_raw": statuses,
        "statuses": {
            RequestStatus.NOT_CHANGED.value: statuses.get(RequestStatus.NOT_CHANGED, 0),
            "processed*": processed,
        },
        "send_s": round(send_seconds, 3),
        "send_queries": send_counter.queries,
        "wall_s": round(wall, 2),
        "dossiers_per_s": round(count / wall, 1) if wall else None,
        "load_before": load_text(load_before),
        "load_during_max": round(max(loads, default=0.0), 2),
        "load_after": load_text(load_after),
        "worker": workers,
        "queries_per_100_requests": round(100 * workers["queries"] / count, 1),
        # Transactions committed in the database by anyone, less this process's own
        # monitoring queries (each one an autocommit transaction) and the send.
        "xact_commit_delta": (xact_after - xact_before - monitor_queries - 2)
        if xact_before is not None and xact_after is not None
        else None,
        "memory": (summary := sampler.summary()),
        "cpu_s": summary.pop("cpu_s"),
    }
    if not settled:
        result["worker_log_tail"] = (work / "worker.log").read_text()[-3000:]
    return result


def _worker_stats(folder: Path) -> dict:
    queries = 0
    query_seconds = 0.0
    tasks: dict[str, dict] = {}
    statements: Counter = Counter()
    statement_seconds: Counter = Counter()
    processes = 0
    for path in folder.glob("process-*.json"):
        data = json.loads(path.read_text())
        processes += 1
        queries += data["queries"]
        query_seconds += data["query_s"]
        for key, value in data["by_statement"].items():
            statements[key] += value["count"]
            statement_seconds[key] += value["seconds"]
        for name, entry in data["tasks"].items():
            merged = tasks.setdefault(
                name, {"count": 0, "seconds": 0.0, "queries": [], "sizes": [], "spans": []}
            )
            for key in ("count", "seconds"):
                merged[key] += entry[key]
            for key in ("queries", "sizes", "spans"):
                merged[key] += entry[key]
    summary = {}
    for name, entry in tasks.items():
        per_chunk = entry["queries"]
        summary[name.rsplit(".", 1)[-1]] = {
            "tasks": entry["count"],
            "busy_s": round(entry["seconds"], 2),
            "mean_s": round(entry["seconds"] / entry["count"], 3) if entry["count"] else None,
            "queries_per_task": sorted(Counter(per_chunk).items()),
            "chunk_sizes": sorted(Counter(entry["sizes"]).items()),
        }
    return {
        "processes": processes,
        "queries": queries,
        "query_s": round(query_seconds, 2),
        "statements": {
            key: {"count": statements[key], "seconds": round(seconds, 2)}
            for key, seconds in statement_seconds.most_common(12)
        },
        "tasks": summary,
    }


def _backend_pid() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def _xact_count() -> int | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()"
        )
        row = cursor.fetchone()
    return int(row[0]) if row else None


class _Sampler(threading.Thread):
    """Every 0.1 s: RSS of the worker's process tree; CPU time of the workers, the mock and
    the PostgreSQL backends serving this database (psutil reads the server's processes:
    same machine)."""

    def __init__(self, worker_pid: int, mock_pid: int, database: str, exclude: set[int]) -> None:
        super().__init__(daemon=True)
        self.worker_pid = worker_pid
        self.mock_pid = mock_pid
        self.database = database
        self.exclude = exclude
        self._stop_event = threading.Event()
        self.peak_total = 0
        self.peak_process = 0
        self.start_total = 0
        self.samples = 0
        # pid -> (group, cpu seconds at first sight, latest cpu seconds)
        self.cpu: dict[int, list] = {}

    def run(self) -> None:
        import psutil
        import psycopg

        from benchmarks.common import PG_URL

        root = psutil.Process(self.worker_pid)
        mock = psutil.Process(self.mock_pid)
        backends: list[int] = []
        with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as pg:
            while True:
                stopping = self._stop_event.is_set()
                try:
                    tree = [root, *root.children(recursive=True)]
                except psutil.Error:
                    tree = []
                sizes = []
                for process in tree:
                    with contextlib.suppress(psutil.Error):
                        sizes.append(process.memory_info().rss)
                        self._cpu(process, "workers")
                with contextlib.suppress(psutil.Error):
                    self._cpu(mock, "mock")
                if self.samples % 5 == 0 or stopping:
                    backends = [
                        pid
                        for (pid,) in pg.execute(
                            "SELECT pid FROM pg_stat_activity WHERE datname = %s",
                            (self.database,),
                        )
                        if pid not in self.exclude
                    ]
                for pid in backends:
                    with contextlib.suppress(psutil.Error):
                        self._cpu(psutil.Process(pid), "postgres")
                total = sum(sizes)
                if not self.samples:
                    self.start_total = total
                self.samples += 1
                self.peak_total = max(self.peak_total, total)
                self.peak_process = max(self.peak_process, max(sizes, default=0))
                if stopping:
                    break
                self._stop_event.wait(0.1)

    def _cpu(self, process, group: str) -> None:
        times = process.cpu_times()
        seconds = times.user + times.system
        entry = self.cpu.get(process.pid)
        if entry is None:
            # Seen at the first sample: count from here; born later: count from birth.
            self.cpu[process.pid] = [group, seconds if not self.samples else 0.0, seconds]
        else:
            entry[2] = seconds

    def stop(self) -> None:
        self._stop_event.set()
        self.join(10)

    def summary(self) -> dict:
        mib = 1024 * 1024
        cpu: Counter = Counter()
        for group, first, last in self.cpu.values():
            cpu[group] += last - first
        return {
            "samples": self.samples,
            "rss_at_send_mib": round(self.start_total / mib, 1),
            "peak_rss_tree_mib": round(self.peak_total / mib, 1),
            "peak_rss_one_process_mib": round(self.peak_process / mib, 1),
            "cpu_s": {group: round(seconds, 2) for group, seconds in sorted(cpu.items())},
        }


# --- The floor -----------------------------------------------------------------------------


def _floor(pupils, url: str, reader: FloorReader, *, write: bool, mock_pid: int) -> dict:
    """One client: submit and fetch in batches, parse, validate, extract, one COPY."""
    import psutil

    from requests.client import EndpointClient, ResultState, SubmitItem

    def cpu(process) -> float:
        times = process.cpu_times()
        return times.user + times.system

    mock, backend, me = psutil.Process(mock_pid), psutil.Process(_backend_pid()), psutil.Process()
    cpu_before = (cpu(me), cpu(mock), cpu(backend))
    times = FloorTimes()
    fetch = 0.0
    started = time.perf_counter()
    rows = []
    client = EndpointClient(base_url=url, school_brin="99XX", read_timeout=120.0)
    try:
        for start in range(0, len(pupils), FLOOR_BATCH):
            batch = pupils[start : start + FLOOR_BATCH]
            items = [
                SubmitItem(
                    request_id=str(uuid.uuid4()),
                    bsn=pupil.bsn,
                    education_number=pupil.education_number,
                    birth_date=pupil.birth_date,
                    surname=pupil.surname,
                    primary_school_brin=pupil.primary_school_brin,
                    changed_since=None,
                )
                for pupil in batch
            ]
            fetch_started = time.perf_counter()
            acks = client.submit(items)
            answers = client.results([ack.request_id for ack in acks if ack.accepted])
            fetch += time.perf_counter() - fetch_started
            raws = [
                a.dossier_xml
                for a in answers
                if a.state == ResultState.DOSSIER and a.dossier_xml is not None
            ]
            if len(raws) != len(batch):
                raise SystemExit(f"floor: {len(raws)} dossiers for {len(batch)} pupils")
            rows.extend(reader.rows(raws, times))
    finally:
        client.close()
    if write:
        floor_table_create()
        floor_write(rows, times)
    total = time.perf_counter() - started
    cpu_after = (cpu(me), cpu(mock), cpu(backend))
    client_cpu, mock_cpu, postgres_cpu = (b - a for a, b in zip(cpu_before, cpu_after, strict=True))
    return {
        "total_s": round(total, 3),
        "cpu_s": {
            "client": round(client_cpu, 2),
            "mock": round(mock_cpu, 2),
            "postgres": round(postgres_cpu, 2),
        },
        "fetch_s": round(fetch, 3),
        **{key: value for key, value in times.as_dict().items() if key != "total_s"},
        "written": write,
    }


# --- Processes -----------------------------------------------------------------------------


def _wait_for(condition, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise SystemExit(f"{what} did not start in {timeout:.0f} s")


if TYPE_CHECKING:
    from elk_mock.testing import MockEndpoint


def _pid(mock: MockEndpoint) -> int:
    if mock.process is None:
        raise SystemExit("the mock endpoint is not running")
    return mock.process.pid


def _close_connections() -> None:
    """This process's connections to the run's database (the next run drops and recreates it)."""
    from django.conf import settings

    if settings.configured:
        from django.db import connections

        connections.close_all()


def _redis_clean(url: str, prefix: str) -> None:
    """Delete this run's keys (its queue, bindings, unacked messages)."""
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
    if keys:
        client.delete(*keys)


# --- Output --------------------------------------------------------------------------------


def _print(result: dict) -> None:
    worker, memory, floor = result["worker"], result["memory"], result["floor"]
    print(f"region: {result['count']} requests, {result['concurrency']} worker processes, "
          f"chunks of {result['chunk_size']}")  # fmt: skip
    print(f"  machine: {result['machine']}")
    print(
        f"  load before/max during/after: {result['load_before']} / "
        f"{result['load_during_max']} / {result['load_after']}; floor at {floor['load']}"
    )
    print(f"  set-up (students, first dossiers, requests): {result['setup_s']} s")
    print(
        f"  send: {result['send_s']} s, {result['send_queries']} queries; "
        f"statuses {result['statuses_raw']} (expected {result['expected']})"
    )
    print(
        f"  end to end: {result['wall_s']} s, {result['dossiers_per_s']} dossiers/s; "
        f"ok={result['ok']}"
    )
    print(
        f"  worker queries: {worker['queries']} ({result['queries_per_100_requests']} per 100 "
        f"requests, {worker['query_s']} s in database calls); xact_commit delta "
        f"{result['xact_commit_delta']}"
    )
    for name, task in worker["tasks"].items():
        print(
            f"    {name}: {task['tasks']} tasks, {task['busy_s']} s busy "
            f"(mean {task['mean_s']} s); queries per task {task['queries_per_task']}; "
            f"sizes {task['chunk_sizes']}"
        )
    print("    statements (count, seconds):")
    for key, value in worker["statements"].items():
        print(f"      {key}: {value['count']}, {value['seconds']} s")
    print(
        f"  memory: RSS at send {memory['rss_at_send_mib']} MiB, peak {memory['peak_rss_tree_mib']}"
        f" MiB (tree), {memory['peak_rss_one_process_mib']} MiB (largest process)"
    )
    print(
        f"  floor: {floor['total_s']} s (fetch {floor['fetch_s']}, parse {floor['parse_s']}, "
        f"validate {floor['validate_s']}, extract {floor['extract_s']}, COPY {floor['write_s']}); "
        f"warm-up pass {result['floor_warm_up']['total_s']} s"
    )
    print(
        f"  CPU seconds: pipeline {result['cpu_s']}, floor {floor['cpu_s']}; "
        f"CPU ratio {result['cpu_ratio']}x"
    )
    print(f"  ratio end to end / floor: {result['ratio']}x (target 3x)")


def _print_summary(results: list[dict]) -> None:
    """Per size: the best and the median run (the machine is shared: see the loads)."""
    import statistics

    by_count: dict[int, list[dict]] = {}
    for result in results:
        by_count.setdefault(result["count"], []).append(result)
    print("summary (best / median of the runs):")
    for count, runs in by_count.items():

        def pair(key: str, runs=runs) -> str:
            values = [run[key] for run in runs]
            return f"{min(values)} / {statistics.median(values)}"

        peak = max(run["memory"]["peak_rss_tree_mib"] for run in runs)
        print(
            f"  {count}: {len(runs)} runs; end to end {pair('wall_s')} s; floor "
            f"{min(r['floor']['total_s'] for r in runs)} / "
            f"{statistics.median(r['floor']['total_s'] for r in runs)} s; ratio {pair('ratio')}; "
            f"CPU ratio {pair('cpu_ratio')}; queries per 100 requests "
            f"{pair('queries_per_100_requests')}; peak RSS (tree) {peak} MiB"
        )


if __name__ == "__main__":
    sys.exit(main())
