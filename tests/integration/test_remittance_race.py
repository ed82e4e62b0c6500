"""The same remittance applied by N processes at once is applied exactly once (both backends).

Every worker waits at a barrier, then applies the same 820. Exactly one succeeds; every other
one is refused in one line ("already applied"), with nothing written; the payments are there
once, and the audit trail holds exactly the changes of one application.
"""

from __future__ import annotations

import multiprocessing
import shutil
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from remittance_workers import apply_once
from sqlalchemy import func, select

from arbench.domain.catalogue import CASH_KINDS
from arbench.store.db import Database, open_database
from arbench.store.models import Account, AccountAlias, AuditEvent, ImportBatch, Issue, Payment, Pro
from edi_cases import expected_820, retailer_820

WORKERS = 6
ON = date(2026, 11, 24)


def _file(db: Database, tmp_path: Path) -> tuple[Path, str, str]:
    with db.session() as s:
        pros = s.scalars(
            select(Pro).where(Pro.status == "open", Pro.open_balance > 200,
                              Pro.invoice_number.is_not(None)).order_by(Pro.id).limit(4)
        ).all()  # fmt: skip
        payer = s.scalars(select(Account.number).order_by(Account.id).limit(1)).one()
    roles = dict(zip(("full", "short", "addition", "by_invoice"),
                     [(p.pro, p.open_balance) for p in pros], strict=True))  # fmt: skip
    roles["credit"] = ("CM-NOT-ON-FILE", Decimal("-150.00"))
    text = retailer_820(roles)
    path = tmp_path / "race.820"
    path.write_text(text)
    return path, text, payer


def _race(db: Database, tmp_path: Path) -> None:
    path, text, payer = _file(db, tmp_path)
    start = datetime.now().replace(microsecond=0)
    with db.session() as s:
        audit_before = s.scalar(select(func.count()).select_from(AuditEvent)) or 0
    ctx = multiprocessing.get_context("spawn")
    with ctx.Manager() as manager:
        barrier = manager.Barrier(WORKERS)
        jobs = [(db.url, str(path), payer, ON, barrier)] * WORKERS
        with ctx.Pool(WORKERS) as pool:
            results = pool.starmap(apply_once, jobs)
    crashes = [r["crash"] for r in results if "crash" in r]
    assert crashes == [], crashes[0] if crashes else ""
    winners = [r for r in results if r["ok"]]
    assert len(winners) == 1, results
    for loser in (r for r in results if not r["ok"]):
        (error,) = loser["errors"]
        assert "already applied" in error["message"], loser
    batch_id = winners[0]["batch_id"]
    (one,) = expected_820(text)
    with db.session() as s:
        batches = s.scalars(select(ImportBatch).where(ImportBatch.file_name == "race.820")).all()
        rows = s.scalars(select(Payment).where(Payment.batch_id.is_not(None))).all()
        events = s.scalars(select(AuditEvent).where(AuditEvent.id > audit_before)).all()
        opened = s.scalar(select(func.count()).select_from(Issue).where(
            Issue.source == "remittance", Issue.created_at >= start))  # fmt: skip
        aliases = s.scalar(select(func.count()).select_from(AccountAlias)) or 0
    assert [b.id for b in batches] == [batch_id]
    cash = [r for r in rows if r.kind in CASH_KINDS]
    assert {r.batch_id for r in rows} == {batch_id}
    assert sum((r.amount for r in cash), Decimal(0)) == one.bank
    actions = [e.action for e in events]
    assert actions.count("import.820") == 1
    assert actions.count("issue.open") == opened == winners[0]["issues_opened"]
    assert actions.count("alias.add") == aliases == 2  # the DUNS and the name, learnt once
    assert set(actions) <= {"import.820", "issue.open", "issue.adjustment", "issue.short_pay",
                            "issue.amount", "issue.resolve", "alias.add", "promise.kept",
                            "promise.broken"}  # fmt: skip


@pytest.mark.slow
def test_the_same_820_applied_by_many_processes_on_sqlite(
    demo_template: Path, tmp_path: Path
) -> None:
    target = tmp_path / "race.sqlite3"
    shutil.copy(demo_template, target)
    db = open_database(str(target))
    try:
        _race(db, tmp_path)
    finally:
        db.dispose()


@pytest.mark.slow
def test_the_same_820_applied_by_many_processes_on_postgresql(
    pg_demo_db: Database, tmp_path: Path
) -> None:
    _race(pg_demo_db, tmp_path)
