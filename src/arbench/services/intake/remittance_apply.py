"""Cash application, one payment of a remittance file at a time, inside the caller's transaction.

The rules (documented for collectors in docs/data-in-and-out.md):
- Every cent of the bank amount becomes a dated row of the payments table, of a cash kind
  (`PaymentKind`): a line that matches a pro (by PRO number, else invoice number) is a
  `payment` on that pro; a line that matches none is `unapplied` on its account (the row's
  account, else the payer's); a group-level adjustment (ENT-level ADX) is a `deduction` or an
  `addition`, on the pro its references name, else on the payer's account; what is left is the
  `variance`, on the payer's account. Their sum is the bank amount, to the cent, and
  `domain.reconciliation` keeps the four totals, per account.
- Line-level adjustments (an ADX inside an RMR, RMR07/RMR08) explain a line's amount paid: each
  becomes an item carrying its amount, reason and references, but no second amount of cash.
- Short pay without adjustments: the payer states the invoice amount, or a reason, and paid
  less; the pro's short pay item is updated, else its past-due item becomes one, else one opens.
- Discount: judged against the account's terms (`domain.discounts`): the earned part is a
  `discount` row credited to the pro; the rest opens an `unearned_discount` item.
- Overpayment (more than the open balance) and payment on a closed pro (duplicate payment):
  recorded, the pro shows a credit, and a `duplicate_payment` item opens for the excess.
- Unmatched cash grows the account's `unapplied_cash` item; a negative unmatched line (a credit
  memo or deduction not on file) opens an `unidentified_deduction` item; a variance opens a
  `remittance_mismatch` item that says why.
- One currency per file: the 820's CUR02 (or, without one, the first account's currency) must
  be the currency of every account the money lands on; otherwise the file is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from arbench.domain.catalogue import CASH_KINDS, ActivityKind, PaymentKind
from arbench.domain.discounts import account_terms, judge_discount
from arbench.domain.reconciliation import Reconciliation, variance_reason
from arbench.domain.terms import DEFAULT_CURRENCY
from arbench.io.errors import FILE_ROW, RowError
from arbench.io.remittance import Adjustment, RemittanceLine
from arbench.services.base import Actor, ServiceError, add_activity
from arbench.services.intake.aliases import PartyRef, resolve_party
from arbench.services.intake.remittance_items import ItemWriter, root_cause_for
from arbench.services.intake.remittance_read import IncomingPayment
from arbench.store.models import Account, Payment, Pro

ZERO = Decimal(0)
CENT = Decimal("0.01")

__all__ = ["CashApplication", "RemittanceRefused", "Tally", "root_cause_for"]


class RemittanceRefused(ServiceError):
    """The file cannot be applied as it stands (unresolved payer, another currency ...)."""

    def __init__(self, errors: list[RowError], payers: list[dict[str, object]] | None = None):
        super().__init__(str(errors[0].message))
        self.errors = errors
        self.payers = payers or []


@dataclass
class Tally:
    payments_applied: int = 0
    short_pays: int = 0
    short_paid_amount: Decimal = ZERO
    discounts_earned: Decimal = ZERO
    unearned_discounts: int = 0
    overpayments: int = 0
    duplicate_payments: int = 0
    unapplied_lines: int = 0
    touched_pros: set[int] = field(default_factory=set)


@dataclass
class CashApplication:
    """Applies the payments of one remittance file; holds what they share."""

    session: Session
    actor: Actor
    batch_id: int
    on: date
    stamp: datetime
    source: str
    items: ItemWriter
    recon: Reconciliation = field(default_factory=Reconciliation)
    tally: Tally = field(default_factory=Tally)
    unresolved: list[RowError] = field(default_factory=list)
    payment: IncomingPayment | None = None
    payer: Account | None = None

    # ----- matching -----------------------------------------------------------------------
    def find_pro(self, reference: str) -> Pro | None:
        text = reference.strip()
        if not text:
            return None
        for column in (Pro.pro, Pro.invoice_number):
            for condition in (column == text, func.upper(column) == text.upper()):
                pro = self.session.scalars(select(Pro).where(condition).limit(1)).first()
                if pro is not None:
                    return pro
        return None

    def account_of(self, pro: Pro) -> Account:
        account = self.session.get(Account, pro.account_id)
        assert account is not None
        return account

    def line_account(self, line: RemittanceLine) -> Account | None:
        """The account a line names (by number or alias), else the payer's."""
        if line.account_number:
            party = PartyRef(
                "account column", None, "", line.account_number, line.source_row, "row"
            )
            found = resolve_party(self.session, party)
            if found is not None:
                return found
            if self.payer is None:
                message = (
                    f"account {line.account_number!r} is not in the book and no alias names it"
                )
                self.unresolved.append(
                    RowError(line.source_row, "account", line.account_number, message)
                )
                return None
        if self.payer is None:
            message = (f"{line.reference!r} matches no pro and the row names no account: name the "
                       "paying account (--account NUMBER, or in the import dialog)")  # fmt: skip
            self.unresolved.append(RowError(line.source_row, "account", line.reference, message))
        return self.payer

    # ----- one payment ----------------------------------------------------------------------
    def apply(self, payment: IncomingPayment, payer: Account | None) -> None:
        """Apply every line and adjustment of `payment`, then book what they do not explain."""
        self.payment, self.payer = payment, payer
        self.recon.bank_amount += payment.bank_amount
        if payment.currency and self.recon.currency is None:
            self.recon.currency = payment.currency
        for line in payment.lines:
            self.apply_line(line)
        for adjustment in payment.adjustments:
            self.group_adjustment(adjustment)
        self.book_variance(payment)

    def apply_line(self, line: RemittanceLine) -> None:
        pro = self.find_pro(line.reference)
        if pro is None:
            self._unmatched(line)
            return
        account = self.account_of(pro)
        received = self.received(line)
        self.row(account, pro, PaymentKind.PAYMENT, line.paid, received, line.payer_reference
                 or line.reference, line.reason_code)  # fmt: skip
        self.tally.touched_pros.add(pro.id)
        if line.paid > 0 and (pro.status == "closed" or pro.open_balance <= 0):
            self.tally.duplicate_payments += 1
            self.items.pro_issue(pro, "duplicate_payment", line.paid, "86", "paid_twice",
                                 "paid a closed or fully paid bill", new=True)  # fmt: skip
            pro.open_balance -= line.paid
            self._line_adjustments(line, account, pro)
            return
        before = pro.open_balance
        earned = self._discount(line, pro, account, received)
        pro.open_balance = before - line.paid - earned
        if pro.status == "closed" and pro.open_balance > 0:  # the payer took money back
            pro.status, pro.closed_on = "open", None
        self.tally.payments_applied += 1
        self._short_or_over(pro, line, account, before)
        add_activity(self.session, self.actor, pro.account_id, ActivityKind.PAYMENT,
                     f"Payment ${line.paid:,.2f} on PRO {pro.pro} from {self.source}; "
                     f"open ${pro.open_balance:,.2f}", issue_id=self.items.any_issue(pro))  # fmt: skip

    def received(self, line: RemittanceLine) -> date:
        assert self.payment is not None
        return line.payment_date or self.payment.payment_date or self.on

    def _discount(
        self, line: RemittanceLine, pro: Pro, account: Account, received: date
    ) -> Decimal:
        """Credit the earned part of the discount taken; open an item for the unearned part."""
        taken = line.discount or ZERO
        if taken <= 0:
            return ZERO
        terms = account_terms(account.payment_terms, account.discount_percent,
                              account.discount_days, account.payment_terms_days)  # fmt: skip
        base = line.invoice_amount if line.invoice_amount is not None else pro.amount
        verdict = judge_discount(taken, base, pro.invoice_date, received, terms)
        if verdict.earned:
            self.row(
                account, pro, PaymentKind.DISCOUNT, verdict.earned, received, line.reference, None
            )
            self.tally.discounts_earned += verdict.earned
        if verdict.unearned:
            self.items.pro_issue(pro, "unearned_discount", verdict.unearned, "24",
                                 "discount_outside_terms", verdict.reason)  # fmt: skip
            self.tally.unearned_discounts += 1
        return verdict.earned

    def _short_or_over(
        self, pro: Pro, line: RemittanceLine, account: Account, before: Decimal
    ) -> None:
        discount = line.discount or ZERO
        expected = line.invoice_amount if line.invoice_amount is not None else before
        short = expected - line.paid - discount
        if line.adjustments:
            explained = -sum((a.amount for a in line.adjustments), ZERO)
            self._line_adjustments(line, account, pro)
            if short > 0 and line.invoice_amount is not None:
                self._count_short(short)
                if short - explained >= CENT:
                    self.items.pro_issue(pro, "short_pay", short - explained, None, None,
                                         "not explained by the adjustments", new=True)  # fmt: skip
        elif short > 0 and (line.invoice_amount is not None or line.reason_code):
            self._count_short(short)
            self.items.short_pay(pro, short, line.reason_code)
        if pro.open_balance < 0:
            self.tally.overpayments += 1
            self.items.pro_issue(pro, "duplicate_payment", -pro.open_balance, "86", "paid_twice",
                                 "paid more than the open balance")  # fmt: skip

    def _count_short(self, short: Decimal) -> None:
        self.tally.short_pays += 1
        self.tally.short_paid_amount += short

    def _line_adjustments(self, line: RemittanceLine, account: Account, pro: Pro | None) -> None:
        for adjustment in line.adjustments:
            references = list(adjustment.references)
            if pro is None:
                references = [f"{line.reference_qualifier} {line.reference}".strip(), *references]
            self.items.adjustment_item(adjustment, account, pro, references)

    # ----- unmatched cash, group adjustments, variance -------------------------------------
    def _unmatched(self, line: RemittanceLine) -> None:
        account = self.line_account(line)
        if account is None:
            return
        if line.paid:
            self.row(account, None, PaymentKind.UNAPPLIED, line.paid, self.received(line),
                     line.payer_reference or line.reference, line.reason_code)  # fmt: skip
            self.tally.unapplied_lines += 1
        if line.paid > 0:
            self.items.account_issue(account, "unapplied_cash", line.paid,
                                     f"${line.paid:,.2f} received for {line.reference!r}, which matches no pro")  # fmt: skip
        elif line.paid < 0:
            reference = f"{line.reference_qualifier} {line.reference}".strip()
            issue = self.items.new_issue(account, None, "unidentified_deduction", -line.paid,
                                         line.reason_code, None, reference)  # fmt: skip
            self.items.note(issue, f"{reference} took ${-line.paid:,.2f} off the payment from "
                                   f"{self.source} and matches no pro (row/segment {line.source_row})")  # fmt: skip
        self._line_adjustments(line, account, None)

    def group_adjustment(self, adjustment: Adjustment) -> None:
        """An ENT-level ADX: a dated row of the payment's cash, and an item."""
        pro = next(filter(None, map(self.find_pro, adjustment.reference_values)), None)
        account = self.account_of(pro) if pro is not None else self.payer
        if account is None:
            message = "a group adjustment names no pro and the payer is not resolved"
            self.unresolved.append(
                RowError(adjustment.segment_number, "ADX", adjustment.reference, message)
            )
            return
        kind = PaymentKind.DEDUCTION if adjustment.amount < 0 else PaymentKind.ADDITION
        assert self.payment is not None
        self.row(account, pro, kind, adjustment.amount, self.payment.payment_date or self.on,
                 adjustment.reference or None, adjustment.reason_code)  # fmt: skip
        if pro is not None:
            pro.open_balance -= adjustment.amount
            self.tally.touched_pros.add(pro.id)
            if pro.status == "closed" and pro.open_balance > 0:
                pro.status, pro.closed_on = "open", None
        self.items.adjustment_item(adjustment, account, pro, list(adjustment.references))

    def book_variance(self, payment: IncomingPayment) -> None:
        lines, adjustments = payment.lines_total, payment.adjustments_total
        gap = payment.bank_amount - lines - adjustments
        if not gap:
            return
        why = variance_reason(payment.bank_amount, lines, adjustments, payment.bank_source)
        if self.payer is None:
            message = f"{why}; the difference needs the paying account (--account NUMBER)"
            self.unresolved.append(
                RowError(FILE_ROW, "bank amount", str(payment.bank_amount), message)
            )
            return
        self.row(self.payer, None, PaymentKind.VARIANCE, gap, payment.payment_date or self.on,
                 payment.trace, None)  # fmt: skip
        reference = "; ".join(
            filter(None, [payment.bank_source, payment.trace and f"trace {payment.trace}"])
        )
        issue = self.items.new_issue(self.payer, None, "remittance_mismatch", abs(gap), None,
                                     "remittance_format", reference[:200])  # fmt: skip
        self.items.note(issue, f"{why} ({self.source})")

    # ----- writing ----------------------------------------------------------------------------
    def row(self, account: Account, pro: Pro | None, kind: PaymentKind, amount: Decimal,
            received: date, reference: str | None, reason: str | None) -> None:  # fmt: skip
        """One dated row of the payments table; cash kinds count in the reconciliation."""
        self._check_currency(account)
        assert self.payment is not None
        self.session.add(Payment(
            account_id=account.id, pro_id=pro.id if pro is not None else None, kind=kind.value,
            amount=amount, received_on=received, reference=(reference or "")[:64] or None,
            reason_code=(reason or None) and reason[:4],
            method=(self.payment.method or None) and self.payment.method[:8],
            batch_id=self.batch_id, created_at=self.stamp,
        ))  # fmt: skip
        if kind in CASH_KINDS:
            self.recon.record(account.number, kind, amount)
            self.recon.names[account.number] = account.name

    def _check_currency(self, account: Account) -> None:
        """Every account the money lands on is in the file's one currency."""
        own = account.currency or DEFAULT_CURRENCY
        if self.recon.currency is None:
            self.recon.currency = own
        if own == self.recon.currency:
            return
        if self.payment is not None and self.payment.currency:
            message = (f"the file is in {self.recon.currency} ({self.payment.currency_where}); "
                       f"account {account.number} ({account.name}) is in {own}")  # fmt: skip
        else:
            message = (f"the file pays accounts in {self.recon.currency} and in {own} (account "
                       f"{account.number}); one remittance file is one currency")  # fmt: skip
        raise RemittanceRefused([RowError(FILE_ROW, "currency", own, message)])
