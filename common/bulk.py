"""Write many model rows with one short statement: ``bulk_update_rows``.

Django's ``QuerySet.bulk_update`` writes ``SET col = CASE WHEN id = 1 THEN ... WHEN
id = 2 THEN ... END`` for every field: for 200 rows of 12 fields that is 2,400
``When`` expressions built, compiled and bound in Python, and a statement of tens
of kilobytes the server must parse and plan. The region benchmark showed it taking
three quarters of a worker's time (BENCHMARKS.md). On PostgreSQL this module sends

    UPDATE t SET a = v.a, b = v.b FROM UNNEST(%s::bigint[], %s::varchar[], %s::jsonb[])
        AS v(id, a, b) WHERE t.id = v.id

with one array per column, whatever the number of rows: the same values, prepared
by each field exactly as Django prepares them for a save, and the same semantics
as ``bulk_update`` (the listed fields are written as they are on the instances; no
``save()``, no signals, no ``auto_now``). Other databases (SQLite for the demo) get
Django's ``bulk_update``.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connections, router
from django.db.models import Field, Model

# Rows per statement: arrays of this many values keep each statement well below a MB.
BATCH_SIZE = 1000
# SQLite binds at most 999 variables in older builds; Django's CASE form needs ~2 per value.
_FALLBACK_BATCH_SIZE = 100


def bulk_update_rows(
    objects: Sequence[Model], fields: Sequence[str], *, batch_size: int = BATCH_SIZE
) -> int:
    """Write ``fields`` of every object (one model, saved before) by primary key; rows matched."""
    if not objects:
        return 0
    model = type(objects[0])
    opts = model._meta
    using = router.db_for_write(model)
    connection = connections[using]
    if connection.vendor != "postgresql":
        return model._base_manager.using(using).bulk_update(
            objects, fields, batch_size=_FALLBACK_BATCH_SIZE
        )
    targets: list[Field] = []
    for name in dict.fromkeys(fields):
        field = opts.get_field(name)
        if not isinstance(field, Field) or field.many_to_many or field.primary_key:
            raise ValueError(f"bulk_update_rows cannot write {name!r}")
        if not field.concrete:
            raise ValueError(f"bulk_update_rows cannot write {name!r}")
        targets.append(field)
    if any(obj.pk is None for obj in objects):
        raise ValueError("bulk_update_rows needs saved objects (a primary key each)")
    columns = [opts.pk, *targets]
    quote = connection.ops.quote_name
    # Concrete fields always have a column; the pk is the first entry.
    pk_column, *target_columns = (quote(str(f.column)) for f in columns)
    assignments = ", ".join(f"{c} = v.{c}" for c in target_columns)
    casts = ", ".join(f"%s::{_array_type(f, connection)}" for f in columns)
    names = ", ".join([pk_column, *target_columns])
    # Only quoted identifiers and type names from the model go into the text (S608);
    # every value is a bound parameter.
    sql = (
        f"UPDATE {quote(opts.db_table)} AS t SET {assignments} "  # noqa: S608
        f"FROM UNNEST({casts}) AS v({names}) "
        f"WHERE t.{pk_column} = v.{pk_column}"
    )
    matched = 0
    with connection.cursor() as cursor:
        for start in range(0, len(objects), batch_size):
            batch = objects[start : start + batch_size]
            params = [[_value(obj, field, connection) for obj in batch] for field in columns]
            cursor.execute(sql, params)
            matched += cursor.rowcount
    return matched


def _array_type(field, connection) -> str:
    """``varchar[]`` for ``varchar(30)``: the array carries the values, the column the limit."""
    db_type = field.db_type(connection)
    if db_type is None:
        raise ValueError(f"bulk_update_rows cannot write {field.name!r} (no column type)")
    return f"{db_type.split('(')[0]}[]"


def _value(obj: Model, field, connection):
    value = getattr(obj, field.attname)
    if hasattr(value, "resolve_expression"):
        raise ValueError(f"bulk_update_rows writes values, not expressions ({field.name!r})")
    return field.get_db_prep_save(value, connection)
