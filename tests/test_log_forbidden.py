"""A 403 is logged as one warning line, without the PermissionDenied traceback."""

from __future__ import annotations

import logging
import sys

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_refused_page_logs_one_warning_without_a_traceback(client, caplog):
    client.force_login(UserFactory(username="zonder-toelating"))
    caplog.set_level(logging.INFO, logger="django.request")

    response = client.get(reverse("students:search"))

    assert response.status_code == 403
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.levelno == logging.WARNING
    assert record.getMessage() == "Forbidden (Permission denied): /students/"
    assert record.exc_info is None and not record.exc_text


def test_a_server_error_keeps_its_traceback():
    from oso_portal.log_filters import ForbiddenWithoutTracebackFilter

    try:
        raise RuntimeError("boom")
    except RuntimeError:
        exc_info = sys.exc_info()
    record = logging.LogRecord("django.request", logging.ERROR, "", 0, "x", (), exc_info)
    record.status_code = 500

    assert ForbiddenWithoutTracebackFilter().filter(record)
    assert record.exc_info is not None
