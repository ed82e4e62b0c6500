"""The team-scale book on PostgreSQL: the cached SQLite demo book copied into the benchmark's
throwaway cluster (benchmarks/pg_server.py).

`arbench demo` writes a 100,000-pro book to PostgreSQL in about 4 minutes on this machine (row
by row over the connection), so a 1,000,000-pro book would take most of an hour; instead the
SQLite book of the same size and seed (built once by benchmarks/books.py) is copied table by
table with COPY into a database the `arbench` role created and migrated to the same schema
(the superuser copies, with foreign-key triggers off: the rows are the SQLite book's, already
consistent), the id sequences are moved past the copied ids, and the tables analyzed. The copy
is the same book: same rows, same ids.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from typing import Any

from benchmarks.books import Book
from benchmarks.pg_server import Cluster, database_url

BATCH = 20_000
NAME = "bench_book"


def _copy_table(src: sqlite3.Connection, cur: Any, table: str, columns: list[str]) -> int:
    quoted = ", ".join(f'"{c}"' for c in columns)
    cursor = src.execute(f"SELECT {quoted} FROM {table}")
    n = 0
    with cur.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
        while rows := cursor.fetchmany(BATCH):
            for row in rows:
                copy.write_row(row)
            n += len(rows)
    return n


def copy_book(cluster: Cluster, book: Book, log: Callable[[str], None] = print) -> str:
    """Copy `book` into a new database of the cluster; the URL the app connects with."""
    import psycopg
    from sqlalchemy import inspect

    from arbench.store.db import open_database
    from arbench.store.models import Base

    started = time.perf_counter()
    with psycopg.connect(cluster.user_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{NAME}"')
    url = database_url(cluster.user_url, NAME)
    db = open_database(url, create=True)
    found = inspect(db.engine)
    pg_columns = {t: {c["name"] for c in found.get_columns(t)} for t in found.get_table_names()}
    db.dispose()
    src = sqlite3.connect(book.url)
    tables = [t.name for t in Base.metadata.sorted_tables if t.name in pg_columns]
    total = 0
    with psycopg.connect(database_url(cluster.admin_url, NAME)) as pg, pg.cursor() as cur:
        cur.execute("SET session_replication_role = replica")  # no FK triggers while copying
        for table in reversed(tables):  # the migrations' seed rows (settings, content) go
            cur.execute(f'DELETE FROM "{table}"')
        for table in tables:
            names = [r[1] for r in src.execute(f"PRAGMA table_info({table})")]
            total += _copy_table(src, cur, table, [c for c in names if c in pg_columns[table]])
        for table in tables:  # the next ordinary insert gets an id past the copied ones
            if "id" in pg_columns[table]:
                cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                            f'COALESCE((SELECT max(id) FROM "{table}"), 0) + 1, false)')  # fmt: skip
        pg.commit()
    src.close()
    with psycopg.connect(database_url(cluster.admin_url, NAME), autocommit=True) as pg:
        pg.execute("VACUUM ANALYZE")
    log(f"  copied {total:,} rows of {book.path.name} into PostgreSQL in "
        f"{time.perf_counter() - started:.0f} s")  # fmt: skip
    return url
