"""What the user gives an item action, as typed values (the dialogs return these).

Each is checked by its service (one clear message naming what is wrong); a dialog that gets an
error back is reopened with the same value, so nothing typed is lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class ContactLog:
    """A call, email or note: who was reached, the outcome, what was said, the next follow-up."""

    kind: str  # call | email | note (domain.catalogue.ActivityKind)
    text: str = ""
    contact: str | None = None
    outcome: str | None = None
    follow_up: date | None = None
    minutes: int | None = None  # how long it took (the root-cause report's collector hours)


@dataclass(frozen=True)
class PromiseToPay:
    """A promise to pay `amount` (as typed: "1,250.00" is fine) by `due_on`."""

    amount: Decimal | str
    due_on: date


@dataclass(frozen=True)
class PromiseSplit:
    """One promise to pay by `due_on`, split across several items: (item id, amount) each.

    A promise "on the account" is split by the dialog (domain.account_work.allocate: oldest
    first, each pro up to its balance); each pro keeps its own promise and timeline entry."""

    due_on: date
    shares: tuple[tuple[int, Decimal | str], ...]


@dataclass(frozen=True)
class RouteRequest:
    """A request to a department, the person or desk there, and when the answer is due
    (None: after the department's service level)."""

    department: str  # domain.catalogue.Department
    request: str
    due_on: date | None = None
    owner: str | None = None


@dataclass(frozen=True)
class Resolution:
    """How an item is resolved: the code, whether the cause was fixed (None: not said, which
    is refused), the cause, a note (required for every code but paid in full) and, for a
    write-off or credit, the amount (domain.account_work.resolution_problem)."""

    code: str  # domain.catalogue.RESOLUTION_CODES
    root_cause_fixed: bool | None
    root_cause: str | None = None  # None: keep the item's own
    with_linked: bool = False  # an account-level issue: resolve its linked open pros too
    override_reason: str | None = None  # a supervisor resolving without the script's steps
    note: str = ""
    amount: Decimal | str | None = None  # written_off / credit_issued
    steps_done: tuple[int, ...] = ()  # [check], [wait] or [decide] steps ticked with it


@dataclass(frozen=True)
class DepartmentAnswer:
    """A department's answer to one open request."""

    request_id: int
    answer: str


@dataclass(frozen=True)
class AccountIssueRequest:
    """An account-level issue to open (or, on one, the pros to link to it)."""

    issue_type: str
    root_cause: str | None
    pro_issue_ids: tuple[int, ...] = ()
