"""Onboarding a new account before its first invoice: the checklist's tasks and what they capture.

Pure rules. Sales owns the checklist; each task belongs to the department that does it (sales,
pricing, billing, credit). Several tasks capture a fact the account keeps (the pricing
agreement's reference, the invoicing portal, whether a PO or a POD must go with every invoice,
EDI 210, the credit limit): ticking the task writes it to the account, where the pre-audit reads
it (a POD required, an agreement on file). An account whose checklist still has open tasks when
a bill goes out is flagged by pre-audit (`domain.preaudit.invoiced_before_onboarding`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum


class Capture(StrEnum):
    """What a task asks for when it is ticked."""

    NOTHING = "nothing"  # done is done (a note may be given)
    TEXT = "text"  # a reference or a name ("none" where a task allows it)
    YES_NO = "yes_no"
    AMOUNT = "amount"


@dataclass(frozen=True)
class TaskDef:
    key: str
    department: str  # sales | pricing | billing | credit
    title: str
    capture: Capture
    account_field: str | None  # the account column the captured value goes to


TASKS: tuple[TaskDef, ...] = (
    TaskDef("pricing_agreement", "pricing", "Pricing agreement loaded (its reference)",
            Capture.TEXT, "pricing_agreement_ref"),
    TaskDef("pricing_checked", "pricing", "Agreement checked against a test bill",
            Capture.NOTHING, None),
    TaskDef("invoicing_portal", "billing", "Invoicing portal (its name, or 'none')",
            Capture.TEXT, "portal_name"),
    TaskDef("invoicing_po", "billing", "PO number required on every invoice (yes/no)",
            Capture.YES_NO, "po_required"),
    TaskDef("invoicing_pod", "billing", "POD required with every invoice (yes/no)",
            Capture.YES_NO, "pod_required"),
    TaskDef("edi_210", "billing", "EDI 210 set up and tested (yes), or not used (no)",
            Capture.YES_NO, "edi_210"),
    TaskDef("remittance_path", "billing", "Remittance path (ACH with 820, check, portal …)",
            Capture.TEXT, None),
    TaskDef("contacts", "sales", "AP contacts with their roles (who pays, who approves)",
            Capture.TEXT, None),
    TaskDef("credit_limit", "credit", "Credit limit set (an amount)", Capture.AMOUNT,
            "credit_limit"),
)  # fmt: skip
TASKS_BY_KEY = {t.key: t for t in TASKS}
TASK_DEPARTMENTS = ("sales", "pricing", "billing", "credit")
OWNER_DEPARTMENT = "sales"
CAPTURED_ACCOUNT_FIELDS = tuple(t.account_field for t in TASKS if t.account_field)
NONE_WORDS = frozenset({"none", "no portal", "-"})
_YES = frozenset({"yes", "y", "true", "1"})
_NO = frozenset({"no", "n", "false", "0"})


def task(key: str) -> TaskDef:
    """The task named `key` (ValueError naming the tasks otherwise)."""
    found = TASKS_BY_KEY.get(key)
    if found is None:
        raise ValueError(f"'{key}' is not an onboarding task; tasks are {', '.join(TASKS_BY_KEY)}")
    return found


def parse_value(definition: TaskDef, value: str | None) -> str | bool | Decimal | None:
    """The value a task captures, checked (ValueError saying what is expected)."""
    text = (value or "").strip()
    if definition.capture == Capture.NOTHING:
        return text or None
    if not text:
        raise ValueError(f"{definition.key} needs a value: {definition.title}")
    if definition.capture == Capture.YES_NO:
        if text.lower() in _YES:
            return True
        if text.lower() in _NO:
            return False
        raise ValueError(f"{definition.key} takes yes or no, not '{text}'")
    if definition.capture == Capture.AMOUNT:
        return _amount(definition.key, text)
    if definition.account_field == "portal_name" and text.lower() in NONE_WORDS:
        return None
    if len(text) > 100:
        raise ValueError(f"{definition.key}: at most 100 characters")
    return text


def _amount(key: str, text: str) -> Decimal:
    try:
        amount = Decimal(text.replace(",", "").replace("$", ""))
    except InvalidOperation:
        raise ValueError(f"{key} takes an amount such as 25000.00, not '{text}'") from None
    if amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValueError(f"{key} takes an amount of zero or more with at most two decimals")
    return amount


def shown_value(value: str | bool | Decimal | None) -> str | None:
    """A captured value as the task keeps it (text)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def open_titles(done: dict[str, bool]) -> tuple[str, ...]:
    """The titles of the tasks not done yet, in checklist order (`done`: key -> done)."""
    return tuple(t.title for t in TASKS if t.key in done and not done[t.key])
