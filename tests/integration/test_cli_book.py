"""The arbench command: its output equals the database; bad input gets one clear line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from arbench import __version__
from arbench.cli import main
from arbench.domain.catalogue import OPEN_STATUSES
from arbench.services.work.worklist import worklist
from arbench.store.db import Database
from arbench.store.models import Issue, User
from helpers import run_cli as run

ON = "2026-11-24"


def test_users_json_equals_the_database(
    demo_db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--db", demo_db.url, "users", "--format", "json")
    assert code == 0
    with demo_db.session() as s:
        expected = [
            (u.login, u.display_name, u.role, u.active)
            for u in s.scalars(select(User).order_by(User.login))
        ]
    assert [(u["login"], u["name"], u["role"], u["active"]) for u in json.loads(out)] == expected


def test_worklist_json_equals_the_database(
    demo_db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys, "--db", demo_db.url, "worklist", "--user", "cpatel", "--on", ON, "--format", "json"
    )
    assert code == 0
    rows = json.loads(out)
    with demo_db.session() as s:
        uid = s.scalar(select(User.id).where(User.login == "cpatel"))
        open_ids = set(
            s.scalars(
                select(Issue.id).where(
                    Issue.owner_id == uid, Issue.status.in_([x.value for x in OPEN_STATUSES])
                )
            )
        )
        count_by_level = dict(
            s.execute(
                select(Issue.level, func.count())
                .where(Issue.id.in_(open_ids))
                .group_by(Issue.level)
            ).all()
        )
    assert {r["id"] for r in rows} == open_ids
    assert sum(r["level"] == "pro" for r in rows) == count_by_level["pro"]
    required = {"level", "id", "pro", "account_number", "account_name", "type", "root_cause",
                "open_amount", "days_past_due", "follow_up", "status", "priority", "reason"}  # fmt: skip
    assert all(required <= set(r) for r in rows)
    assert all(r["pro"] is None for r in rows if r["level"] == "account")
    # Same order as the service: pro-level first, then account-level, each in ranked order.
    from datetime import date

    ranked = worklist(demo_db, "cpatel", date.fromisoformat(ON))
    expected = [i.id for i in ranked if i.level == "pro"] + [
        i.id for i in ranked if i.level == "account"
    ]
    assert [r["id"] for r in rows] == expected


def test_worklist_csv_and_table_have_one_line_per_item(
    demo_db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out_json, _ = run(
        capsys, "--db", demo_db.url, "worklist", "--user", "cpatel", "--on", ON, "--format", "json"
    )
    n = len(json.loads(out_json))
    _, out_csv, _ = run(
        capsys, "--db", demo_db.url, "worklist", "--user", "cpatel", "--on", ON, "--format", "csv"
    )
    _, out_table, _ = run(capsys, "--db", demo_db.url, "worklist", "--user", "cpatel", "--on", ON)
    assert len(out_csv.splitlines()) == n + 1 and out_csv.startswith("level,id,pro,")
    assert len(out_table.splitlines()) == n + 1 and out_table.startswith("LEVEL")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["worklist", "--user", "nobody", "--on", ON], "unknown user 'nobody'"),
        (
            ["worklist", "--user", "cpatel", "--on", "24/11/2026"],
            "--on must be a date as YYYY-MM-DD",
        ),
        (["worklist"], "required: --user"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_arguments_one_clear_line(demo_db: Database, args: list[str], message: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "arbench", "--db", demo_db.url, *args],
        capture_output=True, text=True, timeout=60, env={**os.environ},
    )  # fmt: skip
    assert result.returncode != 0
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr


def test_unreachable_and_foreign_databases(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "--db", str(tmp_path / "none.sqlite3"), "users")
    assert code == 2 and "no arbench database" in err
    foreign = tmp_path / "notes.txt"
    foreign.write_text("not a database at all " * 100)
    code, _, err = run(capsys, "--db", str(foreign), "users")
    assert code == 2 and err.startswith("arbench: error:") and len(err.strip().splitlines()) == 1
    code, _, err = run(capsys, "--db", "postgresql://nobody@127.0.0.1:1/none", "users")
    assert code == 2 and "cannot reach" in err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"arbench {__version__}"


def test_demo_and_db_upgrade_from_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "book.sqlite3"
    code, out, _ = run(capsys, "--db", str(path), "db", "upgrade")
    assert code == 0 and "upgraded from schema (empty)" in out
    code, out, _ = run(
        capsys,
        "--db",
        str(path),
        "demo",
        "--accounts",
        "20",
        "--pros",
        "200",
        "--seed",
        "3",
        "--as-of",
        ON,
    )
    assert code == 0 and "20 accounts, 200 pros" in out
    code, _, err = run(capsys, "--db", str(path), "demo", "--accounts", "20", "--pros", "200")
    assert code == 2 and "already holds a book" in err
    code, out, _ = run(
        capsys,
        "--db",
        str(path),
        "demo",
        "--accounts",
        "10",
        "--pros",
        "50",
        "--replace",
        "--as-of",
        ON,
    )
    assert code == 0 and "10 accounts, 50 pros" in out
    code, out, _ = run(capsys, "--db", str(path), "db", "upgrade")
    assert code == 0 and "up to date" in out
