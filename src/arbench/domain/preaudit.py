"""Invoice pre-audit (issue #6): catch the disputes that are born before the invoice is sent.

Each rule looks at `InvoiceDraft`s (a pro's freight bill before it goes out, beside the BOL
it was built from) and returns zero or more `PreauditException`s: the pro, the rule, a
message a billing clerk can act on (the values found and what was expected) and the
department that fixes it (billing, or operations for documents and shipment facts).
`run_preaudit` runs every rule over a batch in a stable order.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from arbench.domain.catalogue import Department, Terms

BILLING, OPERATIONS, SALES = Department.BILLING, Department.OPERATIONS, Department.SALES

# Billed weight may differ from the BOL weight by the larger of these before it is flagged:
# scale tolerance and rounding to the pound. Beyond it the difference is a reweigh, which the
# customer will only pay against the inspection certificate (a re-typed BOL is not proof).
WEIGHT_TOLERANCE_LB = Decimal(10)
WEIGHT_TOLERANCE_SHARE = Decimal("0.01")

# Linehaul and fuel are priced from the agreement, not requested on the BOL.
BASE_CHARGE_CODES = frozenset({"400", "405", "FUE"})
# Accessorials that arise in transit or at delivery, never requested on the BOL: these need
# operations' evidence (delivery receipt, detention times, inspection) rather than a request.
EVENT_ACCESSORIALS = frozenset(
    {"DET", "DTL", "DTU", "DTV", "DTB", "DEP", "DEW", "RCL", "REC", "STR", "SRG", "IAC"}
)
ACCESSORIAL_NAMES = {
    "APT": "appointment",
    "DET": "detention",
    "HAZ": "hazardous materials",
    "IAC": "inspection",
    "IDL": "inside delivery",
    "LFT": "liftgate",
    "RCL": "redelivery",
    "RES": "residential delivery",
    "SRG": "storage",
    "STR": "storage in transit",
}

_TERMS_ALIASES = {
    "prepaid": Terms.PREPAID,
    "pp": Terms.PREPAID,
    "collect": Terms.COLLECT,
    "cc": Terms.COLLECT,
    "third_party": Terms.THIRD_PARTY,
    "third party": Terms.THIRD_PARTY,
    "tp": Terms.THIRD_PARTY,
}
_COMPANY_SUFFIXES = frozenset(
    {"inc", "incorporated", "llc", "ltd", "limited", "co", "corp", "corporation", "company"}
)


@dataclass(frozen=True)
class InvoiceDraft:
    """A freight bill about to be invoiced, with the BOL facts it must agree with."""

    pro: str
    account_number: str
    invoice_date: date
    bol: str | None = None
    weight: Decimal | None = None  # billed, in pounds
    freight_class: str | None = None  # billed NMFC class
    bol_weight: Decimal | None = None
    bol_freight_class: str | None = None
    terms: str | None = None  # prepaid | collect | third_party (X12 PP, CC, TP accepted)
    bill_to: str | None = None
    shipper: str | None = None
    consignee: str | None = None
    accessorials: frozenset[str] = frozenset()  # L1-08 codes billed
    bol_accessorials: frozenset[str] = frozenset()  # L1-08 codes requested on the BOL
    pod_on_file: bool = False
    customer_requires_pod: bool = False
    pricing_agreement_ref: str | None = None
    pricing_agreement_expiry: date | None = None  # valid through this date; None: open-ended
    # a new account's onboarding tasks still open (None: no checklist, an established account)
    onboarding_open: tuple[str, ...] | None = None


@dataclass(frozen=True)
class PreauditException:
    """One finding on one draft; `route_to` is the department that clears it."""

    pro: str
    rule: str
    message: str
    route_to: Department


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


# ---------------------------------------------------------------------------- BOL facts


def bol_missing(draft: InvoiceDraft) -> list[PreauditException]:
    """The draft has no BOL number: it cannot be matched to the shipper's document."""
    if not _blank(draft.bol):
        return []
    return [
        PreauditException(
            draft.pro,
            "bol_missing",
            f"Pro {draft.pro} has no BOL number. Get the bill of lading from the origin "
            "terminal and key its number before invoicing; payers reject bills without one.",
            OPERATIONS,
        )
    ]


def _class_key(freight_class: str) -> str:
    try:
        return str(Decimal(freight_class.strip()).normalize())
    except InvalidOperation:
        return freight_class.strip().upper()


def _lb(weight: Decimal) -> str:
    """A weight as a clerk writes it: 1,212.5 lb, 1,200 lb."""
    return f"{weight.quantize(Decimal('0.1')):,}".removesuffix(".0") + " lb"


