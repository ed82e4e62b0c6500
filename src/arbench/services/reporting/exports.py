"""Exports: a user's worklist, aging (by account and by collector) and statements of account.

The format comes from the file name: .xlsx for every export, .pdf for a statement. Read only;
`progress(done, total)` is called while rows are written (the GUI runs these off its thread).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from arbench.domain.documents import safe_file_name
from arbench.io.exports import Column, Sheet, write_xlsx
from arbench.services.admin.company import CompanyProfile, get_profile
from arbench.services.base import InvalidInput
from arbench.services.reporting.reports import (
    AGING_BUCKETS,
    AgingRow,
    Statement,
    aging_by_account,
    aging_by_collector,
    statement,
)
from arbench.services.work.worklist import worklist
from arbench.store.db import Database

if TYPE_CHECKING:
    from arbench.io.statement_pdf import StatementPage

Progress = Callable[[int, int], None] | None


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int


def _format(path: Path, allowed: tuple[str, ...]) -> str:
    suffix = path.suffix.lower()
    if suffix not in allowed:
        raise InvalidInput(
            f"cannot export to '{path.name}': use a file name ending in {' or '.join(allowed)}"
        )
    return suffix


WORKLIST_COLUMNS = (
    Column("Level", width=9), Column("PRO", width=13), Column("Account", width=11),
    Column("Customer", width=30), Column("Issue", width=28), Column("Root cause", width=26),
    Column("Open amount", "money", 14), Column("Days past due", "int", 9),
    Column("Follow-up", "date", 12), Column("Status", width=12), Column("Priority", "number", 9),
    Column("Why today", width=48),
)  # fmt: skip


def export_worklist(
    db: Database, login: str, on: date, path: str | Path, progress: Progress = None
) -> ExportResult:
    """One collector's ranked worklist as a spreadsheet."""
    target = Path(path)
    _format(target, (".xlsx",))
    items = worklist(db, login, on)
    rows = (
        (i.level, i.pro or "", i.account_number, i.account_name, i.type_name, i.root_cause_name or "",
         i.open_amount, i.days_past_due, i.follow_up, i.status, round(i.priority, 1), i.reason)
        for i in items
    )  # fmt: skip
    sheet = Sheet(f"Worklist {login}", WORKLIST_COLUMNS, rows,
                  (f"Worklist of {login}", f"As of {on.isoformat()}"), len(items))  # fmt: skip
    write_xlsx(target, [sheet], progress)
    return ExportResult(target, len(items))


def _aging_columns(first: str, second: str) -> list[Column]:
    return [Column(first, width=14), Column(second, width=32), Column("Collector", width=14),
            Column("Items", "int", 8)] + [Column(b, "money", 13) for b in AGING_BUCKETS] + [
            Column("Total", "money", 14), Column("Currency", width=9)]  # fmt: skip


def _aging_rows(rows: list[AgingRow]) -> list[list[object]]:
    return [[r.key, r.name, r.collector, r.items, *(r.buckets[b] for b in AGING_BUCKETS), r.total,
             r.currency] for r in rows]  # fmt: skip


def export_aging(db: Database, on: date, path: str | Path, login: str | None = None,
                 progress: Progress = None) -> ExportResult:  # fmt: skip
    """What was owed at the end of `on`, by account (one collector's with `login`) and, for the
    whole book, by collector; each row in its account's currency (see services.reporting.reports)."""
    target = Path(path)
    _format(target, (".xlsx",))
    accounts = aging_by_account(db, on, login)
    heading = (f"Aging{' of ' + login if login else ''}", f"As of {on.isoformat()}")
    sheets = [Sheet("By account", _aging_columns("Account", "Customer"), _aging_rows(accounts),
                    heading, len(accounts))]  # fmt: skip
    if login is None:
        collectors = aging_by_collector(db, on, accounts)
        sheets.append(Sheet("By collector", _aging_columns("Collector", "Name"),
                            _aging_rows(collectors), heading, len(collectors)))  # fmt: skip
    write_xlsx(target, sheets, progress)
    return ExportResult(target, len(accounts))


