"""Logging filters that keep the logs short where a traceback says nothing.

``ForbiddenWithoutTracebackFilter``: Django logs every 403 on ``django.request``
with the PermissionDenied traceback attached. A refused page is an expected answer
(a user without *Toelating*, a guessed URL), not an error: one warning line with
the path is what an operator needs; the traceback only fills the log.
"""

from __future__ import annotations

import logging


class ForbiddenWithoutTracebackFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
