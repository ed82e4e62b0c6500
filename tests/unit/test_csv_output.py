"""Every CSV the CLI prints keeps customer text as text: no cell starts a formula.

Account names from a customer's register can hold '=HYPERLINK(...)' or "+cmd|' /C calc'!A0";
a spreadsheet opening the CSV would run them. The xlsx exports already neutralize such cells;
the CSV output must too (a leading ').
"""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select, update

from arbench.domain.names import name_key
from arbench.store.db import Database
from arbench.store.models import Account
from helpers import run_cli

PAYLOADS = (
    '=HYPERLINK("http://evil.example/x","click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1)",
    "-2+3",
    "\tTabbed Freight",
    "\rCarriage Freight",
)
FORMULA_FIRST = set("=+-@\t\r")


@pytest.fixture
def hostile_names(demo_db: Database) -> Database:
    """Every account renamed to one of the payloads, in turn."""
    with demo_db.session() as s:
        ids = list(s.scalars(select(Account.id).order_by(Account.id)))
        for i, account_id in enumerate(ids):
            name = PAYLOADS[i % len(PAYLOADS)]
            s.execute(
                update(Account)
                .where(Account.id == account_id)
                .values(name=name, name_key=name_key(name))
            )
    return demo_db


def cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize(
    "command",
    [
        ("worklist", "--user", "agarcia", "--on", "2026-11-24"),
        ("search", "=hyper", "--on", "2026-11-24", "--limit", "400"),
        ("search", "tabbed", "--on", "2026-11-24", "--limit", "400"),
        ("search", "C1", "--on", "2026-11-24", "--limit", "400"),
        ("preaudit", "--since", "2026-01-01"),
        ("team", "--on", "2026-11-24"),
        ("proposals", "--user", "agarcia", "--on", "2026-11-24"),
    ],
)
def test_no_csv_cell_starts_a_formula(
    hostile_names: Database, capsys: pytest.CaptureFixture[str], command: tuple[str, ...]
) -> None:
    code, out, err = run_cli(capsys, "--db", hostile_names.url, *command, "--format", "csv")
    assert code == 0, err
    rows = cells(out)
    assert len(rows) >= 2 or command[0] == "proposals", out[:300]
    for row in rows:
        for cell in row:
            assert cell[:1] not in FORMULA_FIRST, f"{command[0]}: {cell!r} would run as a formula"


def test_hostile_names_come_back_as_text_with_a_quote(
    hostile_names: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(capsys, "--db", hostile_names.url, "worklist", "--user", "agarcia",
                             "--on", "2026-11-24", "--format", "csv")  # fmt: skip
    assert code == 0, err
    rows = cells(out)
    name_at = rows[0].index("account_name")
    names = {row[name_at] for row in rows[1:]}
    # agarcia's accounts carry several of the payloads; each is shown with one leading '
    assert names <= {"'" + p for p in PAYLOADS}
    assert len(names) >= 3
    amounts = [row[rows[0].index("open_amount")] for row in rows[1:]]
    assert all(not a.startswith("'") for a in amounts)  # numbers stay numbers


def test_json_keeps_the_text_as_it_is(
    hostile_names: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(capsys, "--db", hostile_names.url, "worklist", "--user", "agarcia",
                           "--on", "2026-11-24", "--format", "json")  # fmt: skip
    assert code == 0
    assert '"account_name": "=HYPERLINK' in out or '"account_name": "+cmd' in out
