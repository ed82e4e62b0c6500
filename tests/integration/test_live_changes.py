"""Other collectors' changes reach a screen: the audit-log cursor (both backends) and, on
PostgreSQL, LISTEN/NOTIFY on commit with reconnection after a lost connection."""

from __future__ import annotations

import queue
from datetime import date, timedelta

import psycopg
import pytest
from sqlalchemy import select

from arbench.services import changes
from arbench.services.base import actor_for, audit
from arbench.services.permissions import writing
from arbench.services.work import items, resolution
from arbench.services.work.item_inputs import ContactLog, Resolution
from arbench.store.db import Database, open_database
from arbench.store.models import Issue, User

AS_OF = date(2026, 11, 24)
NEVER = 120  # seconds: a bound on waiting for an event that must come, never a measurement


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


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
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
    resolution.resolve(
        book,
        supervisor,
        issue_id,
        version,
        Resolution(
            code="rebilled",
            root_cause_fixed=True,
            root_cause="pod_missing",
            note="Rebilled with the POD",
        ),
        on=AS_OF,
    )
    resolved = cursor.poll()
    assert issue_id in resolved.issue_ids
    gone = changes.changes_of(book, resolved.issue_ids, AS_OF)
    assert issue_id in gone.removed and gone.item(issue_id) is None


def heard_until(heard: queue.Queue[str], entity: str) -> list[str]:
    """Every payload heard up to and including the first that names `entity`.

    PostgreSQL delivers notifications in commit order, so whatever a transaction before that
    commit announced is in the list too. The timeout only ends a test whose notification never
    comes; no assertion depends on how long anything takes.
    """
    payloads = [heard.get(timeout=NEVER)]
    while entity not in payloads[-1]:
        payloads.append(heard.get(timeout=NEVER))
    return payloads


def test_notify_on_commit_only_and_listener_reconnects(pg_demo_db: Database) -> None:
    heard: queue.Queue[str] = queue.Queue()
    states: queue.Queue[tuple[bool, str]] = queue.Queue()
    listener = changes.ChangeListener(pg_demo_db, heard.put, lambda ok, msg: states.put((ok, msg)))
    listener.start()
    other = open_database(pg_demo_db.url)  # another collector's machine
    try:
        assert listener.listening.wait(NEVER)
        issue_id, version = first_item(other, "agarcia")
        abandoned_id, _ = first_item(other, "bchen")  # a different item: its id tells them apart
        actor = actor_for(other, "agarcia")
        with (
            pytest.raises(RuntimeError, match="abandoned"),
            writing("test.rollback"),
            other.session() as s,
        ):
            audit(s, actor, "test.rollback", "issue", abandoned_id)
            s.flush()  # the NOTIFY is issued here, inside the transaction that rolls back
            raise RuntimeError("abandoned")
        items.log_contact(
            other,
            actor,
            issue_id,
            version,
            ContactLog(kind="note", text="sent POD request"),
            on=AS_OF,
        )
        payloads = heard_until(heard, f'"issue:{issue_id}"')
        assert len(payloads) == 1, payloads  # nothing from the rolled-back transaction
        assert f'"issue:{abandoned_id}"' not in payloads[0]

        with psycopg.connect(pg_demo_db.url.replace("+psycopg", ""), autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()"
            )
        lost = states.get(timeout=NEVER)
        while lost[0]:  # skip any "listening" report still on its way
            lost = states.get(timeout=NEVER)
        assert "retrying in" in lost[1], lost
        back = states.get(timeout=NEVER)
        while not back[0]:  # a retry that failed again: wait for the one that connects
            back = states.get(timeout=NEVER)
        assert back == (True, "listening for other collectors' changes"), back
        items.log_contact(
            other, actor, issue_id, None, ContactLog(kind="note", text="second note"), on=AS_OF
        )
        assert heard_until(heard, f'"issue:{issue_id}"')  # heard after the reconnection
    finally:
        listener.stop()
        other.dispose()
