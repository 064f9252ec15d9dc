"""On SQLite too the database refuses to change or delete an audit entry.

UPDATE is always refused. DELETE is refused unless the SQL function that every
Django connection gets says the whole database is being emptied (``flush``,
which on SQLite DELETEs where PostgreSQL TRUNCATEs): see audit/immutability.py.
PostgreSQL has its trigger from 0002.

Django rebuilds an SQLite table (and drops its triggers) for most schema
changes: a later migration that alters audit_auditentry must create these
triggers again. tests/test_audit_immutability.py fails if they are missing.
"""

from django.db import migrations

from audit.immutability import SQLITE_DELETE_ALLOWED_FUNCTION

MESSAGE = "audit entries cannot be changed or deleted ({operation} on audit_auditentry)"

INSTALL = [
    f"""
    CREATE TRIGGER audit_auditentry_no_update
    BEFORE UPDATE ON audit_auditentry
    BEGIN
        SELECT RAISE(ABORT, '{MESSAGE.format(operation="UPDATE")}');
    END
    """,
    f"""
    CREATE TRIGGER audit_auditentry_no_delete
    BEFORE DELETE ON audit_auditentry
    WHEN NOT {SQLITE_DELETE_ALLOWED_FUNCTION}()
    BEGIN
        SELECT RAISE(ABORT, '{MESSAGE.format(operation="DELETE")}');
    END
    """,
]

REMOVE = [
    "DROP TRIGGER IF EXISTS audit_auditentry_no_update",
    "DROP TRIGGER IF EXISTS audit_auditentry_no_delete",
]


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in INSTALL:
            schema_editor.execute(statement, params=None)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in REMOVE:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_auditentry_dossier_purged")]

    operations = [migrations.RunPython(install, remove, elidable=False)]
