"""The database refuses to change or delete an audit entry; emptying the whole database may.

PostgreSQL: a trigger (migration ``0002_auditentry_immutable``) raises on every
UPDATE and DELETE; ``flush`` and test runs empty tables with TRUNCATE, which
row triggers do not see.

SQLite (the demo): triggers (migration ``0005_auditentry_immutable_sqlite``)
abort every UPDATE, and every DELETE unless ``sqlite_delete_allowed()`` says the
whole database is being emptied. SQLite has no TRUNCATE: Django's ``flush``
(also run by the test framework after each transactional test) empties every
table with DELETE. Our ``flush`` command (``audit/management/commands/flush.py``)
runs Django's inside ``database_emptying()``, the SQLite counterpart of the
TRUNCATE that PostgreSQL allows: whoever may empty the database owns it anyway.

The trigger asks through an SQL function that every Django connection to SQLite
gets (``sqlite_functions_install``, connected to ``connection_created``). Any
other client (the ``sqlite3`` shell) lacks the function, so its DELETE fails
with "no such function" and is refused all the same.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

SQLITE_DELETE_ALLOWED_FUNCTION = "oso_audit_delete_allowed"

_emptying_database: ContextVar[bool] = ContextVar("audit_emptying_database", default=False)


@contextmanager
def database_emptying() -> Iterator[None]:
    """While this runs (in this thread), SQLite lets audit rows be deleted: for ``flush`` only."""
    token = _emptying_database.set(True)
    try:
        yield
    finally:
        _emptying_database.reset(token)


def sqlite_delete_allowed() -> int:
    """1 while ``database_emptying()`` runs in this thread, else 0 (the trigger's WHEN)."""
    return 1 if _emptying_database.get() else 0


def sqlite_functions_install(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: give an SQLite connection the trigger's function."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            SQLITE_DELETE_ALLOWED_FUNCTION, 0, sqlite_delete_allowed, deterministic=False
        )
