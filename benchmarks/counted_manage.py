"""Run ``manage.py <command> ...`` unchanged, counting its database statements.

    OSO_BENCH_STATS=/tmp/stats.json python benchmarks/counted_manage.py import_dossier ...

A ``connection.execute_wrapper`` is put on every database connection the command
opens (Django's ``connection_created`` signal); at exit the count, the statements
by kind, the time spent after start-up, this process's CPU time and that of its
PostgreSQL backend are written as JSON to ``OSO_BENCH_STATS``.
With ``OSO_BENCH_PROFILE=/path.txt`` the command runs under pyinstrument and its
text report goes there (with ``/path.html`` next to it). The exit status is the
command's own.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

STARTED = time.perf_counter()
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import QueryCounter, own_cpu_seconds  # noqa: E402

if TYPE_CHECKING:
    import psutil


class BackendCpu(threading.Thread):
    """CPU seconds of the PostgreSQL backends serving this process, read every 20 ms.

    Django closes its connections when a command ends, and an ended backend cannot be
    read any more: the last reading counts (at most 20 ms short).
    """

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self._processes: dict[int, psutil.Process] = {}
        self._seconds: dict[int, float] = {}
        self._stop_event = threading.Event()

    def watch(self, pid: int) -> None:
        import psutil

        try:
            self._processes[pid] = psutil.Process(pid)
        except psutil.Error:
            return
        if not self.is_alive():
            self.start()

    def run(self) -> None:
        while not self._stop_event.wait(0.02):
            self._read()

    def _read(self) -> None:
        import psutil

        for pid, process in list(self._processes.items()):
            try:
                times = process.cpu_times()
            except psutil.Error:
                continue
            self._seconds[pid] = times.user + times.system

    def stop(self) -> float | None:
        self._stop_event.set()
        self._read()
        return sum(self._seconds.values()) if self._processes else None


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oso_portal.settings")
    import django
    from django.core.management import execute_from_command_line
    from django.db.backends.signals import connection_created

    counter = QueryCounter()
    backends = BackendCpu()

    def install(sender, connection, **kwargs) -> None:
        if counter not in connection.execute_wrappers:
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:  # not counted: the wrapper comes next
                    cursor.execute("SELECT pg_backend_pid()")
                    backends.watch(cursor.fetchone()[0])
            connection.execute_wrappers.append(counter)

    connection_created.connect(install, weak=False)
    profile_path = os.environ.get("OSO_BENCH_PROFILE")
    profiler = None
    if profile_path:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.001)
        profiler.start()
    django.setup()
    set_up = time.perf_counter()
    status = 0
    try:
        execute_from_command_line(["manage.py", *argv])
    except SystemExit as exit_:
        status = exit_.code if isinstance(exit_.code, int) else 1
    finished = time.perf_counter()
    counted = counter.as_dict()
    postgres_cpu = backends.stop()
    if profiler is not None and profile_path:
        profiler.stop()
        Path(profile_path).write_text(profiler.output_text(unicode=True, show_all=False))
        Path(profile_path).with_suffix(".html").write_text(profiler.output_html())
    stats_path = os.environ.get("OSO_BENCH_STATS")
    if stats_path:
        Path(stats_path).write_text(
            json.dumps(
                {
                    **counted,
                    "startup_s": set_up - STARTED,
                    "command_s": finished - set_up,
                    "cpu_s": own_cpu_seconds(),
                    "postgres_cpu_s": postgres_cpu,
                }
            )
        )
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
