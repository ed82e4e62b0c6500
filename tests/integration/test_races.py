"""Jobs run several times at once end as if run once, on SQLite and on PostgreSQL.

Each test starts N real `arbench` processes together on one book (the daily promise check, a
handover, a rebalance, the cover end, a content import) and checks the final state against
what one run does, counted from the rows themselves; every audit event stands for exactly one
change (events counted separately from the rows that changed); a process that lost the race
exits with one clear line, never a traceback.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from tests.conftest import AS_OF

from arbench.domain.catalogue import OPEN_STATUSES
from arbench.services.base import actor_for
from arbench.services.knowledge import content
from arbench.services.organization import assignments
from arbench.services.organization import handover as handover_service
from arbench.store.db import Database
from arbench.store.models import (
    Account,
    Activity,
    Assignment,
    AuditEvent,
    ContentVersion,
    Coverage,
    DepartmentRequest,
    Issue,
    Promise,
    User,
)

RUNS = 5
STARTER = Path(__file__).with_name("race_start.py")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def book(request: pytest.FixtureRequest) -> Iterator[Database]:
    """The small demo book on a SQLite file, then on the PostgreSQL server."""
    fixture = "demo_db" if request.param == "sqlite" else "pg_demo_db"
    yield request.getfixturevalue(fixture)


def race(db: Database, *args: str) -> list[tuple[int, str, str]]:
    """Run RUNS processes of `arbench ARGS`, released together once all have started (see
    race_start.py); (exit code, stdout, stderr) of each."""
    gate = Path(tempfile.mkdtemp(prefix="race-"))
    command = [sys.executable, str(STARTER), str(gate), "--db", db.url, *args]
    procs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(RUNS)
    ]
    while len(list(gate.glob("ready-*"))) < RUNS and all(p.poll() is None for p in procs):
        time.sleep(0.01)
    (gate / "go").touch()
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        results.append((proc.returncode, out, err))
    for code, _out, err in results:
        assert "Traceback" not in err, err
        assert code == 0 or err.count("\n") == 1, err
    return results


def last_event(db: Database) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.max(AuditEvent.id))) or 0)


def events_since(db: Database, start: int, *actions: str) -> list[tuple[str, int | None]]:
    with db.session() as s:
        rows = s.execute(
            select(AuditEvent.action, AuditEvent.entity_id)
            .where(AuditEvent.id > start, AuditEvent.action.in_(actions))
            .order_by(AuditEvent.id)
        )
        return [(action, entity_id) for action, entity_id in rows]


def collectors(db: Database) -> dict[str, str | None]:
    """account number -> its collector's login."""
    with db.session() as s:
        rows = s.execute(
            select(Account.number, User.login).outerjoin(User, User.id == Account.collector_id)
        )
        return {number: login for number, login in rows}


def owned(db: Database, login: str) -> tuple[int, int]:
    """(accounts, open items) a collector holds."""
    with db.session() as s:
        uid = s.scalar(select(User.id).where(User.login == login))
        accounts = s.scalar(select(func.count()).where(Account.collector_id == uid))
        items = s.scalar(
            select(func.count()).where(
                Issue.owner_id == uid, Issue.status.in_([s.value for s in OPEN_STATUSES])
            )
        )
        return int(accounts or 0), int(items or 0)


def test_the_daily_promise_check_settles_each_promise_once(book: Database) -> None:
    on = AS_OF + timedelta(days=60)
    with book.session() as s:
        before = {i: st for i, st in s.execute(select(Promise.id, Promise.status))}
        activities = s.scalar(
            select(func.count()).select_from(Activity).where(Activity.kind == "promise")
        )
    assert sum(1 for status in before.values() if status == "open") > 10
    start = last_event(book)
    results = race(book, "--as", "kwright", "promises", "settle", "--on", on.isoformat())
    assert all(code == 0 for code, _, _ in results)
    with book.session() as s:
        after = {i: st for i, st in s.execute(select(Promise.id, Promise.status))}
        activities_after = s.scalar(
            select(func.count()).select_from(Activity).where(Activity.kind == "promise")
        )
    changed = {pid for pid, status in after.items() if status != before[pid]}
    assert changed and all(before[pid] == "open" for pid in changed)
    events = events_since(book, start, "promise.kept", "promise.broken")
    assert sorted(entity for _, entity in events) == sorted(changed)  # one event per change
    assert activities_after - activities == len(changed)  # one timeline entry per change
    reported = [re.search(r": ([\d,]+) kept, ([\d,]+) broken", out) for _, out, _ in results]
    counted = sum(int(m[1]) + int(m[2]) for m in reported if m)
    assert counted == len(changed)  # the runs together report each settlement once


def test_a_handover_run_at_once_moves_the_book_once(book: Database) -> None:
    accounts, items = owned(book, "ekowalski")
    targets = ("fnguyen", "gsilva")
    held = {login: owned(book, login) for login in targets}
    start = last_event(book)
    results = race(book, "--as", "kwright", "handover", "--from", "ekowalski",
                   "--to", ",".join(targets), "--on", AS_OF.isoformat())  # fmt: skip
    won = [r for r in results if r[0] == 0]
    assert len(won) == 1, results
    for code, _, err in results:
        if code:
            assert code == 2 and "ekowalski holds no accounts and no open items" in err, err
    assert owned(book, "ekowalski") == (0, 0)
    gained = [owned(book, t)[0] - held[t][0] for t in targets]
    assert sum(gained) == accounts and all(g > 0 for g in gained)
    assert sum(owned(book, t)[1] - held[t][1] for t in targets) == items
    moves = events_since(book, start, "account.handover")
    assert len(moves) == len({entity for _, entity in moves}) == accounts
    assert len(events_since(book, start, "user.handover")) == 1
    with book.session() as s:
        rows = s.scalar(
            select(func.count()).select_from(Assignment).where(Assignment.reason == "handover")
        )
    assert rows == accounts


