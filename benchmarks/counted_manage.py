"""Run ``manage.py <command> ...`` unchanged, counting its database statements.

    OSO_BENCH_STATS=/tmp/stats.json python benchmarks/counted_manage.py import_dossier ...

A ``connection.execute_wrapper`` is put on every database connection the command
opens (Django's ``connection_created`` signal); at exit the count, the statements
by kind and the time spent after start-up are written as JSON to ``OSO_BENCH_STATS``.
With ``OSO_BENCH_PROFILE=/path.txt`` the command runs under pyinstrument and its
text report goes there (with ``/path.html`` next to it). The exit status is the
command's own.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

STARTED = time.perf_counter()
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import QueryCounter  # noqa: E402


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oso_portal.settings")
    import django
    from django.core.management import execute_from_command_line
    from django.db.backends.signals import connection_created

    counter = QueryCounter()

    def install(sender, connection, **kwargs) -> None:
        if counter not in connection.execute_wrappers:
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
    if profiler is not None:
        profiler.stop()
        Path(profile_path).write_text(profiler.output_text(unicode=True, show_all=False))
        Path(profile_path).with_suffix(".html").write_text(profiler.output_html())
    stats_path = os.environ.get("OSO_BENCH_STATS")
    if stats_path:
        Path(stats_path).write_text(
            json.dumps(
                {
                    **counter.as_dict(),
                    "startup_s": set_up - STARTED,
                    "command_s": finished - set_up,
                }
            )
        )
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
