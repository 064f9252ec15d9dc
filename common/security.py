"""Defence in depth against leaking a pupil's BSN or education number.

The portal never means to log, report or print a full BSN; these helpers make
sure that a mistake somewhere does not leak one either:

- ``redact_identifiers`` masks every 9-digit number that passes the BSN eleven
  test (or the education-number test) in a text, the way the pages show them:
  ``*****6782``;
- ``RedactBsnFilter`` is installed on every logging handler (settings.LOGGING);
- ``RedactingExceptionReporter`` and ``RedactingExceptionReporterFilter`` clean
  error reports (the technical 500 page, which production never shows, and the
  error mails of ``mail_admins``).

This module is imported while logging is configured, before the app registry is
ready: it must not import models.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

# The identifier rules and their masking live with the OSO format; they are used from here too.
from oso_format.identifiers import find_identifiers, redact_identifiers

__all__ = [
    "RedactBsnFilter",
    "RedactingExceptionReporter",
    "RedactingExceptionReporterFilter",
    "client_address",
    "find_identifiers",
    "install_redact_filter",
    "redact_identifiers",
    "redact_value",
]


def redact_value(value: Any) -> Any:
    """Redact the strings inside JSON-like data (dicts, lists, tuples), leaving the shape."""
    if isinstance(value, str):
        return redact_identifiers(value)
    if isinstance(value, dict):
        return {key: redact_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(redact_value(item) for item in value)
    if isinstance(value, int) and not isinstance(value, bool):
        redacted = redact_identifiers(str(value))
        return value if redacted == str(value) else redacted
    return value


class RedactBsnFilter(logging.Filter):
    """Mask BSNs and education numbers in a record's message, arguments and traceback.

    It never drops a record. When the rendered message holds an identifier, the
    record's ``msg`` becomes the redacted text and its ``args`` are cleared, so
    every handler and formatter after it sees the masked form only.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it to the formatter to report
            message = str(record.msg)
        redacted = redact_identifiers(message)
        if redacted != message:
            record.msg = redacted
            record.args = ()
        if record.exc_info and not record.exc_text:
            # Format the traceback now, redacted; formatters reuse exc_text.
            record.exc_text = redact_identifiers(
                logging.Formatter().formatException(record.exc_info)
            )
        elif record.exc_text:
            record.exc_text = redact_identifiers(record.exc_text)
        if record.stack_info:
            record.stack_info = redact_identifiers(record.stack_info)
        return True


class _Redacted:
    """Shows a traceback variable with identifiers masked (the reporter pprints it)."""

    def __init__(self, value: Any) -> None:
        try:
            self._text = redact_identifiers(repr(value))
        except Exception:
            self._text = "<unprintable>"

    def __repr__(self) -> str:
        return self._text


class RedactingExceptionReporterFilter(SafeExceptionReporterFilter):
    """Django's filter (passwords, keys) plus masking of BSNs in POST data and locals."""

    def get_post_parameters(self, request):
        cleansed = super().get_post_parameters(request)
        if not cleansed:
            return cleansed
        cleansed = cleansed.copy()
        for key in list(cleansed.keys()):
            values = cleansed.getlist(key) if hasattr(cleansed, "getlist") else [cleansed[key]]
            redacted = [redact_value(value) for value in values]
            if hasattr(cleansed, "setlist"):
                cleansed.setlist(key, redacted)
            else:
                cleansed[key] = redacted[0]
        return cleansed

    def get_traceback_frame_variables(self, request, tb_frame):
        variables = super().get_traceback_frame_variables(request, tb_frame)
        return [(name, _Redacted(value)) for name, value in variables]


class RedactingExceptionReporter(ExceptionReporter):
    """Masks identifiers in the whole error report, whatever part they come from.

    The exception message itself can hold one (a database error quoting a
    unique key, for example), which no reporter filter sees.
    """

    def get_traceback_text(self):
        return redact_identifiers(str(super().get_traceback_text()))

    def get_traceback_html(self):
        return redact_identifiers(str(super().get_traceback_html()))


def client_address(request) -> str:
    """The client's IP address, trusting ``TRUSTED_PROXY_COUNT`` reverse proxies.

    Behind N proxies that each append to X-Forwarded-For, the client is the N-th
    address from the right; anything further left is what the client sent and
    cannot be trusted. Without proxies REMOTE_ADDR is the client.
    """
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            return forwarded[-proxies][:45]
    return (request.META.get("REMOTE_ADDR") or "unknown")[:45]


def install_redact_filter(logger: logging.Logger) -> None:
    """Put ``RedactBsnFilter`` on every handler of ``logger`` that lacks one.

    For handlers set up outside settings.LOGGING, such as the ones a Celery
    worker installs (connect this to ``celery.signals.after_setup_logger`` and
    ``after_setup_task_logger``).
    """
    for handler in logger.handlers:
        if not any(isinstance(existing, RedactBsnFilter) for existing in handler.filters):
            handler.addFilter(RedactBsnFilter())
