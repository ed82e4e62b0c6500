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

from sqlalchemy import Column, Table, bindparam, text
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

from arbench.store.types import Money

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


def fetch(
    session: Session, sql: str, keys: Sequence[Any] | None = None, **params: Any
) -> list[Any]:
    """Raw rows of a SELECT; `keys` fills an `IN :keys` list (one query, keep it short)."""
    statement = text(sql)
    if keys is not None:
        statement = statement.bindparams(bindparam("keys", expanding=True))
        params["keys"] = list(keys)
    return [tuple(row) for row in session.execute(statement, params)]


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
