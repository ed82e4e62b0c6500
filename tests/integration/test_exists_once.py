"""What may exist once is saved once: a second save of it (two clicks, two processes at the same
moment) is a Conflict in one line, never an IntegrityError traceback, and nothing is saved."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import func, select

from arbench.services.base import Conflict
from arbench.store.db import Database
from arbench.store.models import Account, Acknowledgement, User


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def book(request: pytest.FixtureRequest) -> Database:
    """The small demo book on a SQLite file, then on the PostgreSQL server."""
    return request.getfixturevalue("demo_db" if request.param == "sqlite" else "pg_demo_db")  # type: ignore[no-any-return]


def test_a_note_version_is_acknowledged_once(book: Database) -> None:
    with book.session() as s:
        user_id = s.scalar(select(User.id).where(User.login == "nbrown"))
        s.add(Acknowledgement(user_id=user_id, note_key="pod", note_version=1, at=datetime.now()))
    with (
        pytest.raises(Conflict, match="same acknowledgement at the same moment; nothing was"),
        book.session() as s,
    ):
        s.add(Acknowledgement(user_id=user_id, note_key="pod", note_version=1, at=datetime.now()))
    with book.session() as s:
        assert s.scalar(select(func.count()).select_from(Acknowledgement)) == 1


def test_an_account_number_exists_once(book: Database) -> None:
    with book.session() as s:
        number = s.scalar(select(Account.number).limit(1))
    with (
        pytest.raises(Conflict, match="same account at the same moment") as caught,
        book.session() as s,
    ):
        s.add(Account(number=number, name="Twice Freight"))
    assert "\n" not in str(caught.value)
