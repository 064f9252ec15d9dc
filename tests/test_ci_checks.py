"""CI runs the habits that keep the tree in shape: lint, types, migrations, coverage."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _make_target(name: str) -> str:
    makefile = (ROOT / "Makefile").read_text()
    match = re.search(rf"^{re.escape(name)}:.*\n((?:\t.*\n)+)", makefile, flags=re.MULTILINE)
    assert match, f"make {name} is missing"
    return match.group(1)


def _ci_commands() -> list[str]:
    lines = (ROOT / ".ci" / "run").read_text().splitlines()
    return [line.split("#")[0].strip() for line in lines if line.strip().startswith("make ")]


def test_ci_runs_ruff_mypy_and_the_migrations_check_before_the_tests():
    commands = _ci_commands()

    assert [c.split()[1] for c in commands] == ["lint", "types", "migrations-check", "test"]
    assert "ruff check ." in _make_target("lint")
    assert "ruff format --check ." in _make_target("lint")
    assert "mypy ." in _make_target("types")
    assert "mypy-baseline filter" in _make_target("types")
    assert "makemigrations --check --dry-run" in _make_target("migrations-check")


def test_ci_prints_coverage_with_a_floor():
    test_command = _ci_commands()[-1]
    coverage = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["coverage"]

    assert "--cov" in test_command and "--cov-report=term" in test_command
    assert coverage["report"]["fail_under"] > 0


def test_mypy_is_strict_on_the_oso_format_package():
    mypy = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    overrides = [o for o in mypy["overrides"] if "oso_format.*" in o["module"]]

    assert overrides and overrides[0]["disallow_untyped_defs"] is True
    assert overrides[0]["disallow_any_generics"] is True


def test_pre_commit_runs_ruff():
    config = (ROOT / ".pre-commit-config.yaml").read_text()

    assert "ruff check" in config and "ruff format" in config


def test_the_domain_description_lives_in_the_repository_and_nothing_cites_one_outside():
    assert (ROOT / "docs" / "DOMAIN.md").is_file()
    outside = []
    for path in ROOT.rglob("*"):
        if any(part in {".venv", ".git", "build", "node_modules"} for part in path.parts):
            continue
        if path.suffix not in {".py", ".md", ".html", ".sh", ".toml"} or not path.is_file():
            continue
        if path.name != Path(__file__).name and "../shared/" in path.read_text(errors="ignore"):
            outside.append(str(path.relative_to(ROOT)))
    assert outside == []
