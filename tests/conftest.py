"""Fixtures shared across test files. Append yours below; keep each small."""

from __future__ import annotations

from pathlib import Path

import pytest

# Real worker, beat and mock endpoint processes for the pipeline tests.
pytest_plugins = ["tests.conftest_worker"]

SHARED = Path(__file__).resolve().parents[2] / "shared"
OSO_EXAMPLES = sorted((SHARED / "oso" / "examples").glob("*.xml"))


@pytest.fixture
def oso_examples() -> list[Path]:
    """The eight official sample dossiers (../shared/oso/examples)."""
    assert len(OSO_EXAMPLES) == 8, "the official OSO examples are missing"
    return OSO_EXAMPLES
