"""One process of the account race: wait for the starting gun, then one contact on several pros
of one account with the versions read before the race (services.work.account_actions).

    python account_race.py GATE_DIR DB_URL LOGIN ISSUE_ID:VERSION ...

Exits 0 when the write went through; on a refusal prints the one line a user sees
("arbench: error: ...") on stderr and exits 2, as the command line does.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path


def main() -> int:
    gate, url, login, pairs = Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4:]
    from arbench.errors import ServiceError
    from arbench.services.base import actor_for
    from arbench.services.work import account_actions
    from arbench.services.work.item_inputs import ContactLog
    from arbench.services.work.item_run import Target
    from arbench.store.db import open_database

    db = open_database(url)
    actor = actor_for(db, login)
    targets = [Target(int(i), int(v)) for i, v in (p.split(":") for p in pairs)]
    (gate / f"ready-{os.getpid()}").touch()
    while not (gate / "go").exists():
        time.sleep(0.001)
    try:
        account_actions.log_contacts(db, actor, targets, ContactLog("call", f"Call by {login}"))
    except ServiceError as exc:
        print(f"arbench: error: {exc}", file=sys.stderr)
        return 2
    finally:
        db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
