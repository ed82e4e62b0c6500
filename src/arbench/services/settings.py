"""Team-wide settings kept in the database (so every collector works to the same rules).

The company's own details (name, addresses, contact, logo) are the company profile's
(services/admin/company.py); mail servers are services/correspondence/mail_settings.py's.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from arbench.domain.day_plan import DEFAULT_CAPACITY
from arbench.domain.priority import DEFAULT_DISPUTE_WINDOW_DAYS
from arbench.domain.terms import normal_currency
from arbench.services.base import Actor, InvalidInput, audit, require_supervisor
from arbench.services.permissions import SUPERVISORS, service
from arbench.store.db import Database
from arbench.store.models import Setting

DEFAULTS: dict[str, str] = {
    "dispute_window_days": str(DEFAULT_DISPUTE_WINDOW_DAYS),
    "promotion_threshold": "3",  # open pro issues with one root cause on one account ...
    "promotion_window_days": "30",  # ... opened within this many days propose an account issue
    "recurrence_window_days": "90",
    "trainee_approval_limit": "1000.00",  # trainee resolutions above this wait for a supervisor
    "daily_capacity": str(DEFAULT_CAPACITY),  # accounts a collector contacts per day (default)
    "undo_minutes": "5",  # the last action can be undone this long after it was saved
    "company_currency": "USD",  # the currency of accounts whose registers name none
}


@dataclass(frozen=True)
class TeamSettings:
    dispute_window_days: int
    promotion_threshold: int
    promotion_window_days: int
    recurrence_window_days: int
    trainee_approval_limit: Decimal
    daily_capacity: int = DEFAULT_CAPACITY
    undo_minutes: int = 5
    company_currency: str = "USD"


def _values(session: Session) -> dict[str, str]:
    stored = {s.key: s.value for s in session.scalars(select(Setting))}
    return {**DEFAULTS, **stored}


def read_settings(session: Session) -> TeamSettings:
    """The team settings, defaults filled in, from an open session."""
    v = _values(session)
    return TeamSettings(
        dispute_window_days=int(v["dispute_window_days"]),
        promotion_threshold=int(v["promotion_threshold"]),
        promotion_window_days=int(v["promotion_window_days"]),
        recurrence_window_days=int(v["recurrence_window_days"]),
        trainee_approval_limit=Decimal(v["trainee_approval_limit"]),
        daily_capacity=int(v["daily_capacity"]),
        undo_minutes=int(v["undo_minutes"]),
        company_currency=v["company_currency"],
    )


def get_settings(db: Database) -> TeamSettings:
    """The team settings, defaults filled in."""
    with db.session() as session:
        return read_settings(session)


def _checked(key: str, value: str) -> str:
    """The value to store, or InvalidInput saying what the setting needs."""
    if key == "company_currency":
        code = normal_currency(value)
        if code is None:
            raise InvalidInput(
                f"setting '{key}' needs a three-letter code such as USD, not '{value}'"
            )
        return code
    try:
        if key == "trainee_approval_limit":
            Decimal(value)
        elif int(value) < 1:
            raise ValueError
    except Exception:
        raise InvalidInput(f"setting '{key}' needs a positive number, not '{value}'") from None
    return value


@service(SUPERVISORS, "change team settings")
def set_setting(db: Database, actor: Actor, key: str, value: str) -> TeamSettings:
    """Change one team setting (supervisors only); the value is checked before it is stored."""
    require_supervisor(actor, "change team settings")
    if key not in DEFAULTS:
        raise InvalidInput(f"unknown setting '{key}'; known: {', '.join(sorted(DEFAULTS))}")
    value = _checked(key, value)
    with db.session() as session:
        row = session.get(Setting, key)
        before = {"value": row.value if row else DEFAULTS[key]}
        if row is None:
            session.add(Setting(key=key, value=value))
        else:
            row.value = value
        audit(
            session,
            actor,
            "setting.set",
            "setting",
            None,
            {"key": key, **before},
            {"key": key, "value": value},
        )
        session.flush()
        return read_settings(session)
