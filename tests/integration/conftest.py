"""PostgreSQL fixtures: a fresh, migrated database per test on the server `.ci/run` starts.

`.ci/run` exports ARBENCH_TEST_PG_URL (role `arbench` with CREATEDB: it creates and owns every
test database) and ARBENCH_TEST_PG_ADMIN_URL (the throwaway cluster's superuser). Each test gets
its own database cloned from a migrated template (`pg_db`) or from a template holding the small
demo book (`pg_demo_db`), dropped afterwards by the superuser with WITH (FORCE), which ends any
backend still in it (autovacuum, a leftover connection of a child process), so a teardown never
fails on someone else's connection. Without the admin URL (a server of your own) the owner drops.

Every test that reaches the server carries the `postgres` marker, so `-m "not postgres"` runs
with no server at all. Tests that name a PostgreSQL fixture get it at collection; one that gets
a fixture some other way (`request.getfixturevalue`) must carry it itself, and the fixtures fail
a test that does not. Without a server the `postgres` tests skip with the reason; with CI=true
they fail instead, so CI never passes without having run them.
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

from arbench.services.admin.demo import create_demo
from arbench.store.db import Database, open_database

PG_ENV = "ARBENCH_TEST_PG_URL"
PG_ADMIN_ENV = "ARBENCH_TEST_PG_ADMIN_URL"
AS_OF = date(2026, 11, 24)  # the demo book's today, as in tests/conftest.py


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that name a PostgreSQL fixture are marked `postgres` (select them with -m postgres)."""
    for item in items:
        if "pg_cluster" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.postgres)


def require_marker(request: pytest.FixtureRequest) -> None:
    """Fail a test that reaches PostgreSQL without the `postgres` marker (checked first, before
    any server is looked for, so the test fails even where the suite runs without one)."""
    if request.node.get_closest_marker("postgres") is None:
        pytest.fail(
            f"{request.node.nodeid} reaches PostgreSQL but is not marked `postgres`: add "
            "@pytest.mark.postgres (or marks=pytest.mark.postgres on its fixture parameter) so "
            '`-m "not postgres"` can run without a server',
            pytrace=False,
        )


def _server_problem() -> tuple[str | None, str | None]:
    """(the server URL, None) or (None, why the postgres tests cannot run)."""
    url = os.environ.get(PG_ENV)
    if not url:
        return (
            None,
            f"{PG_ENV} is not set: run the suite with `bash .ci/run`, which starts PostgreSQL",
        )
    try:
        psycopg.connect(url, connect_timeout=5).close()
    except psycopg.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return None, f"the PostgreSQL server in {PG_ENV} cannot be reached: {first}"
    return url, None


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
    """Drop the database as the cluster's superuser when known: WITH (FORCE) then ends every
    backend in it, whoever owns it (the owner role may only end its own)."""
    admin = os.environ.get(PG_ADMIN_ENV) or server
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def _close_to_connections(server: str, name: str) -> None:
    """A template takes no connections: a clone can never find someone else in its source."""
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(
            sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS false").format(sql.Identifier(name))
        )


class Cluster:
    """The test server, looked up on the first test that needs it (so a test's marker is checked
    before any server is), and the template databases built once from it and dropped at the end."""

    def __init__(self) -> None:
        self._looked_up = False
        self._url: str | None = None
        self._problem: str | None = None
        self._templates: dict[str, str] = {}

    def url(self) -> str:
        """The maintenance database's URL; skips the test (fails it with CI=true) without one."""
        if not self._looked_up:
            self._url, self._problem = _server_problem()
            self._looked_up = True
        if self._url is None:
            if os.environ.get("CI", "").lower() == "true":
                pytest.fail(
                    f"CI=true and the postgres tests cannot run: {self._problem}", pytrace=False
                )
            pytest.skip(str(self._problem))
        return self._url

    def template(self, kind: str) -> str:
        """The name of a migrated template database: "empty", or "demo" with the small book."""
        if kind not in self._templates:
            server = self.url()
            name = f"arbench_tpl_{kind}_{os.getpid()}"
            drop_database(server, name)
            create_database(server, name)
            self._templates[kind] = name
            db = open_database(database_url(server, name), create=True)
            if kind == "demo":
                create_demo(db, accounts=60, pros=600, seed=11, as_of=AS_OF)
            db.dispose()
            _close_to_connections(server, name)
        return self._templates[kind]

    def close(self) -> None:
        for name in self._templates.values():
            drop_database(str(self._url), name)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    """The test server and its templates (nothing is connected until a test asks)."""
    cluster = Cluster()
    yield cluster
    cluster.close()


@pytest.fixture
def pg_server(request: pytest.FixtureRequest, pg_cluster: Cluster) -> str:
    """The URL of the test server's maintenance database (with its password)."""
    require_marker(request)
    return pg_cluster.url()


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A URL to a new, empty database on the server, dropped after the test."""
    name = f"arbench_t_{uuid.uuid4().hex[:12]}"
    create_database(pg_server, name)
    yield database_url(pg_server, name)
    drop_database(pg_server, name)


def _clone(pg_server: str, template: str) -> Iterator[Database]:
    name = f"arbench_t_{uuid.uuid4().hex[:12]}"
    create_database(pg_server, name, template)
    db = open_database(database_url(pg_server, name))
    yield db
    db.dispose()
    drop_database(pg_server, name)


@pytest.fixture
def pg_db(pg_server: str, pg_cluster: Cluster) -> Iterator[Database]:
    """A fresh PostgreSQL database at the newest schema, with no rows."""
    yield from _clone(pg_server, pg_cluster.template("empty"))


@pytest.fixture
def pg_demo_db(pg_server: str, pg_cluster: Cluster) -> Iterator[Database]:
    """A fresh PostgreSQL database holding a small demo book (60 accounts, 600 pros)."""
    yield from _clone(pg_server, pg_cluster.template("demo"))
