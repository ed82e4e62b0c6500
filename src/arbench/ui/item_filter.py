"""What a list's filter keeps: level, issue type, root cause, bucket, amount, days past due,
dispute window and the department an item waits on. No Qt: a `ShownRows` applies it beside the
type-ahead search, and saved views store it as JSON.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from decimal import Decimal, InvalidOperation
from typing import Any

from arbench.domain.catalogue import ISSUE_TYPES, ROOT_CAUSES
from arbench.domain.priority import BUCKET_LABELS, Bucket
from arbench.services.work.worklist import WorkItem

NOT_SET = "-"  # the root-cause filter's "not set yet"
ANY_DEPARTMENT = "*"  # waiting on any department


@dataclass(frozen=True)
class ItemFilter:
    """Every field None (or empty) keeps everything; the set ones must all hold."""

    level: str | None = None
    type: str | None = None
    root_cause: str | None = None  # a cause code, or NOT_SET
    bucket: int | None = None
    min_amount: Decimal | None = None
    max_amount: Decimal | None = None
    min_days: int | None = None  # days past due, at least
    max_days: int | None = None
    window_within: int | None = None  # dispute window closes within this many days (still open)
    waiting_on: str | None = None  # a department, or ANY_DEPARTMENT

    @property
    def active(self) -> bool:
        return any(getattr(self, f.name) is not None for f in fields(self))

    def matches(self, item: WorkItem) -> bool:
        checks = (
            self.level is None or item.level == self.level,
            self.type is None or item.type == self.type,
            self.root_cause is None or (item.root_cause or NOT_SET) == self.root_cause,
            self.bucket is None or item.bucket == self.bucket,
            self.min_amount is None or item.open_amount >= self.min_amount,
            self.max_amount is None or item.open_amount <= self.max_amount,
            self.min_days is None or item.days_past_due >= self.min_days,
            self.max_days is None or item.days_past_due <= self.max_days,
            self.window_within is None or (
                item.dispute_days_left is not None
                and 0 <= item.dispute_days_left <= self.window_within
            ),
            self.waiting_on is None or (
                item.waiting_on is not None
                and self.waiting_on in (ANY_DEPARTMENT, item.waiting_on)
            ),
        )  # fmt: skip
        return all(checks)

    def describe(self) -> str:
        """The filter in words ("type: POD requested · amount ≥ 1,000.00")."""
        parts = []
        if self.level:
            parts.append(f"{self.level}-level")
        if self.type:
            parts.append(
                f"type: {ISSUE_TYPES[self.type].name if self.type in ISSUE_TYPES else self.type}"
            )
        if self.root_cause:
            cause = ROOT_CAUSES.get(self.root_cause)
            parts.append(f"root cause: {cause.name if cause else 'not set'}")
        if self.bucket is not None:
            parts.append(BUCKET_LABELS[Bucket(self.bucket)].lower())
        if self.min_amount is not None:
            parts.append(f"amount ≥ {self.min_amount:,.2f}")
        if self.max_amount is not None:
            parts.append(f"amount ≤ {self.max_amount:,.2f}")
        if self.min_days is not None:
            parts.append(f"≥ {self.min_days} days past due")
        if self.max_days is not None:
            parts.append(f"≤ {self.max_days} days past due")
        if self.window_within is not None:
            parts.append(f"dispute window closes within {self.window_within} days")
        if self.waiting_on:
            parts.append("waiting on " + ("a department" if self.waiting_on == ANY_DEPARTMENT
                                          else self.waiting_on))  # fmt: skip
        return " · ".join(parts)

    def to_json(self) -> dict[str, Any]:
        return {k: (str(v) if isinstance(v, Decimal) else v)
                for k, v in asdict(self).items() if v is not None}  # fmt: skip

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ItemFilter:
        """A filter saved by `to_json` (unknown or broken values are left out)."""
        known = {f.name for f in fields(cls)}
        out = cls()
        for key, value in data.items():
            if key not in known or value is None:
                continue
            try:
                if key in ("min_amount", "max_amount"):
                    value = Decimal(str(value))
                elif key in ("bucket", "min_days", "max_days", "window_within"):
                    value = int(value)
                else:
                    value = str(value)
            except (ValueError, InvalidOperation):
                continue
            out = replace(out, **{key: value})
        return out
