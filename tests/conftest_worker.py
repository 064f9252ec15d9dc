"""Fixtures that run the request pipeline against real processes.

- ``elk_mock``: the mock endpoint (one process per test session, reset for every
  test, demo data set); the settings point the client at it.
- ``demo_students``: the 16 demo pupils as students, each with its first dossier merged.
- ``pipeline_processes``: starts real ``celery worker`` and ``celery beat``
  subprocesses on the test database (``DATABASE_URL`` in their environment; use
  with ``transactional_db`` so that they see what the test wrote) and stops them.

Broker: Redis when ``CELERY_BROKER_URL`` is set (CI), under a key prefix and a
queue of this run's own, so that it never meets another run's messages; otherwise
kombu's filesystem transport in a folder of this run. While processes run, the
test process publishes to the same queue (its Celery app is re-pointed and
restored afterwards).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Short delays for tests; production defaults are in settings.py.
FAST_PIPELINE_ENV = {
    "OSO_BROKER_POLLING_INTERVAL": "0.1",
    "OSO_POLL_FIRST_DELAY_SECONDS": "0.2",
    "OSO_POLL_BASE_SECONDS": "0.5",
    "OSO_POLL_MAX_DELAY_SECONDS": "1",
    "OSO_RETRY_BASE_SECONDS": "0.2",
    "OSO_RETRY_MAX_DELAY_SECONDS": "1",
    "OSO_ENDPOINT_CONNECT_TIMEOUT": "2",
    "OSO_ENDPOINT_READ_TIMEOUT": "5",
}


def wait_until(predicate: Callable[[], object], *, timeout: float, interval: float = 0.2):
    """Poll ``predicate`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting after {timeout} s")
        time.sleep(interval)


# --- The mock endpoint ---------------------------------------------------------------


@pytest.fixture(scope="session")
def elk_mock_process():
    from elk_mock.dataset import DEMO_CLOCK_START
    from elk_mock.testing import MockEndpoint

    with MockEndpoint(dataset="demo", clock=DEMO_CLOCK_START) as mock:
        yield mock


@pytest.fixture
def elk_mock(elk_mock_process, settings):
    """The demo mock endpoint at its start date, with no faults; the client points at it."""
    from elk_mock.dataset import DEMO_CLOCK_START

    elk_mock_process.reset(faults=True, stats=True)
    elk_mock_process.set_faults(refuse="")
    elk_mock_process.set_clock(DEMO_CLOCK_START)
    settings.OSO_ENDPOINT_URL = elk_mock_process.url
    return elk_mock_process


@pytest.fixture
def demo_students(db) -> dict:
    """The demo signup group's pupils as students, keyed by the data set's key (demo-01...)."""
    from elk_mock.dataset import DEMO_SCHOOL_YEAR, DEMO_SIGNUP_GROUP, demo_pupils
    from students.models import SignupGroup, Student
    from students.services.dossier_merge import DossierIn, dossiers_merge

    group, _ = SignupGroup.objects.get_or_create(
        name=DEMO_SIGNUP_GROUP, school_year=DEMO_SCHOOL_YEAR
    )
    pupils = demo_pupils()
    results = dossiers_merge(
        items=[DossierIn(raw=p.versions[0].xml, source_name=f"{p.key}.xml") for p in pupils],
        signup_group=group,
        received_by="test",
    )
    assert all(r.outcome == "created" for r in results), [r.reason for r in results]
    return {
        pupil.key: Student.objects.get(pk=result.student_id)
        for pupil, result in zip(pupils, results, strict=True)
    }


# --- Broker, worker and beat processes ---------------------------------------------------


@dataclass
class BrokerForRun:
    queue: str
    env: dict[str, str]
    transport_options: dict


@pytest.fixture(scope="session")
def broker_for_run(tmp_path_factory) -> Iterator[BrokerForRun]:
    from django.conf import settings

    run = uuid.uuid4().hex[:12]
    queue = f"oso-test-{run}"
    env = {"OSO_CELERY_QUEUE": queue}
    options = dict(settings.CELERY_BROKER_TRANSPORT_OPTIONS)
    if settings.CELERY_BROKER_URL.startswith("filesystem:"):
        folder = tmp_path_factory.mktemp("broker")
        for key, name in (
            ("data_folder_in", "out"),
            ("data_folder_out", "out"),
            ("processed_folder", "processed"),
            ("control_folder", "control"),
        ):
            options[key] = str(folder / name)
            (folder / name).mkdir(exist_ok=True)
        options["polling_interval"] = 0.1
        env["OSO_BROKER_DIR"] = str(folder)
        yield BrokerForRun(queue=queue, env=env, transport_options=options)
        return
    prefix = f"oso-test-{run}:"
    options["global_keyprefix"] = prefix
    env["CELERY_BROKER_KEY_PREFIX"] = prefix
    yield BrokerForRun(queue=queue, env=env, transport_options=options)
    # Redis keeps what a killed worker left unacknowledged: clear this run's keys.
    import redis

    connection = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    keys = list(connection.scan_iter(match=f"{prefix}*"))
    if keys:
        connection.delete(*keys)
    connection.close()


def _point_celery_app(queue: str, transport_options: dict) -> None:
    """Make this process's Celery app publish to ``queue`` with these transport options."""
    from oso_portal.celery import app

    # Dropped, not closed: kombu keeps one pool per connection settings and hands the
    # same one out again when the settings come back.
    app._pool = None
    # The AMQP helper caches queues, router and producer pool: build it afresh.
    app.__dict__.pop("amqp", None)
    app.conf.task_default_queue = queue
    app.conf.broker_transport_options = transport_options


def test_database_url() -> str:
    """The URL of the test database the test process uses (for the subprocesses)."""
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    auth = quote(db["USER"] or "")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


test_database_url.__test__ = False  # a helper, not a test


@dataclass
class PipelineProcess:
    kind: str
    process: subprocess.Popen
    log: Path

    def alive(self) -> bool:
        return self.process.poll() is None

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def kill(self) -> None:
        """SIGKILL the whole process group (a prefork worker and its child) at once."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self, timeout: float = 10.0) -> None:
        """A warm shutdown (SIGTERM to the main process, which stops its child), then SIGKILL."""
        if not self.alive():
            return
        self.process.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout)
        self.kill()


@dataclass
class PipelineProcesses:
    env: dict[str, str]
    log_dir: Path
    started: list[PipelineProcess] = field(default_factory=list)

    def _start(self, kind: str, args: list[str], ready_text: str, **env: str) -> PipelineProcess:
        log = self.log_dir / f"{kind}-{len(self.started)}.log"
        handle = log.open("wb")
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "oso_portal", *args],
            cwd=PROJECT_ROOT,
            env={**os.environ, **self.env, **env},
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so kill() reaches the child too
        )
        handle.close()
        started = PipelineProcess(kind=kind, process=process, log=log)
        self.started.append(started)
        try:
            wait_until(lambda: ready_text in started.log_text() or not started.alive(), timeout=60)
        finally:
            if not started.alive():
                raise AssertionError(f"{kind} did not start:\n{started.log_text()[-4000:]}")
        return started

    def worker(self, **env: str) -> PipelineProcess:
        queue = self.env["OSO_CELERY_QUEUE"]
        args = ["worker", "--concurrency", "1", "--pool", "prefork", "-Q", queue]
        args += ["--without-mingle", "--without-gossip", "--without-heartbeat", "-l", "info"]
        args += ["-n", f"{queue}-{len(self.started)}@%h"]
        return self._start("worker", args, " ready.", **env)

    def beat(self, **env: str) -> PipelineProcess:
        args = ["beat", "-S", "django_celery_beat.schedulers:DatabaseScheduler"]
        args += ["--max-interval", "1", "-l", "info"]
        args += ["--pidfile", str(self.log_dir / f"beat-{uuid.uuid4().hex[:6]}.pid")]
        return self._start("beat", args, "beat: Starting", **env)

    def logs(self) -> str:
        return "\n".join(f"--- {p.kind} {p.log.name}\n{p.log_text()[-6000:]}" for p in self.started)


@pytest.fixture
def pipeline_processes(
    transactional_db, elk_mock, broker_for_run, settings, tmp_path
) -> Iterator[PipelineProcesses]:
    """Start workers and beat with ``.worker(**env)`` / ``.beat(**env)``; all stop afterwards.

    Their logs are printed at teardown (pytest shows them when the test failed).
    """
    from oso_portal.celery import app

    saved = (app.conf.task_default_queue, dict(app.conf.broker_transport_options or {}))
    _point_celery_app(broker_for_run.queue, broker_for_run.transport_options)
    env = {
        **FAST_PIPELINE_ENV,
        **broker_for_run.env,
        "OSO_PORTAL_ENV": "test",
        "DATABASE_URL": test_database_url(),
        "OSO_ENDPOINT_URL": elk_mock.url,
        "OSO_REQUEST_CHUNK_SIZE": str(settings.OSO_REQUEST_CHUNK_SIZE),
        "PYTHONUNBUFFERED": "1",
    }
    processes = PipelineProcesses(env=env, log_dir=tmp_path)
    try:
        yield processes
    finally:
        for process in reversed(processes.started):
            process.stop()
        _point_celery_app(*saved)
        print(processes.logs())