def _weight_finding(draft: InvoiceDraft) -> tuple[Department, str] | None:
    billed, on_bol = draft.weight, draft.bol_weight
    if billed is None:
        return BILLING, f"Pro {draft.pro} has no billed weight; bill the BOL weight."
    if on_bol is None:
        return OPERATIONS, (
            f"BOL {draft.bol} for pro {draft.pro} shows no weight, so the billed {_lb(billed)} "
            "cannot be checked; get the weight from the BOL."
        )
    allowed = max(WEIGHT_TOLERANCE_LB, on_bol * WEIGHT_TOLERANCE_SHARE)
    if abs(billed - on_bol) <= allowed:
        return None
    return OPERATIONS, (
        f"Pro {draft.pro} bills {_lb(billed)} but BOL {draft.bol} shows {_lb(on_bol)} "
        f"(difference {_lb(abs(billed - on_bol))}, tolerance {_lb(allowed)}). Attach the "
        "reweigh inspection certificate, or bill the BOL weight."
    )


def _class_finding(draft: InvoiceDraft) -> tuple[Department, str] | None:
    billed, on_bol = draft.freight_class, draft.bol_freight_class
    if billed is None or _blank(billed):
        return BILLING, f"Pro {draft.pro} has no billed freight class; bill the BOL class."
    if on_bol is None or _blank(on_bol):
        return OPERATIONS, (
            f"BOL {draft.bol} for pro {draft.pro} shows no freight class, so billed class "
            f"{billed} cannot be checked; get the class from the BOL."
        )
    if _class_key(billed) == _class_key(on_bol):
        return None
    return OPERATIONS, (
        f"Pro {draft.pro} bills class {billed} but BOL {draft.bol} shows class {on_bol}. "
        "Attach the reclass inspection certificate, or bill the BOL class."
    )


def weight_or_class_mismatch(draft: InvoiceDraft) -> list[PreauditException]:
    """Billed weight or class disagrees with the BOL, or one side of the comparison is missing.

    Weight is flagged when it differs from the BOL weight by more than the larger of
    WEIGHT_TOLERANCE_LB (10 lb) and WEIGHT_TOLERANCE_SHARE (1%) of the BOL weight; class
    when it differs at all ("77.5" and "77.50" are the same class). A draft without a BOL
    number is left to `bol_missing`. At most one finding for weight and one for class.
    """
    if _blank(draft.bol):
        return []
    findings = (_weight_finding(draft), _class_finding(draft))
    return [
        PreauditException(draft.pro, "weight_or_class_mismatch", found[1], found[0])
        for found in findings
        if found is not None
    ]


def _describe(codes: Collection[str]) -> str:
    return ", ".join(
        f"{code} ({ACCESSORIAL_NAMES[code]})" if code in ACCESSORIAL_NAMES else code
        for code in sorted(codes)
    )


def accessorial_not_requested(draft: InvoiceDraft) -> list[PreauditException]:
    """Accessorials billed that the BOL does not request.

    Codes are compared upper-case; linehaul and fuel codes are ignored. Accessorials the
    shipper orders (liftgate, residential, inside delivery, appointment, hazmat ...) go to
    billing: remove the charge or get the authorization. Those that arise at delivery
    (detention, redelivery, storage, inspection) go to operations for the evidence.
    """
    requested = {code.strip().upper() for code in draft.bol_accessorials}
    billed = {code.strip().upper() for code in draft.accessorials} - BASE_CHARGE_CODES
    unrequested = billed - requested
    ordered, incurred = unrequested - EVENT_ACCESSORIALS, unrequested & EVENT_ACCESSORIALS
    findings = []
    if ordered:
        on_bol = _describe(requested) if requested else "none"
        message = (
            f"Pro {draft.pro} bills {_describe(ordered)} not requested on BOL "
            f"{draft.bol} (BOL requests: {on_bol}). Remove the charge, or attach the "
            "customer's authorization before invoicing."
        )
        findings.append(PreauditException(draft.pro, "accessorial_not_requested", message, BILLING))
    if incurred:
        message = (
            f"Pro {draft.pro} bills {_describe(incurred)}, not on BOL {draft.bol}. "
            "Get the signed delivery receipt or the times and notes that support the "
            "charge before invoicing."
        )
        findings.append(
            PreauditException(draft.pro, "accessorial_not_requested", message, OPERATIONS)
        )
    return findings


def pod_missing_required(draft: InvoiceDraft) -> list[PreauditException]:
    """The customer pays only against a POD and none is on file for this pro."""
    if not draft.customer_requires_pod or draft.pod_on_file:
        return []
    message = (
        f"Pro {draft.pro}: account {draft.account_number} requires a proof of delivery "
        "with the invoice and none is on file. Get the signed POD from the delivering "
        "terminal before invoicing."
    )
    return [PreauditException(draft.pro, "pod_missing_required", message, OPERATIONS)]


