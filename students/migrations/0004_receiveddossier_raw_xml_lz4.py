"""Store archived dossiers (raw XML) with lz4 instead of pglz compression (PostgreSQL 14+).

Every received file is archived whole, and PostgreSQL compresses text over 2 kB
before storing it: with the default pglz that took about a third of the time of
inserting a chunk of dossiers (BENCHMARKS.md); lz4 is several times faster, at a
slightly larger size. Only new values are affected. A server built without lz4, an
older PostgreSQL, or SQLite keep their default: nothing changes but the speed.
"""

from django.db import DatabaseError, migrations, transaction

SQL = "ALTER TABLE students_receiveddossier ALTER COLUMN raw_xml SET COMPRESSION {method}"


def _set(method: str):
    def run(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor != "postgresql" or connection.pg_version < 140000:
            return
        try:
            with transaction.atomic(using=connection.alias):
                schema_editor.execute(SQL.format(method=method))
        except DatabaseError:  # e.g. "compression method lz4 not supported"
            pass

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("students", "0003_seed_codelists"),
    ]

    operations = [
        migrations.RunPython(_set("lz4"), _set("pglz"), elidable=True),
    ]
