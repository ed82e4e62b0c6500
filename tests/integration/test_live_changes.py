"""Other collectors' changes reach a screen: the audit-log cursor (both backends) and, on
PostgreSQL, LISTEN/NOTIFY on commit with reconnection after a lost connection."""

from __future__ import annotations

import queue
import time
from datetime import date, timedelta

import psycopg
import pytest
from sqlalchemy import select

from arbench.services import changes, items
from arbench.services.base import actor_for
from arbench.services.item_inputs import ContactLog, Resolution
from arbench.store.db import Database, open_database
from arbench.store.models import Issue, User

AS_OF = date(2026, 11, 24)


def first_item(db: Database, login: str) -> tuple[int, int]:
    with db.session() as s:
        uid = s.scalar(select(User.id).where(User.login == login))
        issue = s.scalars(
            select(Issue)
            .where(Issue.owner_id == uid, Issue.level == "pro", Issue.status == "open")
            .order_by(Issue.id)
        ).first()
        assert issue is not None
        return issue.id, issue.version


@pytest.fixture(params=["sqlite", "postgresql"])
def book(request: pytest.FixtureRequest) -> Database:
    name = "demo_db" if request.param == "sqlite" else "pg_demo_db"
    return request.getfixturevalue(name)  # type: ignore[no-any-return]


def test_cursor_reports_a_colleagues_change_and_the_row_to_redraw(book: Database) -> None:
    cursor = changes.ChangeCursor(book)
    assert cursor.poll().empty
    issue_id, version = first_item(book, "agarcia")
    supervisor = actor_for(book, "kwright")
    follow_up = AS_OF + timedelta(days=9)
    items.log_contact(
        book,
        supervisor,
        issue_id,
        version,
        ContactLog(kind="call", outcome="promised POD", follow_up=follow_up),
        on=AS_OF,
    )

    assert cursor.poll(skip_login="kwright").empty  # one's own changes are already on screen
    cursor = changes.ChangeCursor(book, start=cursor.last - 1)
    seen = cursor.poll(skip_login="agarcia")
    assert [(c.user_login, c.entity, c.entity_id) for c in seen.changes] == [
        ("kwright", "issue", issue_id)
    ]
    assert seen.issue_ids == {issue_id} and not seen.reload_all
    assert cursor.poll().empty  # reported once

    delta = changes.changes_of(book, seen.issue_ids, AS_OF)
    assert [i.follow_up for i in delta.items] == [follow_up] and not delta.removed
    with book.session() as s:  # the row says whose list it belongs on (agarcia's, not bchen's)
        owner = s.get(Issue, issue_id).owner_id  # type: ignore[union-attr]
    assert [i.owner_id for i in delta.items] == [owner] and owner == actor_for(book, "agarcia").id

    with book.session() as s:
        version = s.get(Issue, issue_id).version  # type: ignore[union-attr]
    items.resolve(
        book,
        supervisor,
        issue_id,
        version,
        Resolution(code="paid_in_full", root_cause_fixed=True, root_cause="pod_missing"),
        on=AS_OF,
    )
    resolved = cursor.poll()
    assert issue_id in resolved.issue_ids
    gone = changes.changes_of(book, resolved.issue_ids, AS_OF)
    assert issue_id in gone.removed and gone.item(issue_id) is None


def test_notify_on_commit_only_and_listener_reconnects(pg_demo_db: Database) -> None:
    heard: queue.Queue[str] = queue.Queue()
    states: list[tuple[bool, str]] = []
    listener = changes.ChangeListener(
        pg_demo_db, heard.put, lambda ok, msg: states.append((ok, msg))
    )
    listener.start()
    other = open_database(pg_demo_db.url)  # another collector's machine
    try:
        assert listener.listening.wait(10)
        issue_id, version = first_item(other, "agarcia")
        actor = actor_for(other, "agarcia")
        with pytest.raises(RuntimeError), other.session() as s:  # rolled back: no notification
            from arbench.services.base import audit

            audit(s, actor, "test.rollback", "issue", issue_id)
            s.flush()
            raise RuntimeError("abandoned")
        items.log_contact(
            other,
            actor,
            issue_id,
            version,
            ContactLog(kind="note", text="sent POD request"),
            on=AS_OF,
        )
        payload = heard.get(timeout=5)
        assert f"issue:{issue_id}" in payload
        assert heard.empty()

        with psycopg.connect(pg_demo_db.url.replace("+psycopg", ""), autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()"
            )
        deadline = time.monotonic() + 15
        while not any(not ok for ok, _ in states) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert any(not ok and "retrying in" in msg for ok, msg in states), states
        assert listener.listening.wait(15), "the listener did not reconnect"
        items.log_contact(
            other, actor, issue_id, None, ContactLog(kind="note", text="second note"), on=AS_OF
        )
        assert f"issue:{issue_id}" in heard.get(timeout=5)
    finally:
        listener.stop()
        other.dispose()
