"""Benchmark: the two list pages staff live in, under gunicorn, for one client and for twenty.

    .venv/bin/python benchmarks/pages.py                      # 2,000 then 16,000 request rows
    .venv/bin/python benchmarks/pages.py --rows 2000 --duration 10 --single-seconds 5

What runs, in one command:

1. a fresh PostgreSQL database, migrated; production settings (DEBUG off, no SSL
   redirect: the load generator speaks plain HTTP on the loopback);
2. data made with bulk inserts: signup groups of 2,000 pupils each (names, birth dates,
   postcodes, primary schools, ELK status and dot), and one request per pupil in a mix of
   statuses (most *Verwerkt*, some with remarks, waiting, failed, ready), each linked to
   its batch; ``VACUUM ANALYZE``;
3. gunicorn with the shipped configuration (``oso_portal/gunicorn_conf.py``) and
   ``--workers`` sync workers (4 by default; the count is printed), bound to the loopback,
   its access log giving each request's server time (``%(D)s``, microseconds);
4. for each page, with staff session cookies (``--sessions`` of them, one per simulated
   user, taken in turn):
   - the search page: *Leerlingen zoeken* for one signup group of 2,000 pupils;
   - the requests overview: *Overstapdossier opvragen*, all requests;
   both with 50 rows a page, first page, default order;
   - **one client**: Debian's ``wrk`` with one connection for ``--single-seconds``:
     the server time (gunicorn's) median and p95, and the client's;
   - **twenty clients**: ``wrk`` with ``--clients`` connections for ``--duration``
     seconds: throughput (requests/s) and the client-side latency p95;
   every answer must be 200 (the access log is checked) and the page is checked once for
   its 50 rows;
5. steps 2-4 again with more rows (``--rows 2000,16000``: the overview holds that many
   requests; the search group stays 2,000).

Targets (BENCHMARKS.md): one client 40 ms median; twenty clients 30 requests/s.
``--profile PATH`` runs pyinstrument over N in-process renders of each page instead.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import (
    PYTHON,
    RESULTS_DIR,
    ROOT,
    bench_env,
    database_drop,
    database_recreate,
    load,
    load_text,
    machine,
    migrate,
    setup_django,
)

DEFAULT_DATABASE = "oso_bench_pages"
GROUP_SIZE = 2000
PER_PAGE = 50
GUNICORN_CONF = "python:oso_portal.gunicorn_conf"  # the shipped one (docker/entrypoint.sh)
TARGET_SINGLE_MEDIAN_MS = 40.0
TARGET_THROUGHPUT = 30.0

GIVEN = ("Noor", "Daan", "Sem", "Emma", "Lucas", "Julia", "Finn", "Tess", "Levi", "Sara",
         "Milan", "Anna", "Bram", "Zoë", "Ravi", "Fatima", "Yusuf", "Lotte", "Jesse",
         "Mila")  # fmt: skip
SURNAMES = ("Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer",
            "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Dijk",
            "Yilmaz", "El Amrani", "Dekker", "Brouwer", "van 't Hof")  # fmt: skip
TOWNS = ("Haarlem", "Amsterdam", "Zaandam", "Heemstede", "Bloemendaal", "Velsen")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", default="2000,16000", help="request rows, comma-separated")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=int, default=30, help="seconds of the 20-client run")
    parser.add_argument("--single-seconds", type=int, default=15, help="seconds of one client")
    parser.add_argument("--sessions", type=int, default=20, help="staff sessions taken in turn")
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--profile", metavar="PATH", help="pyinstrument in-process instead")
    parser.add_argument("--profile-renders", type=int, default=30)
    parser.add_argument("--json", metavar="PATH", help="also write the results here")
    args = parser.parse_args()
    sizes = [int(part) for part in args.rows.split(",") if part.strip()]
    if not shutil.which("wrk") and not args.profile:
        raise SystemExit("wrk is missing: apt-get install wrk")

    work = Path(tempfile.mkdtemp(prefix="oso-bench-pages-"))
    env = bench_env(
        args.database,
        var_dir=work,
        SECURE_SSL_REDIRECT="0",
        ALLOWED_HOSTS="127.0.0.1,testserver",
    )
    print(f"machine: {json.dumps(machine())}", flush=True)
    print(f"load before: {load_text()}", flush=True)
    database_recreate(args.database)
    results: dict = {"workers": args.workers, "clients": args.clients, "sizes": []}
    server = None
    try:
        migrate(env)
        subprocess.run(
            [PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        setup_django(env)
        cookies = _sessions(args.sessions)
        group_id = None
        made = 0
        for size in sizes:
            started = time.perf_counter()
            group_id = _data_make(made, size, group_id)
            made = size
            print(f"data: {size} requests in {time.perf_counter() - started:.1f} s", flush=True)
            pages = {
                "search": f"/students/?in_signup_group=on&signup_group={group_id}",
                "overview": "/requests/",
            }
            if args.profile:
                _profile(args.profile, size, pages, args.profile_renders)
                continue
            if server is None:
                server = _Gunicorn(env, work, args.workers, args.port)
            size_result: dict = {"rows": size, "pages": {}}
            for name, path in pages.items():
                _check_page(server, path, cookies[0])
                size_result["pages"][name] = _measure(server, path, cookies, args)
                _print_page(size, name, size_result["pages"][name])
            results["sizes"].append(size_result)
    finally:
        if server is not None:
            server.stop()
        if not args.keep_db:
            from django.db import connections

            connections.close_all()
            database_drop(args.database)
        shutil.rmtree(work, ignore_errors=True)
    print(f"load after: {load_text()}", flush=True)
    if not args.profile:
        _summary(results)
        RESULTS_DIR.mkdir(exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        (RESULTS_DIR / f"pages-{stamp}.json").write_text(json.dumps(results, indent=2))
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=2))


# --- Data -------------------------------------------------------------------------------


def _sessions(count: int) -> list[str]:
    """Session cookies of ``count`` staff members of *Toelating* (one session each)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore

    from students.services.access import access_groups_ensure

    group = access_groups_ensure()
    cookies = []
    for index in range(count):
        user = User.objects.create_user(f"bench{index}", password=None)
        user.groups.add(group)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={session.session_key}")
    return cookies


