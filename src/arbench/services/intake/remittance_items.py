"""The items (issues) a remittance opens or changes, inside the caller's transaction.

Used by `remittance_apply.CashApplication`. Every issue opened or changed gets an audit event
and a timeline entry. Each adjustment of an 820 (an ADX, or RMR07/RMR08) becomes its own item
carrying its amount, X12 426 reason code and references (`adjustment_item`): on the pro it is
about when one matches, else at account level on the account that received the money.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from arbench.domain.catalogue import OPEN_STATUSES, ROOT_CAUSES, ActivityKind, IssueStatus, Level
from arbench.io.remittance import Adjustment
from arbench.services.base import Actor, add_activity, audit
from arbench.store.models import Account, Issue, Pro

OPEN = [s.value for s in OPEN_STATUSES]
ZERO = Decimal(0)
CLAIM_CODES = frozenset({"54"})  # freight deducted: a claim, not a pricing short pay


def root_cause_for(reason_code: str | None) -> str | None:
    """The pro-level root cause whose X12 426 code is `reason_code`, if the catalogue has one."""
    if not reason_code:
        return None
    for cause in ROOT_CAUSES.values():
        if cause.level == Level.PRO and cause.x12_426 == reason_code:
            return cause.code
    return None


def adjustment_type(amount: Decimal, reason_code: str, on_pro: bool) -> str:
    """The issue type an adjustment becomes: a deduction is a short pay (or a claim) on its
    pro, an unidentified deduction on an account; an addition is an overpayment on its pro,
    unapplied cash on an account."""
    if on_pro:
        if amount > 0:
            return "duplicate_payment"
        return "claim_deducted" if reason_code in CLAIM_CODES else "short_pay"
    return "unapplied_cash" if amount > 0 else "unidentified_deduction"


@dataclass
class Counts:
    issues_opened: int = 0
    issues_updated: int = 0
    opened_ids: set[int] = field(default_factory=set)
    adjustment_items: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ItemWriter:
    """Opens, converts and grows the issues of one remittance file."""

    session: Session
    actor: Actor
    on: date
    stamp: datetime
    source: str
    counts: Counts = field(default_factory=Counts)

    # ----- adjustments ----------------------------------------------------------------------
    def adjustment_item(
        self, adjustment: Adjustment, account: Account, pro: Pro | None, references: list[str]
    ) -> Issue:
        """The item one adjustment becomes (a past-due item of its pro is converted)."""
        amount, code = adjustment.amount, adjustment.reason_code[:4]
        references = list(dict.fromkeys(r for r in references if r))
        kind = adjustment_type(amount, code, pro is not None)
        reference = "; ".join(references)[:200] or None
        cause = root_cause_for(code) if pro is not None else None
        issue = self.open_issue(pro, "past_due") if pro is not None and amount < 0 else None
        if issue is not None and issue.id not in self.counts.opened_ids:
            self._convert(issue, kind, abs(amount), code, cause, reference)
        else:
            issue = self.new_issue(account, pro, kind, abs(amount), code, cause, reference)
        word = "Deduction" if amount < 0 else "Addition"
        where = f" on PRO {pro.pro}" if pro is not None else ""
        self.note(issue, f"{word} ${abs(amount):,.2f}{where} (reason {code} {adjustment.reason}) "
                         f"from {self.source}, segment {adjustment.segment_number}"
                         + (f"; references {reference}" if reference else ""))  # fmt: skip
        self.counts.adjustment_items.append({
            "amount": str(amount), "reason_code": code, "reason": adjustment.reason,
            "references": references, "level": adjustment.level,
            "segment": adjustment.segment_number, "pro": pro.pro if pro is not None else None,
            "account_number": account.number, "issue_id": issue.id, "issue_type": kind,
        })  # fmt: skip
        return issue

    def _convert(self, issue: Issue, kind: str, amount: Decimal, code: str, cause: str | None,
                 reference: str | None) -> None:  # fmt: skip
        before = {"type": issue.type, "amount": issue.amount, "reason_code": issue.reason_code,
                  "root_cause": issue.root_cause, "version": issue.version}  # fmt: skip
        issue.type, issue.amount, issue.reason_code = kind, amount, code
        issue.root_cause, issue.reference = cause or issue.root_cause, reference
        issue.updated_at = self.stamp
        self.session.flush()
        audit(self.session, self.actor, "issue.adjustment", "issue", issue.id, before,
              {"type": kind, "amount": amount, "reason_code": code, "reference": reference,
               "root_cause": issue.root_cause, "version": issue.version})  # fmt: skip
        self.counts.issues_updated += 1

    # ----- short pays, discounts, duplicates --------------------------------------------------
    def short_pay(self, pro: Pro, short: Decimal, reason: str | None) -> None:
        """The pro's open short pay is updated, else its past-due item becomes one, else one opens."""
        issue = self.open_issue(pro, "short_pay") or self.open_issue(pro, "past_due")
        cause = root_cause_for(reason)
        if issue is None or issue.id in self.counts.opened_ids:
            self.pro_issue(pro, "short_pay", short, reason, cause, new=True)
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
        self.note(issue, f"Short paid ${short:,.2f}" + (f" (reason {reason})" if reason else ""))
        self.counts.issues_updated += 1

    def pro_issue(self, pro: Pro, issue_type: str, amount: Decimal, reason: str | None,
                  cause: str | None = None, why: str = "", *, new: bool = False) -> None:  # fmt: skip
        """Open a pro-level item, or (unless `new`) update the pro's open one of that type."""
        existing = None if new else self.open_issue(pro, issue_type)
        if existing is not None and existing.id not in self.counts.opened_ids:
            before = {"amount": existing.amount, "version": existing.version}
            existing.amount, existing.updated_at = amount, self.stamp
            self.session.flush()
            audit(self.session, self.actor, "issue.amount", "issue", existing.id, before,
                  {"amount": amount, "version": existing.version})  # fmt: skip
            self.counts.issues_updated += 1
            self.note(existing, f"{issue_type.replace('_', ' ')} ${amount:,.2f} {why}".strip())
            return
        account = self.session.get(Account, pro.account_id)
        assert account is not None
        issue = self.new_issue(account, pro, issue_type, amount, reason, cause, None)
        self.note(issue, f"{issue_type.replace('_', ' ').capitalize()} ${amount:,.2f} on PRO "
                         f"{pro.pro} {why}".strip())  # fmt: skip

    # ----- account level ------------------------------------------------------------------------
    def account_issue(self, account: Account, issue_type: str, amount: Decimal, text: str) -> None:
        """Grow the account's open item of this type, or open one."""
        issue = self.session.scalar(
            select(Issue).where(
                Issue.account_id == account.id, Issue.pro_id.is_(None),
                Issue.type == issue_type, Issue.status.in_(OPEN),
            ).limit(1)
        )  # fmt: skip
        if issue is None:
            issue = self.new_issue(account, None, issue_type, amount, None, None, None)
        else:
            before = {"amount": issue.amount, "version": issue.version}
            issue.amount = (issue.amount or ZERO) + amount
            issue.updated_at = self.stamp
            self.session.flush()
            audit(self.session, self.actor, "issue.amount", "issue", issue.id, before,
                  {"amount": issue.amount, "version": issue.version})  # fmt: skip
            self.counts.issues_updated += 1
        self.note(issue, text)

    # ----- writing --------------------------------------------------------------------------
    def new_issue(self, account: Account, pro: Pro | None, issue_type: str, amount: Decimal,
                  reason: str | None, cause: str | None, reference: str | None) -> Issue:  # fmt: skip
        issue = Issue(
            level=Level.PRO.value if pro is not None else Level.ACCOUNT.value, type=issue_type,
            status=IssueStatus.OPEN.value, account_id=account.id,
            pro_id=pro.id if pro is not None else None, owner_id=account.collector_id,
            amount=amount, reason_code=reason, root_cause=cause, reference=reference,
            opened_on=self.on, source="remittance", created_at=self.stamp, updated_at=self.stamp,
            reopen_count=0, recurrence=False, promoted=False,
        )  # fmt: skip
        self.session.add(issue)
        self.session.flush()
        audit(self.session, self.actor, "issue.open", "issue", issue.id, None,
              {"type": issue_type, "amount": amount, "reason_code": reason,
               "reference": reference, "source": self.source})  # fmt: skip
        self.counts.issues_opened += 1
        self.counts.opened_ids.add(issue.id)
        return issue

    def open_issue(self, pro: Pro, issue_type: str) -> Issue | None:
        return self.session.scalar(
            select(Issue)
            .where(Issue.pro_id == pro.id, Issue.type == issue_type, Issue.status.in_(OPEN))
            .order_by(Issue.id)
            .limit(1)
        )

    def any_issue(self, pro: Pro) -> int | None:
        return self.session.scalar(
            select(Issue.id).where(Issue.pro_id == pro.id, Issue.status.in_(OPEN)).limit(1)
        )

    def note(self, issue: Issue, text: str) -> None:
        add_activity(self.session, self.actor, issue.account_id, ActivityKind.PAYMENT,
                     text, issue_id=issue.id, at=self.stamp)  # fmt: skip
