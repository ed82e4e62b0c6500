"""Bulk reads and writes below the ORM, for imports of hundreds of thousands of rows.

The import validates everything in Python first and then writes plain tuples: going through
the ORM (or even Core with per-value type processing) costs more than the database work
itself. Values are converted to what the driver stores with each column's own bind processor,
once per distinct value (`stored`), so the rows written are exactly those SQLAlchemy would
write; money is already integer cents and passes as is. Reads return the driver's raw values
(`fetch`), which compare directly with stored values.

Everything runs on the session's connection, inside the caller's one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Column, Table, text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from arbench.store.types import Money

FETCH_BATCH = 10_000  # rows per fetchmany: one C call holds the GIL for a few ms only
_POSITIONAL = {"qmark": "?", "format": "%s", "pyformat": "%s"}


def dialect_of(session: Session) -> Dialect:
    return session.get_bind().dialect


def stored(dialect: Dialect, column: Column[Any], values: Sequence[Any]) -> list[Any]:
    """`values` as the driver receives them for `column` (money: already integer cents)."""
    if isinstance(column.type, Money):
        return list(values)
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    if process is None:
        return list(values)
    cache = {v: None if v is None else process(v) for v in set(values)}
    return [cache[v] for v in values]


def stored_one(dialect: Dialect, column: Column[Any], value: Any) -> Any:
    return stored(dialect, column, [value])[0]


def insert_rows(
    session: Session, table: Table, names: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """INSERT `rows` (tuples in the order of `names`, stored values) with one executemany."""
    if rows:
        _many(session, f"INSERT INTO {_q(session, table.name)} ({_names(session, names)}) "
              f"VALUES ({{marks}})", len(names), rows)  # fmt: skip


def update_rows(
    session: Session, table: Table, names: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """UPDATE by id: each row is the stored values of `names`, then the id."""
    if not rows:
        return
    assignments = ", ".join(f"{_q(session, n)} = {{mark}}" for n in names)
    sql = f"UPDATE {_q(session, table.name)} SET {assignments} WHERE id = {{mark}}"
    _many(session, sql, len(names) + 1, rows)


def execute_many(session: Session, sql: str, width: int, rows: Sequence[Sequence[Any]]) -> None:
    """Run one statement written with `width` `{mark}`s once per row (an executemany)."""
    if rows:
        _many(session, sql, width, rows)


def execute(
    session: Session, sql: str, params: Sequence[Any] = (), keys: Sequence[Any] = ()
) -> None:
    """Run one statement written with `{mark}`/`{keys}` (see `fetch`), returning nothing."""
    fetch(session, sql, params, keys, rows=False)


def fetch(
    session: Session,
    sql: str,
    params: Sequence[Any] = (),
    keys: Sequence[Any] = (),
    *,
    rows: bool = True,
) -> list[tuple[Any, ...]]:
    """Raw rows of a SELECT, straight from the driver's cursor (no Row objects, no types).

    `{mark}` in `sql` stands for one parameter (from `params`, in order) and `{keys}` for a
    list of `keys` (an `IN ({keys})`; keep it under 1,000).
    """
    connection = session.connection()
    mark = _POSITIONAL.get(str(connection.dialect.paramstyle))
    if mark is None:  # a driver with named parameters: through SQLAlchemy's text()
        values = [*params, *keys]
        names = [f"p{i}" for i in range(len(values))]
        named = sql.replace("{keys}", ", ".join(f":{n}" for n in names[len(params) :]))
        for name in names[: len(params)]:
            named = named.replace("{mark}", f":{name}", 1)
        result = session.execute(text(named), dict(zip(names, values, strict=True)))
        return [tuple(row) for row in result] if rows else []
    final = sql.replace("{keys}", ", ".join([mark] * len(keys))).replace("{mark}", mark)
    cursor = connection.connection.cursor()
    try:
        cursor.execute(final, (*params, *keys))
        found: list[tuple[Any, ...]] = []
        while rows and (batch := cursor.fetchmany(FETCH_BATCH)):  # short GIL holds
            found += batch
        return found
    finally:
        cursor.close()


def typed_mark(dialect: Dialect, sql_type: str) -> str:
    """`{mark}`, cast to `sql_type` where the server needs to know a parameter's type
    (PostgreSQL, for a parameter in the select list of an INSERT ... SELECT)."""
    return f"CAST({{mark}} AS {sql_type})" if dialect.name == "postgresql" else "{mark}"


def _q(session: Session, name: str) -> str:
    return str(dialect_of(session).identifier_preparer.quote(name))


def _names(session: Session, names: Iterable[str]) -> str:
    return ", ".join(_q(session, n) for n in names)


def _many(session: Session, sql: str, width: int, rows: Sequence[Sequence[Any]]) -> None:
    connection = session.connection()
    mark = _POSITIONAL.get(str(connection.dialect.paramstyle))
    if mark is None:  # a driver with named parameters: let SQLAlchemy translate
        names = [f"p{i}" for i in range(width)]
        named = sql.replace("{marks}", ", ".join(f":{n}" for n in names))
        for name in names:
            named = named.replace("{mark}", f":{name}", 1)
        session.execute(text(named), [dict(zip(names, row, strict=True)) for row in rows])
        return
    final = sql.replace("{marks}", ", ".join([mark] * width)).replace("{mark}", mark)
    connection.exec_driver_sql(final, list(rows))
