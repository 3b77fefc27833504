"""Fast inserts for big imports: rows already validated, written with multi-row INSERTs.

Here (not in the import engine) so that a ledger's bulk services can use it too.

Django's bulk_create spends most of its time preparing each field of each object; an import of
100,000 flows has its values ready (integer 分, dates, codes), so this writes them directly,
still filling every other column with its model default, and returns the new primary keys.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.db import connections, models, router
from django.utils import timezone

CHUNK = 2000  # ids per IN (…) query: well under SQLite's variable limit


def chunked(values: Iterable, size: int = CHUNK) -> Iterator[list]:
    batch = []
    for value in values:
        batch.append(value)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def db_for(model: type[models.Model]):
    return connections[router.db_for_write(model)]


def _max_params(connection) -> int:
    """Parameters one statement may carry (SQLite tells its real limit; Django assumes 999)."""
    if connection.vendor == "sqlite":
        import sqlite3

        connection.ensure_connection()
        try:
            return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        except (AttributeError, sqlite3.Error):  # Python < 3.11
            pass
    return connection.features.max_query_params or 65535


def other_values(
    model: type[models.Model], fields: Sequence[str], constants: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Python values of the concrete fields not in `fields`: constants, else the default."""
    constants = dict(constants or {})
    now = timezone.now()
    values = {}
    for field in model._meta.local_concrete_fields:
        if field.attname in fields:
            continue
        if field.primary_key and isinstance(field, models.AutoField | models.BigAutoField):
            continue
        if field.attname in constants:
            value = constants.pop(field.attname)
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        elif field.has_default():
            value = field.get_default()
        elif field.null:
            value = None
        else:
            raise ValueError(f"{model._meta.label}.{field.name} needs a value")
        values[field.attname] = value
    if constants:
        raise ValueError(f"unknown fields for {model._meta.label}: {sorted(constants)}")
    return values


def insert(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    constants: dict[str, Any] | None = None,
    returning: bool = True,
) -> list[int]:
    """INSERT `rows` (database-ready values of `fields`, by attname) into the model's table.

    `constants` are Python values of further fields, the same for every row (prepared once);
    any remaining concrete field gets its default (auto_now/auto_now_add: now) or NULL.
    Returns the new primary keys in row order when `returning`.
    """
    connection = db_for(model)
    meta = model._meta
    filled = other_values(model, fields, constants)
    const_fields = [meta.get_field(name) for name in filled]
    const_values = [
        f.get_db_prep_save(value, connection)
        for f, value in zip(const_fields, filled.values(), strict=True)
    ]
    qn = connection.ops.quote_name
    columns = [meta.get_field(name).column for name in fields] + [f.column for f in const_fields]
    width = len(columns)
    per_statement = max(1, min(2000, _max_params(connection) // width))
    head = "INSERT INTO {} ({}) VALUES ".format(
        qn(meta.db_table), ", ".join(qn(c) for c in columns)
    )
    one = "(" + ", ".join(["%s"] * width) + ")"
    want_ids = returning and connection.features.can_return_rows_from_bulk_insert
    if returning and not want_ids:  # pragma: no cover - every supported database returns ids
        raise NotImplementedError("the database cannot return ids from a bulk insert")
    tail = f" RETURNING {qn(meta.pk.column)}" if returning else ""
    ids: list[int] = []
    with connection.cursor() as cursor:
        # Multi-row VALUES statements: measured faster than executemany on SQLite.
        for chunk in chunked(rows, per_statement):
            params: list[Any] = []
            for row in chunk:
                params.extend(row)
                params.extend(const_values)
            cursor.execute(head + ", ".join([one] * len(chunk)) + tail, params)
            if returning:
                ids.extend(r[0] for r in cursor.fetchall())
    return ids


def insert_with_history(
    model: type[models.Model],
    fields: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    user_id: int | None,
    reason: str,
    constants: dict[str, Any] | None = None,
) -> list[int]:
    """Insert the rows and their "+" history records (django-simple-history), in bulk."""
    ids = insert(model, fields, rows, constants=constants)
    history = model.history.model  # type: ignore[attr-defined]
    tracked = [f.attname for f in history.tracked_fields]
    pk_name = model._meta.pk.attname
    given = [(i, name) for i, name in enumerate(fields) if name in tracked]
    defaults = other_values(model, fields, constants)
    history_constants = {name: defaults[name] for name in tracked if name in defaults}
    history_constants.update(
        history_date=timezone.now(),
        history_change_reason=reason,
        history_type="+",
        history_user_id=user_id,
    )
    picks = [i for i, _name in given]
    insert(
        history,
        [pk_name] + [name for _i, name in given],
        ([pk, *(row[i] for i in picks)] for pk, row in zip(ids, rows, strict=True)),
        constants=history_constants,
        returning=False,
    )
    return ids
