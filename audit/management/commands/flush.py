"""Django's ``flush``, allowed to empty the audit log on SQLite as well.

On PostgreSQL ``flush`` uses TRUNCATE, which the audit trigger does not see. On
SQLite it DELETEs every row, which the audit trigger refuses outside
``audit.immutability.database_emptying()``. The test framework calls ``flush``
after every transactional test, so without this the test database could not be
emptied. See audit/immutability.py.
"""

from __future__ import annotations

from django.core.management.commands import flush

from audit.immutability import database_emptying


class Command(flush.Command):
    def handle(self, **options):
        with database_emptying():
            return super().handle(**options)
