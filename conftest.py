"""Root conftest: pick the test mode before pytest-django loads the settings."""

import os

os.environ.setdefault("OSO_PORTAL_ENV", "test")
