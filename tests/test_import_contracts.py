"""Dependencies run one way: ``requests -> students -> oso_format``, and nothing reaches up.

``oso_portal`` (settings, URLs, the Celery app) sits on top and may wire anything;
``common`` (helpers every app shares) and ``portal_text`` sit below the apps;
``oso_format`` is at the bottom and imports nothing of the portal; ``audit`` imports
no other app (the apps call it); the mock endpoint imports nothing of the portal.
Every import counts, also one inside a function or under TYPE_CHECKING. The tests
below plant a forbidden import in a copy to show the check fails on one.
"""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Which of the portal's packages each package may import (besides itself).
ALLOWED: dict[str, set[str]] = {
    "oso_portal": {"requests", "students", "audit", "common", "portal_text", "oso_format"},
    "requests": {"students", "audit", "common", "portal_text", "oso_format"},
    # The demo seed loads the mock's deterministic pupils.
    "students": {"audit", "common", "portal_text", "oso_format", "elk_mock"},
    "audit": {"common", "portal_text", "oso_format"},
    "common": {"oso_format"},
    "portal_text": set(),
    "oso_format": set(),
    "elk_mock": set(),
}
PACKAGES = tuple(ALLOWED)


def _imported(tree: ast.AST) -> list[str]:
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def forbidden_imports(root: Path) -> list[str]:
    """Every import that breaks the contract, as ``module -> imported``."""
    found: set[str] = set()
    for package, allowed in ALLOWED.items():
        for path in sorted((root / package).rglob("*.py")):
            module = ".".join(path.relative_to(root).with_suffix("").parts)
            for name in _imported(ast.parse(path.read_text("utf-8"), str(path))):
                top = name.split(".")[0]
                if top in ALLOWED and top != package and top not in allowed:
                    found.add(f"{module} -> {name}")
    return sorted(found)


def _copy(target: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, target / package, ignore=shutil.ignore_patterns("*.pyc", "*.mo", "xs*")
        )
    return target


def test_the_tree_keeps_the_import_contract():
    assert forbidden_imports(ROOT) == []


def test_a_planted_upward_import_breaks_the_contract(tmp_path):
    tree = _copy(tmp_path)
    assert forbidden_imports(tree) == []
    (tree / "students" / "planted.py").write_text("from requests.models import TransferRequest\n")

    assert forbidden_imports(tree) == ["students.planted -> requests.models"]


def test_an_app_import_in_the_format_package_breaks_the_contract_even_inside_a_function(
    tmp_path,
):
    tree = _copy(tmp_path)
    (tree / "oso_format" / "planted.py").write_text(
        "def f():\n    from students.models import Student\n    return Student\n"
    )

    assert forbidden_imports(tree) == ["oso_format.planted -> students.models"]


def test_the_audit_log_importing_an_app_breaks_the_contract(tmp_path):
    tree = _copy(tmp_path)
    (tree / "audit" / "planted.py").write_text("import oso_portal.settings\n")

    assert forbidden_imports(tree) == ["audit.planted -> oso_portal.settings"]


# requests changes students only through students' services: no write on a model of
# students (an UPDATE, a bulk write, a save of a student) in the requests app's code.
_STUDENT_MODELS = (
    "Student|PriorEducation|FinalTestResult|NawCorrection|ReceivedDossier|SignupGroup|"
    "SignupImport|PrimarySchool|CodelistEntry"
)
_WRITE = re.compile(
    rf"\b({_STUDENT_MODELS})\.objects\b[^;]*?\.(update|bulk_update|bulk_create|create|"
    rf"get_or_create|update_or_create|delete)\(|\bstudent\.(save|delete)\(",
    re.DOTALL,
)


def student_writes(root: Path) -> list[str]:
    found = []
    for path in sorted((root / "requests").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        source = path.read_text("utf-8")
        # One statement at a time (a chain may span lines inside its parentheses).
        for statement in ast.walk(ast.parse(source)):
            if isinstance(statement, ast.stmt) and not isinstance(
                statement,
                ast.FunctionDef
                | ast.ClassDef
                | ast.AsyncFunctionDef
                | ast.If
                | ast.For
                | ast.With
                | ast.Try
                | ast.While,
            ):
                text = ast.get_source_segment(source, statement) or ""
                if _WRITE.search(text):
                    found.append(f"{path.relative_to(root)}:{statement.lineno}")
    return found


def test_requests_changes_students_only_through_their_services():
    assert student_writes(ROOT) == []


def test_a_planted_student_write_in_requests_is_found(tmp_path):
    tree = _copy(tmp_path)
    (tree / "requests" / "planted.py").write_text(
        "from students.models import ElkDot, Student\n\n\n"
        "def f(ids):\n"
        "    Student.objects.filter(\n        id__in=ids\n    ).update(elk_dot=ElkDot.GREEN)\n"
    )

    assert student_writes(tree) == ["requests/planted.py:5"]
