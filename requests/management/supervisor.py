"""A small process supervisor for ``manage.py run_all``: start a few commands, stop them together.

Each child runs in its own session (process group), so a Ctrl-C in the terminal
reaches only the supervisor, which then stops every child in order: SIGTERM to the
child's main process (a Celery worker finishes its task and hands back what it
holds), and after a grace period SIGKILL to its whole group. On Linux a child also
gets SIGTERM if the supervisor itself dies (PR_SET_PDEATHSIG), so nothing is left
running. When one child exits on its own, the others are stopped too.

Output of every child is copied to ours, each line prefixed with the child's name.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from typing import TextIO

_PR_SET_PDEATHSIG = 1


def _child_setup() -> None:  # runs in the child between fork and exec
    os.setsid()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class Child:
    name: str
    command: list[str]
    process: subprocess.Popen | None = None
    reader: threading.Thread | None = None

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


@dataclass
class Supervisor:
    children: list[Child]
    env: dict[str, str] = field(default_factory=lambda: dict(os.environ))
    cwd: str | None = None
    out: TextIO = sys.stdout
    grace_seconds: float = 15.0
    _stop_requested: threading.Event = field(default_factory=threading.Event)
    _out_lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> None:
        # Every child first, then the output readers: forking while threads run is unsafe.
        for child in self.children:
            child.process = subprocess.Popen(  # noqa: S603 - fixed commands of our own
                child.command,
                env=self.env,
                cwd=self.cwd,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                preexec_fn=_child_setup,
            )
        for child in self.children:
            child.reader = threading.Thread(target=self._copy_output, args=(child,), daemon=True)
            child.reader.start()

    def _copy_output(self, child: Child) -> None:
        assert child.process is not None and child.process.stdout is not None
        width = max(len(c.name) for c in self.children)
        for raw in iter(child.process.stdout.readline, b""):
            line = raw.decode(errors="replace").rstrip("\n")
            with self._out_lock:
                self.out.write(f"{child.name:<{width}} | {line}\n")
                self.out.flush()

    def request_stop(self, *_args) -> None:
        self._stop_requested.set()

    def wait(self, *, poll_seconds: float = 0.2) -> Child | None:
        """Block until a stop is requested or a child exits; return the child that exited."""
        while not self._stop_requested.is_set():
            for child in self.children:
                if not child.running():
                    return child
            self._stop_requested.wait(poll_seconds)
        return None

    def stop(self) -> None:
        """SIGTERM every running child, wait for all, SIGKILL the groups of the stragglers."""
        for child in self.children:
            if child.process is not None and child.running():
                with contextlib.suppress(ProcessLookupError):
                    child.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.grace_seconds
        for child in self.children:
            if child.process is None:
                continue
            remaining = max(0.1, deadline - time.monotonic())
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.process.wait(remaining)
            # Whatever is left in its group (a worker's pool process, say) goes too.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(child.process.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.process.wait(5)
        for child in self.children:
            if child.reader is not None:
                child.reader.join(timeout=2)
