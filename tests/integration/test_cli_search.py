"""`arbench search` finds open items on anyone's list; `worklist` and `search` only read (a cover
whose date has come is given back by `covers end`, never by a read)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from tests.conftest import AS_OF

from arbench.services.base import actor_for
from arbench.services.organization.handover import handover
from arbench.services.work.worklist import worklist
from arbench.store.db import Database
from arbench.store.models import Account, AuditEvent, Issue, Pro, User
from helpers import run_cli as run

ON = AS_OF.isoformat()


def _someone_elses_item(db: Database, login: str) -> tuple[int, str, str]:
    """An open pro item not owned by `login`: (issue id, its PRO, its owner's login)."""
    with db.session() as s:
        row = s.execute(
            select(Issue.id, Pro.pro, User.login)
            .join(Pro, Pro.id == Issue.pro_id)
            .join(User, User.id == Issue.owner_id)
            .where(Issue.status == "open", User.login != login)
            .order_by(Issue.id)
        ).first()
        assert row is not None
        return row.id, row.pro, row.login


def test_search_json_has_the_worklist_shape(
    demo_db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    issue_id, pro, _owner = _someone_elses_item(demo_db, "agarcia")
    code, out, _ = run(capsys, "--db", demo_db.url, "search", pro, "--on", ON, "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert issue_id in [r["id"] for r in rows] and all(r["pro"] == pro for r in rows)
    _c, wl_out, _ = run(capsys, "--db", demo_db.url, "worklist", "--user", "agarcia", "--on", ON,
                        "--format", "json")  # fmt: skip
    assert set(rows[0]) == set(json.loads(wl_out)[0])


def test_search_table_names_the_collector_and_limits(
    demo_db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    issue_id, pro, owner = _someone_elses_item(demo_db, "agarcia")
    code, out, _ = run(capsys, "--db", demo_db.url, "search", pro, "--on", ON, "--format", "csv")
    assert code == 0
    header, *lines = out.splitlines()
    assert header.split(",")[-1] == "collector"
    assert any(line.startswith(f"pro,{issue_id},") and line.endswith(f",{owner}") for line in lines)
    with demo_db.session() as s:
        prefix = s.scalar(select(Account.number).order_by(Account.number))[:3]  # "C10": many
    code, out, err = run(capsys, "--db", demo_db.url, "search", prefix, "--on", ON, "--limit", "5")
    assert code == 0 and len(out.splitlines()) == 1 + 5 and "first 5 matches" in err


def test_search_refuses_empty_text_and_bad_limit(
    demo_db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--db", demo_db.url, "search", "  ")
    assert code == 2 and out == "" and "must not be empty" in err
    code, _out, err = run(capsys, "--db", demo_db.url, "search", "C1", "--limit", "0")
    assert code == 2 and "--limit" in err


def audit_count(db: Database) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(AuditEvent)) or 0)


def test_reads_leave_an_ended_cover_to_the_daily_job(
    demo_db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = {i.id for i in worklist(demo_db, "ekowalski", AS_OF)}
    sup = actor_for(demo_db, "kwright")
    handover(demo_db, sup, "ekowalski", ["fnguyen"], until=AS_OF - timedelta(days=1),
             on=AS_OF - timedelta(days=10))  # fmt: skip
    events = audit_count(demo_db)
    reads = [
        ("worklist", "--user", "ekowalski", "--on", ON),
        ("search", "C1", "--on", ON),
        ("team", "--on", ON),
        ("kpis", "--from", "2026-09-01", "--to", ON),
    ]
    for command in reads:
        code, _out, err = run(capsys, "--db", demo_db.url, *command)
        assert code == 0, err
    assert audit_count(demo_db) == events  # nothing was written by reading
    assert worklist(demo_db, "ekowalski", AS_OF) == []
    code, out, _ = run(capsys, "--db", demo_db.url, "covers", "--on", ON)
    assert code == 0 and "ekowalski" in out and "ending" in out
    code, out, err = run(capsys, "--db", demo_db.url, "--as", "fnguyen", "covers", "end",
                         "--on", ON)  # fmt: skip
    assert code == 0, err
    assert "cover of ekowalski ended" in out and "1 cover(s) ended" in out
    assert {i.id for i in worklist(demo_db, "ekowalski", AS_OF)} == mine
    assert not mine & {i.id for i in worklist(demo_db, "fnguyen", AS_OF)}
    code, out, _ = run(capsys, "--db", demo_db.url, "--as", "fnguyen", "covers", "end")
    assert code == 0 and "0 cover(s) ended" in out
