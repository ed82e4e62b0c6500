"""The freight AR catalogue: issue types, root causes, departments and resolution codes.

Pure data. Every issue in arbench has a level (pro or account) and a type from ISSUE_TYPES;
its cause is a code from ROOT_CAUSES. Each root cause carries the X12 element 426 adjustment
reason code that a payer would use for it, where one applies, and pro-level causes name the
account-level issue type they are a symptom of when they repeat (promotion).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Level(StrEnum):
    PRO = "pro"
    ACCOUNT = "account"


class Role(StrEnum):
    COLLECTOR = "collector"
    SUPERVISOR = "supervisor"
    TRAINEE = "trainee"
    DEPARTMENT = "department"  # operations, pricing, billing, sales or claims staff


AR_ROLES = (Role.TRAINEE, Role.COLLECTOR, Role.SUPERVISOR)  # the AR team (not department staff)


class IssueStatus(StrEnum):
    OPEN = "open"
    WAITING = "waiting"  # waiting on another department
    PENDING_APPROVAL = "pending_approval"  # trainee resolution awaiting a supervisor
    RESOLVED = "resolved"


OPEN_STATUSES = (IssueStatus.OPEN, IssueStatus.WAITING, IssueStatus.PENDING_APPROVAL)


class Department(StrEnum):
    OPERATIONS = "operations"
    PRICING = "pricing"
    BILLING = "billing"
    SALES = "sales"
    CLAIMS = "claims"


class Terms(StrEnum):
    PREPAID = "prepaid"
    COLLECT = "collect"
    THIRD_PARTY = "third_party"


class PromiseStatus(StrEnum):
    OPEN = "open"
    KEPT = "kept"
    BROKEN = "broken"
    CANCELLED = "cancelled"


class RequestStatus(StrEnum):
    """A department request: open, answered (waiting for the collector), closed, cancelled.

    A request handed back by the department (with its reason) is `answered` too, with
    `handed_back` set: either way the item comes back to its collector."""

    OPEN = "open"
    ANSWERED = "answered"
    CLOSED = "closed"
    CANCELLED = "cancelled"  # withdrawn: the item was resolved, or the resolve was corrected


class ApprovalStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class PaymentKind(StrEnum):
    """What a row of the payments table records: every change of a pro's balance is one dated
    row. Cash kinds add up to a remittance's bank amount (see `CASH_KINDS` and
    docs/data-in-and-out.md); the others credit a pro without cash.
    """

    PAYMENT = "payment"  # cash credited to a pro
    UNAPPLIED = "unapplied"  # cash parked on an account (no pro matched)
    DEDUCTION = "deduction"  # a remittance adjustment (ADX) that lowered the payment
    ADDITION = "addition"  # a remittance adjustment (ADX) that raised the payment
    VARIANCE = "variance"  # bank amount the remittance's lines and adjustments do not explain
    DISCOUNT = "discount"  # an earned prompt-payment discount credited to a pro (no cash)
    ADJUSTMENT = "adjustment"  # another credit to a pro without cash
    CREDIT_MEMO = "credit_memo"
    # a balance change a register reports without saying why (a zero balance, a lower or
    # higher balance, a pro absent with close-missing, a pro that reopens: negative)
    REGISTER = "register"


CASH_KINDS = frozenset(
    {PaymentKind.PAYMENT, PaymentKind.UNAPPLIED, PaymentKind.DEDUCTION, PaymentKind.ADDITION,
     PaymentKind.VARIANCE}
)  # fmt: skip


class ActivityKind(StrEnum):
    CALL = "call"
    EMAIL = "email"
    NOTE = "note"
    PROMISE = "promise"
    ROUTE = "route"
    ANSWER = "answer"
    ROOT_CAUSE = "root_cause"
    RESOLVE = "resolve"
    REOPEN = "reopen"
    LINK = "link"
    ASSIGNMENT = "assignment"
    HANDOVER = "handover"
    PAYMENT = "payment"
    IMPORT = "import"
    SCRIPT = "script"
    APPROVAL = "approval"
    ESCALATION = "escalation"  # an overdue department request went to the department's lead
    NOTICE = "notice"  # a pre-audit exception told to the customer before the invoice
    ONBOARDING = "onboarding"  # a new account's onboarding task done
    SYSTEM = "system"


NMFC_CLASSES = (
    "50", "55", "60", "65", "70", "77.5", "85", "92.5", "100",
    "110", "125", "150", "175", "200", "250", "300", "400", "500",
)  # fmt: skip


@dataclass(frozen=True)
class IssueType:
    code: str
    level: Level
    name: str
    department: Department | None  # the department this type is usually routed to
    default_root_cause: str | None  # None: the collector finds and sets the cause
    dispute: bool  # a dispute (counts for dispute cycle time), not a plain past-due


@dataclass(frozen=True)
class RootCause:
    code: str
    level: Level
    name: str
    x12_426: str | None  # X12 element 426 adjustment reason code, where one applies
    promotes_to: str | None  # account-level issue type this cause signals when it repeats


_P, _A = Level.PRO, Level.ACCOUNT
_D = Department

ISSUE_TYPES: dict[str, IssueType] = {
    t.code: t
    for t in (
        IssueType("pod_requested", _P, "POD requested", _D.OPERATIONS, "pod_missing", True),
        IssueType(
            "reweigh_reclass", _P, "Reweigh / reclass dispute", _D.OPERATIONS,
            "inspection_correction", True,
        ),
        IssueType(
            "accessorial_dispute", _P, "Accessorial not authorized", _D.PRICING,
            "accessorial_not_requested", True,
        ),
        IssueType(
            "duplicate_billing", _P, "Duplicate billing", _D.BILLING, "invoice_sent_twice", True
        ),
        IssueType("wrong_bill_to", _P, "Billed to the wrong party", _D.BILLING, "wrong_bill_to", True),
        IssueType("short_pay", _P, "Short pay with reason", _D.PRICING, "rate_keyed_wrong", True),
        IssueType("claim_deducted", _P, "Claim deducted from freight", _D.CLAIMS, "freight_claim", True),
        IssueType(
            "unearned_discount", _P, "Unearned discount taken", _D.SALES,
            "discount_outside_terms", True,
        ),
        IssueType("past_due", _P, "Past due, no dispute", None, "slow_pay", False),
        IssueType("customer_dispute", _P, "Disputed, cause to find", None, None, True),
        IssueType("rebill_requested", _P, "Rebill requested", _D.BILLING, "bol_incomplete", True),
        IssueType("duplicate_payment", _P, "Duplicate payment / overpayment", _D.BILLING, "paid_twice", False),
        IssueType(
            "pricing_agreement", _A, "Pricing agreement missing or wrong", _D.PRICING,
            "agreement_not_loaded", True,
        ),
        IssueType("fuel_table", _A, "Fuel surcharge table mismatch", _D.PRICING, "fuel_table_wrong", True),
        IssueType(
            "invoicing_requirements", _A, "Invoicing requirements not met (portal, PO, POD, EDI)",
            _D.BILLING, "requirements_not_set_up", True,
        ),
        IssueType("unapplied_cash", _A, "Unapplied cash", _D.BILLING, "remittance_missing", False),
        IssueType(
            "remittance_mismatch", _A, "Remittance not matching (820)", _D.BILLING,
            "remittance_format", False,
        ),
        IssueType("payment_terms", _A, "Payment terms dispute", _D.SALES, "terms_mismatch", True),
        IssueType("credit_hold", _A, "Credit hold / financial distress", _D.SALES, "financial_distress", False),
        IssueType(
            "unidentified_deduction", _A, "Unidentified deduction", _D.CLAIMS,
            "deduction_without_backup", True,
        ),
        IssueType("relationship", _A, "Relationship escalation", _D.SALES, "service_failure", True),
    )
}  # fmt: skip

ROOT_CAUSES: dict[str, RootCause] = {
    c.code: c
    for c in (
        RootCause("pod_missing", _P, "POD missing or unsigned", "A9", "invoicing_requirements"),
        RootCause(
            "inspection_correction", _P, "Carrier inspection changed weight or class", "22",
            "pricing_agreement",
        ),
        RootCause(
            "accessorial_not_requested", _P, "Accessorial not requested on the BOL", "23",
            "pricing_agreement",
        ),
        RootCause("invoice_sent_twice", _P, "Invoice sent twice", "19", "invoicing_requirements"),
        RootCause("wrong_bill_to", _P, "Wrong bill-to party or terms", "21", "invoicing_requirements"),
        RootCause("rate_keyed_wrong", _P, "Rate keyed wrong on this bill", "46", "pricing_agreement"),
        RootCause("freight_claim", _P, "Loss or damage claim deducted", "54", "unidentified_deduction"),
        RootCause("discount_outside_terms", _P, "Discount taken outside terms", "24", "payment_terms"),
        RootCause("slow_pay", _P, "Customer slow pay, no dispute", None, "credit_hold"),
        RootCause("bol_incomplete", _P, "BOL data incomplete or inconsistent", "73", "invoicing_requirements"),
        RootCause("paid_twice", _P, "Customer paid the same bill twice", "86", "remittance_mismatch"),
        RootCause("stale_bill", _P, "Billed or rebilled after the dispute window", "45", None),
        RootCause("missing_documents", _P, "Required documents missing", "44", "invoicing_requirements"),
        RootCause("agreement_not_loaded", _A, "Pricing agreement not loaded or expired", "01", None),
        RootCause("fuel_table_wrong", _A, "Fuel table differs from the agreement", "46", None),
        RootCause(
            "requirements_not_set_up", _A, "Customer invoicing requirements not set up", "44", None
        ),
        RootCause("remittance_missing", _A, "Payments arrive without remittance", None, None),
        RootCause("remittance_format", _A, "Remittance (820) references do not match", None, None),
        RootCause("terms_mismatch", _A, "Terms in the system differ from the agreement", "09", None),
        RootCause("financial_distress", _A, "Customer in financial distress", None, None),
        RootCause("deduction_without_backup", _A, "Deductions taken without backup", "D3", None),
        RootCause("service_failure", _A, "Service failure soured the relationship", None, None),
    )
}  # fmt: skip

RESOLUTION_CODES: dict[str, str] = {
    "paid_in_full": "Paid in full",
    "paid_after_documents": "Paid after documents sent",
    "rebilled": "Rebilled / corrected invoice",
    "credit_issued": "Credit issued (adjustment)",
    "charge_upheld": "Charge upheld, customer paid",
    "duplicate_reversed": "Duplicate reversed",
    "refund_issued": "Refund issued",
    "claim_transferred": "Transferred to claims",
    "agreement_fixed": "Agreement or setup corrected",
    "cash_applied": "Cash applied",
    "written_off": "Written off",
    "resolved_with_account": "Resolved with its account-level issue",
}

WRITE_OFF_CODES = frozenset({"written_off"})


def issue_types_for(level: Level) -> list[IssueType]:
    """The catalogue's issue types of one level, in catalogue order."""
    return [t for t in ISSUE_TYPES.values() if t.level == level]


def root_causes_for(level: Level) -> list[RootCause]:
    """The catalogue's root causes of one level, in catalogue order."""
    return [c for c in ROOT_CAUSES.values() if c.level == level]