def _data_make(start: int, stop: int, group_id: int | None) -> int:
    """Pupils ``start``..``stop`` in groups of 2,000, one request each; the first group's id."""
    from django.db import connection, transaction

    from portal_text import Message
    from requests.models import RequestBatch, RequestMode, RequestStatus, TransferRequest
    from students.models import ElkDot, ElkStatus, PrimarySchool, SignupGroup, Student

    # Remarks and failure reasons as the pipeline stores them: codes with parameters.
    kept = Message(
        "merge.corrected_kept", {"field": "surname", "local": "Jansen", "dossier": "Janssen"}
    )
    timeout = Message("client.timeout")
    rng = random.Random(start * 7 + stop)
    with transaction.atomic():
        schools = list(PrimarySchool.objects.order_by("pk"))
        if not schools:
            schools = PrimarySchool.objects.bulk_create(
                PrimarySchool(brin=f"{10 + i:02d}AB", branch="00", name=f"Basisschool {i + 1}")
                for i in range(40)
            )
        statuses = (
            [RequestStatus.PROCESSED] * 60
            + [RequestStatus.PROCESSED_WITH_REMARKS] * 15
            + [RequestStatus.NOT_CHANGED] * 10
            + [RequestStatus.WAITING] * 8
            + [RequestStatus.FAILED] * 4
            + [RequestStatus.READY] * 3
        )
        now = datetime.now(UTC)
        for group_start in range(start, stop, GROUP_SIZE):
            group_stop = min(group_start + GROUP_SIZE, stop)
            number = group_start // GROUP_SIZE + 1
            group = SignupGroup.objects.create(
                name=f"Groep 8 - regio {number}", school_year="2021-2022"
            )
            group_id = group_id or group.pk
            batch = RequestBatch.objects.create(
                created_by="bench", mode=RequestMode.CURRENT, signup_group=group
            )
            students = []
            for index in range(group_start, group_stop):
                students.append(
                    Student(
                        student_number=f"{210000 + index}",
                        given_name=rng.choice(GIVEN),
                        first_names=rng.choice(GIVEN),
                        surname=rng.choice(SURNAMES),
                        birth_date=date(2009, 1, 1) + timedelta(days=rng.randrange(365)),
                        sex=rng.choice("12"),
                        bsn=f"{100000000 + index * 7:09d}",
                        postcode=f"{2000 + rng.randrange(100)}AB",
                        town=rng.choice(TOWNS),
                        signup_group=group,
                        primary_school=rng.choice(schools),
                        elk_status=rng.choice([ElkStatus.PLACED, ElkStatus.PLACED_GUIDED, ""]),
                        elk_status_date=date(2021, 3, 1),
                        elk_dot=rng.choice([ElkDot.GREEN, ElkDot.GREEN, ElkDot.BLUE, ""]),
                    )
                )
            students = Student.objects.bulk_create(students, batch_size=1000)
            requests = []
            for student in students:
                status = rng.choice(statuses)
                remarks = []
                if status == RequestStatus.PROCESSED_WITH_REMARKS:
                    remarks = [kept.as_json()]
                requests.append(
                    TransferRequest(
                        student=student,
                        batch=batch,
                        status=status,
                        mode=RequestMode.CURRENT,
                        created_by="bench",
                        remarks=remarks,
                        failure=timeout.as_json() if status == RequestStatus.FAILED else None,
                        attempts=1,
                    )
                )
            made = TransferRequest.objects.bulk_create(requests, batch_size=1000)
            # Spread the activity over a month, as a season of sends and answers would.
            for index, request in enumerate(made):
                request.last_activity_at = now - timedelta(minutes=(index * 37) % 43200)
            TransferRequest.objects.bulk_update(made, ["last_activity_at"], batch_size=1000)
    with connection.cursor() as cursor:
        # What autovacuum would have done long before staff look: statistics and the
        # visibility map (index-only scans).
        cursor.execute("VACUUM ANALYZE")
    assert group_id is not None
    return group_id


