"""Two people acting on the same account at the same moment, on SQLite and PostgreSQL: one
contact for several pros from each (real processes, released together). One write goes
through whole; the other is refused with a Conflict in one line naming the pro, and leaves
nothing: no timeline entry, no audit event, no script step, no version moved."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from arbench.domain.catalogue import OPEN_STATUSES
from arbench.store.db import Database
from arbench.store.models import Activity, AuditEvent, Issue, User

DRIVER = Path(__file__).with_name("account_race.py")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def book(request: pytest.FixtureRequest) -> Iterator[Database]:
    fixture = "demo_db" if request.param == "sqlite" else "pg_demo_db"
    yield request.getfixturevalue(fixture)


def pros_of_one_account(db: Database, count: int = 4) -> list[tuple[int, int]]:
    """(id, version) of `count` open pro items of one of agarcia's accounts."""
    with db.session() as s:
        uid = s.scalar(select(User.id).where(User.login == "agarcia"))
        rows = s.execute(
            select(Issue.account_id, Issue.id, Issue.version)
            .where(Issue.owner_id == uid, Issue.level == "pro",
                   Issue.status.in_([st.value for st in OPEN_STATUSES]))
            .order_by(Issue.account_id, Issue.id)
        ).all()  # fmt: skip
    by_account: dict[int, list[tuple[int, int]]] = {}
    for account_id, issue_id, version in rows:
        by_account.setdefault(account_id, []).append((issue_id, version))
    return next(group[:count] for group in by_account.values() if len(group) >= count)


def race(db: Database, pros: list[tuple[int, int]], logins: list[str]) -> list[tuple[int, str]]:
    gate = Path(tempfile.mkdtemp(prefix="account-race-"))
    pairs = [f"{i}:{v}" for i, v in pros]
    procs = [
        subprocess.Popen(
            [sys.executable, str(DRIVER), str(gate), db.url, login, *pairs],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for login in logins
    ]
    while len(list(gate.glob("ready-*"))) < len(procs) and all(p.poll() is None for p in procs):
        time.sleep(0.01)
    (gate / "go").touch()
    results = []
    for proc in procs:
        _out, err = proc.communicate(timeout=300)
        results.append((proc.returncode, err))
    return results


def test_two_people_on_one_account_one_wins_whole_the_other_gets_a_conflict(book: Database) -> None:
    pros = pros_of_one_account(book)
    ids = [i for i, _ in pros]
    with book.session() as s:
        calls = s.scalar(
            select(func.count()).where(Activity.issue_id.in_(ids), Activity.kind == "call")
        )
        events = s.scalar(select(func.count()).where(AuditEvent.entity_id.in_(ids),
                                                     AuditEvent.action == "issue.call"))  # fmt: skip
    results = race(book, pros, ["agarcia", "kwright"])
    assert all("Traceback" not in err for _, err in results), results
    codes = sorted(code for code, _ in results)
    assert codes == [0, 2], results
    [(_, err)] = [r for r in results if r[0] == 2]
    assert err.count("\n") == 1 and err.startswith("arbench: error: PRO ")
    assert "was changed by" in err and "Nothing was saved" in err
    winner = next(
        login for (code, _), login in zip(results, ["agarcia", "kwright"], strict=True) if code == 0
    )
    with book.session() as s:
        texts = s.scalars(
            select(Activity.text).where(Activity.issue_id.in_(ids), Activity.kind == "call")
        ).all()
        new_events = s.scalar(select(func.count()).where(AuditEvent.entity_id.in_(ids),
                                                         AuditEvent.action == "issue.call"))  # fmt: skip
        versions = dict(s.execute(select(Issue.id, Issue.version).where(Issue.id.in_(ids))).all())
    assert len(texts) == calls + len(ids) and texts.count(f"Call by {winner}") == len(ids)
    assert new_events == events + len(ids)
    assert versions == {i: v + 1 for i, v in pros}  # each moved once: nothing half-written
