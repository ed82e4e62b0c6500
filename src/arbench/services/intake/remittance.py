"""Apply remittances (CSV, xlsx or X12 820) to the book, all or nothing, and reconcile them.

    summary = apply_remittance(db, Path("ach-0612.820"), account="C100350", lenient=True)
    summary.to_json()  # bank_amount, applied, unapplied, adjustments, variance, accounts ...

The file is read and validated first (`remittance_read`); a bad file returns a summary with
every error and writes nothing. Then, in ONE write transaction:
1. the file is claimed: its import batch is inserted with the file's sha256 in
   `remittance_sha256`, which is unique, before anything else is read or written. A second
   application of the same file, later or at the same moment in another process, fails on that
   constraint (SQLite serializes the two writers; PostgreSQL makes the second wait for the
   first and then refuses it), and is refused in one line with nothing written;
2. each payment's payer is resolved through the account numbers and aliases
   (`aliases.resolve_party`); `account=` names the paying account and records the file's payer
   identifiers as its aliases (audited). An 820 whose payer is not resolved is refused, with
   the identifiers it carried, and nothing is applied;
3. every line, adjustment and the variance is applied by `remittance_apply.CashApplication`
   (see its docstring), so that bank_amount = applied + unapplied + adjustments + variance;
4. open promises on the pros that received money are settled, pros paid to zero are closed
   and their open issues resolved as paid in full (except the items this file just opened).
One `import_batches` row and one `import.remittance` / `import.820` audit event per file, plus
an audit event per issue opened or changed and per alias learnt. `dry_run=True` does all of it
and rolls back: the preview shows exactly what applying would do.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from arbench.domain.catalogue import ActivityKind, IssueStatus, PaymentKind, Role
from arbench.domain.rules import evaluate_promise
from arbench.io.errors import FILE_ROW, RowError
from arbench.services.base import (
    Actor,
    InvalidInput,
    PermissionDenied,
    add_activity,
    audit,
    now,
)
from arbench.services.intake.aliases import learn_party, resolve_party
from arbench.services.intake.remittance_apply import CashApplication, RemittanceRefused
from arbench.services.intake.remittance_items import OPEN, ItemWriter
from arbench.services.intake.remittance_read import RemittanceFile, read_remittance
from arbench.services.permissions import STAFF, service
from arbench.services.work.promises import settle_one
from arbench.store.db import Database
from arbench.store.models import Account, ImportBatch, Issue, Payment, Pro, Promise

__all__ = ["RemittanceSummary", "apply_remittance", "read_remittance"]

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class RemittanceSummary:
    """What applying a remittance did (or, for a dry run, would do); JSON keys as named."""

    file: str
    kind: str
    dry_run: bool = False
    lenient: bool = False
    lines: int = 0
    currency: str | None = None
    bank_amount: Decimal = ZERO
    bank_source: str = ""
    applied: Decimal = ZERO
    unapplied: Decimal = ZERO
    adjustments: Decimal = ZERO
    variance: Decimal = ZERO
    accounts: list[dict[str, Any]] = field(default_factory=list)
    adjustment_items: list[dict[str, Any]] = field(default_factory=list)
    payments_applied: int = 0
    short_pays: int = 0
    short_paid_amount: Decimal = ZERO
    discounts_earned: Decimal = ZERO
    unearned_discounts: int = 0
    overpayments: int = 0
    duplicate_payments: int = 0
    unapplied_lines: int = 0
    issues_opened: int = 0
    issues_updated: int = 0
    pros_closed: int = 0
    promises_kept: int = 0
    promises_broken: int = 0
    payers: list[dict[str, Any]] = field(default_factory=list)
    aliases_learned: list[dict[str, str]] = field(default_factory=list)
    batch_id: int | None = None
    warnings: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def balanced(self) -> bool:
        """bank_amount = applied + unapplied + adjustments + variance, to the cent."""
        total = self.applied + self.unapplied + self.adjustments + self.variance
        return total == self.bank_amount

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = _jsonable(asdict(self))
        return data


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.01")))
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


class _Preview(Exception):
    def __init__(self, summary: RemittanceSummary) -> None:
        self.summary = summary


class _AlreadyApplied(Exception):
    pass


@service(STAFF, "apply remittances")
def apply_remittance(
    db: Database,
    path: str | Path,
    *,
    actor: Actor,
    on: date | None = None,
    lenient: bool = False,
    account: str | None = None,
    dry_run: bool = False,
) -> RemittanceSummary:
    """Apply every payment of a remittance file in one transaction (see the module docstring)."""
    if actor.role == Role.TRAINEE:
        raise PermissionDenied(f"a trainee cannot apply remittances; {actor.login} is a trainee")
    data = read_remittance(Path(path), lenient=lenient)
    if data.errors:
        return _refused(data, data.errors, lenient, dry_run)
    try:
        with db.session() as session:
            summary = _apply(session, actor, data, on or date.today(), lenient, account, dry_run)
            if dry_run:
                raise _Preview(summary)
            return summary
    except _Preview as preview:
        return preview.summary
    except RemittanceRefused as refused:
        return _refused(data, refused.errors, lenient, dry_run, refused.payers)
    except _AlreadyApplied:
        return _refused(data, [_applied_before(db, data)], lenient, dry_run)


def _apply(session: Session, actor: Actor, data: RemittanceFile, on: date, lenient: bool,
           account: str | None, dry_run: bool) -> RemittanceSummary:  # fmt: skip
    batch = _claim(session, actor, data)
    payers, payer_json, learned = _payers(session, actor, data, account)
    stamp = batch.at
    items = ItemWriter(session, actor, on, stamp, data.name)
    cash = CashApplication(session, actor, batch.id, on, stamp, data.name, items)
    for payment, payer in zip(data.payments, payers, strict=True):
        cash.apply(payment, payer)
    if cash.unresolved:
        raise RemittanceRefused(cash.unresolved, payer_json)
    session.flush()
    kept, broken = _settle_promises(session, actor, cash.tally.touched_pros, on)
    closed = _close_paid(session, actor, cash.tally.touched_pros, on, data.name,
                         items.counts.opened_ids)  # fmt: skip
    summary = _summary(data, cash, lenient, dry_run, batch.id, (kept, broken, closed),
                       payer_json, learned)  # fmt: skip
    assert summary.balanced, f"{data.name}: the reconciliation does not add up: {summary}"
    batch.summary = {k: v for k, v in summary.to_json().items() if k != "errors"}
    audit(session, actor, f"import.{data.kind}", "import_batch", batch.id, None, batch.summary)
    return summary


def _claim(session: Session, actor: Actor, data: RemittanceFile) -> ImportBatch:
    """Insert the batch that claims the file, first thing in the transaction (see step 1)."""
    batch = ImportBatch(kind=data.kind, file_name=data.name[:260], sha256=data.sha256,
                        remittance_sha256=data.sha256, at=now(), user_login=actor.login)  # fmt: skip
    session.add(batch)
    try:
        session.flush()
    except IntegrityError:
        raise _AlreadyApplied from None
    return batch


def _applied_before(db: Database, data: RemittanceFile) -> RowError:
    with db.session() as session:
        earlier = session.scalar(
            select(ImportBatch).where(ImportBatch.remittance_sha256 == data.sha256)
        )
    when = (
        f" on {earlier.at:%Y-%m-%d %H:%M} by {earlier.user_login} (batch {earlier.id})"
        if earlier
        else ""
    )
    message = (f"this file was already applied{when}; applying it again would record every "
               "payment twice")  # fmt: skip
    return RowError(FILE_ROW, "", data.name, message)


def _payers(
    session: Session, actor: Actor, data: RemittanceFile, number: str | None
) -> tuple[list[Account | None], list[dict[str, Any]], list[dict[str, str]]]:
    """Each payment's paying account; an 820 payer must resolve (or be named by `number`)."""
    named = _named_account(session, number)
    accounts: list[Account | None] = []
    described: list[dict[str, Any]] = []
    learned: list[dict[str, str]] = []
    unresolved: list[RowError] = []
    for payment in data.payments:
        party = payment.payer
        found = resolve_party(session, party) if party is not None else None
        if named is not None:
            if found is not None and found.id != named.id and party is not None:
                message = (f"the payer {party.describe()} is account {found.number}; "
                           f"--account {named.number} contradicts it")  # fmt: skip
                unresolved.append(
                    RowError(party.where, "N1", party.id or party.name or "", message)
                )
            elif party is not None:
                try:
                    pairs = learn_party(session, actor, named, party, data.kind)
                except InvalidInput as exc:  # an identifier of another account: refused, named
                    value = party.id or party.name or ""
                    unresolved.append(RowError(party.where, "N1", value, str(exc)))
                    pairs = []
                learned += [
                    {"account_number": named.number, "kind": k, "value": v} for k, v in pairs
                ]
            found = named
        elif found is None and data.kind == "820":
            unresolved.append(_unresolved_error(party, payment.bank_source))
        accounts.append(found)
        described.append({**(party.to_json() if party else {"role": None}),
                          "account_number": found.number if found else None})  # fmt: skip
    if unresolved:
        raise RemittanceRefused(unresolved, described)
    return accounts, described, learned


