"""Rules for working an account at once: resolutions that mean what they say, a promise split
across pros, and script steps ticked by the actions that do them. Pure functions.

Resolutions: "paid" codes only when the item's balance is zero or cash on the account covers
it; write-off and credit need an amount (at most the open balance) and go to a supervisor;
every code but "paid in full" needs a note; whether the root cause was fixed is always said,
never assumed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from arbench.domain.catalogue import RESOLUTION_CODES
from arbench.domain.content_model import Step

LINKED_CODE = "resolved_with_account"  # only ever set with the account-level issue
PAID_CODES = frozenset({"paid_in_full", "paid_after_documents", "charge_upheld", "cash_applied"})
AMOUNT_CODES = frozenset({"written_off", "credit_issued"})  # an amount, and a supervisor's yes
APPROVAL_KINDS = {"written_off": "write_off", "credit_issued": "credit"}
NO_NOTE_CODES = frozenset({"paid_in_full"})


@dataclass(frozen=True)
class ItemBalance:
    """What is open on an item, and the cash on its account not applied to any pro."""

    open_balance: Decimal
    unapplied_cash: Decimal = Decimal(0)

    @property
    def covered(self) -> bool:
        """Paid: nothing is open, or the cash on the account covers what is."""
        return self.open_balance <= 0 or self.unapplied_cash >= self.open_balance


def resolution_codes(balance: ItemBalance) -> list[str]:
    """The resolution codes that can be true of an item with this balance, catalogue order."""
    return [code for code in RESOLUTION_CODES if not _why_not(code, balance)]


def _why_not(code: str, balance: ItemBalance) -> str | None:
    name = RESOLUTION_CODES.get(code, code)
    if code == LINKED_CODE:
        return f"'{name}' is set only when its account-level issue is resolved"
    if code in PAID_CODES and not balance.covered:
        return (
            f"'{name}' needs the balance paid: ${balance.open_balance:,.2f} is still open "
            "and no payment covers it"
        )
    if code in AMOUNT_CODES and balance.open_balance <= 0:
        return f"'{name}' needs an open balance; nothing is open"
    return None


@dataclass(frozen=True)
class ResolutionInput:
    """A resolution as the user gave it."""

    code: str
    root_cause_fixed: bool | None
    note: str = ""
    amount: Decimal | None = None


def resolution_problem(given: ResolutionInput, balance: ItemBalance) -> str | None:
    """Why this resolution cannot be recorded on the item (in words), or None."""
    if given.code not in RESOLUTION_CODES:
        return (
            f"unknown resolution code '{given.code}'; choose one of {', '.join(RESOLUTION_CODES)}"
        )
    name = RESOLUTION_CODES[given.code]
    reason = _why_not(given.code, balance)
    if reason:
        return reason
    if given.root_cause_fixed is None:
        return "say whether the root cause was fixed (yes or no)"
    if given.code not in NO_NOTE_CODES and not given.note.strip():
        return f"a note is required for '{name}': say what was done"
    if given.code in AMOUNT_CODES:
        if given.amount is None or given.amount <= 0:
            return f"'{name}' needs the amount (more than $0.00)"
        if given.amount > balance.open_balance:
            return (
                f"'{name}' of ${given.amount:,.2f} is more than the open balance "
                f"${balance.open_balance:,.2f}"
            )
    return None


def allocate(total: Decimal, balances: Sequence[Decimal]) -> list[Decimal]:
    """A promise on the account spread over its pros in the order given (oldest first): each
    pro up to its open balance, nothing on a pro with no balance. What the balances cannot
    hold is left out (the caller says the total is more than the balances)."""
    left, out = total, []
    for balance in balances:
        share = min(left, max(balance, Decimal(0)))
        out.append(share)
        left -= share
    return out


# ----- script steps done by actions ---------------------------------------------------------------
# The step kind each action does: logging a call (or recording the promise made on one) does a
# [call] step, an email an [email] step, a route a [route] step, a department's answer a [wait].
ACTION_STEP = {"call": "call", "promise": "call", "email": "email", "route": "route",
               "answer": "wait"}  # fmt: skip
# Steps only an action can tick: the activity kinds that show the action was done.
BY_ACTION = {"call": ("call", "promise"), "email": ("email",)}


def step_for_action(
    steps: Sequence[Step], done: set[int], action: str, department: str | None = None
) -> int | None:
    """The step an action does: the first step of its kind not done yet. A step that names a
    department is done only by routing to that department."""
    kind = ACTION_STEP.get(action)
    for step in steps:
        if step.kind != kind or step.number in done:
            continue
        if action == "route" and step.department and step.department != department:
            continue
        return step.number
    return None


def tick_by_hand_problem(step: Step, evidence: int, done_same_kind: int) -> str | None:
    """Why a step cannot be ticked by hand: a [call] or [email] step needs a call or email
    logged on the item that no other step of its kind has used."""
    if step.kind not in BY_ACTION or evidence > done_same_kind:
        return None
    what = "log the call (Ctrl+L)" if step.kind == "call" else "send or log the email (Ctrl+M)"
    return f"step {step.number} is done by an action: {what} and it ticks itself"
