"""Import invoices: open-item registers (xlsx, xls, csv) and X12 210 files, all or nothing.

    summary = import_invoices(db, path, mapping_name="tms-export", dry_run=True)
    summary = import_invoices(db, path, overrides={"Cust No": "account_number"},
                              close_missing=True, progress=report, cancelled=flag.is_set)

Every row is validated before anything is written; any error rejects the whole file and the
summary lists them ({row, column, value, message}). A dry run returns the same counts (new,
changed, closed, absent from the register, items opened, resolved and reopened, money
movements) as the real run, without writing: both are counted from one plan. Applying writes
everything in one transaction: a cancel between chunks, or any failure, rolls it all back.

The summary also says what the file held that was not imported (`unused_columns`: every
column nothing was read from, ignored ones included), amounts rounded to cents
(`rounded_amounts`), guesses dropped because their values did not fit (`rejected_guesses`) and
account numbers that differ only by leading zeros (`leading_zero_duplicates`; with
`merge_leading_zeros` they are imported as one account).

Re-importing a file changes nothing: only differences are written, and when there are none no
batch, audit event or timeline entry is added either. Each applied import stores one
`import_batches` row with the file's sha256 and its summary, and one audit event
(`import.invoices`, entity `import_batch`); per-entity audit events are written only where they
are cheap and matter: each account created and each issue resolved. Pros created or updated
are listed by count in the batch event, not one event each (a nightly register of 100,000 rows
would otherwise bury the audit trail).

The acting user is always named (a nightly import runs as the service user a supervisor chose,
with the role the supervisor gave it). Trainees cannot import; `close_missing` (closing others'
items) needs a supervisor.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from arbench.domain.catalogue import Role
from arbench.io.registers import CANONICAL_FIELDS, IGNORE
from arbench.services.base import (
    Actor,
    InvalidInput,
    NotFound,
    PermissionDenied,
    audit,
    now,
    require_supervisor,
)
from arbench.services.intake.aliases import learn_party
from arbench.services.intake.import_apply import ImportCancelled, Progress, apply_plan
from arbench.services.intake.import_plan import ImportPlan, plan_import
from arbench.services.intake.import_read import InvoiceFile, collector_paused, read_invoice_file
from arbench.services.permissions import STAFF, SUPERVISORS, service
from arbench.services.work.bill_to import resolve_bill_to
from arbench.store.db import Database
from arbench.store.models import Account, ImportBatch, MappingProfile

__all__ = [
    "ImportCancelled",
    "ImportSummary",
    "MappingProfileInfo",
    "delete_mapping",
    "get_mapping",
    "import_invoices",
    "list_mappings",
    "preview_invoices",
    "save_mapping",
]


@dataclass(frozen=True)
class ImportSummary:
    """What an import did (or, for a dry run, would do)."""

    file: str
    kind: str  # invoices | 210
    sha256: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0  # zero balance in the file, plus absent ones with close-missing
    absent: int = 0  # open pros the register does not list (closed only with close-missing)
    credits: int = 0
    accounts_created: int = 0
    accounts_updated: int = 0  # existing accounts whose payment terms the file changed
    issues_opened: int = 0
    issues_resolved: int = 0
    issues_reopened: int = 0  # items of pros that came back on the register
    disputes_opened: int = 0  # dispute items opened, reopened or turned from past due
    movements: int = 0  # dated payments and register adjustments written
    rounded_amounts: int = 0  # rows whose amounts had more than two decimals
    leading_zeros_merged: bool = False
    batch_id: int | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    mapping: dict[str, str] = field(default_factory=dict)
    date_formats: dict[str, str] = field(default_factory=dict)
    unused_columns: list[str] = field(default_factory=list)
    rejected_guesses: list[dict[str, Any]] = field(default_factory=list)
    leading_zero_duplicates: list[list[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    lenient: bool = False
    warnings: list[dict[str, Any]] = field(default_factory=list)  # deviations read (210)
    amounts_by_currency: dict[str, str] = field(default_factory=dict)  # 210: billed per currency
    aliases_learned: list[dict[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def remarks(self) -> list[str]:
        """What the user should know about the file beyond the counts, one line each."""
        lines = list(self.notes)
        if self.unused_columns:
            lines.append(f"columns not imported: {', '.join(self.unused_columns)}")
        if self.rounded_amounts:
            lines.append(f"{self.rounded_amounts:,} rows had amounts with more than two "
                         "decimals, rounded half-even to cents")  # fmt: skip
        if self.accounts_updated:
            lines.append(f"payment terms changed on {self.accounts_updated:,} accounts")
        groups = self.leading_zero_duplicates
        if groups:
            what = ("imported as one account each" if self.leading_zeros_merged
                    else "probable duplicates; merge them to import each as one account "
                    "(--merge-leading-zeros)")  # fmt: skip
            lines.append(f"{len(groups):,} account numbers differ only by leading zeros "
                         f"(e.g. {' / '.join(groups[0])}): {what}")  # fmt: skip
        return lines


def _check_actor(actor: Actor, close_missing: bool) -> None:
    if actor.role == Role.TRAINEE:
        raise PermissionDenied(f"a trainee cannot import files; {actor.login} is a trainee")
    if close_missing:
        require_supervisor(actor, "close pros absent from a register")


def _rejected(data: InvoiceFile, dry_run: bool, errors: list[Any] | None = None) -> ImportSummary:
    found = [e.to_json() for e in sorted(data.errors if errors is None else errors,
                                         key=lambda e: e.row)]  # fmt: skip
    return ImportSummary(
        data.name, data.kind, data.sha256, dry_run, errors=found, mapping=data.mapping,
        date_formats=data.date_formats, unused_columns=data.unused_columns,
        rejected_guesses=data.rejected_guesses, notes=data.notes, lenient=data.lenient,
        warnings=[w.to_json() for w in data.warnings],
    )  # fmt: skip


def read_for_import(
    db: Database,
    path: Path,
    mapping_name: str | None = None,
    overrides: dict[str, str] | None = None,
    *,
    lenient: bool = False,
    account: str | None = None,
) -> InvoiceFile:
    """Read and validate the file with the chosen mapping (a saved profile, else the guess).

    A 210's bill-tos are resolved to accounts here (`bill_to.resolve_bill_to`); `account`
    names the account for those that do not resolve, `lenient` accepts senders' deviations.
    """
    mapping = get_mapping(db, mapping_name) if mapping_name else None
    for source, target in (overrides or {}).items():
        if target not in CANONICAL_FIELDS and target != IGNORE:
            known = ", ".join((*CANONICAL_FIELDS, IGNORE))
            raise InvalidInput(f"--map {source}={target}: unknown field '{target}' ({known})")
    data = read_invoice_file(Path(path), mapping, overrides, lenient=lenient)
    if account is not None and data.kind != "210" and not data.errors:
        raise InvalidInput(
            "--account names the account of a 210's unknown bill-tos; a register names its "
            "accounts in a column"
        )
    resolve_bill_to(db, data, account)
    return data


def preview_invoices(
    db: Database, data: InvoiceFile, *, close_missing: bool = False,
    merge_leading_zeros: bool = False,
) -> ImportSummary:  # fmt: skip
    """The counts an import of already-read `data` would produce, without writing."""
    if data.errors:
        return _rejected(data, True)
    with collector_paused(), db.session() as session:
        plan = plan_import(session, data, merge_leading_zeros)
    if plan.errors:
        return _rejected(data, True, plan.errors)
    return _summary(data, plan, True, close_missing, merged=merge_leading_zeros)


@service(STAFF, "import files", note="--close-missing needs a supervisor")
def import_invoices(
    db: Database,
    path: str | Path,
    *,
    actor: Actor,
    mapping_name: str | None = None,
    overrides: dict[str, str] | None = None,
    data: InvoiceFile | None = None,
    dry_run: bool = False,
    close_missing: bool = False,
    merge_leading_zeros: bool = False,
    on: date | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    lenient: bool = False,
    account: str | None = None,
) -> ImportSummary:
    """Validate, preview or apply an invoice file; see the module docstring for the rules.

    A rejected file returns a summary whose `errors` are set (nothing written); a cancel raises
    `ImportCancelled` after rolling back. `data` reuses a file already read (the GUI's preview);
    otherwise `lenient` and `account` are passed to `read_for_import`.
    """
    _check_actor(actor, close_missing and not dry_run)
    options = _Options(dry_run, close_missing, merge_leading_zeros, on or date.today())
    with collector_paused():
        if data is None:
            data = read_for_import(db, Path(path), mapping_name, overrides, lenient=lenient,
                                   account=account)  # fmt: skip
        return _import(db, Path(path), actor, mapping_name, overrides, data, options,
                       progress, cancelled)  # fmt: skip


@dataclass(frozen=True)
class _Options:
    dry_run: bool
    close_missing: bool
    merge_leading_zeros: bool
    on: date


def _import(
    db: Database, path: Path, actor: Actor, mapping_name: str | None,
    overrides: dict[str, str] | None, data: InvoiceFile | None, options: _Options,
    progress: Callable[[int, int], None] | None, cancelled: Callable[[], bool] | None,
) -> ImportSummary:  # fmt: skip
    if data is None:
        data = read_for_import(db, Path(path), mapping_name, overrides)
    if data.errors:
        return _rejected(data, options.dry_run)
    dry_run, close_missing, on = options.dry_run, options.close_missing, options.on
    merged = options.merge_leading_zeros
    with db.session() as session:
        plan = plan_import(session, data, merged)
        if plan.errors:
            return _rejected(data, dry_run, plan.errors)
        learned = [] if dry_run else _learn(session, actor, data)
        if dry_run or not (
            plan.has_changes or plan.close_ids or (close_missing and plan.missing_ids)
        ):
            summary = _summary(data, plan, dry_run, close_missing, merged=merged)
            return replace(summary, aliases_learned=learned)
        stamp = now()
        batch = ImportBatch(kind=data.kind, file_name=data.name[:260], sha256=data.sha256,
                            at=stamp, user_login=actor.login)  # fmt: skip
        session.add(batch)
        session.flush()
        steps = len(plan.new_positions) + len(plan.changed) + 1
        applied = apply_plan(
            session, actor, plan, close_missing=close_missing, on=on, stamp=stamp,
            file_name=data.name, batch_id=batch.id, progress=Progress(steps, progress, cancelled),
        )  # fmt: skip
        summary = _summary(data, plan, False, close_missing, batch.id, applied, merged)
        summary = replace(summary, aliases_learned=learned)
        counts = {k: v for k, v in summary.to_json().items()
                  if isinstance(v, int) and not isinstance(v, bool)}  # fmt: skip
        batch.summary = counts | {"file": data.name, "kind": data.kind}
        audit(session, actor, f"import.{data.kind}", "import_batch", batch.id, None, batch.summary)
        return summary


def _summary(
    data: InvoiceFile,
    plan: ImportPlan,
    dry_run: bool,
    close_missing: bool,
    batch_id: int | None = None,
    applied: Any = None,
    merged: bool = False,
) -> ImportSummary:
    """The summary of a plan; the applied counts, when given, are those written (equal)."""
    closed = len(plan.close_ids) + (len(plan.missing_ids) if close_missing else 0)
    counts = plan.issues.counts(plan.columns.values["disputed"], close_missing)
    movements = len(plan.movements) + (
        sum(1 for *_, c in plan.missing if c) if close_missing else 0
    )
    if applied is not None:
        counts = {k: getattr(applied, k) for k in counts}
        movements = applied.movements
    return ImportSummary(
        file=data.name, kind=data.kind, sha256=data.sha256, dry_run=dry_run,
        rows=data.row_count, created=len(plan.new_positions), updated=len(plan.changed),
        unchanged=plan.unchanged, closed=closed, absent=len(plan.missing_ids),
        credits=plan.credits,
        accounts_created=applied.accounts_created if applied else len(plan.new_accounts),
        accounts_updated=len(plan.accounts.changes), movements=movements,
        rounded_amounts=data.rounded_amounts, leading_zeros_merged=merged,
        batch_id=batch_id, mapping=data.mapping, date_formats=data.date_formats,
        unused_columns=data.unused_columns, rejected_guesses=data.rejected_guesses,
        leading_zero_duplicates=plan.accounts.duplicates, notes=data.notes, **counts,
        lenient=data.lenient, warnings=[w.to_json() for w in data.warnings],
        amounts_by_currency=_by_currency(data, plan),
    )  # fmt: skip


def _by_currency(data: InvoiceFile, plan: ImportPlan) -> dict[str, str]:
    """A 210's billed amounts per currency (the invoice's C3, else its account's)."""
    if data.kind != "210":
        return {}
    totals: dict[str, int] = {}
    cols = data.columns.values
    for pro, number, cents in zip(cols["pro"], cols["account_number"], cols["amount"], strict=True):
        stated = data.currencies.get(pro, (None, 0))[0]
        currency = (
            stated or data.account_currencies.get(number) or plan.currency_of.get(number, "USD")
        )
        totals[currency] = totals.get(currency, 0) + cents
    return {c: str(Decimal(cents).scaleb(-2)) for c, cents in sorted(totals.items())}


def _learn(session: Session, actor: Actor, data: InvoiceFile) -> list[dict[str, str]]:
    """Record the aliases the user confirmed for unresolved bill-tos (audited)."""
    learned: list[dict[str, str]] = []
    for number, party in data.learned:
        account = session.scalar(select(Account).where(Account.number == number))
        if account is None:
            continue
        pairs = learn_party(session, actor, account, party, "210")
        learned += [{"account_number": number, "kind": k, "value": v} for k, v in pairs]
    return learned


# ----- mapping profiles ----------------------------------------------------------------------


@dataclass(frozen=True)
class MappingProfileInfo:
    name: str
    kind: str
    mapping: dict[str, str]


@service(STAFF, "save mapping profiles")
def save_mapping(
    db: Database, actor: Actor, name: str, mapping: dict[str, str], kind: str = "invoices"
) -> MappingProfileInfo:
    """Save (or replace) a named column mapping {source header: field}; audited."""
    name = name.strip()
    if not name:
        raise InvalidInput("a mapping profile needs a name")
    if actor.role == Role.TRAINEE:
        raise PermissionDenied("a trainee cannot save mapping profiles")
    with db.session() as session:
        profile = session.scalar(select(MappingProfile).where(MappingProfile.name == name))
        before = dict(profile.mapping) if profile else None
        if profile is None:
            profile = MappingProfile(name=name, kind=kind, mapping={}, created_at=now())
            session.add(profile)
        profile.kind, profile.mapping = kind, dict(mapping)
        session.flush()
        audit(session, actor, "mapping.save", "mapping_profile", profile.id,
              {"mapping": before} if before is not None else None,
              {"name": name, "kind": kind, "mapping": dict(mapping)})  # fmt: skip
        return MappingProfileInfo(name, kind, dict(mapping))


def get_mapping(db: Database, name: str) -> dict[str, str]:
    """A saved mapping by name; an unknown name is a clear error."""
    with db.session() as session:
        profile = session.scalar(select(MappingProfile).where(MappingProfile.name == name))
        if profile is None:
            known = ", ".join(session.scalars(select(MappingProfile.name))) or "none saved yet"
            raise NotFound(f"no mapping profile named '{name}' (profiles: {known})")
        return {str(k): str(v) for k, v in profile.mapping.items()}


def list_mappings(db: Database, kind: str | None = None) -> list[MappingProfileInfo]:
    with db.session() as session:
        query = select(MappingProfile).order_by(MappingProfile.name)
        if kind:
            query = query.where(MappingProfile.kind == kind)
        return [MappingProfileInfo(p.name, p.kind, dict(p.mapping)) for p in session.scalars(query)]


@service(SUPERVISORS, "delete mapping profiles")
def delete_mapping(db: Database, actor: Actor, name: str) -> None:
    """Delete a saved mapping profile (supervisors only); audited."""
    with db.session() as session:
        profile = session.scalar(select(MappingProfile).where(MappingProfile.name == name))
        if profile is None:
            raise NotFound(f"no mapping profile named '{name}'")
        audit(session, actor, "mapping.delete", "mapping_profile", profile.id,
              {"name": name, "mapping": dict(profile.mapping)}, None)  # fmt: skip
        session.delete(profile)
