"""Migrations build the schema from empty, and the database guards its version."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from arbench.store import db as store_db
from arbench.store.models import Base


def test_upgrade_from_empty_builds_every_model_table(tmp_path: Path) -> None:
    engine = store_db.make_engine(f"sqlite:///{tmp_path / 'new.sqlite3'}")
    before, after, backup = store_db.upgrade(engine)
    assert before is None and after == store_db.head_revision() and backup is None
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables
    store_db.check_schema(engine)  # no error: current
    engine.dispose()


def test_migrated_schema_matches_the_models(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine = store_db.make_engine(f"sqlite:///{tmp_path / 'new.sqlite3'}")
    store_db.upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == [], f"models and migrations disagree: {diff}"


def test_single_migration_head() -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(store_db._alembic_config())
    assert len(script.get_heads()) == 1


def test_newer_database_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'future.sqlite3'}"
    engine = store_db.make_engine(url)
    store_db.upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    with pytest.raises(store_db.DatabaseError, match="newer arbench"):
        store_db.check_schema(engine)
    with pytest.raises(store_db.DatabaseError, match="newer arbench"):
        store_db.upgrade(engine)
    engine.dispose()


def test_foreign_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    engine = store_db.make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE invoices (id INTEGER)"))
    with pytest.raises(store_db.DatabaseError, match="not an arbench database"):
        store_db.open_database(str(path))
    with pytest.raises(store_db.DatabaseError, match="not an arbench database"):
        store_db.upgrade(engine)
    engine.dispose()


def test_missing_file_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "x.sqlite3"
    with pytest.raises(store_db.DatabaseError, match="no arbench database"):
        store_db.open_database(str(path))
    assert not path.parent.exists()
