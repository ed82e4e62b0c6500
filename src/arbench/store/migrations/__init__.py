"""Alembic migrations for the arbench schema (one per schema change)."""
