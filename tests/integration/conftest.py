"""PostgreSQL fixtures: a fresh, migrated database per test on the server `.ci/run` starts.

`.ci/run` exports ARBENCH_TEST_PG_URL (role `arbench` with CREATEDB). Each test gets its own
database cloned from a migrated template (`pg_db`) or from a template holding the small demo
book (`pg_demo_db`), dropped afterwards. Without a server the `postgres` tests skip with the
reason; with CI=true they fail instead, so CI never passes without having run them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import date

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url

from arbench.services.demo import create_demo
from arbench.store.db import Database, open_database

PG_ENV = "ARBENCH_TEST_PG_URL"
AS_OF = date(2026, 11, 24)  # the demo book's today, as in tests/conftest.py


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that use the server are marked `postgres` (select them with -m postgres)."""
    for item in items:
        if "pg_server" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)


def _server_url() -> str:
    url = os.environ.get(PG_ENV)
    reason = None
    if not url:
        reason = f"{PG_ENV} is not set: run the suite with `bash .ci/run`, which starts PostgreSQL"
    else:
        try:
            psycopg.connect(url, connect_timeout=5).close()
        except psycopg.Error as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            reason = f"the PostgreSQL server in {PG_ENV} cannot be reached: {first}"
    if reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and the postgres tests cannot run: {reason}", pytrace=False)
        pytest.skip(reason)
    assert url is not None
    return url


def database_url(server: str, name: str) -> str:
    """The server URL pointing at another database (keeps the credentials)."""
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def create_database(server: str, name: str, template: str | None = None) -> None:
    with psycopg.connect(server, autocommit=True) as conn:
        query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            query = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        conn.execute(query)


def drop_database(server: str, name: str) -> None:
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture(scope="session")
def pg_server() -> str:
    """The URL of the test server's maintenance database (with its password)."""
    return _server_url()


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A URL to a new, empty database on the server, dropped after the test."""
    name = f"arbench_t_{uuid.uuid4().hex[:12]}"
    create_database(pg_server, name)
    yield database_url(pg_server, name)
    drop_database(pg_server, name)


def _template(pg_server: str, kind: str) -> Iterator[str]:
    name = f"arbench_tpl_{kind}_{os.getpid()}"
    drop_database(pg_server, name)
    create_database(pg_server, name)
    db = open_database(database_url(pg_server, name), create=True)
    if kind == "demo":
        create_demo(db, accounts=60, pros=600, seed=11, as_of=AS_OF)
    db.dispose()
    yield name
    drop_database(pg_server, name)


@pytest.fixture(scope="session")
def pg_template(pg_server: str) -> Iterator[str]:
    yield from _template(pg_server, "empty")


@pytest.fixture(scope="session")
def pg_demo_template(pg_server: str) -> Iterator[str]:
    yield from _template(pg_server, "demo")


def _clone(pg_server: str, template: str) -> Iterator[Database]:
    name = f"arbench_t_{uuid.uuid4().hex[:12]}"
    create_database(pg_server, name, template)
    db = open_database(database_url(pg_server, name))
    yield db
    db.dispose()
    drop_database(pg_server, name)


@pytest.fixture
def pg_db(pg_server: str, pg_template: str) -> Iterator[Database]:
    """A fresh PostgreSQL database at the newest schema, with no rows."""
    yield from _clone(pg_server, pg_template)


@pytest.fixture
def pg_demo_db(pg_server: str, pg_demo_template: str) -> Iterator[Database]:
    """A fresh PostgreSQL database holding a small demo book (60 accounts, 600 pros)."""
    yield from _clone(pg_server, pg_demo_template)
