"""Supervisor commands: assign, handover, kpis, user; refusals exit non-zero with the reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from arbench.cli import main
from arbench.domain.catalogue import OPEN_STATUSES
from arbench.store.db import Database
from arbench.store.models import Account, Issue, User

ON = "2026-11-24"
OPEN = [s.value for s in OPEN_STATUSES]
KPI_KEYS = {
    "aging", "dso", "cei", "add", "promise_kept_rate", "dispute_cycle_days",
    "root_cause_fixed_rate", "reopen_rate", "recurrence_rate", "promotions",
}  # fmt: skip


@pytest.fixture
def db_path(demo_db: Database, tmp_path: Path) -> str:
    return str(tmp_path / "demo.sqlite3")


def run(capsys: pytest.CaptureFixture[str], db: str, *args: str) -> tuple[int, str, str]:
    code = main(["--db", db, *args])
    out, err = capsys.readouterr()
    return code, out, err


def held_by(db: Database, login: str) -> tuple[int, int]:
    """(accounts, open issues) a user holds."""
    with db.session() as s:
        uid = s.scalar(select(User.id).where(User.login == login))
        accounts = s.scalar(select(func.count()).where(Account.collector_id == uid)) or 0
        items = s.scalar(
            select(func.count())
            .select_from(Issue)
            .where(Issue.owner_id == uid, Issue.status.in_(OPEN))
        )
        return accounts, items or 0


def first_account(db: Database, login: str) -> str:
    with db.session() as s:
        uid = s.scalar(select(User.id).where(User.login == login))
        number = s.scalar(
            select(Account.number).where(Account.collector_id == uid).order_by(Account.number)
        )
        assert number is not None
        return number


def test_assign_moves_an_account(capsys, demo_db: Database, db_path: str) -> None:  # type: ignore[no-untyped-def]
    number = first_account(demo_db, "hmuller")
    before = held_by(demo_db, "jrossi")
    code, out, _ = run(
        capsys, db_path, "--as", "kwright", "assign", "--account", number, "--to", "jrossi"
    )
    assert code == 0 and f"{number}" in out and "1 account(s) assigned to jrossi" in out
    assert held_by(demo_db, "jrossi")[0] == before[0] + 1


def test_handover_empties_the_book_and_deactivates(capsys, demo_db: Database, db_path: str) -> None:  # type: ignore[no-untyped-def]
    accounts, items = held_by(demo_db, "dokafor")
    code, out, err = run(capsys, db_path, "--as", "kwright", "handover", "--from", "dokafor",
                         "--to", "agarcia,bchen", "--on", ON, "--deactivate")  # fmt: skip
    assert code == 0, err
    assert f"{accounts} account(s) moved to agarcia, bchen: {items} open items" in out
    assert held_by(demo_db, "dokafor") == (0, 0)
    with demo_db.session() as s:
        assert s.scalar(select(User.active).where(User.login == "dokafor")) is False


def test_cover_with_until_is_given_back_by_the_daily_job_not_by_a_read(
    capsys, demo_db: Database, db_path: str
) -> None:  # type: ignore[no-untyped-def]
    before = held_by(demo_db, "ekowalski")
    code, _, _ = run(capsys, db_path, "--as", "lmartin", "handover", "--from", "ekowalski",
                     "--to", "fnguyen", "--on", ON, "--until", "2026-12-01")  # fmt: skip
    assert code == 0 and held_by(demo_db, "ekowalski") == (0, 0)
    code, out, err = run(capsys, db_path, "team", "--on", "2026-12-01")
    assert code == 0 and held_by(demo_db, "ekowalski") == (0, 0)  # a read changes nothing
    assert "cover of ekowalski ended 2026-12-01" in err and "covers end" in err
    code, out, _ = run(capsys, db_path, "--as", "kwright", "covers", "end", "--on", "2026-12-01")
    assert code == 0 and held_by(demo_db, "ekowalski") == before
    assert "given back" in out.splitlines()[0]


def test_kpis_json_has_the_contract_keys(capsys, db_path: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    xlsx = tmp_path / "kpis.xlsx"
    code, out, _ = run(capsys, db_path, "kpis", "--from", "2026-09-01", "--to", ON, "--format", "json",
                       "--xlsx", str(xlsx))  # fmt: skip
    data = json.loads(out)
    assert code == 0 and set(data) >= KPI_KEYS
    assert data["period"] == {"from": "2026-09-01", "to": ON} and data["user"] is None
    assert data["aging"]["current"] > 0 and data["dso"]["days"] > 0
    book = load_workbook(xlsx)
    assert {"KPIs", "Aging by collector", "Trend"} <= set(book.sheetnames)
    code, out, _ = run(capsys, db_path, "kpis", "--to", ON, "--user", "agarcia", "--format", "json")
    assert json.loads(out)["user"] == "agarcia"


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (("--as", "agarcia", "assign", "--account", "C100001", "--to", "agarcia"),
         "only a supervisor can assign accounts; agarcia is a collector"),
        (("--as", "mlee", "handover", "--from", "dokafor", "--to", "mlee"),
         "only a supervisor can hand over a book; mlee is a trainee"),
        (("--as", "nbrown", "user", "add", "zed", "--name", "Zed", "--role", "supervisor"),
         "only a supervisor can add users; nbrown is a trainee"),
        (("--as", "bchen", "user", "deactivate", "dokafor"), "only a supervisor can activate or deactivate"),
        (("--as", "kwright", "user", "deactivate", "dokafor"), "hand the book over first"),
        (("handover", "--from", "dokafor", "--to", "agarcia"), "needs --as LOGIN"),
        (("kpis", "--from", "2026-13-01"), "--from must be a date"),
    ],
)  # fmt: skip
def test_refusals_exit_non_zero_with_the_reason(
    capsys, demo_db: Database, db_path: str, args, reason
) -> None:  # type: ignore[no-untyped-def]
    before = held_by(demo_db, "dokafor")
    code, _, err = run(capsys, db_path, *args)
    assert code != 0 and reason in err
    assert held_by(demo_db, "dokafor") == before


def test_user_add_and_role(capsys, demo_db: Database, db_path: str) -> None:  # type: ignore[no-untyped-def]
    assert (
        run(
            capsys,
            db_path,
            "--as",
            "kwright",
            "user",
            "add",
            "pnew",
            "--name",
            "Pat New",
            "--role",
            "trainee",
        )[0]
        == 0
    )
    code, out, _ = run(capsys, db_path, "--as", "kwright", "user", "role", "pnew", "collector")
    assert code == 0 and "now a collector" in out
    with demo_db.session() as s:
        assert s.scalar(select(User.role).where(User.login == "pnew")) == "collector"
