"""The app ``requests/`` shadows the PyPI package of that name; nothing may depend on it."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_requests_gives_the_portal_app():
    import requests

    assert Path(requests.__file__).resolve().parent == ROOT / "requests"
    assert not hasattr(requests, "get"), "the PyPI requests library was imported"


def test_loading_every_module_never_imports_pypi_requests():
    # A fresh interpreter loads Django, every app, Celery, the client and the mock,
    # then checks that no module named like the PyPI package's internals is loaded.
    code = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oso_portal.settings")
import django
django.setup()
import pkgutil, importlib
packages = ("oso_portal", "oso_format", "common", "portal_text")
packages += ("students", "requests", "audit", "elk_mock")
for pkg in packages:
    try:
        module = importlib.import_module(pkg)
    except ModuleNotFoundError:
        continue
    for info in pkgutil.walk_packages(module.__path__, pkg + "."):
        if ".migrations" in info.name or info.name.endswith("__main__"):
            continue
        importlib.import_module(info.name)
import requests
assert not hasattr(requests, "Session"), "PyPI requests is importable as 'requests'"
leaked = sorted(m for m in sys.modules if m.startswith(("requests.adapters", "requests.sessions")))
assert not leaked, leaked
print("ok")
"""
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().endswith("ok")
