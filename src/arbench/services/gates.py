"""Checks a resolution must pass before it is written (resolution scripts, trainee approval).

`check_resolution` is called by the resolve action inside its transaction. It returns
"resolve" when the issue may be resolved now, or "pending_approval" when a supervisor must
approve it first; it raises InvalidInput when required script steps are not done.
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy.orm import Session

from arbench.services.base import Actor
from arbench.store.models import Issue

Outcome = Literal["resolve", "pending_approval"]


def check_resolution(
    session: Session,
    actor: Actor,
    issue: Issue,
    resolution_code: str,
    override_reason: str | None = None,
) -> Outcome:
    """Whether `actor` may resolve `issue` with `resolution_code` now (see module docstring)."""
    return "resolve"