def _named_account(session: Session, number: str | None) -> Account | None:
    if number is None:
        return None
    account = session.scalar(select(Account).where(Account.number == number.strip()))
    if account is None:
        raise RemittanceRefused(
            [RowError(FILE_ROW, "--account", number, f"no account numbered {number!r}")]
        )
    return account


def _unresolved_error(party: Any, where: str) -> RowError:
    if party is None:
        message = ("the 820 names no payer (no N1*PR): name the paying account with "
                   "--account NUMBER; nothing was applied")  # fmt: skip
        return RowError(FILE_ROW, "N1", "", f"{where}: {message}")
    hint = f"arbench --as SUPERVISOR alias add ACCOUNT --kind {party.id_kind} --value {party.id}" if party.id else (
        f"arbench --as SUPERVISOR alias add ACCOUNT --kind name --value {party.name!r}")  # fmt: skip
    message = (f"payer not resolved: {party.describe()} matches no account number or alias; "
               f"name its account with --account NUMBER (its identifiers are then kept as "
               f"aliases) or add an alias ({hint}); nothing was applied")  # fmt: skip
    return RowError(party.where, "N1", party.id or party.name or "", message, unit="segment")


def _refused(data: RemittanceFile, errors: list[RowError], lenient: bool, dry_run: bool,
             payers: list[dict[str, Any]] | None = None) -> RemittanceSummary:  # fmt: skip
    return RemittanceSummary(
        data.name, data.kind, dry_run=dry_run, lenient=lenient, lines=data.line_count,
        bank_amount=data.bank_amount, payers=payers or [],
        warnings=[w.to_json() for w in data.warnings], errors=[e.to_json() for e in errors],
    )  # fmt: skip


