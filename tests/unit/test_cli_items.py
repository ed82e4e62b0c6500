"""`arbench promises settle` and `arbench proposals`: output equals the database."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from arbench.cli import main
from arbench.services.base import actor_for
from arbench.services.work import items as actions
from arbench.services.work.item_detail import item_detail
from arbench.services.work.item_inputs import PromiseToPay
from arbench.services.work.worklist import worklist
from arbench.store.db import Database
from arbench.store.models import Promise

ON = date(2026, 11, 24)


def test_settle_reports_and_marks_broken_promises(
    demo_db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    item = next(
        i for i in worklist(demo_db, "agarcia", ON) if i.level == "pro" and i.status == "open"
    )
    version = item_detail(demo_db, item.id).version
    actions.record_promise(
        demo_db,
        actor_for(demo_db, "agarcia"),
        item.id,
        version,
        PromiseToPay(amount="50.00", due_on=ON),
        on=ON,
    )
    with demo_db.session() as s:
        open_before = s.scalar(
            select(func.count()).select_from(Promise).where(Promise.status == "open")
        )
    assert (
        main(
            [
                "--db",
                demo_db.url,
                "--as",
                "kwright",
                "promises",
                "settle",
                "--on",
                (ON + timedelta(days=60)).isoformat(),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    with demo_db.session() as s:
        still_open = s.scalar(
            select(func.count()).select_from(Promise).where(Promise.status == "open")
        )
        mine = s.scalar(
            select(Promise.status).where(Promise.issue_id == item.id, Promise.made_on == ON)
        )
    assert still_open == 0 and mine == "broken"
    assert out.startswith(f"{open_before:,} open promise(s) checked on 2027-01-23:")


def test_proposals_json_lists_the_pattern(
    demo_db: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    from arbench.services.settings import set_setting

    set_setting(demo_db, actor_for(demo_db, "kwright"), "promotion_window_days", "3650")
    by_account: dict[str, list[int]] = {}
    for item in worklist(demo_db, "agarcia", ON):
        if item.level == "pro" and item.parent_id is None:
            by_account.setdefault(item.account_number, []).append(item.id)
    number, ids = next((k, v[:3]) for k, v in by_account.items() if len(v) >= 3)
    for issue_id in ids:
        actions.set_root_cause(
            demo_db, actor_for(demo_db, "agarcia"), issue_id, None, code="paid_twice", on=ON
        )
    assert (
        main(
            [
                "--db",
                demo_db.url,
                "proposals",
                "--user",
                "agarcia",
                "--on",
                ON.isoformat(),
                "--format",
                "json",
            ]
        )
        == 0
    )
    rows = json.loads(capsys.readouterr().out)
    [row] = [r for r in rows if r["account_number"] == number and r["root_cause"] == "paid_twice"]
    assert row["issue_type"] == "remittance_mismatch" and set(ids) <= set(row["issue_ids"])
    assert main(["--db", demo_db.url, "proposals", "--user", "nobody"]) == 2
    assert "unknown user 'nobody'" in capsys.readouterr().err
