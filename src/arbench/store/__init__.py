"""Persistence: SQLAlchemy 2 ORM models, engine and session setup, Alembic migrations. No Qt."""
