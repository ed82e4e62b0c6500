"""The worklist, item and search queries use indexes: no full scan of pros, issues or activities.

The SQL is the services' own, captured as they run (SQLAlchemy's before_cursor_execute), then
explained with the same parameters: EXPLAIN QUERY PLAN on SQLite, EXPLAIN on PostgreSQL with
sequential scans discouraged (so a plan that still scans has no index to use).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, select, text
from tests.conftest import AS_OF

from arbench.services.work import item_detail, search, worklist
from arbench.services.work.items import find_issue
from arbench.store.db import Database
from arbench.store.models import Account, Issue, Pro, User

BIG_TABLES = ("pros", "issues", "activities", "accounts")
SQLITE_SCAN = re.compile(r"^SCAN (\w+)")  # a SCAN reads the whole table (or a whole index)


@contextmanager
def captured(db: Database) -> Iterator[list[tuple[str, Any]]]:
    """Every SELECT the services send to the database while the block runs."""
    statements: list[tuple[str, Any]] = []

    def remember(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", remember)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", remember)


def _samples(db: Database) -> dict[str, Any]:
    with db.session() as s:
        issue = s.scalars(
            select(Issue).where(Issue.level == "pro", Issue.status == "open").order_by(Issue.id)
        ).first()
        assert issue is not None and issue.pro_id is not None
        pro = s.get(Pro, issue.pro_id)
        account = s.get(Account, issue.account_id)
        owner = s.get(User, issue.owner_id)
        parent = s.scalar(select(Issue.id).where(Issue.level == "account").limit(1))
        assert pro and account and owner and parent
        return {"issue": issue.id, "parent": parent, "pro": pro.pro, "bol": pro.bol,
                "invoice": pro.invoice_number, "account": account.number,
                "name": account.name[:5].lower(), "login": owner.login}  # fmt: skip


def _service_calls(db: Database, sample: dict[str, Any]) -> dict[str, Callable[[], Any]]:
    return {
        "worklist": lambda: worklist.worklist(db, sample["login"], AS_OF),
        "item detail (pro)": lambda: item_detail.item_detail(db, sample["issue"]),
        "item detail (account)": lambda: item_detail.item_detail(db, sample["parent"]),
        "find by PRO": lambda: find_issue(db, sample["pro"]),
        "search by PRO prefix": lambda: search.search_open_items(db, sample["pro"][:6], AS_OF),
        "search by BOL": lambda: search.search_open_items(db, sample["bol"], AS_OF),
        "search by invoice": lambda: search.search_open_items(db, sample["invoice"], AS_OF),
        "search by customer number": lambda: search.search_open_items(db, sample["account"], AS_OF),
        "search by customer name prefix": lambda: search.search_open_items(db, sample["name"], AS_OF),
    }  # fmt: skip


def _sqlite_scans(db: Database, statement: str, parameters: Any) -> list[str]:
    with db.engine.connect() as conn:
        rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
    details = [row[-1] for row in rows]
    return [d for d in details if (m := SQLITE_SCAN.match(d)) and m.group(1) in BIG_TABLES]


def _plans(db: Database, explain: Callable[[Database, str, Any], list[str]]) -> dict[str, Any]:
    sample = _samples(db)
    found: dict[str, Any] = {}
    for name, call in _service_calls(db, sample).items():
        with captured(db) as statements:
            result = call()
        assert result, f"{name}: the service found nothing, so its plan proves nothing"
        assert statements, f"{name}: no SQL captured"
        for statement, parameters in statements:
            scans = explain(db, statement, parameters)
            if scans:
                found.setdefault(name, []).append((scans, statement))
    return found


def test_sqlite_plans_of_worklist_item_and_search_queries_use_indexes(demo_db: Database) -> None:
    scans = _plans(demo_db, _sqlite_scans)
    assert not scans, "full scans of big tables:\n" + "\n".join(
        f"{name}: {s[0]} in\n{s[1]}" for name, items in scans.items() for s in items
    )


def test_the_scan_detector_sees_a_full_scan(demo_db: Database) -> None:
    """The check above can fail: an unindexed filter on issues is reported as a scan."""
    assert _sqlite_scans(demo_db, "SELECT id FROM issues WHERE root_cause = ?", ("x",)) == [
        "SCAN issues"
    ]
    assert _sqlite_scans(demo_db, "SELECT id FROM accounts WHERE lower(name) = ?", ("x",))


# ----- PostgreSQL (runs when ARBENCH_TEST_PG_URL is set, as `bash .ci/run` does) ---------------
def _pg_scans(db: Database, statement: str, parameters: Any) -> list[str]:
    with db.engine.connect() as conn:
        conn.execute(text("SET enable_seqscan = off"))  # a Seq Scan left means no usable index
        lines = [row[0] for row in conn.exec_driver_sql(f"EXPLAIN {statement}", parameters)]
        conn.rollback()
    return [ln for ln in lines if re.search(rf"Seq Scan on ({'|'.join(BIG_TABLES)})\b", ln)]


def test_postgresql_plans_use_indexes(pg_demo_db: Database) -> None:
    scans = _plans(pg_demo_db, _pg_scans)
    assert not scans, "sequential scans of big tables:\n" + "\n".join(
        f"{name}: {s[0]} in\n{s[1]}" for name, items in scans.items() for s in items
    )


def test_sqlite_kpi_money_passes_read_the_covering_indexes(demo_db: Database) -> None:
    """The KPI report's two money passes (billed pros per invoice/due date, payments by the
    cut-off dates) read the narrow covering indexes of migration 0004, not the pros rows."""
    from datetime import timedelta

    from arbench.domain.kpis import Period
    from arbench.services.reporting.kpis import kpi_report

    with captured(demo_db) as statements:
        kpi_report(demo_db, Period(AS_OF - timedelta(days=365), AS_OF))
    plans = {}
    with demo_db.engine.connect() as conn:
        for statement, parameters in statements:
            if "GROUP BY pros.invoice_date, pros.due_date" in statement:
                rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
                plans["payments" if "FROM payments" in statement else "pros"] = [
                    r[-1] for r in rows
                ]
    assert plans["pros"][0].startswith("SEARCH pros USING COVERING INDEX ix_pros_billed_dates")
    assert plans["payments"][0].startswith(
        "SEARCH payments USING COVERING INDEX ix_payments_received"
    )
    assert plans["payments"][1] == "SEARCH pros USING INTEGER PRIMARY KEY (rowid=?)"
    assert not [p for plan in plans.values() for p in plan if p.startswith("SCAN")]
