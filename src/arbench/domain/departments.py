"""Departments in the loop: names, service levels (SLA) and when a request is overdue.

Pure rules. A request routed to a department is due `sla_days` after it was asked unless the
collector gives a date; it is overdue the day after its due date, and an overdue request that
is still open goes to the department's lead once (escalation).
"""

from __future__ import annotations

from datetime import date, timedelta

from arbench.domain.catalogue import Department

DEFAULT_SLA_DAYS = 5  # a department without its own service level answers within 5 days
MAX_SLA_DAYS = 90
NAMES = tuple(d.value for d in Department)


def department_names(text: str, option: str = "--department") -> tuple[str, ...]:
    """'pricing,billing' -> ('pricing', 'billing'), each an exact department name.

    Raises ValueError naming the first unknown name (and the known ones); an empty list too."""
    names = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    if not names:
        raise ValueError(f"{option} needs at least one department: {', '.join(NAMES)}")
    for name in names:
        if name not in NAMES:
            raise ValueError(
                f"{option}: '{name}' is not a department; departments are {', '.join(NAMES)}"
            )
    return names


def check_sla_days(days: int) -> int:
    """A service level in whole days between 1 and MAX_SLA_DAYS (ValueError otherwise)."""
    if not 1 <= days <= MAX_SLA_DAYS:
        raise ValueError(f"a service level is 1 to {MAX_SLA_DAYS} days, not {days}")
    return days


def due_by_sla(asked_on: date, sla_days: int | None) -> date:
    """When an answer is due: `sla_days` after the request was asked."""
    return asked_on + timedelta(days=sla_days or DEFAULT_SLA_DAYS)


def is_overdue(due_on: date, on: date) -> bool:
    """A request is overdue once its due date has passed."""
    return due_on < on


def days_overdue(due_on: date, on: date) -> int:
    return max(0, (on - due_on).days)
