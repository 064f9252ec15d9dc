"""On PostgreSQL the database itself refuses to change or delete an audit entry.

TRUNCATE stays possible: test runs empty their database with it, and whoever can
TRUNCATE owns the database anyway. Other databases (SQLite for the demo) rely on
the services and the read-only admin alone.
"""

from django.db import migrations

FUNCTION = "audit_auditentry_refuse_change"
TRIGGER = "audit_auditentry_immutable"

INSTALL = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit entries cannot be changed or deleted (% on audit_auditentry)', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER {TRIGGER}
    BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION {FUNCTION}();
"""

REMOVE = f"""
DROP TRIGGER IF EXISTS {TRIGGER} ON audit_auditentry;
DROP FUNCTION IF EXISTS {FUNCTION}();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INSTALL, params=None)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REMOVE, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(install, remove, elidable=False)]
