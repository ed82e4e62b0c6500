"""On PostgreSQL the window hears other collectors' commits through LISTEN/NOTIFY (its
safety-net poll is stopped, so nothing else can bring them), and a database that stops
accepting connections is reported as such, retried, and recovered from."""

from __future__ import annotations

from datetime import date, timedelta

import psycopg
import pytest
from psycopg import sql
from pytestqt.qtbot import QtBot
from sqlalchemy.engine import make_url

from arbench.services.base import Unreachable, actor_for
from arbench.services.work import items
from arbench.services.work.item_inputs import ContactLog
from arbench.store.db import Database, open_database
from helpers import open_window

ON = date(2026, 11, 24)
NEVER = 120  # seconds: a bound on waiting for what must happen, never a measurement


def set_connections(server: str, name: str, allowed: bool) -> None:
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(
            sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS {}").format(
                sql.Identifier(name), sql.SQL("true" if allowed else "false")
            )
        )
        if not allowed:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (name,),
            )


def test_commits_elsewhere_appear_and_a_lost_server_is_survived(
    qtbot: QtBot, pg_demo_db: Database, pg_server: str
) -> None:
    window = open_window(qtbot, pg_demo_db, "agarcia")
    live = window.features.live_updates
    assert live.listener is not None and live.listener.listening.wait(NEVER)
    live.timer.stop()  # no safety-net poll: only a NOTIFY can bring the change below
    said: list[str] = []  # every status message, so none is missed when the next replaces it
    window.statusBar().messageChanged.connect(said.append)

    def told(text: str) -> str | None:
        return next((message for message in said if text in message), None)

    other = open_database(pg_demo_db.url)  # a colleague's machine
    try:
        target = window.pro_view.model.items[0]
        follow_up = ON + timedelta(days=5)
        items.log_contact(
            other,
            actor_for(other, "kwright"),
            target.id,
            None,
            ContactLog(kind="email", text="sent the inspection certificate", follow_up=follow_up),
            on=ON,
        )

        def shown() -> date | None:
            row = window.pro_view.model.row_of(target.id)
            return None if row is None else window.pro_view.model.items[row].follow_up

        qtbot.waitUntil(lambda: shown() == follow_up, timeout=NEVER * 1000)

        name = str(make_url(pg_demo_db.url).database)
        set_connections(pg_server, name, allowed=False)
        try:
            with pytest.raises(Unreachable, match="nothing was saved, try again"):
                items.log_contact(
                    other,
                    actor_for(other, "agarcia"),
                    target.id,
                    None,
                    ContactLog(kind="note", text="typed during the outage"),
                    on=ON,
                )
            live.poll()
            qtbot.waitUntil(lambda: told("Lost contact") is not None, timeout=NEVER * 1000)
            assert "retrying in" in str(told("Lost contact"))
        finally:
            set_connections(pg_server, name, allowed=True)
        live.poll()
        qtbot.waitUntil(lambda: told("restored") is not None, timeout=NEVER * 1000)
        items.log_contact(
            other,
            actor_for(other, "agarcia"),
            target.id,
            None,
            ContactLog(kind="note", text="typed during the outage"),
            on=ON,
        )
    finally:
        other.dispose()
        live.stop()
