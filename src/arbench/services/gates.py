"""Checks a resolution must pass before it is written (resolution scripts, trainee approval).

`check_resolution` is called by the resolve action inside its transaction. It returns
"resolve" when the issue may be resolved now, or "pending_approval" when a supervisor must
approve it first; it raises InvalidInput when required script steps are not done.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from arbench.services.base import Actor
from arbench.services.scripts import Outcome, gate
from arbench.store.models import Issue


def check_resolution(
    session: Session,
    actor: Actor,
    issue: Issue,
    resolution_code: str,
    override_reason: str | None = None,
) -> Outcome:
    """Whether `actor` may resolve `issue` with `resolution_code` now (see module docstring).

    Required script steps must be done (every step for a trainee) unless a supervisor gives an
    override reason (audited). A trainee's resolution above the team's approval limit, and a
    write-off by anyone but a supervisor, create a pending approval and return
    "pending_approval". The rules live in services/scripts.py.
    """
    return gate(session, actor, issue, resolution_code, override_reason)