# --- Server and load --------------------------------------------------------------------


class _Gunicorn:
    def __init__(self, env: dict[str, str], work: Path, workers: int, port: int) -> None:
        self.port = port or _free_port()
        self.log = work / "access.log"
        self.workers = workers
        command = [
            PYTHON,
            "-m",
            "gunicorn",
            "oso_portal.wsgi:application",
            "--config",
            GUNICORN_CONF,
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--access-logfile",
            str(self.log),
            "--access-logformat",
            "%(D)s %(s)s %(U)s",
        ]
        print(f"gunicorn: {workers} sync workers, {' '.join(command[3:])}", flush=True)
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=work.joinpath("gunicorn.err").open("w"),
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    break
            except OSError as exc:
                if self.process.poll() is not None:
                    message = (work / "gunicorn.err").read_text()
                    raise SystemExit(f"gunicorn exited: {message}") from exc
                time.sleep(0.2)
        self.url = f"http://127.0.0.1:{self.port}"
        self._cpu_seen: dict[int, float] = {}

    def log_offset(self) -> int:
        return self.log.stat().st_size if self.log.exists() else 0

    def log_since(self, offset: int) -> list[tuple[int, str]]:
        with self.log.open() as handle:
            handle.seek(offset)
            rows = []
            for line in handle:
                parts = line.split()
                if len(parts) >= 2 and parts[0].isdigit():
                    rows.append((int(parts[0]), parts[1]))
            return rows

    def cpu_seconds(self) -> float:
        """User + system seconds of the gunicorn workers and this database's backends so far.

        On a machine shared with others' work, wall times follow their load; CPU per
        request hardly does, so it is the fairer before/after measure.
        """
        import psutil
        from django.db import connection

        total = 0.0
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()"
            )
            backends = [row[0] for row in cursor.fetchall()]
        try:
            processes = psutil.Process(self.process.pid).children()
        except psutil.Error:
            processes = []
        for process in [*processes, *(psutil.Process(pid) for pid in backends)]:
            try:
                times = process.cpu_times()
                total += times.user + times.system
                self._cpu_seen[process.pid] = times.user + times.system
            except psutil.Error:
                # A process gone since: count what it had used when last seen.
                total += self._cpu_seen.get(process.pid, 0.0)
        return total

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _check_page(server: _Gunicorn, path: str, cookie: str) -> None:
    import httpx

    response = httpx.get(server.url + path, headers={"Cookie": cookie}, timeout=60)
    rows = response.text.count("data-select-row=")
    if response.status_code != 200 or rows != PER_PAGE:
        raise SystemExit(f"{path}: status {response.status_code}, {rows} rows (want {PER_PAGE})")


_LUA = """
local cookies = {%(cookies)s}
local counter = 0
request = function()
  counter = counter + 1
  local headers = {}
  headers["Cookie"] = cookies[(counter %% #cookies) + 1]
  return wrk.format("GET", "%(path)s", headers)
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d %%d\\n", summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout))
end
"""