# ---------------------------------------------------------------------------- duplicates


def _bol_key(bol: str) -> str:
    return "".join(bol.split()).upper()


def _duplicates_by_draft(
    drafts: Sequence[InvoiceDraft], already_billed: Collection[str] | Mapping[str, str]
) -> list[list[PreauditException]]:
    """Duplicate-BOL findings for each draft, by position in `drafts`."""
    billed_pros = already_billed if isinstance(already_billed, Mapping) else {}
    billed = {_bol_key(bol): billed_pros.get(bol) for bol in already_billed}
    pros_by_bol: dict[str, list[str]] = defaultdict(list)
    for draft in drafts:
        if not _blank(draft.bol):
            pros_by_bol[_bol_key(draft.bol or "")].append(draft.pro)
    findings: list[list[PreauditException]] = [[] for _ in drafts]
    for index, draft in enumerate(drafts):
        if _blank(draft.bol):
            continue
        key = _bol_key(draft.bol or "")
        if len(pros_by_bol[key]) > 1:
            findings[index].append(_in_batch(draft, pros_by_bol[key]))
        if key in billed and billed[key] != draft.pro:
            findings[index].append(_billed_before(draft, billed[key]))
    return findings


def _in_batch(draft: InvoiceDraft, pros: list[str]) -> PreauditException:
    others = ", ".join(pro for pro in pros if pro != draft.pro) or draft.pro
    message = (
        f"Pro {draft.pro}: BOL {draft.bol} is also on pro {others} in this batch. One shipment "
        "is billed once: cancel the duplicate draft or correct the BOL number."
    )
    return PreauditException(draft.pro, "duplicate_bol", message, BILLING)


def _billed_before(draft: InvoiceDraft, earlier_pro: str | None) -> PreauditException:
    on = f" on pro {earlier_pro}" if earlier_pro else ""
    message = (
        f"Pro {draft.pro}: BOL {draft.bol} was already billed{on}. Cancel this draft, or "
        "correct the BOL number if it is a different shipment."
    )
    return PreauditException(draft.pro, "duplicate_bol", message, BILLING)


def duplicate_bol(
    drafts: Sequence[InvoiceDraft], already_billed: Collection[str] | Mapping[str, str] = ()
) -> list[PreauditException]:
    """The same BOL billed twice: within the batch, or against BOLs already billed.

    BOL numbers are compared without spaces and case. Every draft that shares its BOL with
    another draft in the batch is flagged (naming the others), so neither copy slips out
    unseen. `already_billed` is a set of BOLs, or a mapping of BOL to the pro it was billed
    on: then the message names that pro, and a draft of that same pro is not flagged.
    """
    return [
        found for per_draft in _duplicates_by_draft(drafts, already_billed) for found in per_draft
    ]


# ---------------------------------------------------------------------------- bill-to, agreement


def _party_key(name: str) -> str:
    """A company name compared without case, punctuation or a trailing Inc/LLC/Co."""
    words = re.sub(r"[^\w\s]", " ", name.casefold().replace("&", " and ")).split()
    while len(words) > 1 and words[-1] in _COMPANY_SUFFIXES:
        words.pop()
    return " ".join(words)


def _same_party(first: str | None, second: str | None) -> bool:
    return first is not None and second is not None and _party_key(first) == _party_key(second)


def _third_party_problem(draft: InvoiceDraft) -> tuple[Department, str] | None:
    if draft.bill_to is None or _blank(draft.bill_to):
        return BILLING, (
            f"Pro {draft.pro} is third party but has no bill-to; bill the third-party payer "
            "named on the BOL."
        )
    for party, name, terms in (
        ("shipper", draft.shipper, Terms.PREPAID),
        ("consignee", draft.consignee, Terms.COLLECT),
    ):
        if _same_party(draft.bill_to, name):
            return BILLING, (
                f"Pro {draft.pro} is third party but bills the {party} {name!r}; a third-party "
                "bill goes to the payer named on the BOL, neither shipper nor consignee. "
                f"Correct the bill-to, or the terms to {terms.value}."
            )
    return None