def test_a_rebalance_applied_at_once_moves_each_account_once(book: Database) -> None:
    plan = assignments.rebalance_preview(book, actor_for(book, "kwright"), None, AS_OF)
    assert plan.moves
    expected = collectors(book)
    for move in plan.moves:
        expected[move.account_number] = move.to_login
    start = last_event(book)
    results = race(book, "--as", "kwright", "rebalance", "--apply", "--on", AS_OF.isoformat())
    assert (
        sum(
            1
            for code, out, _ in results
            if code == 0 and f"{len(plan.moves)} account(s) moved" in out
        )
        == 1
    )
    for code, out, err in results:
        assert code == 0 or "since the preview; preview the rebalance again" in err, err
        assert code or "0 account(s) moved" in out or f"{len(plan.moves)} account(s) moved" in out
    assert collectors(book) == expected
    events = events_since(book, start, "account.rebalance")
    assert sorted(e for _, e in events) == sorted(
        a for a in _account_ids(book, [m.account_number for m in plan.moves])
    )


def _account_ids(db: Database, numbers: list[str]) -> list[int]:
    with db.session() as s:
        return list(s.scalars(select(Account.id).where(Account.number.in_(numbers))))


def test_a_cover_ended_at_once_gives_the_book_back_once(book: Database) -> None:
    kwright = actor_for(book, "kwright")
    before = collectors(book)
    mine = owned(book, "ekowalski")
    until = AS_OF + timedelta(days=7)
    handover_service.handover(book, kwright, "ekowalski", ["fnguyen"], until=until, on=AS_OF)
    assert owned(book, "ekowalski") == (0, 0)
    start = last_event(book)
    results = race(book, "--as", "fnguyen", "covers", "end", "--on", until.isoformat())
    assert all(code == 0 for code, _, _ in results)
    assert sum(1 for _, out, _ in results if "1 cover(s) ended" in out) == 1
    assert sum(1 for _, out, _ in results if "0 cover(s) ended" in out) == RUNS - 1
    assert collectors(book) == before and owned(book, "ekowalski") == mine
    assert len(events_since(book, start, "coverage.revert")) == 1
    assert len(events_since(book, start, "account.cover")) == mine[0]
    with book.session() as s:
        assert s.scalar(select(func.count()).where(Coverage.reverted_at.is_(None))) == 0


def test_a_content_import_run_at_once_publishes_each_file_once(
    book: Database, tmp_path: Path
) -> None:
    content.load_shipped(book)
    folder = tmp_path / "content"
    content.export_content(book, folder)
    notes = sorted((folder / "notes").glob("*.md"))[:2]
    for note in notes:
        note.write_text(note.read_text(encoding="utf-8") + "\nRevised for the race test.\n")
    with book.session() as s:
        versions_before = s.scalar(select(func.count()).select_from(ContentVersion))
    start = last_event(book)
    results = race(book, "--as", "kwright", "content", "import", str(folder))
    assert all(code == 0 for code, _, _ in results), results
    published = [out for _, out, _ in results if "2 file(s) published" in out]
    assert len(published) == 1
    with book.session() as s:
        assert s.scalar(select(func.count()).select_from(ContentVersion)) == versions_before + 2
        current = s.scalar(select(func.count()).where(ContentVersion.current.is_(True),
                                                      ContentVersion.kind == "note"))  # fmt: skip
        distinct = s.scalar(
            select(func.count(func.distinct(ContentVersion.key))).where(
                ContentVersion.kind == "note"
            )
        )
    assert current == distinct  # one current version per note
    assert len(events_since(book, start, "content.publish")) == 2
    assert len(events_since(book, start, "content.import")) == 1


def test_overdue_requests_escalated_at_once_escalate_once(book: Database) -> None:
    with book.session() as s:
        due = set(s.scalars(select(DepartmentRequest.id).where(
            DepartmentRequest.status == "open", DepartmentRequest.escalated_on.is_(None),
            DepartmentRequest.due_on < AS_OF)))  # fmt: skip
        escalations = s.scalar(select(func.count()).where(Activity.kind == "escalation"))
    assert len(due) > 3  # the demo book's old requests are overdue
    start = last_event(book)
    results = race(book, "--as", "kwright", "requests", "escalate", "--on", AS_OF.isoformat())
    assert all(code == 0 for code, _, _ in results)
    events = events_since(book, start, "request.escalate")
    assert sorted(entity for _, entity in events) == sorted(due)  # each request once
    reported = [re.search(r"(\d+) overdue request\(s\) escalated", out) for _, out, _ in results]
    assert sum(int(m[1]) for m in reported if m) == len(due)
    with book.session() as s:
        assert s.scalar(select(func.count()).where(Activity.kind == "escalation")) == (
            (escalations or 0) + len(due))  # fmt: skip
        versions = set(
            s.scalars(select(DepartmentRequest.version).where(DepartmentRequest.id.in_(due)))
        )
    assert versions == {2}  # each claimed by one update
