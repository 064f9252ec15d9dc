"""``MockEndpoint``: run the mock endpoint as a real subprocess for a test (or a benchmark).

    with MockEndpoint(dataset="demo", clock=date(2021, 3, 20)) as mock:
        client = EndpointClient(base_url=mock.url, school_brin="99XX")
        mock.set_faults(error_rate=0.3, seed=1)
        mock.advance_clock(51)
        assert mock.stats()["submit_calls"] <= 10

The process listens on a free port (``--port 0``), reports its address on stdout, and is
stopped with SIGTERM on exit (SIGKILL if it does not stop in time). Only the standard library
is used here, so any test can use it.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

from lxml import etree

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class MockEndpointError(RuntimeError):
    pass


class MockEndpoint:
    def __init__(
        self,
        *args: str,
        dataset: str = "demo",
        clock: date | None = None,
        quiet: bool = True,
        startup_timeout: float = 30.0,
        python: str = sys.executable,
    ) -> None:
        """``args`` go to ``python -m elk_mock`` as they are (e.g. "--error-rate", "0.3")."""
        self.args = list(args)
        self.dataset = dataset
        self.clock_at_start = clock
        self.quiet = quiet
        self.startup_timeout = startup_timeout
        self.python = python
        self.url = ""
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path: Path | None = None

    # -- lifecycle -----------------------------------------------------------------------
    def start(self) -> MockEndpoint:
        command = [self.python, "-m", "elk_mock", "--host", "127.0.0.1", "--port", "0"]
        command += ["--dataset", self.dataset]
        if self.clock_at_start is not None:
            command += ["--clock", self.clock_at_start.isoformat()]
        if self.quiet:
            command.append("--quiet")
        command += self.args
        log = tempfile.NamedTemporaryFile(  # noqa: SIM115 (kept open for the process's life)
            prefix="elk-mock-", suffix=".log", delete=False
        )
        self.log_path = Path(log.name)
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        env["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")])
        )
        self.process = subprocess.Popen(  # noqa: S603 (our own module, fixed arguments)
            command, stdout=subprocess.PIPE, stderr=log, cwd=PROJECT_ROOT, env=env
        )
        log.close()
        self.url = self._read_address()
        self._wait_healthy()
        return self

    def _read_address(self) -> str:
        assert self.process is not None and self.process.stdout is not None
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.process.stdout], [], [], 0.2)
            if ready:
                line = self.process.stdout.readline().decode().strip()
                if line.startswith("elk_mock listening on "):
                    return line.removeprefix("elk_mock listening on ")
                if not line and self.process.poll() is not None:
                    break
            elif self.process.poll() is not None:
                break
        self.stop()
        raise MockEndpointError(f"the mock endpoint did not start; see {self.log_path}")

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            try:
                self._call("GET", "/health")
                return
            except (OSError, MockEndpointError):
                time.sleep(0.05)
        self.stop()
        raise MockEndpointError(f"the mock endpoint is not healthy; see {self.log_path}")

    def stop(self, timeout: float = 10.0) -> int | None:
        process = self.process
        if process is None:
            return None
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout)
        if process.stdout is not None:
            process.stdout.close()
        return process.returncode

    def __enter__(self) -> MockEndpoint:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # -- control API ---------------------------------------------------------------------
    def _call(self, method: str, path: str, params: dict | None = None) -> etree._Element:
        query = f"?{urlencode(params, doseq=True)}" if params else ""
        request = urllib.request.Request(  # noqa: S310 (http to our own subprocess)
            f"{self.url}{path}{query}", method=method, data=b"" if method == "POST" else None
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return etree.fromstring(response.read())
        except urllib.error.HTTPError as exc:
            raise MockEndpointError(f"{method} {path}: {exc.code} {exc.read()!r}") from exc

    def set_faults(self, **settings) -> dict:
        """latency, error_rate, timeout_rate, truncate_rate, invalid_xml_rate, hang_seconds,
        max_consecutive, budget, seed, next (kinds in order), refuse (keys or BSNs)."""
        params: dict[str, object] = {}
        for name, value in settings.items():
            if name in ("next", "refuse") and not isinstance(value, str):
                value = ",".join(value) if isinstance(value, Iterable) else value
            params[name] = "" if value is None else value
        return self._state(self._call("POST", "/control/faults", params))

    def withdraw(self, *keys_or_identifiers: str) -> dict:
        """ELK withdraws these pupils' placements (replaces the list; none clears it)."""
        params = {"pupils": ",".join(keys_or_identifiers)}
        return self._state(self._call("POST", "/control/withdraw", params))

    def pupils(self, school: str = "99XX") -> list[dict]:
        """``GET /control/pupils?school=``: the school's pupils as the mock sees them now."""
        url = f"{self.url}/control/pupils?{urlencode({'school': school})}"
        try:
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310
                return json.loads(response.read())
        except urllib.error.HTTPError as exc:
            raise MockEndpointError(f"GET /control/pupils: {exc.code} {exc.read()!r}") from exc

    def set_notify(self, *, url: str | None = None, secret: str | None = None) -> dict:
        """Where (and with which shared secret) the mock sends its notification callbacks."""
        params = {k: v for k, v in (("url", url), ("secret", secret)) if v is not None}
        return self._state(self._call("POST", "/control/notify", params or {"none": "1"}))

    def notifications(self) -> dict[str, str]:
        """The callback URL and how many requests are registered / queued for a callback."""
        root = self._call("GET", "/control/state")
        return {str(k): str(v) for k, v in _child(root, "notifications").attrib.items()}

    def clear_faults(self) -> dict:
        return self._state(self._call("POST", "/control/reset", {"faults": "1"}))

    def reset(self, *, faults: bool = True, stats: bool = True, requests: bool = False) -> dict:
        params = {name: "1" for name, on in (("faults", faults), ("stats", stats),
                                              ("requests", requests)) if on}  # fmt: skip
        return self._state(self._call("POST", "/control/reset", params or {"none": "1"}))

    def set_clock(self, day: date) -> date:
        root = self._call("POST", "/control/clock", {"date": day.isoformat()})
        return date.fromisoformat(_attr(root, "clock"))

    def advance_clock(self, days: int) -> date:
        root = self._call("POST", "/control/clock", {"advance_days": str(days)})
        return date.fromisoformat(_attr(root, "clock"))

    @property
    def clock(self) -> date:
        return date.fromisoformat(_attr(self._call("GET", "/control/state"), "clock"))

    def state(self) -> dict:
        return self._state(self._call("GET", "/control/state"))

    def stats(self) -> Counter[str]:
        """Counts: submit_calls, submit_items, results_calls, results_items, feed_calls,
        <operation>_faults, injected_<kind>, health, control (missing names are 0)."""
        return self.state()["stats"]

    @staticmethod
    def _state(root: etree._Element) -> dict:
        faults = {str(k): str(v) for k, v in _child(root, "faults").attrib.items()}
        stats = Counter({_attr(c, "name"): int(_attr(c, "value")) for c in _child(root, "stats")})
        return {"clock": date.fromisoformat(_attr(root, "clock")), "faults": faults, "stats": stats}


def _attr(element: etree._Element, name: str) -> str:
    value = element.get(name)
    if value is None:
        raise AssertionError(f"the mock's answer lacks {element.tag}/@{name}")
    return str(value)


def _child(element: etree._Element, tag: str) -> etree._Element:
    child = element.find(tag)
    if child is None:
        raise AssertionError(f"the mock's answer lacks {element.tag}/{tag}")
    return child
