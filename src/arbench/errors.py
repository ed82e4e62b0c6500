"""The errors a user can act on, shared by every layer.

They live here, below `store` and `services`, so the store can raise them itself: a lost
optimistic-lock race is a `Conflict` and a dropped connection is `Unreachable`, whichever
modules happen to be imported (no hook for another layer to install on import).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class ServiceError(Exception):
    """An error a user can act on; its message is shown as is."""


class Conflict(ServiceError):
    """Someone else changed the record first; `changes` says what they changed."""

    def __init__(self, message: str, changes: Mapping[str, tuple[Any, Any]] | None = None):
        super().__init__(message)
        self.changes = dict(changes or {})


class Unreachable(ServiceError):
    """The database did not answer; nothing was saved and the action can be tried again."""


def stale_write(detail: str) -> Conflict:
    """The Conflict for a version column that moved under a transaction (nothing was saved)."""
    table = detail.split("table '", 1)[1].split("'", 1)[0] if "table '" in detail else "record"
    return Conflict(
        f"someone else saved a change to the same {table.rstrip('s')} at the same moment; "
        "nothing was saved: reload it and apply your change again"
    )
