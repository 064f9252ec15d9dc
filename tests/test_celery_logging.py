"""A Celery worker's own log handlers mask BSNs, as the handlers of settings.LOGGING do."""

from __future__ import annotations

import io
import logging

from celery.signals import after_setup_logger
from celery.utils.log import get_task_logger

from common.security import RedactBsnFilter, redact_identifiers
from oso_portal.celery import app
from students.validators import is_valid_bsn

BSN = "111222333"  # passes the eleven test


def test_the_task_logger_celery_sets_up_masks_a_bsn():
    assert is_valid_bsn(BSN)
    task_logger = logging.getLogger("celery.task")
    before = (list(task_logger.handlers), task_logger.level, task_logger.propagate)
    buffer = io.StringIO()
    try:
        # What a worker does at start: add a handler, then send after_setup_task_logger.
        app.log.setup_task_loggers(
            loglevel=logging.INFO, logfile=buffer, format="%(message)s", colorize=False
        )
        get_task_logger("oso_requests.test").warning("pupil %s refused", BSN)
    finally:
        for handler in task_logger.handlers:
            if handler not in before[0]:
                task_logger.removeHandler(handler)
        task_logger.setLevel(before[1])
        task_logger.propagate = before[2]

    written = buffer.getvalue()
    assert "refused" in written
    assert BSN not in written
    assert redact_identifiers(BSN) in written


def test_the_worker_root_logger_handlers_get_the_filter_through_the_signal():
    worker_logger = logging.getLogger("oso-test-worker-root")
    worker_logger.propagate = False
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    worker_logger.addHandler(handler)
    try:
        after_setup_logger.send(
            sender=None,
            logger=worker_logger,
            loglevel=logging.INFO,
            logfile=None,
            format="%(message)s",
            colorize=False,
        )
        worker_logger.error("merge failed for %s", f"BSN {BSN}")
    finally:
        worker_logger.removeHandler(handler)

    assert any(isinstance(f, RedactBsnFilter) for f in handler.filters)
    assert BSN not in buffer.getvalue()
    assert redact_identifiers(BSN) in buffer.getvalue()
