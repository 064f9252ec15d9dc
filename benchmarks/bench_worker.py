"""A real Celery worker (``celery -A oso_portal worker``) that also counts its database work.

    OSO_BENCH_WORKER_DIR=/tmp/stats python benchmarks/bench_worker.py --concurrency 2

The worker is the project's own, started through Celery's own command line with the
arguments given here; the only additions are signal handlers:

- every database connection a pool process opens gets a ``connection.execute_wrapper``
  (``benchmarks.common.QueryCounter``) that counts each statement sent;
- around every task (``task_prerun``/``task_postrun``) the statements and the time
  are recorded per task; after each task the process writes its totals to
  ``$OSO_BENCH_WORKER_DIR/process-<pid>.json`` (so nothing is lost however the
  process ends);
- ``worker_ready`` writes ``$OSO_BENCH_WORKER_DIR/ready``.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import QueryCounter  # noqa: E402

STATS_DIR = Path(os.environ.get("OSO_BENCH_WORKER_DIR", "."))
_counter = QueryCounter()
_tasks: dict[str, dict] = {}
_running: dict[str, tuple[float, int, float]] = {}


def _install(sender, connection, **kwargs) -> None:
    if _counter not in connection.execute_wrappers:
        connection.execute_wrappers.append(_counter)


def _process_init(**kwargs) -> None:
    # A fresh count in every pool process (the parent's, if any, is not ours).
    global _counter
    _counter = QueryCounter()
    _tasks.clear()


def _prerun(task_id=None, task=None, **kwargs) -> None:
    _running[task_id] = (time.perf_counter(), _counter.queries, time.time())


def _postrun(task_id=None, task=None, args=None, **kwargs) -> None:
    started = _running.pop(task_id, None)
    if started is None:
        return
    began, queries_before, wall_start = started
    entry = _tasks.setdefault(
        task.name, {"count": 0, "seconds": 0.0, "queries": [], "sizes": [], "spans": []}
    )
    entry["count"] += 1
    entry["seconds"] += time.perf_counter() - began
    entry["queries"].append(_counter.queries - queries_before)
    ids = args[0] if args and isinstance(args[0], list) else []
    entry["sizes"].append(len(ids))
    entry["spans"].append([wall_start, time.time()])
    _write()


def _write() -> None:
    path = STATS_DIR / f"process-{os.getpid()}.json"
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({"pid": os.getpid(), **_counter.as_dict(), "tasks": _tasks}))
    temporary.replace(path)


def _ready(**kwargs) -> None:
    (STATS_DIR / "ready").write_text(str(os.getpid()))


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oso_portal.settings")
    import django

    django.setup()
    from celery import signals
    from celery.bin.celery import main as celery_main
    from django.db.backends.signals import connection_created

    connection_created.connect(_install, weak=False)
    signals.worker_process_init.connect(_process_init, weak=False)
    signals.task_prerun.connect(_prerun, weak=False)
    signals.task_postrun.connect(_postrun, weak=False)
    signals.worker_ready.connect(_ready, weak=False)
    sys.argv = ["celery", "-A", "oso_portal", "worker", *argv]
    return celery_main()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
