"""Dependencies run one way: the import-linter contracts in pyproject.toml hold.

oso_portal -> requests -> students -> audit -> common -> oso_format; audit imports
no other app; the mock imports nothing of the portal. The second test plants a
forbidden import in a copy of the tree to show the check can fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = (
    "oso_portal",
    "requests",
    "students",
    "audit",
    "common",
    "portal_text",
    "oso_format",
    "elk_mock",
)
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", "pyproject.toml"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _copy_tree(target: Path) -> None:
    shutil.copy(ROOT / "pyproject.toml", target / "pyproject.toml")
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package,
            target / package,
            ignore=shutil.ignore_patterns("__pycache__", "locale", "xsd", "*.html", "*.mo"),
        )


def test_the_tree_keeps_every_import_contract():
    result = _lint(ROOT)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_a_planted_upward_import_breaks_the_contracts(tmp_path):
    _copy_tree(tmp_path)
    assert _lint(tmp_path).returncode == 0  # the copy itself is clean
    (tmp_path / "students" / "planted.py").write_text(
        "from requests.models import TransferRequest\n"
    )
    result = _lint(tmp_path)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    assert "students.planted -> requests.models" in result.stdout


def test_an_app_import_in_the_format_package_breaks_the_contracts(tmp_path):
    _copy_tree(tmp_path)
    (tmp_path / "oso_format" / "planted.py").write_text(
        "def f():\n    from students.models import Student\n    return Student\n"
    )
    result = _lint(tmp_path)
    assert result.returncode != 0
    assert "oso_format.planted -> students.models" in result.stdout
