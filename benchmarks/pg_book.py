"""The team-scale book on PostgreSQL: the cached SQLite demo book copied into the benchmark
cluster once (benchmarks/pg_server.py).

`arbench demo` writes a 100,000-pro book to PostgreSQL in about 4 minutes on this machine (row
by row over the connection), so a 1,000,000-pro book would take most of an hour; instead the
SQLite book of the same size and seed (built once by benchmarks/books.py) is copied table by
table with COPY into a database migrated to the same schema, the id sequences are moved past
the copied ids, and the tables analyzed. The copy is the same book: same rows, same ids.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from benchmarks.books import Book
from benchmarks.pg_server import PG_DIR, database_url

BATCH = 20_000


def _copy_table(src: sqlite3.Connection, pg: object, table: str, columns: list[str]) -> int:
    quoted = ", ".join(f'"{c}"' for c in columns)
    cursor = src.execute(f"SELECT {quoted} FROM {table}")
    n = 0
    with pg.cursor() as cur, cur.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:  # type: ignore[attr-defined]
        while rows := cursor.fetchmany(BATCH):
            for row in rows:
                copy.write_row(row)
            n += len(rows)
    return n


def ensure_pg_book(admin_url: str, book: Book, log: Callable[[str], None] = print) -> str:
    """The URL of the PostgreSQL copy of `book` (made once; kept with the cluster)."""
    import psycopg
    from sqlalchemy import inspect

    from arbench.store.db import open_database
    from arbench.store.models import Base

    name = f"bench_{Path(book.url).stem.replace('-', '_')}"[:60]
    url = database_url(admin_url, name)
    marker = PG_DIR / f"{name}.done"
    if marker.exists():
        open_database(url, create=True).dispose()  # migrated when the schema moved on
        return url
    log(f"copying {Path(book.url).name} into PostgreSQL ({name}) …")
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    db = open_database(url, create=True)
    pg_columns = {t: {c["name"] for c in inspect(db.engine).get_columns(t)}
                  for t in inspect(db.engine).get_table_names()}  # fmt: skip
    db.dispose()
    src = sqlite3.connect(book.url)
    tables = [t.name for t in Base.metadata.sorted_tables]
    with psycopg.connect(url) as pg:
        for table in reversed(tables):  # the migration's seed rows (settings, content) go
            pg.execute(f'DELETE FROM "{table}"')
        for table in tables:
            columns = [r[1] for r in src.execute(f"PRAGMA table_info({table})")]
            columns = [c for c in columns if c in pg_columns.get(table, set())]
            count = _copy_table(src, pg, table, columns)
            log(f"  {table}: {count:,} rows")
        for table in tables:  # the next ordinary insert gets an id past the copied ones
            if "id" in pg_columns.get(table, set()):
                pg.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                           f'COALESCE((SELECT max(id) FROM "{table}"), 0) + 1, false)')  # fmt: skip
        pg.commit()
    src.close()
    with psycopg.connect(url, autocommit=True) as pg:
        pg.execute("VACUUM ANALYZE")
    marker.write_text(book.url + "\n")
    return url
