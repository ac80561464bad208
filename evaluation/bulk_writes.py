"""Set-based writes for the recompute and a period's state moves, linear in the rows.

`update_rows` writes many rows' values. On PostgreSQL it sends, per batch of `BATCH_PG`
rows, one `UPDATE t SET f = v.f FROM unnest(%s::int[], …) AS v(id, f…) WHERE t.id = v.id`
(Django's `bulk_update` instead builds one `CASE WHEN id = … THEN …` per field over all
the rows: quadratic, and PostgreSQL's JIT compiles the giant expression). Elsewhere
(SQLite, in-process) it is one prepared `UPDATE … WHERE id = ?` run over each batch with
executemany. `move_rows` changes the same columns of every row
a queryset selects with one `UPDATE … WHERE`, and `copy_to_history` audits them with
one `INSERT … SELECT` into the simple-history table: one history row per row, naming
who acted and why, whatever the number of rows.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection

from hrsystem import clock

BATCH = 1000
"""Rows per executemany on SQLite."""
BATCH_PG = 100_000
"""Rows per UPDATE … FROM unnest on PostgreSQL: each batch is one hash join over the
table, so few and large batches keep the writes linear."""


def jit_off() -> None:
    """Turn PostgreSQL's JIT off for the current transaction (a no-op elsewhere): bulk
    statements gain nothing from it and pay seconds compiling."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")


def update_rows(model, changes: dict[int, dict], fields: Sequence[str]) -> int:
    """Write `changes` (pk → a value for each of `fields`) to `model`'s table; returns
    the number of rows given. No history: the caller audits the batch."""
    if not changes:
        return 0
    if connection.vendor == "postgresql":
        _update_from_values(model, changes, fields)
    else:
        _update_many(model, changes, fields)
    return len(changes)


def _update_many(model, changes: dict[int, dict], fields: Sequence[str]) -> None:
    """One prepared `UPDATE … WHERE id = ?` run over the rows (executemany): SQLite runs
    in-process, so this costs no round trip per row and no SQL per row to build."""
    quote = connection.ops.quote_name
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    named = list(zip(fields, columns, strict=True))
    assignments = ", ".join(f"{quote(c.column)} = %s" for c in columns)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"
    items = list(changes.items())
    with connection.cursor() as cursor:
        for start in range(0, len(items), BATCH):
            cursor.executemany(
                sql,
                [
                    [*(c.get_db_prep_save(values[n], connection) for n, c in named), pk]
                    for pk, values in items[start : start + BATCH]
                ],
            )


def _update_from_values(model, changes: dict[int, dict], fields: Sequence[str]) -> None:
    """One `UPDATE … FROM unnest(…)` per BATCH_PG rows: a column is one array parameter,
    so the statement stays a few lines long and PostgreSQL joins it once (a hash join),
    whatever the number of rows."""
    quote = connection.ops.quote_name
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    named = list(zip(fields, columns, strict=True))
    arrays = ", ".join(
        [f"%s::{meta.pk.rel_db_type(connection)}[]"]
        + [f"%s::{c.db_type(connection)}[]" for c in columns]
    )
    names = ", ".join(["id", *(quote(c.column) for c in columns)])
    assignments = ", ".join(f"{quote(c.column)} = v.{quote(c.column)}" for c in columns)
    sql = (
        f"UPDATE {quote(meta.db_table)} AS t SET {assignments} "
        f"FROM unnest({arrays}) AS v({names}) WHERE t.{quote(meta.pk.column)} = v.id"
    )
    items = list(changes.items())
    with connection.cursor() as cursor:
        for start in range(0, len(items), BATCH_PG):
            chunk = items[start : start + BATCH_PG]
            params = [[pk for pk, _values in chunk]]
            for name, column in named:
                params.append(
                    [column.get_db_prep_save(values[name], connection) for _pk, values in chunk]
                )
            cursor.execute(sql, params)


def move_rows(queryset, *, by, reason: str, **values) -> int:
    """Set `values` on every row of `queryset` with one UPDATE … WHERE and audit each
    row with one INSERT … SELECT (see `copy_to_history`); `queryset` must still select
    the rows after the update. Returns the number of rows moved."""
    moved = queryset.update(**values)
    if moved:
        copy_to_history(queryset, by=by, reason=reason)
    return moved


def copy_to_history(queryset, *, by, reason: str | None, kind: str = "~") -> None:
    """One simple-history row of `kind` ("~" changed, "+" created) per row of
    `queryset`, as the rows now stand, naming `by` and `reason`: one INSERT … SELECT."""
    model = queryset.model
    history = model.history.model
    quote = connection.ops.quote_name
    tracked = [
        field.column
        for field in history._meta.concrete_fields
        if not field.name.startswith("history_")
    ]
    columns = ", ".join(quote(column) for column in tracked)
    selected, params = queryset.order_by().values("pk").query.sql_with_params()
    pk = quote(model._meta.pk.column)
    sql = (
        f"INSERT INTO {quote(history._meta.db_table)} ({columns}, history_date, history_type, "
        f"history_user_id, history_change_reason) "
        f"SELECT {columns}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
        f"WHERE {pk} IN ({selected})"
    )
    when = connection.ops.adapt_datetimefield_value(clock.now())
    with connection.cursor() as cursor:
        cursor.execute(sql, [when, kind, by.pk if by else None, reason, *params])


def insert_select(model, expressions: dict[str, str], source: str, params: Sequence) -> None:
    """`INSERT INTO model's table SELECT …` in one statement: each field named in
    `expressions` takes that SQL expression over `source` (the FROM clause and what
    follows it, with `params`); every other field its model default. No history: the
    caller copies the new rows with `copy_to_history(kind="+")`."""
    quote = connection.ops.quote_name
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    selected, defaults = [], []
    for field in fields:
        if field.name in expressions:
            selected.append(expressions[field.name])
            continue
        value = field.get_db_prep_save(field.get_default(), connection)
        if connection.vendor == "postgresql":  # an untyped NULL would be text
            selected.append(f"CAST(%s AS {field.db_type(connection)})")
        else:
            selected.append("%s")
        defaults.append(value)
    columns = ", ".join(quote(field.column) for field in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "
            f"SELECT {', '.join(selected)} {source}",
            [*defaults, *params],
        )
