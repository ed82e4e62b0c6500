"""Which account each invoice of a 210 file bills: its bill-to resolved, its currency checked.

A 210 names who pays in N1*BT (bill-to), else N1*PR (payer). For each invoice:
- the party's id (N104) as an account number, or an alias (`aliases.resolve_party`); a party
  with only a name resolves through the name aliases;
- an id nothing resolves creates a new account with that number (as a register row would),
  in the 210's currency (C301, USD when the 210 has no C3);
- `account=` (`--account NUMBER`, or the account the user confirms in the import dialog) bills
  every invoice whose bill-to did not resolve to that account, and records the bill-to's
  identifiers as its aliases when the import is applied;
- an N1*BT with no id that no alias names is an error at its N1 segment; in lenient mode the
  invoice is billed to the N1*PR payer instead, with a warning;
- an invoice in a currency other than its account's is an error at its C3 segment.
Read only: the aliases to learn are kept in `InvoiceFile.learned` for the import to write.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from arbench.domain.terms import DEFAULT_CURRENCY
from arbench.io.errors import FILE_ROW, RowError
from arbench.services.intake.aliases import PartyRef, resolve_party
from arbench.services.intake.import_read import InvoiceFile
from arbench.store.db import Database
from arbench.store.models import Account

__all__ = ["resolve_bill_to"]


def resolve_bill_to(db: Database, data: InvoiceFile, account: str | None = None) -> None:
    """Set the account number of every row of a 210 file, or add the errors that stop it.

    Runs even when reading found errors, so that one rejection lists the bill-to problems too;
    a file with errors is then left with no rows.
    """
    if data.kind != "210":
        return
    with db.session() as session:
        named = None
        if account is not None:
            named = session.scalar(select(Account).where(Account.number == account.strip()))
        if account is not None and named is None:
            data.errors.append(
                RowError(FILE_ROW, "--account", account, f"no account numbered {account!r}")
            )
        else:
            _Resolver(session, data, named).run()
    data.errors.sort(key=lambda e: e.row)
    data.warnings.sort(key=lambda w: w.row)
    if data.errors:
        data.charges = {}
        data.columns = data.columns.without(set(range(len(data.columns))))


class _Resolver:
    def __init__(self, session: Session, data: InvoiceFile, named: Account | None) -> None:
        self.session, self.data, self.named = session, data, named
        self.currency_of: dict[str, str] = {}  # account number -> currency, as resolved
        self.learning: set[tuple[str, PartyRef]] = set()

    def run(self) -> None:
        values = self.data.columns.values
        for position, pro in enumerate(values["pro"]):
            row = self.data.columns.rows[position]
            number, currency = self.account_for(pro, row)
            if number is None:
                continue
            values["account_number"][position] = number
            self.check_currency(pro, number, currency)

    def account_for(self, pro: str, row: int) -> tuple[str | None, str | None]:
        """(account number, its currency when it exists) for one invoice, or (None, None)."""
        parties = self.data.parties.get(pro, [])
        bill_to = parties[0] if parties else None
        if bill_to is None:
            if self.named is not None:
                return self.named.number, self.named.currency
            message = "no bill-to (N1*BT) or payer (N1*PR): the account is unknown"
            self.error(row, "ST", pro, message)
            return None, None
        found = resolve_party(self.session, bill_to)
        if found is not None:
            return found.number, found.currency
        if self.named is not None:
            self.learn(bill_to)
            return self.named.number, self.named.currency
        if bill_to.id:
            return bill_to.id, None  # a new account, as a register row would create
        payer = parties[1] if len(parties) > 1 and parties[1].id else None
        hint = (f"name its account with --account NUMBER or add an alias (arbench --as SUPERVISOR "
                f"alias add ACCOUNT --kind name --value {bill_to.name!r})")  # fmt: skip
        message = f"{bill_to.describe()} has no id (N103/N104) and no alias names it: {hint}"
        if payer is None:
            self.error(bill_to.where, "N1", bill_to.name or "", message)
            return None, None
        accepted = f"billed to the payer {payer.describe()}"
        if not self.data.lenient:
            self.error(
                bill_to.where,
                "N1",
                bill_to.name or "",
                f"{message} (lenient mode accepts it: {accepted})",
            )
            return None, None
        self.data.warnings.append(
            RowError(
                bill_to.where, "N1", bill_to.name or "", f"{message}; {accepted}", unit="segment"
            )
        )
        via_payer = resolve_party(self.session, payer)
        return (via_payer.number, via_payer.currency) if via_payer else (payer.id, None)

    def learn(self, party: PartyRef) -> None:
        assert self.named is not None
        key = (self.named.number, party)
        if key not in self.learning:
            self.learning.add(key)
            self.data.learned.append(key)

    def check_currency(self, pro: str, number: str, existing: str | None) -> None:
        stated, segment = self.data.currencies.get(pro, (None, 0))
        if existing is None:  # a new account takes the 210's currency
            currency = stated or DEFAULT_CURRENCY
            first = self.currency_of.setdefault(number, currency)
            self.data.account_currencies[number] = first
            if first != currency:
                message = f"invoice {pro} is in {currency}; other invoices of new account {number} are in {first}"
                self.error(segment, "C3", currency, message)
            return
        if stated and stated != existing:
            message = (f"C301 currency {stated} differs from account {number}'s currency {existing}: "
                       f"invoice {pro} is refused (amounts are never converted)")  # fmt: skip
            self.error(segment, "C3", stated, message)

    def error(self, where: int, column: str, value: str, message: str) -> None:
        self.data.errors.append(RowError(where, column, value, message, unit="segment"))
