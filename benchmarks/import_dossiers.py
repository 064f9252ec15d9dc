"""Benchmark: one ``manage.py import_dossier`` call over N new, distinct dossiers, vs the floor.

    .venv/bin/python benchmarks/import_dossiers.py --count 2000

1. Generates N pupils with ``elk_mock.dataset.generated_pupils`` (a seed no other
   benchmark uses, so every BSN is new) and writes each one's first dossier version
   to a temporary folder.
2. Creates a fresh PostgreSQL database (``oso_bench_import``) and migrates it.
3. The command: ONE ``manage.py import_dossier FILE... --signup-group NAME`` in its
   own process (through ``benchmarks/counted_manage.py``, which counts the
   statements it sends), timed from process start to exit.
4. The floor, in its own fresh process too: read the same files, the reader's safe
   parse and its compiled XSD validation, a plain lookup of the main fields, and one
   COPY of those rows into a simple table.
5. Prints and stores (benchmarks/results/) the times, the ratio and the queries per
   dossier. ``--profile`` also writes a pyinstrument report of the command.

Targets (BENCHMARKS.md): the command within 5x the floor, goal 3x.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import (
    PYTHON,
    ROOT,
    FloorReader,
    FloorTimes,
    backend_cpu_seconds,
    bench_env,
    database_drop,
    database_recreate,
    floor_check,
    floor_table_create,
    floor_write,
    load,
    load_text,
    machine,
    migrate,
    own_cpu_seconds,
    py_spy_record,
    setup_django,
    write_result,
)

DATABASE = "oso_bench_import"
SIGNUP_GROUP = "Benchmark import"
SCHOOL_YEAR = "2021-2022"
_LINE = re.compile(r"^(?P<file>[^:]+): (?P<number>[^:]+): (?P<outcome>[^:]+)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=2000, help="dossiers to import")
    parser.add_argument("--seed", type=int, default=20, help="generator seed (new pupils)")
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database")
    parser.add_argument("--repeat", type=int, default=1, help="runs (fresh database each time)")
    parser.add_argument("--profile", metavar="PATH", help="pyinstrument report of the command")
    parser.add_argument(
        "--py-spy", metavar="PATH", help="py-spy profile of the command (collapsed stacks)"
    )
    parser.add_argument("--json", metavar="PATH", help="also write the result here")
    parser.add_argument("--floor-only", metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor_only:
        return _floor_process(Path(args.floor_only), args.database)

    results = []
    for _repeat in range(args.repeat):
        work = Path(tempfile.mkdtemp(prefix="oso-bench-import-"))
        env = bench_env(args.database, var_dir=work / "var")
        try:
            result = _run(args, work, env)
        finally:
            _close_connections()
            if not args.keep_db:
                database_drop(args.database)
            shutil.rmtree(work, ignore_errors=True)
        _print(result)
        results.append(result)
    if len(results) > 1:
        _print_summary(results)
    document = results[0] if len(results) == 1 else {"runs": results}
    path = write_result("import_dossiers", document)
    if args.json:
        Path(args.json).write_text(json.dumps(document, indent=2, default=str) + "\n")
    print(f"result: {path}")
    if args.py_spy:
        from benchmarks.profile_summary import report

        print(report(Path(args.py_spy), within="main ("))
    return 0 if all(result["ok"] for result in results) else 1


def _close_connections() -> None:
    from django.conf import settings

    if settings.configured:
        from django.db import connections

        connections.close_all()


def _print_summary(results: list[dict]) -> None:
    import statistics

    def pair(values: list[float]) -> str:
        return f"{min(values)} / {statistics.median(values)}"

    print(f"summary of {len(results)} runs (best / median):")
    print(f"  command wall s: {pair([r['command']['wall_s'] for r in results])}")
    print(f"  floor wall s: {pair([r['floor']['wall_s'] for r in results])}")
    print(f"  ratio wall: {pair([r['ratio_wall'] for r in results])}")
    print(f"  ratio work: {pair([r['ratio_work'] for r in results])}")
    print(f"  ratio CPU: {pair([r['ratio_cpu'] for r in results if r['ratio_cpu']])}")
    print(f"  queries per dossier: {results[0]['command']['queries_per_dossier']}")


def _run(args, work: Path, env: dict[str, str]) -> dict:
    files_dir = work / "dossiers"
    files_dir.mkdir()
    started = time.perf_counter()
    files = _write_dossiers(files_dir, args.count, args.seed)
    generated = time.perf_counter() - started
    total_bytes = sum(path.stat().st_size for path in files)

    database_recreate(args.database)
    migrate(env)

    # --- the command -------------------------------------------------------------------
    stats_path = work / "command-stats.json"
    command_env = {**env, "OSO_BENCH_STATS": str(stats_path)}
    if args.profile:
        command_env["OSO_BENCH_PROFILE"] = str(Path(args.profile).resolve())
    argv = [
        PYTHON,
        str(ROOT / "benchmarks" / "counted_manage.py"),
        "import_dossier",
        *map(str, files),
        "--signup-group",
        SIGNUP_GROUP,
        "--school-year",
        SCHOOL_YEAR,
    ]
    if args.py_spy:
        argv = [*py_spy_record(Path(args.py_spy)), *argv]
    load_before = load()
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, env=command_env, capture_output=True, text=True)
    command_seconds = time.perf_counter() - started
    load_after = load()
    outcomes = Counter(
        match.group("outcome") for line in done.stdout.splitlines() if (match := _LINE.match(line))
    )
    stats = json.loads(stats_path.read_text()) if stats_path.exists() else {}

    # --- the floor, in a fresh process as well ------------------------------------------
    floor_stats = work / "floor.json"
    started = time.perf_counter()
    subprocess.run(
        [PYTHON, __file__, "--floor-only", str(files_dir), "--database", args.database],
        cwd=ROOT,
        env={**env, "OSO_BENCH_STATS": str(floor_stats)},
        check=True,
    )
    floor_seconds = time.perf_counter() - started
    floor = json.loads(floor_stats.read_text())

    setup_django(env)
    from students.models import PriorEducation, ReceivedDossier, Student

    students = Student.objects.count()
    ok = (
        done.returncode == 0
        and outcomes.get("Nieuwe leerling aangemaakt", 0) == args.count
        and students == args.count
        and PriorEducation.objects.count() == args.count
        and ReceivedDossier.objects.count() == args.count
        and floor["dossiers"] == args.count
    )
    queries = stats.get("queries", 0)
    command_work = stats.get("command_s", 0.0)
    floor_work = floor["total_s"] + floor["compile_s"]
    return {
        "benchmark": "import_dossiers",
        "ok": ok,
        "count": args.count,
        "seed": args.seed,
        "bytes": total_bytes,
        "machine": machine(),
        "load_before": load_text(load_before),
        "load_after": load_text(load_after),
        "generate_s": round(generated, 2),
        "command": {
            "wall_s": round(command_seconds, 3),
            "startup_s": round(stats.get("startup_s", 0.0), 3),
            "work_s": round(command_work, 3),
            "exit": done.returncode,
            "outcomes": dict(outcomes),
            "cpu_s": round(stats.get("cpu_s") or 0.0, 2),
            "postgres_cpu_s": round(stats.get("postgres_cpu_s") or 0.0, 2),
            "queries": queries,
            "queries_per_dossier": round(queries / args.count, 3) if args.count else None,
            "queries_by_kind": stats.get("by_kind", {}),
            "query_s": stats.get("query_s"),
            "queries_by_statement": stats.get("by_statement", {}),
            "stderr_tail": done.stderr[-2000:],
        },
        "floor": {"wall_s": round(floor_seconds, 3), **floor},
        "ratio_wall": round(command_seconds / floor_seconds, 2),
        "ratio_work": round(command_work / floor_work, 2) if floor_work else None,
        "ratio_cpu": _cpu_ratio(stats, floor),
        "dossiers_per_s": round(args.count / command_seconds, 1),
        "students": students,
    }


def _cpu_ratio(command: dict, floor: dict) -> float | None:
    """(process + its PostgreSQL backend) CPU seconds, command over floor."""
    try:
        used = command["cpu_s"] + command["postgres_cpu_s"]
        floor_used = floor["cpu_s"] + floor["postgres_cpu_s"]
    except (KeyError, TypeError):
        return None
    return round(used / floor_used, 2) if floor_used else None


def _write_dossiers(folder: Path, count: int, seed: int) -> list[Path]:
    from elk_mock.dataset import generated_pupils

    paths = []
    identifiers = set()
    for number, pupil in enumerate(generated_pupils(count, seed=seed), start=1):
        identifiers.add(pupil.identifier)
        path = folder / f"dossier-{number:05d}.xml"
        path.write_bytes(pupil.versions[0].xml)
        paths.append(path)
    if len(identifiers) != count:
        raise SystemExit("the generator gave duplicate pupils")
    return paths


def _floor_process(folder: Path, database: str) -> int:
    """The floor: runs in a fresh process, like the command."""
    started = time.perf_counter()
    setup_django({})  # the parent passed the benchmark environment
    set_up = time.perf_counter()
    floor_table_create()
    times = FloorTimes()
    reader = FloorReader()
    raws = []
    read_started = time.perf_counter()
    for path in sorted(folder.glob("*.xml")):
        raws.append(path.read_bytes())
    times.read = time.perf_counter() - read_started
    rows = reader.rows(raws, times)
    floor_write(rows, times)
    floor_check(len(rows))
    Path(os.environ["OSO_BENCH_STATS"]).write_text(
        json.dumps(
            {
                **times.as_dict(),
                "cpu_s": own_cpu_seconds(),
                "postgres_cpu_s": backend_cpu_seconds(),
                "compile_s": round(reader.compile_seconds, 3),
                "startup_s": round(set_up - started, 3),
            }
        )
    )
    return 0


def _print(result: dict) -> None:
    command, floor = result["command"], result["floor"]
    print(f"import_dossiers: {result['count']} dossiers, {result['bytes'] / 1e6:.1f} MB")
    print(f"  machine: {result['machine']}")
    print(f"  load before/after: {result['load_before']} / {result['load_after']}")
    print(
        f"  command: {command['wall_s']:.2f} s wall (start-up {command['startup_s']:.2f} s, "
        f"work {command['work_s']:.2f} s), exit {command['exit']}, {command['outcomes']}"
    )
    print(
        f"  queries: {command['queries']} ({command['queries_per_dossier']} per dossier) "
        f"{command['queries_by_kind']}, {command['query_s']} s in the database calls"
    )
    for key, value in list(command["queries_by_statement"].items())[:8]:
        print(f"    {key}: {value['count']} in {value['seconds']} s")
    print(
        f"  floor: {floor['wall_s']:.2f} s wall (start-up {floor['startup_s']:.2f} s, "
        f"XSD compile {floor['compile_s']:.2f} s, read {floor['read_s']:.2f} s, parse "
        f"{floor['parse_s']:.2f} s, validate {floor['validate_s']:.2f} s, extract "
        f"{floor['extract_s']:.2f} s, COPY {floor['write_s']:.2f} s)"
    )
    print(
        f"  CPU: command {command['cpu_s']} s + PostgreSQL {command['postgres_cpu_s']} s; "
        f"floor {floor['cpu_s']:.2f} s + PostgreSQL {floor['postgres_cpu_s'] or 0:.2f} s"
    )
    print(
        f"  ratio: {result['ratio_wall']}x wall (process to process), "
        f"{result['ratio_work']}x work (after start-up), {result['ratio_cpu']}x CPU; "
        "target 5x, goal 3x"
    )
    print(f"  {result['dossiers_per_s']} dossiers/s; ok={result['ok']}")
    if not result["ok"]:
        print(command["stderr_tail"], file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
