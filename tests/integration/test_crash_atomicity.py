"""`kill -9` in the middle of a bulk write: the database holds all of it or none (both backends).

The bulk write is the demo book generator, which writes thousands of rows in one transaction
(as an import does). A child process starts it and reports progress through a pipe; once a
quarter of the pros are written it waits (inside its open transaction) and is killed with
SIGKILL there, so the kill always lands mid-write, however fast or slow the machine is. The
database must then hold no part of the book, still open cleanly, and take the whole book on a
second try.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from arbench.services.admin.demo import create_demo
from arbench.store.db import Database, open_database
from arbench.store.models import Account, AuditEvent, Issue, Pro, User


def write_book(url: str, conn: object) -> None:
    db = open_database(url)

    def progress(done: int, total: int) -> None:
        conn.send(done)  # type: ignore[attr-defined]
        if done >= KILL_AT:
            conn.recv()  # type: ignore[attr-defined]  # nothing comes: killed while waiting

    create_demo(db, accounts=400, pros=12000, seed=5, progress=progress)
    conn.send("committed")  # type: ignore[attr-defined]


KILL_AT = 3000  # of 12,000 pros


def counts(db: Database) -> dict[str, int]:
    with db.session() as s:
        return {
            m.__tablename__: int(s.scalar(select(func.count()).select_from(m)) or 0)
            for m in (User, Account, Pro, Issue, AuditEvent)
        }


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def fresh_db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'crash.sqlite3'}"
        open_database(url, create=True).dispose()
        return url
    db = request.getfixturevalue("pg_db")
    return str(db.url)


def test_killed_bulk_write_leaves_all_or_nothing(fresh_db: str) -> None:
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe()
    writer = ctx.Process(target=write_book, args=(fresh_db, child))
    writer.start()
    seen = 0
    while seen < KILL_AT:  # a quarter of the pros are written, none committed
        assert parent.poll(300), "the writer made no progress"
        message = parent.recv()
        assert message != "committed", "the writer finished before it could be killed"
        seen = int(message)
    assert writer.pid is not None
    os.kill(writer.pid, signal.SIGKILL)
    writer.join(300)
    assert writer.exitcode == -signal.SIGKILL

    db = open_database(fresh_db)  # opens cleanly after the crash
    try:
        assert counts(db) == {"users": 0, "accounts": 0, "pros": 0, "issues": 0, "audit_events": 0}
        summary = create_demo(db, accounts=20, pros=200, seed=5)  # and takes a whole book
        after = counts(db)
        assert after["pros"] == summary.pros == 200 and after["accounts"] == 20
    finally:
        db.dispose()
