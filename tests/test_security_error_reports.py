"""Error pages and error reports: no technical page in production, no BSN in any report."""

from __future__ import annotations

import io
import logging
import sys
from contextlib import contextmanager

import pytest
from django.test import RequestFactory
from django.urls import path
from django.views.debug import get_default_exception_reporter_filter

from common.security import RedactingExceptionReporter, RedactingExceptionReporterFilter
from students.validators import is_valid_bsn

BSN = "111222333"


def _failing_view(request):
    pupil_bsn = request.POST.get("bsn", BSN)  # a local variable the report would show
    raise RuntimeError(f"duplicate key value violates unique constraint: (bsn)=({pupil_bsn})")


urlpatterns = [path("fail/", _failing_view)]

pytestmark = pytest.mark.urls(__name__)


@contextmanager
def _console_output():
    (console,) = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    buffer = io.StringIO()
    previous = console.setStream(buffer)
    try:
        yield buffer
    finally:
        console.setStream(previous)


def _report_for_failing_view() -> RedactingExceptionReporter:
    request = RequestFactory().post("/fail/", {"bsn": BSN})
    try:
        _failing_view(request)
    except RuntimeError:
        return RedactingExceptionReporter(request, *sys.exc_info())
    raise AssertionError("the view always fails")


def test_settings_install_the_redacting_reporter_and_filter(settings):
    assert is_valid_bsn(BSN)
    assert settings.DEFAULT_EXCEPTION_REPORTER == "common.security.RedactingExceptionReporter"
    assert isinstance(get_default_exception_reporter_filter(), RedactingExceptionReporterFilter)


def test_a_server_error_without_debug_shows_no_technical_page_and_no_bsn(client, settings):
    settings.DEBUG = False
    client.raise_request_exception = False

    with _console_output() as log:
        response = client.post("/fail/", {"bsn": BSN})

    body = response.content.decode()
    assert response.status_code == 500
    assert "Traceback" not in body
    assert "RuntimeError" not in body
    assert BSN not in body
    assert "Internal Server Error: /fail/" in log.getvalue()
    assert "(bsn)=(*****2333)" in log.getvalue()
    assert BSN not in log.getvalue()


def test_even_the_debug_page_of_demo_mode_masks_the_bsn(client, settings):
    settings.DEBUG = True
    client.raise_request_exception = False

    response = client.post("/fail/", {"bsn": BSN})

    body = response.content.decode()
    assert response.status_code == 500
    assert "RuntimeError" in body
    assert BSN not in body


def test_the_html_report_masks_the_bsn_in_message_locals_and_post_data():
    html = _report_for_failing_view().get_traceback_html()

    assert "duplicate key value" in html
    assert "*****2333" in html
    assert BSN not in html


def test_the_text_report_masks_the_bsn_too():
    text = _report_for_failing_view().get_traceback_text()

    assert "duplicate key value" in text
    assert BSN not in text


def test_the_reporter_filter_masks_post_data_and_local_variables_on_its_own():
    request = RequestFactory().post("/fail/", {"bsn": BSN, "surname": "Hof"})
    report_filter = RedactingExceptionReporterFilter()

    post = report_filter.get_post_parameters(request)
    try:
        _failing_view(request)
    except RuntimeError:
        frame = sys.exc_info()[2].tb_next.tb_frame
        local_vars = dict(report_filter.get_traceback_frame_variables(request, frame))

    assert post["bsn"] == "*****2333"
    assert post["surname"] == "Hof"
    assert repr(local_vars["pupil_bsn"]) == "'*****2333'"
