"""Database URLs: the two kinds arbench works with, and one clear line for anything else."""

from __future__ import annotations

from pathlib import Path

import pytest

from arbench.store.db import DatabaseError, resolve_url


@pytest.mark.parametrize(
    "url",
    ["mysql://u@h/db", "file:///tmp/book.sqlite3", "http://example.invalid/book",
     "postgresql+asyncpg://u@h/db", "postgresql+psycopg2://u@h/db", "oracle://u:pw@h/db"],
)  # fmt: skip
def test_other_kinds_of_database_are_refused_naming_what_works(url: str) -> None:
    with pytest.raises(DatabaseError) as refused:
        resolve_url(url)
    message = str(refused.value)
    assert message.startswith(f"unsupported database URL '{url.replace(':pw@', ':***@')}'")
    assert "sqlite:///PATH" in message and "postgresql://USER@HOST:PORT/DATABASE" in message
    assert "\n" not in message and ":pw@" not in message


@pytest.mark.parametrize(
    "url",
    ["postgresql://u:pw@[::1/x", "postgresql://u:pw@host:port/db", "postgres://u:pw@h:5o/d"],
)
def test_malformed_urls_are_refused_without_showing_the_password(url: str) -> None:
    with pytest.raises(DatabaseError, match="^malformed database URL") as refused:
        resolve_url(url)
    assert ":pw@" not in str(refused.value) and "sqlite:///PATH" in str(refused.value)


def test_supported_urls_and_paths(tmp_path: Path) -> None:
    book = tmp_path / "book.sqlite3"
    assert resolve_url(str(book)) == f"sqlite:///{book}"
    assert resolve_url(f"sqlite:///{book}") == f"sqlite:///{book}"
    assert resolve_url("postgresql://ar@db:5432/ar") == "postgresql+psycopg://ar@db:5432/ar"
    assert resolve_url("postgres://ar@db/ar") == "postgresql+psycopg://ar@db/ar"
    assert resolve_url("postgresql+psycopg://ar@db/ar") == "postgresql+psycopg://ar@db/ar"
