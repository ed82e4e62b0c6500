"""Alembic environment: runs migrations on the connection arbench hands over (no alembic.ini)."""

from __future__ import annotations

from alembic import context

from arbench.store.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:  # pragma: no cover - arbench always passes a connection
        raise RuntimeError("arbench runs migrations through arbench.store.db.upgrade()")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
