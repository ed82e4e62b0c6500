"""Apply remittances (CSV, xlsx or X12 820) to the book, all or nothing.

    summary = apply_remittance(db, Path("ach-0612.820"))
    summary.to_json()  # payments_applied, amount_applied, short_pays, unapplied, errors ...

The file is read and validated first (`io.remittance_tables`, `io.x12.parse_820`); a bad file
returns a summary with `errors` and writes nothing. The same file (by sha256) is never applied
twice: that would record every payment again. Otherwise every line is applied in one
transaction by `remittance_apply.CashApplication` (see its docstring for the rules), then open
promises on the pros and accounts that received money are settled (kept or broken, with
`services.promises.settle_one`), and pros whose balance reached zero are closed, their open
issues resolved as paid in full (except the short pays, overpayments and discounts this
remittance just opened). One `import_batches` row and one `import.remittance` audit event per
file, plus an audit event per issue opened or changed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from arbench.domain.catalogue import ActivityKind, IssueStatus, Role
from arbench.domain.rules import evaluate_promise
from arbench.io.errors import FILE_ROW, FileRejected, RowError
from arbench.io.remittance import RemittanceLine
from arbench.io.remittance_tables import read_remittance_table
from arbench.io.x12 import parse_820
from arbench.services.base import Actor, PermissionDenied, add_activity, audit, now
from arbench.services.import_read import file_sha256, is_x12
from arbench.services.permissions import STAFF, service
from arbench.services.promises import settle_one
from arbench.services.remittance_apply import OPEN, CashApplication, Tally
from arbench.store.db import Database
from arbench.store.models import ImportBatch, Issue, Payment, Pro, Promise

__all__ = ["RemittanceSummary", "apply_remittance", "read_remittance"]


@dataclass(frozen=True)
class RemittanceFile:
    name: str
    sha256: str
    kind: str  # remittance (csv/xlsx) | 820
    items: list[tuple[RemittanceLine, str | None, str | None]]  # line, payer account, method
    deductions: list[tuple[Decimal, str, str | None]]  # group-level ADX: amount, reason, payer
    errors: list[RowError]


@dataclass(frozen=True)
class RemittanceSummary:
    file: str
    kind: str
    lines: int = 0
    payments_applied: int = 0
    amount_applied: Decimal = Decimal(0)
    short_pays: int = 0
    short_paid_amount: Decimal = Decimal(0)
    unearned_discounts: int = 0
    overpayments: int = 0
    duplicate_payments: int = 0
    unapplied: Decimal = Decimal(0)
    unapplied_lines: int = 0
    deductions: Decimal = Decimal(0)
    issues_opened: int = 0
    issues_updated: int = 0
    pros_closed: int = 0
    promises_kept: int = 0
    promises_broken: int = 0
    unidentified: list[dict[str, str]] = field(default_factory=list)
    batch_id: int | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_json(self) -> dict[str, Any]:
        return {k: str(v) if isinstance(v, Decimal) else v for k, v in asdict(self).items()}


def read_remittance(path: Path) -> RemittanceFile:
    """Read a CSV/xlsx remittance or an 820 file into lines, or the errors that reject it."""
    path = Path(path)
    try:
        sha = file_sha256(path)
    except OSError as exc:
        error = RowError(FILE_ROW, "", str(path), f"cannot open the file: {exc.strerror}")
        return RemittanceFile(path.name, "", "remittance", [], [], [error])
    kind = "820" if is_x12(path) else "remittance"
    try:
        if kind == "remittance":
            lines = read_remittance_table(path)
            return RemittanceFile(path.name, sha, kind, [(x, None, None) for x in lines], [], [])
        items: list[tuple[RemittanceLine, str | None, str | None]] = []
        deductions: list[tuple[Decimal, str, str | None]] = []
        for remittance in parse_820(path):
            payer = remittance.payer_id
            items += [(line, payer, remittance.method) for line in remittance.lines]
            deductions += [
                (a.amount, a.reason_code, payer) for g in remittance.groups for a in g.adjustments
            ]
        return RemittanceFile(path.name, sha, kind, items, deductions, [])
    except FileRejected as exc:
        return RemittanceFile(path.name, sha, kind, [], [], exc.errors)


def _errors(errors: list[RowError]) -> list[dict[str, Any]]:
    return [e.to_json() for e in errors]


@service(STAFF, "apply remittances")
def apply_remittance(
    db: Database, path: str | Path, *, actor: Actor, on: date | None = None
) -> RemittanceSummary:
    """Apply every line of a remittance file in one transaction; see the module docstring."""
    if actor.role == Role.TRAINEE:
        raise PermissionDenied(f"a trainee cannot apply remittances; {actor.login} is a trainee")
    data = read_remittance(Path(path))
    if data.errors:
        return RemittanceSummary(data.name, data.kind, errors=_errors(data.errors))
    on = on or date.today()
    with db.session() as session:
        earlier = session.scalar(
            select(ImportBatch).where(
                ImportBatch.sha256 == data.sha256, ImportBatch.kind.in_(("remittance", "820"))
            )
        )
        if earlier is not None:
            message = (f"this file was already applied on {earlier.at:%Y-%m-%d %H:%M} "
                       f"(batch {earlier.id}); applying it again would record every payment twice")  # fmt: skip
            error = RowError(FILE_ROW, "", data.name, message)
            return RemittanceSummary(data.name, data.kind, errors=_errors([error]))
        return _apply(session, actor, data, on)


def _apply(session: Session, actor: Actor, data: RemittanceFile, on: date) -> RemittanceSummary:
    stamp = now()
    batch = ImportBatch(kind=data.kind, file_name=data.name[:260], sha256=data.sha256, at=stamp,
                        user_login=actor.login)  # fmt: skip
    session.add(batch)
    session.flush()
    cash = CashApplication(session, actor, batch.id, on, stamp, data.name)
    for line, payer, method in data.items:
        cash.apply(line, payer, method)
    for amount, reason, payer in data.deductions:
        if amount < 0:
            cash.deduction(cash.find_account(payer), -amount, reason, "(not tied to a pro)")
    session.flush()
    kept, broken = _settle_promises(session, actor, cash.tally.touched_pros, on)
    cash.tally.pros_closed = _close_paid(session, actor, cash.tally.touched_pros, on, data.name)
    summary = _summary(data, cash.tally, kept, broken, batch.id)
    batch.summary = {
        k: v for k, v in summary.to_json().items() if k not in ("errors", "unidentified")
    }
    audit(session, actor, f"import.{data.kind}", "import_batch", batch.id, None, batch.summary)
    return summary


def _summary(
    data: RemittanceFile, tally: Tally, kept: int, broken: int, batch_id: int
) -> RemittanceSummary:
    values = {k: v for k, v in asdict(tally).items() if k != "touched_pros"}
    return RemittanceSummary(
        data.name, data.kind, lines=len(data.items), promises_kept=kept, promises_broken=broken,
        batch_id=batch_id, **values,
    )  # fmt: skip


def _settle_promises(
    session: Session, actor: Actor, pro_ids: set[int], on: date
) -> tuple[int, int]:
    """Settle open promises on the pros that received money (kept, or broken when overdue)."""
    if not pro_ids:
        return 0, 0
    rows = session.execute(
        select(Promise, Issue).join(Issue, Issue.id == Promise.issue_id)
        .where(Promise.status == "open", Issue.pro_id.in_(sorted(pro_ids)))
    ).all()  # fmt: skip
    payments: dict[int | None, list[tuple[date, Decimal]]] = defaultdict(list)
    for pro_id, day, amount in session.execute(
        select(Payment.pro_id, Payment.received_on, Payment.amount).where(
            Payment.pro_id.in_(sorted(pro_ids)), Payment.kind == "payment"
        )
    ):
        payments[pro_id].append((day, amount))
    kept = broken = 0
    for promise, issue in rows:
        verdict = evaluate_promise(promise.amount, promise.made_on, promise.due_on,
                                   payments[issue.pro_id], on)  # fmt: skip
        if verdict.status == "open":
            continue
        if not settle_one(session, actor, promise, issue, verdict):
            continue  # settled meanwhile by someone else
        kept += verdict.status == "kept"
        broken += verdict.status == "broken"
    return kept, broken


_KEEP_OPEN = ("short_pay", "unearned_discount", "duplicate_payment")


def _close_paid(session: Session, actor: Actor, pro_ids: set[int], on: date, source: str) -> int:
    """Close pros paid down to zero; resolve their open collection issues as paid in full."""
    closed = 0
    for pro in session.scalars(select(Pro).where(Pro.id.in_(sorted(pro_ids)))):
        if pro.status != "open" or pro.open_balance != 0:
            continue
        pro.status, pro.closed_on = "closed", on
        closed += 1
        for issue in session.scalars(
            select(Issue).where(
                Issue.pro_id == pro.id, Issue.status.in_(OPEN), Issue.type.not_in(_KEEP_OPEN)
            )  # fmt: skip
        ):
            before = {"status": issue.status, "version": issue.version}
            issue.status, issue.resolved_on = IssueStatus.RESOLVED.value, on
            issue.resolution_code, issue.updated_at = "paid_in_full", now()
            session.flush()
            audit(session, actor, "issue.resolve", "issue", issue.id, before,
                  {"status": "resolved", "resolution_code": "paid_in_full", "version": issue.version})  # fmt: skip
            add_activity(session, actor, issue.account_id, ActivityKind.RESOLVE,
                         f"Closed: paid in full by remittance {source}", issue_id=issue.id)  # fmt: skip
    return closed
