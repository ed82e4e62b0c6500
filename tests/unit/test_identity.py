"""Who acts on a SQLite file: `--as` names the user (the file's OS permissions are the
boundary), a supervisor acts for someone only through an explicit `--act-for`, and the audit
keeps the user, the supervisor who acted for them and the OS account."""

from __future__ import annotations

import getpass

import pytest
from sqlalchemy import select

from arbench.services.base import PermissionDenied
from arbench.services.identity import connected_login, sign_in
from arbench.services.work import items
from arbench.services.work.item_inputs import ContactLog
from arbench.services.work.worklist import worklist
from arbench.store.db import Database
from arbench.store.models import AuditEvent, Issue
from helpers import ON, run_cli


def last_event(db: Database) -> tuple[str, str | None, str | None, str]:
    with db.session() as s:
        event = s.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
        return event.user_login, event.db_login, event.acted_by, event.action


def test_a_sqlite_file_is_its_owners(demo_db: Database) -> None:
    login = connected_login(demo_db)
    assert login.owner and not login.team and login.name == getpass.getuser()
    assert sign_in(demo_db, None) is None  # nobody named: commands that write ask for --as
    me = sign_in(demo_db, "agarcia")
    assert me is not None and (me.login, me.db_login, me.acted_by) == ("agarcia", login.name, None)


def test_acting_for_someone_is_for_supervisors_and_names_both(demo_db: Database) -> None:
    with pytest.raises(PermissionDenied, match="only a supervisor can act for someone else"):
        sign_in(demo_db, "agarcia", act_for="bchen")
    with pytest.raises(PermissionDenied, match="--act-for needs --as SUPERVISOR"):
        sign_in(demo_db, None, act_for="agarcia")
    actor = sign_in(demo_db, "kwright", act_for="agarcia")
    assert actor is not None and actor.login == "agarcia" and actor.role.value == "collector"
    item = worklist(demo_db, "agarcia", ON)[0]
    with demo_db.session() as s:
        version = s.get(Issue, item.id).version  # type: ignore[union-attr]
    items.log_contact(
        demo_db, actor, item.id, version, ContactLog("call", outcome="left a message"), on=ON
    )
    assert last_event(demo_db) == ("agarcia", getpass.getuser(), "kwright", "issue.call")


def test_the_cli_acts_for_someone_only_when_told(
    demo_db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_cli(capsys, "--db", demo_db.url, "--as", "agarcia", "--act-for", "bchen",
                           "promises", "settle", "--on", "2027-01-31")  # fmt: skip
    assert code == 2 and err.count("\n") == 1 and "only a supervisor can act for someone" in err
    code, out, err = run_cli(capsys, "--db", demo_db.url, "--as", "kwright", "--act-for",
                             "agarcia", "promises", "settle", "--on", "2027-01-31")  # fmt: skip
    assert code == 0, err
    user, db_login, acted_by, action = last_event(demo_db)
    assert (user, db_login, acted_by) == ("agarcia", getpass.getuser(), "kwright")
    assert action in ("promise.kept", "promise.broken")
