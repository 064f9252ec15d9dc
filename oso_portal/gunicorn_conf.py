"""gunicorn's configuration (``gunicorn -c python:oso_portal.gunicorn_conf``, see the entrypoint).

gunicorn logs through its own loggers (``gunicorn.access``, ``gunicorn.error``) with
handlers it makes itself, outside settings.LOGGING, so the BSN redaction filter does
not reach them by itself. The access log writes every request line, query string
included: a BSN typed into a search box that sends it in a URL, or a ``next=``
parameter that carries one, would be written in full. This logger class puts the
redaction filter on every handler gunicorn sets up (again after a log reopen).
"""

from __future__ import annotations

from gunicorn.glogging import Logger  # type: ignore[import-untyped]

from common.security import install_redact_filter


class RedactingLogger(Logger):
    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            install_redact_filter(log)


logger_class = RedactingLogger
