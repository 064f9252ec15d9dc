"""No BSN in any log line: a redaction filter on every handler masks whatever slips through."""

from __future__ import annotations

import io
import logging
from contextlib import contextmanager

from hypothesis import given
from hypothesis import strategies as st

from common.security import (
    RedactBsnFilter,
    find_identifiers,
    install_redact_filter,
    redact_identifiers,
    redact_value,
)
from students.validators import is_valid_bsn, is_valid_education_number
from tests.factories import bsn_from_seed

BSN = "111222333"  # passes the eleven test
EDUCATION_NUMBER = "101234564"


def _all_handlers() -> list[logging.Handler]:
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.Logger.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    return [
        handler
        for logger in loggers
        for handler in logger.handlers
        # pytest's own capture handlers come and go with each test; libraries'
        # NullHandlers write nothing.
        if not type(handler).__module__.startswith("_pytest")
        and not isinstance(handler, logging.NullHandler)
    ]


@contextmanager
def _console_output():
    """What the configured console handler (settings.LOGGING) writes, in a string."""
    (console,) = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    buffer = io.StringIO()
    previous = console.setStream(buffer)
    try:
        yield buffer
    finally:
        console.setStream(previous)


def test_every_configured_handler_redacts():
    assert is_valid_bsn(BSN)
    handlers = _all_handlers()

    assert handlers, "settings.LOGGING configures at least the console handler"
    for handler in handlers:
        assert any(isinstance(f, RedactBsnFilter) for f in handler.filters), handler


def test_django_loggers_log_through_the_redacting_handler_only():
    for name in ("django", "django.request", "django.server", "django.security"):
        logger = logging.getLogger(name)
        assert all(
            any(isinstance(f, RedactBsnFilter) for f in handler.filters)
            for handler in logger.handlers
        ), name


def test_a_bsn_in_the_arguments_is_masked_in_the_log_line():
    with _console_output() as output:
        logging.getLogger("students.test").warning("No match for %s born %s", BSN, "2009-05-14")

    line = output.getvalue()
    assert BSN not in line
    assert f"No match for *****{BSN[-4:]} born 2009-05-14" in line


def test_a_bsn_in_the_message_or_a_dict_argument_is_masked():
    with _console_output() as output:
        logger = logging.getLogger("requests.test")
        logger.error(f"refused {BSN} and {EDUCATION_NUMBER}")
        logger.error("payload %(bsn)s", {"bsn": BSN})
        logger.error("as number %d", int(BSN))

    text = output.getvalue()
    assert find_identifiers(text) == []
    assert text.count("*****") == 4


def test_a_bsn_in_an_exception_traceback_is_masked():
    with _console_output() as output:
        try:
            raise ValueError(f"duplicate key (bsn)=({BSN})")
        except ValueError:
            logging.getLogger("students.test").exception("import failed")

    text = output.getvalue()
    assert "Traceback" in text
    assert "duplicate key (bsn)=(*****" in text
    assert BSN not in text


def test_other_numbers_stay_as_they_are():
    student_number = "1000000001"
    not_a_bsn = "123456789"  # fails the eleven test
    assert not is_valid_bsn(not_a_bsn) and not is_valid_education_number(not_a_bsn)
    text = f"student {student_number}, ref {not_a_bsn}, phone 0612345678, 2009-05-14"

    assert redact_identifiers(text) == text


def test_the_written_form_with_dots_is_masked_too():
    dotted = f"{BSN[:4]}.{BSN[4:6]}.{BSN[6:]}"

    assert redact_identifiers(f"bsn {dotted}.") == f"bsn *****{BSN[-4:]}."


def test_redact_value_keeps_the_shape_of_json_data():
    data = {"bsn": BSN, "list": [BSN, 3, True], "n": int(BSN), "ok": "Hof"}

    assert redact_value(data) == {
        "bsn": f"*****{BSN[-4:]}",
        "list": [f"*****{BSN[-4:]}", 3, True],
        "n": f"*****{BSN[-4:]}",
        "ok": "Hof",
    }


def test_install_redact_filter_covers_handlers_set_up_elsewhere():
    logger = logging.getLogger("celery.like.worker")
    handler = logging.StreamHandler(io.StringIO())
    logger.addHandler(handler)
    try:
        install_redact_filter(logger)
        install_redact_filter(logger)
        logger.warning("task for %s", BSN)
    finally:
        logger.removeHandler(handler)

    assert sum(isinstance(f, RedactBsnFilter) for f in handler.filters) == 1
    assert BSN not in handler.stream.getvalue()


valid_bsns = st.integers(min_value=0, max_value=10**6).map(bsn_from_seed)
surrounding = st.text(alphabet=st.characters(blacklist_categories=["Nd"]), max_size=20)


@given(before=surrounding, bsn=valid_bsns, after=surrounding)
def test_any_valid_bsn_between_non_digits_is_masked(before, bsn, after):
    redacted = redact_identifiers(before + bsn + after)

    assert bsn not in redacted
    assert redacted.startswith(before)
    assert f"*****{bsn[-4:]}" in redacted
    assert redact_identifiers(redacted) == redacted


@given(st.text(alphabet=st.characters(blacklist_categories=["Nd"])))
def test_text_without_digits_is_never_changed(text):
    assert redact_identifiers(text) == text
