"""A process that applies one remittance file, for the race test (spawned, own connection)."""

from __future__ import annotations

import traceback
from datetime import date
from pathlib import Path
from typing import Any

from arbench.services.intake.remittance import apply_remittance
from arbench.store.db import open_database
from helpers import NIGHTLY


def apply_once(url: str, path: str, account: str, on: date, barrier: Any) -> dict[str, Any]:
    """Wait for every worker, then apply the file; report what came back (or the crash)."""
    db = open_database(url)
    try:
        barrier.wait(120)
        summary = apply_remittance(db, Path(path), account=account, on=on, actor=NIGHTLY)
        return {"ok": summary.ok, "errors": summary.errors, "batch_id": summary.batch_id,
                "issues_opened": summary.issues_opened}  # fmt: skip
    except Exception:
        return {"ok": False, "crash": traceback.format_exc(limit=6)}
    finally:
        db.dispose()
