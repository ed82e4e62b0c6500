"""Reminder cadences, the pure rules: which step of a cadence is due for a pro on a day.

A cadence is a sequence of steps, each `offset_days` from the pro's due date (negative: before
it, 0: on it, 7: a week after). On a day, the step due for a pro is the latest one whose day has
come, provided that day is at most `GRACE_DAYS` ago (a day the daily run missed is caught up; a
cadence set up today does not send its "+30" to every old pro at once).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

GRACE_DAYS = 7


@dataclass(frozen=True)
class CadenceStep:
    id: int
    offset_days: int
    template: str


def step_due(steps: Sequence[CadenceStep], due_date: date, on: date) -> CadenceStep | None:
    """The step due for a pro with `due_date` on day `on`, or None."""
    reached = [s for s in steps if due_date + timedelta(days=s.offset_days) <= on]
    if not reached:
        return None
    latest = max(reached, key=lambda s: s.offset_days)
    if (on - (due_date + timedelta(days=latest.offset_days))).days > GRACE_DAYS:
        return None
    return latest


def due_window(steps: Sequence[CadenceStep], on: date) -> tuple[date, date]:
    """The due dates (first, last) for which some step can be due on `on`."""
    offsets = [s.offset_days for s in steps]
    return on - timedelta(days=max(offsets) + GRACE_DAYS), on - timedelta(days=min(offsets))


def parse_step(text: str) -> tuple[int, str]:
    """'-3:payment_reminder_upcoming' or '+7:past_due_reminder' -> (offset, template)."""
    offset, sep, template = text.partition(":")
    if not sep or not template.strip():
        raise ValueError(
            f"a step is OFFSET:TEMPLATE (e.g. -3:payment_reminder_upcoming), not '{text}'"
        )
    try:
        return int(offset.strip().replace("+", "")), template.strip()
    except ValueError:
        raise ValueError(
            f"the step offset must be whole days (e.g. -3, 0, +7), not '{offset}'"
        ) from None
