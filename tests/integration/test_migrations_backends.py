"""The same Alembic migrations on SQLite and PostgreSQL: from empty, step by step, and guards.

"From the previous schema" walks every migration: the database is taken down to each step's
parent revision and up again, with the schema compared to the models at the end, so each new
migration is covered as it lands.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, select, text

from arbench.services.admin.demo import create_demo
from arbench.store import db as store_db
from arbench.store.models import Base, User


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'm.sqlite3'}"
    return str(request.getfixturevalue("pg_url"))


def _steps() -> list[tuple[str, str | None]]:
    script = ScriptDirectory.from_config(store_db._alembic_config())
    return [(rev.revision, rev.down_revision) for rev in script.walk_revisions()]  # type: ignore[misc]


def _migrate(engine: Engine, direction: str, target: str) -> None:
    with engine.begin() as conn:
        getattr(command, direction)(store_db._alembic_config(conn), target)


def _assert_matches_models(engine: Engine) -> None:
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == [], f"models and migrations disagree on {engine.dialect.name}: {diff}"


def test_upgrade_from_empty(empty_url: str) -> None:
    engine = store_db.make_engine(empty_url)
    try:
        before, after, backup = store_db.upgrade(engine)
        assert (before, after, backup) == (None, store_db.head_revision(), None)
        assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
        _assert_matches_models(engine)
        store_db.check_schema(engine)
        again = store_db.upgrade(engine)  # idempotent
        assert again[0] == again[1] == store_db.head_revision()
    finally:
        engine.dispose()


def test_each_migration_step_from_its_previous_schema(empty_url: str) -> None:
    engine = store_db.make_engine(empty_url)
    try:
        store_db.upgrade(engine)
        for revision, parent in _steps():
            _migrate(engine, "downgrade", parent or "base")
            assert store_db.current_revision(engine) == parent
            if parent is None:
                leftovers = set(inspect(engine).get_table_names()) - {"alembic_version"}
                assert leftovers == set(), f"downgrade to base left {leftovers}"
            _migrate(engine, "upgrade", revision)
            assert store_db.current_revision(engine) == revision
            _migrate(engine, "upgrade", "head")
        _assert_matches_models(engine)
    finally:
        engine.dispose()


def test_upgrade_keeps_the_book_and_refuses_newer(empty_url: str) -> None:
    db = store_db.open_database(empty_url, create=True)
    create_demo(db, accounts=5, pros=20, seed=3)
    with db.session() as s:
        users_before = s.scalar(select(User.id).order_by(User.id.desc()).limit(1))
    before, after, _ = store_db.upgrade(db.engine)
    assert before == after == store_db.head_revision()
    with db.session() as s:
        assert s.scalar(select(User.id).order_by(User.id.desc()).limit(1)) == users_before
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    with pytest.raises(store_db.DatabaseError, match="newer arbench"):
        store_db.upgrade(db.engine)
    with pytest.raises(store_db.DatabaseError, match="newer arbench"):
        store_db.open_database(empty_url)
    db.dispose()


def test_sqlite_file_is_backed_up_before_a_migration(tmp_path: Path) -> None:
    path = tmp_path / "book.sqlite3"
    db = store_db.open_database(str(path), create=True)
    create_demo(db, accounts=5, pros=20, seed=3)
    head = store_db.head_revision()
    first, parent = _steps()[0]
    assert first == head
    if parent is None:
        # Only one migration so far: upgrade() has no older schema to back up; check the copy.
        backup = store_db.backup_sqlite_file(db.engine, f"before-{head}")
    else:
        _migrate(db.engine, "downgrade", parent)
        _before, _after, backup = store_db.upgrade(db.engine)
    db.dispose()
    assert backup is not None and backup.exists() and backup.parent == tmp_path
    copy = store_db.make_engine(f"sqlite:///{backup}")
    try:
        with copy.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM pros")).scalar_one() == 20
    finally:
        copy.dispose()


def test_remittance_claim_migration_claims_each_file_once_and_leaves_registers_free(
    empty_url: str,
) -> None:
    """Remittance batches applied twice by the old race keep their history: only the first of
    each file gets remittance_sha256 under the new unique index; invoice batches get none."""
    script = ScriptDirectory.from_config(store_db._alembic_config())
    (claim,) = [r for r in script.walk_revisions() if "remittance_reconciliation" in r.path]
    parent = claim.down_revision
    assert isinstance(parent, str)
    engine = store_db.make_engine(empty_url)
    try:
        _migrate(engine, "upgrade", parent)
        rows = [(1, "820", "a" * 64), (2, "820", "a" * 64), (3, "remittance", "b" * 64),
                (4, "invoices", "c" * 64), (5, "invoices", "c" * 64)]  # fmt: skip
        with engine.begin() as conn:
            for batch_id, kind, sha in rows:
                conn.execute(
                    text("INSERT INTO import_batches (id, kind, file_name, sha256, at, user_login) "
                         "VALUES (:id, :kind, 'f', :sha, '2026-11-24 10:00:00', 'import')"),
                    {"id": batch_id, "kind": kind, "sha": sha},
                )  # fmt: skip
        _migrate(engine, "upgrade", claim.revision)
        with engine.connect() as conn:
            claimed = conn.execute(
                text("SELECT id, remittance_sha256 FROM import_batches ORDER BY id")
            ).all()
        assert [(i, s[:1] if s else None) for i, s in claimed] == [
            (1, "a"), (2, None), (3, "b"), (4, None), (5, None)]  # fmt: skip
        _migrate(engine, "downgrade", parent)
        _migrate(engine, "upgrade", "head")
        _assert_matches_models(engine)
    finally:
        engine.dispose()