def _bill_to_problem(draft: InvoiceDraft) -> tuple[Department, str] | None:
    terms = _TERMS_ALIASES.get((draft.terms or "").strip().lower())
    if terms is None:
        found = f"terms {draft.terms!r}" if draft.terms else "no terms"
        return BILLING, (
            f"Pro {draft.pro} has {found}; expected prepaid, collect or third party as shown "
            "on the BOL."
        )
    if terms == Terms.THIRD_PARTY:
        return _third_party_problem(draft)
    party, expected = (
        ("shipper", draft.shipper) if terms == Terms.PREPAID else ("consignee", draft.consignee)
    )
    if expected is None or _blank(expected):
        return OPERATIONS, (
            f"Pro {draft.pro} is {terms.value} but the BOL shows no {party} to bill; get the "
            f"{party}'s name from the BOL."
        )
    if _same_party(draft.bill_to, expected):
        return None
    bill_to = repr(draft.bill_to) if draft.bill_to else "empty"
    return BILLING, (
        f"Pro {draft.pro} is {terms.value}, so it bills the {party} {expected!r}; the bill-to "
        f"is {bill_to}. Correct the bill-to or the terms."
    )


def bill_to_inconsistent_with_terms(draft: InvoiceDraft) -> list[PreauditException]:
    """Prepaid bills the shipper, collect the consignee, third party neither of them.

    Names are compared without case, punctuation or a trailing company suffix ("ACME Inc."
    is "Acme"). Missing or unknown terms are flagged too; a missing shipper or consignee name
    on the BOL goes to operations.
    """
    problem = _bill_to_problem(draft)
    if problem is None:
        return []
    route_to, message = problem
    return [PreauditException(draft.pro, "bill_to_inconsistent_with_terms", message, route_to)]


def pricing_agreement_missing_or_expired(draft: InvoiceDraft) -> list[PreauditException]:
    """No pricing agreement on the account, or it expired before the invoice date.

    An agreement is valid through its expiry date; no expiry date means open-ended.
    """
    rule = "pricing_agreement_missing_or_expired"
    if _blank(draft.pricing_agreement_ref):
        message = (
            f"Pro {draft.pro}: account {draft.account_number} has no pricing agreement on file, "
            "so the bill rates at tariff. Have pricing load the agreement, or confirm tariff "
            "rates apply, before invoicing."
        )
        return [PreauditException(draft.pro, rule, message, BILLING)]
    expiry = draft.pricing_agreement_expiry
    if expiry is None or expiry >= draft.invoice_date:
        return []
    message = (
        f"Pro {draft.pro}: pricing agreement {draft.pricing_agreement_ref} of account "
        f"{draft.account_number} expired on {expiry.isoformat()}, before the invoice date "
        f"{draft.invoice_date.isoformat()}. Have pricing load the renewal before invoicing."
    )
    return [PreauditException(draft.pro, rule, message, BILLING)]


def invoiced_before_onboarding(draft: InvoiceDraft) -> list[PreauditException]:
    """A new account's bill goes out before its onboarding checklist is done: the customer's
    agreement, invoicing requirements or credit are not known yet (domain.account_setup)."""
    if not draft.onboarding_open:
        return []
    open_tasks = draft.onboarding_open
    message = (
        f"Pro {draft.pro}: account {draft.account_number} is invoiced before its onboarding "
        f"checklist is done ({len(open_tasks)} task(s) open: {'; '.join(open_tasks)}). Finish "
        "the checklist with sales, pricing, billing and credit before the first invoice."
    )
    return [PreauditException(draft.pro, "invoiced_before_onboarding", message, SALES)]


# ---------------------------------------------------------------------------- the batch

DraftRule = Callable[[InvoiceDraft], list[PreauditException]]
DRAFT_RULES: tuple[DraftRule, ...] = (
    weight_or_class_mismatch,
    accessorial_not_requested,
    pod_missing_required,
    bill_to_inconsistent_with_terms,
    pricing_agreement_missing_or_expired,
    invoiced_before_onboarding,
)
RULES = ("bol_missing", "duplicate_bol") + tuple(rule.__name__ for rule in DRAFT_RULES)


def run_preaudit(
    drafts: Sequence[InvoiceDraft], already_billed: Collection[str] | Mapping[str, str] = ()
) -> list[PreauditException]:
    """Every rule over a batch of drafts.

    Stable order: drafts in the order given; for each draft, rules in the order of RULES
    (bol_missing, duplicate_bol, weight_or_class_mismatch, accessorial_not_requested,
    pod_missing_required, bill_to_inconsistent_with_terms,
    pricing_agreement_missing_or_expired, invoiced_before_onboarding). A draft with no findings
    is ready to invoice.
    """
    duplicates = _duplicates_by_draft(drafts, already_billed)
    findings: list[PreauditException] = []
    for draft, draft_duplicates in zip(drafts, duplicates, strict=True):
        findings += bol_missing(draft) + draft_duplicates
        for rule in DRAFT_RULES:
            findings += rule(draft)
    return findings
