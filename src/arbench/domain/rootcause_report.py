"""The root-cause report as plain values: what the CLI prints, the GUI charts and the exports
write (the services fill it; io writes it). JSON keys are those of `arbench rootcauses`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from arbench.domain.rootcause import DEFAULT_MINUTES, Totals


def _totals(t: Totals) -> dict[str, Any]:
    return {"count": t.count, "amount": str(t.amount), "open_amount": str(t.open_amount),
            "days_outstanding": t.days, "average_days": _dec(t.average_days),
            "minutes": t.minutes, "hours": str(t.hours)}  # fmt: skip


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


@dataclass(frozen=True)
class CauseLine:
    """One root cause: its totals, its share of all items and the running share (Pareto)."""

    code: str
    name: str
    department: str | None
    level: str
    totals: Totals
    share: Decimal
    cumulative: Decimal

    def to_json(self) -> dict[str, Any]:
        return {"root_cause": self.code, "name": self.name, "department": self.department,
                "level": self.level, **_totals(self.totals), "share": str(self.share),
                "cumulative_share": str(self.cumulative)}  # fmt: skip


@dataclass(frozen=True)
class GroupLine:
    """One root cause within one customer, lane, shipper, origin, charge code or month."""

    code: str
    group: str
    totals: Totals

    def to_json(self) -> dict[str, Any]:
        return {"root_cause": self.code, "group": self.group, **_totals(self.totals)}


@dataclass(frozen=True)
class RecurrenceLine:
    """A cause fixed at account level, followed: the pros with its symptoms before and after."""

    issue_id: int
    account_number: str
    account_name: str
    root_cause: str | None
    fixed_on: date
    signals: tuple[str, ...]  # the pro-level causes that are its symptoms
    before: int  # pros with those causes opened in the same span before the fix
    after: int  # ... opened after the fix, to the report's end
    verdict: str  # stopped | fewer | not stopped

    def to_json(self) -> dict[str, Any]:
        return {"issue_id": self.issue_id, "account_number": self.account_number,
                "account_name": self.account_name, "root_cause": self.root_cause,
                "fixed_on": self.fixed_on.isoformat(), "symptom_causes": list(self.signals),
                "before": self.before, "after": self.after, "verdict": self.verdict}  # fmt: skip


@dataclass(frozen=True)
class RootCauseReport:
    start: date
    end: date
    department: str | None  # None: every department (management)
    by: str | None  # customer | lane | shipper | origin | charge | month, or None
    causes: tuple[CauseLine, ...]
    groups: tuple[GroupLine, ...] = ()
    months: tuple[str, ...] = ()
    trend: Mapping[str, list[int]] = field(default_factory=dict)  # cause -> count per month
    recurrence: tuple[RecurrenceLine, ...] = ()

    @property
    def totals(self) -> Totals:
        return sum((c.totals for c in self.causes), Totals())

    def to_json(self) -> dict[str, Any]:
        return {
            "period": {"from": self.start.isoformat(), "to": self.end.isoformat()},
            "department": self.department, "by": self.by, "totals": _totals(self.totals),
            "causes": [c.to_json() for c in self.causes],
            "groups": [g.to_json() for g in self.groups],
            "trend": {"months": list(self.months),
                      "causes": {code: counts for code, counts in self.trend.items()}},
            "recurrence": [r.to_json() for r in self.recurrence],
            "hours_basis": {"default_minutes": dict(DEFAULT_MINUTES),
                            "counted": "contacts logged on the items: minutes entered, else the default"},
        }  # fmt: skip