def _wrk(server: _Gunicorn, path: str, cookies: list[str], *, clients: int, seconds: int) -> dict:
    script = server.log.with_name(f"wrk-{clients}.lua")
    script.write_text(_LUA % {"cookies": ", ".join(json.dumps(c) for c in cookies), "path": path})
    threads = min(clients, 2)
    offset = server.log_offset()
    cpu_before = server.cpu_seconds()
    load_before = load()
    output = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{clients}",
            f"-d{seconds}s",
            "--timeout",
            "30s",
            "-s",
            str(script),
            server.url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    load_after = load()
    cpu = server.cpu_seconds() - cpu_before
    match = re.search(r"RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)", output)
    if not match:
        raise SystemExit(f"wrk said: {output}")
    count, duration_us, p50, p95, p99, worst, errors = (int(g) for g in match.groups())
    time.sleep(0.5)  # the access log is written after the response
    logged = server.log_since(offset)
    bad = sum(1 for _, status in logged if status != "200")
    server_ms = sorted(us / 1000 for us, _ in logged)
    return {
        "clients": clients,
        "seconds": seconds,
        "requests": count,
        "throughput_rps": round(count / (duration_us / 1e6), 1),
        "client_ms": {
            "p50": p50 / 1000,
            "p95": p95 / 1000,
            "p99": p99 / 1000,
            "max": worst / 1000,
        },
        "server_ms": _percentiles(server_ms),
        # gunicorn workers + PostgreSQL backends, per request; and what two idle cores
        # would serve at that cost (an estimate, not a measurement).
        "cpu_ms_per_request": round(1000 * cpu / count, 1) if count else None,
        "two_core_capacity_rps": round(2 * count / cpu, 1) if cpu else None,
        "errors": errors,
        "non_200": bad,
        "load": f"{load_text(load_before)} -> {load_text(load_after)}",
    }


def _percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    values = sorted(values)

    def at(share: float) -> float:
        return round(values[min(len(values) - 1, int(share * len(values)))], 1)

    return {"p50": round(statistics.median(values), 1), "p95": at(0.95), "p99": at(0.99)}


def _measure(server: _Gunicorn, path: str, cookies: list[str], args) -> dict:
    # Warm every worker (templates compiled, connections open) before timing.
    _wrk(server, path, cookies, clients=args.workers, seconds=2)
    single = _wrk(server, path, cookies, clients=1, seconds=args.single_seconds)
    many = _wrk(server, path, cookies, clients=args.clients, seconds=args.duration)
    for run in (single, many):
        if run["errors"] or run["non_200"]:
            raise SystemExit(f"{path}: {run['errors']} errors, {run['non_200']} answers not 200")
    return {"path": path, "single": single, "concurrent": many}


def _print_page(size: int, name: str, result: dict) -> None:
    single, many = result["single"], result["concurrent"]
    print(
        f"{size:>6} rows  {name:<8}  one client: server median {single['server_ms']['p50']} ms, "
        f"p95 {single['server_ms']['p95']} ms (client median {single['client_ms']['p50']} ms)"
        f"  |  {many['clients']} clients: {many['throughput_rps']} req/s, "
        f"p95 {many['client_ms']['p95']} ms  |  CPU {many['cpu_ms_per_request']} ms a request "
        f"(two idle cores: {many['two_core_capacity_rps']} req/s)  |  load {many['load']}",
        flush=True,
    )


def _summary(results: dict) -> None:
    print(f"\ngunicorn sync workers: {results['workers']}")
    print("| rows | page | one client: server median / p95 (ms) | "
          f"{results['clients']} clients: req/s | p95 (ms) | CPU ms a request | "
          "two idle cores, req/s |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    for size in results["sizes"]:
        for name, page in size["pages"].items():
            single, many = page["single"], page["concurrent"]
            ok_single = single["server_ms"]["p50"] <= TARGET_SINGLE_MEDIAN_MS
            ok_many = many["throughput_rps"] >= TARGET_THROUGHPUT
            print(
                f"| {size['rows']} | {name} | {single['server_ms']['p50']} / "
                f"{single['server_ms']['p95']} {'met' if ok_single else 'MISSED'} | "
                f"{many['throughput_rps']} {'met' if ok_many else 'MISSED'} | "
                f"{many['client_ms']['p95']} | {many['cpu_ms_per_request']} | "
                f"{many['two_core_capacity_rps']} |"
            )


# --- Profile ----------------------------------------------------------------------------


def _profile(path: str, size: int, pages: dict[str, str], renders: int) -> None:
    """pyinstrument over ``renders`` renders of each page through Django's test client."""
    from django.test import Client
    from pyinstrument import Profiler

    from tests.factories import UserFactory  # noqa: F401 (only to fail early without dev deps)

    client = Client()
    from django.contrib.auth.models import User

    client.force_login(User.objects.get(username="bench0"))
    for name, url in pages.items():
        client.get(url)  # warm
        profiler = Profiler(interval=0.0005)
        profiler.start()
        started = time.perf_counter()
        for _ in range(renders):
            response = client.get(url)
            assert response.status_code == 200
        elapsed = time.perf_counter() - started
        profiler.stop()
        target = Path(f"{path}-{size}-{name}.txt")
        target.write_text(profiler.output_text(unicode=True, show_all=False))
        print(f"{size} {name}: {1000 * elapsed / renders:.1f} ms a render -> {target}")


if __name__ == "__main__":
    main()