def _summary(data: RemittanceFile, cash: CashApplication, lenient: bool, dry_run: bool,
             batch_id: int, settled: tuple[int, int, int], payers: list[dict[str, Any]],
             learned: list[dict[str, str]]) -> RemittanceSummary:  # fmt: skip
    recon, tally, counts = cash.recon, cash.tally, cash.items.counts
    accounts = [
        {"account_number": number, "account_name": recon.names.get(number, ""),
         "currency": recon.currency, **totals.to_json()}
        for number, totals in sorted(recon.accounts.items())
    ]  # fmt: skip
    sources = {p.bank_source for p in data.payments}
    values = {k: v for k, v in asdict(tally).items() if k != "touched_pros"}
    return RemittanceSummary(
        data.name, data.kind, dry_run=dry_run, lenient=lenient, lines=data.line_count,
        currency=recon.currency, bank_amount=recon.bank_amount,
        bank_source=sources.pop() if len(sources) == 1 else f"{len(sources)} payments",
        applied=recon.totals.applied, unapplied=recon.totals.unapplied,
        adjustments=recon.totals.adjustments, variance=recon.totals.variance,
        accounts=accounts, adjustment_items=counts.adjustment_items,
        issues_opened=counts.issues_opened, issues_updated=counts.issues_updated,
        pros_closed=settled[2], promises_kept=settled[0], promises_broken=settled[1],
        payers=payers, aliases_learned=learned, batch_id=None if dry_run else batch_id,
        warnings=[w.to_json() for w in data.warnings], **values,
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
            Payment.pro_id.in_(sorted(pro_ids)), Payment.kind == PaymentKind.PAYMENT.value
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


_KEEP_OPEN = ("short_pay", "unearned_discount", "duplicate_payment", "claim_deducted")


def _close_paid(session: Session, actor: Actor, pro_ids: set[int], on: date, source: str,
                keep: set[int]) -> int:  # fmt: skip
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
            if issue.id in keep:
                continue
            before = {"status": issue.status, "version": issue.version}
            issue.status, issue.resolved_on = IssueStatus.RESOLVED.value, on
            issue.resolution_code, issue.updated_at = "paid_in_full", now()
            session.flush()
            audit(session, actor, "issue.resolve", "issue", issue.id, before,
                  {"status": "resolved", "resolution_code": "paid_in_full", "version": issue.version})  # fmt: skip
            add_activity(session, actor, issue.account_id, ActivityKind.RESOLVE,
                         f"Closed: paid in full by remittance {source}", issue_id=issue.id)  # fmt: skip
    return closed


def describe_refusal(summary: RemittanceSummary) -> str:
    """One line for a refused remittance (the CLI's and the dialog's headline)."""
    first = summary.errors[0]["message"] if summary.errors else "refused"
    return f"{summary.file}: {first}"