STATEMENT_COLUMNS = (
    Column("PRO", width=13), Column("Invoice", width=12), Column("BOL", width=12),
    Column("Invoice date", "date", 12), Column("Due date", "date", 12),
    Column("Amount", "money", 13), Column("Open balance", "money", 14),
    Column("Days past due", "int", 10),
)  # fmt: skip


def statement_file_name(account_number: str, on: date, pros: Sequence[str] | None = None,
                        suffix: str = ".pdf") -> str:  # fmt: skip
    """'statement-C100350-2026-11-24.pdf', or named after the PRO for a one-pro statement."""
    who = f"PRO-{pros[0]}" if pros is not None and len(pros) == 1 else account_number
    return safe_file_name(f"statement-{who}-{on.isoformat()}{suffix}")


def export_statement(db: Database, account_number: str, on: date, path: str | Path,
                     progress: Progress = None, pros: Sequence[str] | None = None) -> ExportResult:  # fmt: skip
    """A customer's statement of account (all open items, or the given PROs) as xlsx or PDF,
    headed by the company profile; the PDF repeats headers and "Page N of M" on every page."""
    target = Path(path)
    kind = _format(target, (".xlsx", ".pdf"))
    data = statement(db, account_number, on, pros)
    profile = get_profile(db)
    if kind == ".pdf":
        from arbench.io.statement_pdf import write_statement_pdf

        write_statement_pdf(_page(data, profile), target)
        return ExportResult(target, len(data.lines))
    rows = [(x.pro, x.invoice_number or "", x.bol or "", x.invoice_date, x.due_date, x.amount,
             x.open_balance, x.days_past_due) for x in data.lines]  # fmt: skip
    aging = "   ".join(f"{name}: {value:,.2f}" for name, value in data.aging.items())
    heading = (profile.name, f"Statement of account: {data.account_name} ({data.account_number})",
               f"Bill to: {data.address}", f"Statement date {on.isoformat()}",
               f"Total due {data.total:,.2f}   Aging: {aging}",
               f"Remit to: {(profile.remit_to or profile.address).replace(chr(10), ', ')}")  # fmt: skip
    write_xlsx(target, [Sheet("Statement", STATEMENT_COLUMNS, rows, heading, len(rows))], progress)
    return ExportResult(target, len(rows))


def _page(data: Statement, profile: CompanyProfile) -> StatementPage:
    from arbench.io.statement_pdf import StatementLine, StatementPage

    lines = [StatementLine(x.pro, x.invoice_number or "", x.bol or "",
                           x.invoice_date.isoformat() if x.invoice_date else "",
                           x.due_date.isoformat() if x.due_date else "", x.amount, x.open_balance,
                           x.days_past_due) for x in data.lines]  # fmt: skip
    return StatementPage(
        profile.name, profile.address.replace("\n", ", "), profile.contact,
        profile.remit_to, profile.logo, data.account_number, data.account_name, data.bill_to,
        data.on, lines, [(name.capitalize(), value) for name, value in data.aging.items()],
    )  # fmt: skip


def export_view(path: str | Path, title: str, columns: list[tuple[str, str]],
                rows: list[list[object]], heading: tuple[str, ...] = ()) -> ExportResult:  # fmt: skip
    """Exactly what a list on screen shows, as xlsx: its columns (title, kind: text, money,
    int, number or date) in the user's order, its rows in the user's order."""
    target = Path(path)
    _format(target, (".xlsx",))
    sheet_columns = [Column(t, kind, 14 if kind != "text" else max(12, min(48, len(t) + 16)))
                     for t, kind in columns]  # fmt: skip
    write_xlsx(target, [Sheet(title[:31], sheet_columns, rows, heading or (title,), len(rows))])
    return ExportResult(target, len(rows))
