"""gunicorn, started as the entrypoint starts it, writes no BSN to its access log.

A BSN can reach a URL however hard the pages try not to put one there: typed into
the admin's search box, in a hand-made link, in the ``next=`` of a login redirect.
Every request line gunicorn logs goes through the redaction filter.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from common.security import find_identifiers

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
BSN = "234017892"
URLS = [
    f"/students/?bsn={BSN}",
    f"/students/?q={BSN}&page=2",
    f"/admin/students/student/?q={BSN}",
    f"/admin/oso_requests/transferrequest/?q={BSN}",
    f"/admin/students/receiveddossier/?q={BSN[:4]}.{BSN[4:6]}.{BSN[6:]}",
    f"/audit/?query={BSN}",
    f"/requests/?search={BSN}",
    f"/accounts/login/?next=/students/%3Fbsn%3D{BSN}",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            assert process.stdout is not None
            raise AssertionError("gunicorn stopped: " + process.stdout.read().decode())
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError("gunicorn did not start")


def test_no_bsn_in_the_access_log_for_any_page_or_admin_search(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "OSO_PORTAL_ENV": "test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "OSO_PORTAL_VAR_DIR": str(tmp_path),
    }
    command = [
        sys.executable, "-m", "gunicorn",
        "--config", "python:oso_portal.gunicorn_conf",
        "oso_portal.wsgi:application",
        "--bind", f"127.0.0.1:{port}",
        "--workers", "1",
        "--access-logfile", "-",
    ]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base + "/accounts/login/", process)
        for url in URLS:
            httpx.get(base + url, timeout=10, follow_redirects=True)
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0].decode()

    access_lines = [line for line in output.splitlines() if '"GET ' in line]
    assert len(access_lines) >= len(URLS), output
    assert find_identifiers(output) == []
    assert BSN not in output
    assert f"*****{BSN[-4:]}" in output
