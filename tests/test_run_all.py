"""``manage.py run_all`` (what ``make run`` starts): the whole product on embedded defaults.

No DATABASE_URL and no CELERY_BROKER_URL: SQLite and the filesystem broker in a
fresh var folder, as on a laptop with nothing installed. A second ``manage.py``
with the same (empty) settings must reach the same database and broker: here
``request_dossiers --wait`` is served by the worker that run_all started.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psutil
import pytest

from tests.conftest_worker import FAST_PIPELINE_ENV, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.slow]

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _http_status(url: str) -> int | None:
    request = urllib.request.Request(url, method="GET")
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


@pytest.fixture
def embedded_env(tmp_path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "OSO_CELERY_QUEUE", "OSO_BROKER_DIR"}
    }
    env.update(FAST_PIPELINE_ENV)
    env.update(
        {
            "OSO_PORTAL_ENV": "demo",
            "OSO_PORTAL_VAR_DIR": str(tmp_path / "var"),
            "OSO_ENDPOINT_URL": f"http://127.0.0.1:{_free_port()}",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def _manage(env: dict[str, str], *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _waiting(env: dict[str, str]) -> tuple[int, int]:
    """Requests still waiting, and callbacks that fetched a file."""
    code = (
        "from requests.models import NotificationDelivery, TransferRequest; "
        "print(TransferRequest.objects.filter(status='waiting').count(), "
        "NotificationDelivery.objects.filter(fetched_count__gt=0).count())"
    )
    result = _manage(env, "shell", "-c", code)
    assert result.returncode == 0, result.stderr
    waiting, fetched = result.stdout.strip().splitlines()[-1].split()
    return int(waiting), int(fetched)


def test_run_all_runs_the_whole_product_and_ctrl_c_stops_every_process(embedded_env, tmp_path):
    assert _manage(embedded_env, "migrate", "--noinput").returncode == 0
    seeded = _manage(embedded_env, "seed_demo")
    assert seeded.returncode == 0, seeded.stderr
    web_port = _free_port()
    log_path = tmp_path / "run_all.log"
    with log_path.open("wb") as log:
        run_all = subprocess.Popen(
            [sys.executable, "manage.py", "run_all", "--addr", f"127.0.0.1:{web_port}"],
            cwd=PROJECT_ROOT,
            env=embedded_env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    processes: list[psutil.Process] = []
    try:
        wait_until(lambda: b" ready." in log_path.read_bytes(), timeout=60)
        wait_until(lambda: _http_status(f"http://127.0.0.1:{web_port}/") in (200, 302), timeout=30)
        assert _http_status(f"{embedded_env['OSO_ENDPOINT_URL']}/health") == 200
        processes = psutil.Process(run_all.pid).children(recursive=True)
        names = " ".join(" ".join(p.cmdline()) for p in processes)
        assert "elk_mock" in names and " worker " in names and " beat " in names
        assert "runserver" in names

        # manage.py with the same environment reaches the same database and broker.
        result = _manage(
            embedded_env,
            "request_dossiers",
            "--signup-group",
            "Groep 8 - Saenredam College",
            "--wait",
            "--timeout",
            "90",
        )
        assert result.returncode == 0, result.stdout + result.stderr + log_path.read_text()
        lines = result.stdout.splitlines()
        assert [line.split(": ")[0] for line in lines] == [
            "Klaar om op te vragen",
            "Aangevraagd",
            "Wacht op basisschool",
            "Verwerkt",
            "Verwerkt met opmerkingen",
            "Leerlinginfo niet gewijzigd",
            "Mislukt",
        ]
        counts = {line.split(": ")[0]: int(line.split(": ")[1]) for line in lines}
        assert sum(counts.values()) == 16
        # At the demo's start date every first file is unchanged; one March file is not out.
        assert counts["Leerlinginfo niet gewijzigd"] == 15
        assert counts["Wacht op basisschool"] == 1

        # make run wires notifications: past demo-16's release the mock calls the web app
        # back and his file comes in at once, long before the fallback poll (an hour).
        clock = urllib.request.Request(
            f"{embedded_env['OSO_ENDPOINT_URL']}/control/clock?date=2021-03-29", method="POST"
        )
        urllib.request.urlopen(clock, timeout=5).close()
        wait_until(lambda: _waiting(embedded_env) == (0, 1), timeout=40, interval=2)

        started = time.monotonic()
        run_all.send_signal(signal.SIGINT)  # Ctrl-C
        assert run_all.wait(60) == 0, log_path.read_text()
        stop_seconds = time.monotonic() - started
        _gone, alive = psutil.wait_procs(processes, timeout=5)
        assert alive == [], [p.cmdline() for p in alive]
        assert stop_seconds < 30
        assert "Alles is gestopt." in log_path.read_text()
    finally:
        if run_all.poll() is None:
            run_all.kill()
        for process in processes:
            with contextlib.suppress(psutil.NoSuchProcess):
                process.kill()
