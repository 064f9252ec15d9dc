"""Running a management command in a test: in this process, or as a real command line."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import CommandError, call_command


def command_run(name: str, *args: str) -> tuple[int, str]:
    """The exit code and standard output of ``manage.py <name> <args>``, run in this process."""
    out = io.StringIO()
    try:
        call_command(name, *args, stdout=out, stderr=io.StringIO())
    except CommandError as error:
        return error.returncode, out.getvalue()
    return 0, out.getvalue()


def manage_py(*args: str, **kwargs) -> subprocess.CompletedProcess[str]:
    """``python manage.py <args>`` as a separate process (keyword arguments go to ``run``)."""
    manage = Path(settings.BASE_DIR) / "manage.py"
    return subprocess.run(
        [sys.executable, str(manage), *args],
        capture_output=True,
        text=True,
        timeout=120,
        **kwargs,
    )
