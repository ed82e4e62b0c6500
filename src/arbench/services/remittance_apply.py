"""Cash application, one remittance line at a time, inside the caller's transaction.

The rules (documented for collectors in docs/data-in-and-out.md):
- A line is matched to a pro by PRO number, else by invoice number (case-insensitive).
- The payment is recorded on the pro and lowers its open balance.
- Short pay: the payer says the invoice amount, or gives an adjustment reason, and paid less
  than it (net of any discount). The pro's open `short_pay` issue is updated, else its open
  `past_due` issue becomes a short pay, else a new one opens; the X12 426 reason code is
  kept and mapped to a root cause through `ROOT_CAUSES.x12_426`; `amount` is the short amount.
- Discount: earned when paid within DISCOUNT_DAYS of the invoice date (and credited as an
  adjustment); otherwise an `unearned_discount` issue for the discount amount.
- Overpayment (more than the open balance) and payment on a closed pro (duplicate payment):
  recorded, the pro shows a credit, and a `duplicate_payment` issue opens for the excess.
- No matching pro: the cash is recorded as unapplied on the account named by the line (or the
  payer of the 820) and an account-level `unapplied_cash` issue opens or grows; a deduction
  not tied to a pro opens or grows an `unidentified_deduction` issue. Cash from an unknown
  payer is recorded with no account and listed in the summary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from arbench.domain.catalogue import OPEN_STATUSES, ROOT_CAUSES, ActivityKind, IssueStatus, Level
from arbench.io.remittance import RemittanceLine
from arbench.services.base import Actor, add_activity, audit
from arbench.store.models import Account, Issue, Payment, Pro

DISCOUNT_DAYS = 10  # prompt-payment discount window from the invoice date
OPEN = [s.value for s in OPEN_STATUSES]
ZERO = Decimal(0)


def root_cause_for(reason_code: str | None) -> str | None:
    """The pro-level root cause whose X12 426 code is `reason_code`, if the catalogue has one."""
    if not reason_code:
        return None
    for cause in ROOT_CAUSES.values():
        if cause.level == Level.PRO and cause.x12_426 == reason_code:
            return cause.code
    return None


@dataclass
class Tally:
    payments_applied: int = 0
    amount_applied: Decimal = ZERO
    short_pays: int = 0
    short_paid_amount: Decimal = ZERO
    unearned_discounts: int = 0
    overpayments: int = 0
    duplicate_payments: int = 0
    unapplied: Decimal = ZERO
    unapplied_lines: int = 0
    deductions: Decimal = ZERO
    issues_opened: int = 0
    issues_updated: int = 0
    pros_closed: int = 0
    unidentified: list[dict[str, str]] = field(default_factory=list)
    touched_pros: set[int] = field(default_factory=set)


@dataclass
class CashApplication:
    """Applies lines of one remittance file; holds what the lines share."""

    session: Session
    actor: Actor
    batch_id: int
    on: date
    stamp: datetime
    source: str
    tally: Tally = field(default_factory=Tally)

    # ----- matching -----------------------------------------------------------------------
    def find_pro(self, reference: str) -> Pro | None:
        text = reference.strip()
        for column in (Pro.pro, Pro.invoice_number):
            for condition in (column == text, func.upper(column) == text.upper()):
                pro = self.session.scalars(select(Pro).where(condition).limit(1)).first()
                if pro is not None:
                    return pro
        return None

    def find_account(self, number: str | None) -> Account | None:
        if not number:
            return None
        return self.session.scalar(select(Account).where(Account.number == number.strip()))

    # ----- one line -----------------------------------------------------------------------
    def apply(self, line: RemittanceLine, payer_account: str | None, method: str | None) -> None:
        received = line.payment_date or self.on
        pro = self.find_pro(line.reference)
        if pro is None:
            self._unmatched(line, payer_account, received, method)
            return
        self._payment(pro.account_id, pro.id, "payment", line.paid, received, line, method)
        self.tally.touched_pros.add(pro.id)
        if pro.status == "closed" or pro.open_balance <= 0:
            self._duplicate(pro, line.paid, "paid a closed or fully paid bill")
            pro.open_balance -= line.paid
            return
        before = pro.open_balance
        discount = line.discount or ZERO
        earned = discount if discount > 0 and self._discount_earned(pro, received) else ZERO
        if earned:
            self._payment(pro.account_id, pro.id, "adjustment", earned, received, line, method)
        elif discount > 0:
            self._pro_issue(pro, "unearned_discount", discount, "24", line)
            self.tally.unearned_discounts += 1
        pro.open_balance = before - line.paid - earned
        self.tally.payments_applied += 1
        self.tally.amount_applied += line.paid
        self._short_or_over(pro, line, before, discount)
        add_activity(self.session, self.actor, pro.account_id, ActivityKind.PAYMENT,
                     f"Payment ${line.paid:,.2f} on PRO {pro.pro} from {self.source}; "
                     f"open ${pro.open_balance:,.2f}", issue_id=self._any_issue(pro))  # fmt: skip

    def _discount_earned(self, pro: Pro, received: date) -> bool:
        start = pro.invoice_date or received
        return received <= start + timedelta(days=DISCOUNT_DAYS)

    def _short_or_over(
        self, pro: Pro, line: RemittanceLine, before: Decimal, discount: Decimal
    ) -> None:
        reason = line.reason_code or next((a.reason_code for a in line.adjustments), None)
        expected = line.invoice_amount if line.invoice_amount is not None else before
        short = expected - line.paid - discount
        if short > 0 and (line.invoice_amount is not None or reason):
            self._short_pay(pro, short, reason, line)
        elif pro.open_balance < 0:
            self._duplicate(pro, -pro.open_balance, "paid more than the open balance")
            self.tally.overpayments += 1
            self.tally.duplicate_payments -= 1

    def _short_pay(
        self, pro: Pro, short: Decimal, reason: str | None, line: RemittanceLine
    ) -> None:
        self.tally.short_pays += 1
        self.tally.short_paid_amount += short
        issue = self._open_issue(pro, "short_pay") or self._open_issue(pro, "past_due")
        cause = root_cause_for(reason)
        if issue is None:
            self._pro_issue(pro, "short_pay", short, reason, line, cause)
            return
        before = {"type": issue.type, "amount": issue.amount, "reason_code": issue.reason_code,
                  "root_cause": issue.root_cause, "version": issue.version}  # fmt: skip
        issue.type, issue.amount, issue.reason_code = "short_pay", short, reason
        issue.root_cause = cause or issue.root_cause
        issue.updated_at = self.stamp
        self.session.flush()
        audit(self.session, self.actor, "issue.short_pay", "issue", issue.id, before,
              {"type": "short_pay", "amount": short, "reason_code": reason,
               "root_cause": issue.root_cause, "version": issue.version})  # fmt: skip
        self._note(issue, f"Short paid ${short:,.2f}" + (f" (reason {reason})" if reason else ""))
        self.tally.issues_updated += 1

    def _duplicate(self, pro: Pro, amount: Decimal, why: str) -> None:
        self.tally.duplicate_payments += 1
        self._pro_issue(pro, "duplicate_payment", amount, "86", None, "paid_twice", why)

    # ----- unmatched cash and deductions -------------------------------------------------
    def _unmatched(
        self, line: RemittanceLine, payer: str | None, received: date, method: str | None
    ) -> None:
        account = self.find_account(line.account_number) or self.find_account(payer)
        account_id = account.id if account else None
        if line.paid:
            self._payment(account_id, None, "unapplied", line.paid, received, line, method)
            self.tally.unapplied += line.paid
            self.tally.unapplied_lines += 1
        if account is None:
            self.tally.unidentified.append(
                {"reference": line.reference, "amount": str(line.paid), "row": str(line.source_row)}
            )
        elif line.paid:
            self.account_issue(account, "unapplied_cash", line.paid,
                               f"${line.paid:,.2f} received for {line.reference!r}, which matches no pro")  # fmt: skip
        for adjustment in line.adjustments:
            if adjustment.amount < 0:
                self.deduction(account, -adjustment.amount, adjustment.reason_code, line.reference)

    def deduction(
        self, account: Account | None, amount: Decimal, reason: str, reference: str
    ) -> None:
        self.tally.deductions += amount
        if account is None:
            self.tally.unidentified.append(
                {"reference": reference, "amount": str(-amount), "row": ""}
            )
            return
        self.account_issue(account, "unidentified_deduction", amount,
                           f"Deduction ${amount:,.2f} (reason {reason or 'none'}) {reference}".strip())  # fmt: skip

    def account_issue(self, account: Account, issue_type: str, amount: Decimal, text: str) -> None:
        issue = self.session.scalar(
            select(Issue).where(
                Issue.account_id == account.id,
                Issue.pro_id.is_(None),
                Issue.type == issue_type,
                Issue.status.in_(OPEN),
            )  # fmt: skip
        )
        if issue is None:
            issue = self._new_issue(account.id, None, account.collector_id, issue_type, amount)
            issue.level = Level.ACCOUNT.value
        else:
            before = {"amount": issue.amount, "version": issue.version}
            issue.amount = (issue.amount or ZERO) + amount
            issue.updated_at = self.stamp
            self.session.flush()
            audit(self.session, self.actor, "issue.amount", "issue", issue.id, before,
                  {"amount": issue.amount, "version": issue.version})  # fmt: skip
            self.tally.issues_updated += 1
        self._note(issue, text)

    # ----- writing -----------------------------------------------------------------------
    def _payment(self, account_id: int | None, pro_id: int | None, kind: str, amount: Decimal,
                 received: date, line: RemittanceLine, method: str | None) -> None:  # fmt: skip
        reason = line.reason_code or next((a.reason_code for a in line.adjustments), None)
        self.session.add(Payment(
            account_id=account_id, pro_id=pro_id, kind=kind, amount=amount, received_on=received,
            reference=(line.payer_reference or line.reference or "")[:64] or None,
            reason_code=(reason or None) and reason[:4], method=(method or None) and method[:8],
            batch_id=self.batch_id, created_at=self.stamp,
        ))  # fmt: skip

    def _open_issue(self, pro: Pro, issue_type: str) -> Issue | None:
        return self.session.scalar(
            select(Issue)
            .where(Issue.pro_id == pro.id, Issue.type == issue_type, Issue.status.in_(OPEN))
            .limit(1)  # fmt: skip
        )

    def _any_issue(self, pro: Pro) -> int | None:
        return self.session.scalar(
            select(Issue.id).where(Issue.pro_id == pro.id, Issue.status.in_(OPEN)).limit(1)
        )

    def _pro_issue(self, pro: Pro, issue_type: str, amount: Decimal, reason: str | None,
                   line: RemittanceLine | None, cause: str | None = None, why: str = "") -> None:  # fmt: skip
        existing = self._open_issue(pro, issue_type)
        if existing is not None:
            existing.amount = amount
            existing.updated_at = self.stamp
            self.tally.issues_updated += 1
            self._note(existing, f"{issue_type.replace('_', ' ')} ${amount:,.2f} {why}".strip())
            return
        owner = self.session.scalar(
            select(Account.collector_id).where(Account.id == pro.account_id)
        )
        issue = self._new_issue(pro.account_id, pro.id, owner, issue_type, amount)
        issue.reason_code, issue.root_cause = reason, cause
        self._note(issue, f"{issue_type.replace('_', ' ').capitalize()} ${amount:,.2f} on PRO "
                          f"{pro.pro} {why}".strip())  # fmt: skip

    def _new_issue(self, account_id: int, pro_id: int | None, owner: int | None,
                   issue_type: str, amount: Decimal) -> Issue:  # fmt: skip
        issue = Issue(
            level=Level.PRO.value if pro_id else Level.ACCOUNT.value, type=issue_type,
            status=IssueStatus.OPEN.value, account_id=account_id, pro_id=pro_id, owner_id=owner,
            amount=amount, opened_on=self.on, source="remittance", created_at=self.stamp,
            updated_at=self.stamp, reopen_count=0, recurrence=False, promoted=False,
        )  # fmt: skip
        self.session.add(issue)
        self.session.flush()
        audit(self.session, self.actor, "issue.open", "issue", issue.id, None,
              {"type": issue_type, "amount": amount, "source": self.source})  # fmt: skip
        self.tally.issues_opened += 1
        return issue

    def _note(self, issue: Issue, text: str) -> None:
        add_activity(self.session, self.actor, issue.account_id, ActivityKind.PAYMENT,
                     text, issue_id=issue.id, at=self.stamp)  # fmt: skip
