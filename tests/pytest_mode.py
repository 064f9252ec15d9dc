"""Loaded with ``-p`` before pytest-django reads the settings, so every run is in test mode.

A conftest.py is too late: pytest-django imports the settings while conftests load.
"""

import os

os.environ.setdefault("OSO_PORTAL_ENV", "test")
