"""Pre-audit the freight bills about to go out, with the rules in `domain.preaudit`.

Drafts are the pros whose billing_status is 'draft', with the bills of new accounts whose
onboarding checklist is still open (and, with `since`, every pro invoiced on or after that date,
to re-check recent bills). Each is built into an `InvoiceDraft` from the pro,
its charge lines (billed accessorial codes) and its account (POD requirement, pricing
agreement, and for a new account the onboarding tasks still open). BOLs already billed on other pros are checked for duplicates. Read only: the list
is shown to billing and operations, each exception routed to the department that clears it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from arbench.domain.preaudit import DRAFT_RULES, InvoiceDraft, PreauditException, run_preaudit
from arbench.services.organization.onboarding import open_tasks_by_account
from arbench.store.db import Database
from arbench.store.models import Account, ChargeLine, Pro
from arbench.store.models_departments import OnboardingChecklist

COLUMNS = ("pro", "account_number", "account_name", "rule", "route_to", "message")


@dataclass(frozen=True)
class PreauditRow:
    """One exception on the pre-audit list."""

    pro: str
    account_number: str
    account_name: str
    rule: str
    route_to: str  # billing | operations
    message: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class PreauditResult:
    drafts: int
    rows: list[PreauditRow]

    @property
    def clean(self) -> int:
        return self.drafts - len({row.pro for row in self.rows})


def preaudit(db: Database, since: date | None = None) -> PreauditResult:
    """Run every pre-audit rule over the draft pros, the bills of new accounts whose onboarding
    checklist is not done, and (with `since`) every pro invoiced since that day."""
    with db.session() as session:
        new_accounts = select(OnboardingChecklist.account_id).where(
            OnboardingChecklist.completed_on.is_(None)
        )
        condition = or_(Pro.billing_status == "draft", Pro.account_id.in_(new_accounts))
        if since is not None:
            condition = or_(condition, Pro.invoice_date >= since)
        rows = session.execute(
            select(Pro, Account).join(Account, Account.id == Pro.account_id).where(condition)
            .order_by(Account.number, Pro.pro)
        ).all()  # fmt: skip
        codes = _billed_codes(session, [pro.id for pro, _ in rows])
        onboarding = open_tasks_by_account(session, [account.id for _, account in rows])
        drafts = [_draft(pro, account, codes[pro.id], onboarding.get(account.id))
                  for pro, account in rows]  # fmt: skip
        names = {pro.pro: (account.number, account.name) for pro, account in rows}
        billed = _already_billed(
            session, {p.bol for p, _ in rows if p.bol}, {p.id for p, _ in rows}
        )
    findings = run_preaudit(drafts, billed)
    result = [
        PreauditRow(f.pro, names[f.pro][0], names[f.pro][1], f.rule, f.route_to.value, f.message)
        for f in findings
    ]
    return PreauditResult(len(drafts), result)


def findings_for(session: Session, pro: Pro) -> list[PreauditException]:
    """The draft rules' findings on one pro now (duplicates across a batch left aside)."""
    account = session.get(Account, pro.account_id)
    assert account is not None
    codes = _billed_codes(session, [pro.id])[pro.id]
    draft = _draft(
        pro, account, codes, open_tasks_by_account(session, [account.id]).get(account.id)
    )
    return [found for rule in DRAFT_RULES for found in rule(draft)]


def _draft(
    pro: Pro, account: Account, codes: frozenset[str], onboarding: tuple[str, ...] | None
) -> InvoiceDraft:
    requested = frozenset(c.strip() for c in (pro.bol_accessorials or "").split(",") if c.strip())
    return InvoiceDraft(
        pro=pro.pro, account_number=account.number,
        invoice_date=pro.invoice_date or date.today(), bol=pro.bol, weight=pro.weight,
        freight_class=pro.freight_class, bol_weight=pro.bol_weight,
        bol_freight_class=pro.bol_freight_class, terms=pro.terms, bill_to=pro.bill_to,
        shipper=pro.shipper, consignee=pro.consignee, accessorials=codes,
        bol_accessorials=requested, pod_on_file=pro.pod_on_file,
        customer_requires_pod=account.pod_required,
        pricing_agreement_ref=account.pricing_agreement_ref,
        pricing_agreement_expiry=account.pricing_agreement_expiry, onboarding_open=onboarding,
    )  # fmt: skip


def _billed_codes(session: Session, pro_ids: list[int]) -> dict[int, frozenset[str]]:
    """The accessorial codes billed on each pro (linehaul, fuel and tax lines left out)."""
    found: dict[int, set[str]] = defaultdict(set)
    for start in range(0, len(pro_ids), 900):
        for pro_id, code in session.execute(
            select(ChargeLine.pro_id, ChargeLine.code).where(
                ChargeLine.pro_id.in_(pro_ids[start : start + 900]),
                ChargeLine.code.is_not(None),
                ChargeLine.kind == "accessorial",  # fuel and taxes (GST, HST ...) are not
            )
        ):
            if code:
                found[pro_id].add(code)
    return defaultdict(frozenset, {k: frozenset(v) for k, v in found.items()})


def _already_billed(session: Session, bols: set[str], exclude: set[int]) -> dict[str, str]:
    """BOL -> pro for billed pros (outside this batch) carrying one of the batch's BOLs."""
    billed: dict[str, str] = {}
    ordered = sorted(bols)
    for start in range(0, len(ordered), 900):
        for pro_id, bol, pro in session.execute(
            select(Pro.id, Pro.bol, Pro.pro).where(
                Pro.bol.in_(ordered[start : start + 900]), Pro.billing_status == "billed"
            )
        ):
            if pro_id not in exclude and bol:
                billed.setdefault(bol, pro)
    return billed
