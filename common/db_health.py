"""The database connection: is it gone, and one warning per outage instead of a traceback per task.

``database_connection_lost``: code that falls back to smaller steps after a database
error (the merge, file by file) must not do so when the connection itself is lost:
every smaller step fails the same way, and each would log its own traceback.

``database_outage_guard``: when PostgreSQL drops the connections (a restart, a killed
backend, a fail-over), every task that runs until it is back fails the same way, and
Celery would log each as an ERROR with a traceback: hundreds of lines that say one
thing. A task run through the guard logs one WARNING when the first task of this
process meets the lost connection and one when the database answers again; the task
itself ends quietly. Nothing is lost: its rows keep their claim, which expires, and the
sweeper queues them again (``OSO_REQUEST_CLAIM_SECONDS``, ``OSO_SWEEP_INTERVAL_SECONDS``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TypeVar

from django.db import InterfaceError, OperationalError, connection

logger = logging.getLogger("oso_portal.database")

T = TypeVar("T")

_state = threading.local()


def database_connection_lost(exc: BaseException) -> bool:
    """Whether this database error means the connection itself was lost.

    Asked of the error, not of the connection: by the time the error has left a
    ``transaction.atomic`` block, Django has dropped the dead connection and opened a
    new one. PostgreSQL says so with SQLSTATE class 08 (connection exception) or 57P
    (the server shut the session down); psycopg raises an OperationalError without a
    SQLSTATE when the socket closed under it. A deadlock or a constraint is no outage.
    """
    if isinstance(exc, InterfaceError):
        return True
    if not isinstance(exc, OperationalError):
        return False
    sqlstate = getattr(exc.__cause__, "sqlstate", None)
    if sqlstate is None:
        # SQLite's own OperationalErrors ("database is locked") are no lost connection.
        return connection.vendor == "postgresql"
    return sqlstate.startswith(("08", "57P"))


def _in_outage() -> bool:
    return getattr(_state, "outage", False)


def database_outage_guard(run: Callable[[], T], *, lost: T) -> T:
    """Run ``run``; on a lost database connection return ``lost`` after (at most) one warning."""
    try:
        result = run()
    except (OperationalError, InterfaceError) as exc:
        if not database_connection_lost(exc):
            raise  # a real error on a working connection: Celery logs it as such
        connection.close()  # the next task connects afresh
        if not _in_outage():
            _state.outage = True
            logger.warning(
                "The database connection was lost (%s). The requests of the tasks that meet "
                "it are queued again once their claim expires; nothing more is logged until "
                "the database answers again.",
                type(exc).__name__,
            )
        return lost
    if _in_outage():
        _state.outage = False
        logger.warning("The database answers again.")
    return result
