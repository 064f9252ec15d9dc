"""Benchmark: the time from a file's release to the card, with notifications and polling only.

    .venv/bin/python benchmarks/release_to_card.py                       # all four runs
    .venv/bin/python benchmarks/release_to_card.py --scenario demo --mode notify

Scenarios:

- ``demo``: the demo signup group (``seed_demo``), one *Actueel* request each at the demo's
  start (2021-03-20): 15 end *Leerlinginfo niet gewijzigd*, demo-16 waits (his parents have
  not seen the March file). The clock moves to 2021-03-29: his file is released.
- ``region``: 2,000 generated pupils (the region mock, ``--dataset generated:2000``) signed
  up without a file, each sent its first request at 2021-01-15, when no primary school has
  released anything: all 2,000 wait. The clock moves to 2021-03-20: every first file is
  released at once.

Modes: ``notify`` (``OSO_NOTIFICATIONS=1``; waits are registered, the mock calls the portal
back, a registered wait is polled only every hour) and ``poll`` (``OSO_NOTIFICATIONS=0``:
beat asks again as before: 30 s, 60 s, ... up to 15 min after each answer *pending*, beat's
``oso-poll-due-requests`` every 30 s).

Each run: a fresh PostgreSQL database (``oso_bench_release``), migrated; the mock; gunicorn
(one worker, the callback view); one Celery worker (prefork, 2 processes); beat (the ELK feed
schedule disabled, so only the requests move); Redis (``OSO_BENCH_REDIS``, default db 7) under
a key prefix of the run. When every request waits (and, with notifications, is registered),
the mock's counters are reset and the clock is moved. Release to card is the time from that
move to each request's ``completed_at`` (p50, p95, max), and the calls the endpoint counted in
that span (results, notify, callbacks). The load average is recorded beside each figure.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import (
    PYTHON,
    ROOT,
    bench_env,
    database_drop,
    database_recreate,
    load_text,
    machine,
    migrate,
    process_group_stop,
    setup_django,
    write_result,
)

DATABASE = "oso_bench_release"
SECRET = "benchmark-notification-secret-" + "y" * 20
SCENARIOS = {
    # name: (dataset, clock while waiting, clock of the release)
    "demo": ("demo", date(2021, 3, 20), date(2021, 3, 29)),
    "region": ("generated:2000", date(2021, 1, 15), date(2021, 3, 20)),
}
FINAL = ("processed", "processed_with_remarks", "not_changed", "failed")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", choices=[*SCENARIOS, "all"], default="all")
    parser.add_argument("--mode", choices=["notify", "poll", "all"], default="all")
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds to wait")
    parser.add_argument("--count", type=int, default=2000, help="pupils of the region scenario")
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument("--json", metavar="PATH", help="also write the results here")
    args = parser.parse_args()
    scenarios = list(SCENARIOS) if args.scenario == "all" else [args.scenario]
    modes = ["notify", "poll"] if args.mode == "all" else [args.mode]
    if len(scenarios) * len(modes) > 1:
        # One run per process: Django is set up once per process, on that run's settings.
        results = []
        for scenario in scenarios:
            for mode in modes:
                out = Path(tempfile.mkstemp(suffix=".json")[1])
                command = [PYTHON, __file__, "--scenario", scenario, "--mode", mode]
                command += ["--timeout", str(args.timeout), "--json", str(out)]
                command += ["--count", str(args.count), "--database", args.database]
                subprocess.run(command, cwd=ROOT, check=False)
                if out.stat().st_size:
                    results.append(json.loads(out.read_text()))
                out.unlink()
        _summary(results)
        path = write_result("release_to_card", {"runs": results})
        print(f"result: {path}")
        if args.json:
            Path(args.json).write_text(json.dumps({"runs": results}, indent=2) + "\n")
        return 0 if all(r["ok"] for r in results) else 1
    # A SIGTERM (a time-out around this script) still stops the processes it started.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(143))
    result = _run(scenarios[0], modes[0], args.timeout, count=args.count, database=args.database)
    print(json.dumps(result, indent=2, default=str))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, default=str) + "\n")
    return 0 if result["ok"] else 1


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _run(scenario: str, mode: str, timeout: float, *, count: int, database: str) -> dict:
    from elk_mock.testing import MockEndpoint

    dataset, waiting_clock, release_clock = SCENARIOS[scenario]
    if scenario == "region":
        dataset = f"generated:{count}"
    run_id = uuid.uuid4().hex[:8]
    work = Path(tempfile.mkdtemp(prefix="oso-bench-release-"))
    web_port = _free_port()
    env = bench_env(
        database,
        var_dir=work / "var",
        OSO_CELERY_QUEUE=f"bench-{run_id}",
        CELERY_BROKER_KEY_PREFIX=f"bench-{run_id}:",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",  # plain HTTP on the loopback, as benchmarks/pages.py
        OSO_NOTIFICATIONS="1" if mode == "notify" else "0",
        OSO_NOTIFICATION_SECRET=SECRET,
        OSO_NOTIFICATION_CALLBACK_URL=f"http://127.0.0.1:{web_port}/oso/notifications/",
        OSO_ELK_SIGNUPS="0",
        ELK_MOCK_NOTIFY_SECRET=SECRET,
    )
    processes: list[subprocess.Popen] = []
    mock = MockEndpoint("--quiet", dataset=dataset, clock=waiting_clock)
    try:
        database_recreate(database)
        migrate(env)
        os.environ["ELK_MOCK_NOTIFY_SECRET"] = SECRET  # the mock reads it from its environment
        mock.start()
        env["OSO_ENDPOINT_URL"] = mock.url
        setup_django(env)
        if scenario == "demo":
            subprocess.run([PYTHON, "manage.py", "seed_demo"], cwd=ROOT, env=env, check=True,
                           stdout=subprocess.DEVNULL)  # fmt: skip
        subprocess.run([PYTHON, "manage.py", "sync_schedules"], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)  # fmt: skip
        _feed_off()
        processes = _start(env, work, web_port)
        ids = _send(scenario, dataset)
        waiting_s = _wait_waiting(ids, mode, timeout)
        waiting = _count(ids, "waiting")
        before = dict(mock.stats())
        mock.reset(faults=False, stats=True)
        load_at_release = load_text()
        released_at = time.time()
        mock.set_clock(release_clock)
        settled = _wait_final(ids, timeout)
        load_after = load_text()
        latencies = _latencies(ids, released_at, waiting)
        stats = dict(mock.stats())
        return {
            "scenario": scenario,
            "mode": mode,
            "requests": len(ids),
            "waiting": waiting,
            "ok": settled and latencies["count"] == waiting,
            "statuses": _statuses(ids),
            "seconds_until_all_waiting": round(waiting_s, 1),
            "release_to_card_s": latencies,
            "load_at_release": load_at_release,
            "load_after": load_after,
            "calls_after_release": {
                name: stats.get(name, 0)
                for name in (
                    "results_calls",
                    "results_items",
                    "submit_calls",
                    "notify_calls",
                    "notify_items",
                    "callback_calls",
                    "callback_items",
                )
            },
            "calls_before_release": {
                name: before.get(name, 0)
                for name in ("submit_calls", "results_calls", "results_items", "notify_calls")
            },
            "machine": {**machine(), "shared": "2 cores shared by 8 engineers"},
        }
    finally:
        for process in reversed(processes):
            process_group_stop(process)
        mock.stop()
        from django.conf import settings

        if settings.configured:
            from django.db import connections

            connections.close_all()
        database_drop(database)
        _redis_clean(env["CELERY_BROKER_URL"], env["CELERY_BROKER_KEY_PREFIX"])
        shutil.rmtree(work, ignore_errors=True)


def _feed_off() -> None:
    from django_celery_beat.models import PeriodicTask

    PeriodicTask.objects.filter(name="oso-read-elk-feed").update(enabled=False)


def _start(env: dict[str, str], work: Path, web_port: int) -> list[subprocess.Popen]:
    def spawn(name: str, command: list[str]) -> subprocess.Popen:
        log = (work / f"{name}.log").open("w")
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)  # fmt: skip

    web = spawn(
        "web",
        [PYTHON, "-m", "gunicorn", "oso_portal.wsgi", "-b", f"127.0.0.1:{web_port}", "-w", "1"],
    )
    worker = spawn(
        "worker",
        [PYTHON, "-m", "celery", "-A", "oso_portal", "worker", "--pool", "prefork",
         "--concurrency", "2", "-l", "info", "--without-gossip", "--without-mingle",
         "--without-heartbeat", "-n", f"bench-{uuid.uuid4().hex[:6]}@%h"],
    )  # fmt: skip
    beat = spawn(
        "beat",
        [PYTHON, "-m", "celery", "-A", "oso_portal", "beat", "-l", "info",
         "-S", "django_celery_beat.schedulers:DatabaseScheduler",
         "--pidfile", str(work / "beat.pid")],
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if " ready." in (work / "worker.log").read_text() and _up(web_port):
            return [web, worker, beat]
        time.sleep(0.2)
    raise SystemExit("the worker or the web server did not start")


def _up(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _send(scenario: str, dataset: str) -> list[int]:
    from elk_mock.dataset import DEMO_SIGNUP_GROUP
    from requests.services import transfer_requests_add, transfer_requests_send
    from requests.services.first_requests import signups_request_first
    from students.models import SignupGroup, SignupSource, Student

    if scenario == "demo":
        students = list(
            Student.objects.filter(signup_group__name=DEMO_SIGNUP_GROUP).values_list(
                "id", flat=True
            )
        )
        transfer_requests_add(student_ids=students, user="bench")
        from requests.models import RequestStatus, TransferRequest

        ready = TransferRequest.objects.filter(student_id__in=students, status=RequestStatus.READY)
        batch = transfer_requests_send(
            request_ids=list(ready.values_list("id", flat=True)),
            mode="current",
            changed_since=None,
            user="bench",
        )
        assert batch is not None
        return list(batch.requests.values_list("id", flat=True))
    from elk_mock.dataset import generated_pupils
    from students.services.signup_rows import SignupIn
    from students.services.signups import signups_create

    count = int(dataset.split(":")[1])
    group = SignupGroup.objects.create(name="Regio aanmeldingen", school_year="2021-2022")
    student_ids: list[int] = []
    pupils = generated_pupils(count)
    for start in range(0, count, 500):
        rows = [
            SignupIn(
                bsn=p.bsn,
                education_number=p.education_number,
                birth_date=p.birth_date,
                surname=p.surname,
                prefix=p.prefix,
                given_name=p.given_name,
                primary_school_brin=p.primary_school_brin,
            )
            for p in pupils[start : start + 500]
        ]
        result = signups_create(
            signups=rows, signup_group=group, source=SignupSource.FORM, user="bench"
        )
        student_ids += result.student_ids
    first = signups_request_first(student_ids=student_ids, user="bench", send_now=True)
    assert first.batch is not None
    return list(first.batch.requests.values_list("id", flat=True))


def _count(ids: list[int], status: str) -> int:
    from requests.models import TransferRequest

    return TransferRequest.objects.filter(id__in=ids, status=status).count()


def _statuses(ids: list[int]) -> dict[str, int]:
    from django.db.models import Count

    from requests.models import TransferRequest

    rows = TransferRequest.objects.filter(id__in=ids).values_list("status")
    return dict(rows.annotate(n=Count("id")).order_by())


def _wait_waiting(ids: list[int], mode: str, timeout: float) -> float:
    """Until no request is ready or requested (and, notifying, every wait is registered)."""
    from requests.models import NotificationRegistration, TransferRequest

    started = time.monotonic()
    while time.monotonic() - started < timeout:
        open_ = TransferRequest.objects.filter(id__in=ids, status__in=("ready", "requested"))
        if not open_.exists():
            waiting = _count(ids, "waiting")
            if mode == "poll" or (
                NotificationRegistration.objects.filter(
                    request_id__in=ids, status="registered"
                ).count()
                >= waiting
            ):
                return time.monotonic() - started
        time.sleep(0.5)
    raise SystemExit("the requests did not all reach their wait in time")


def _wait_final(ids: list[int], timeout: float) -> bool:
    from requests.models import TransferRequest

    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if not TransferRequest.objects.filter(id__in=ids).exclude(status__in=FINAL).exists():
            return True
        time.sleep(0.25)
    return False


def _latencies(ids: list[int], released_at: float, waiting: int) -> dict:
    from requests.models import TransferRequest

    moments = TransferRequest.objects.filter(
        id__in=ids, completed_at__gt=_aware(released_at)
    ).values_list("completed_at", flat=True)
    done = [moment.timestamp() - released_at for moment in moments if moment]
    done.sort()
    if not done:
        return {"count": 0}
    return {
        "count": len(done),
        "p50": round(statistics.median(done), 2),
        "p95": round(done[min(len(done) - 1, int(0.95 * len(done)))], 2),
        "max": round(done[-1], 2),
    }


def _aware(timestamp: float):
    from datetime import UTC, datetime

    return datetime.fromtimestamp(timestamp, tz=UTC)


def _redis_clean(url: str, prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(url)
    keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
    if keys:
        client.delete(*keys)


def _summary(results: list[dict]) -> None:
    print()
    print("| scenario | mode | waiting | release to card p50 / p95 / max (s) | results calls "
          "(items) | notify calls | callbacks (ids) | load at release |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        lat, calls = r["release_to_card_s"], r["calls_after_release"]
        print(
            f"| {r['scenario']} | {r['mode']} | {r['waiting']} | "
            f"{lat.get('p50')} / {lat.get('p95')} / {lat.get('max')} | "
            f"{calls['results_calls']} ({calls['results_items']}) | {calls['notify_calls']} | "
            f"{calls['callback_calls']} ({calls['callback_items']}) | {r['load_at_release']} |"
        )


if __name__ == "__main__":
    sys.exit(main())
