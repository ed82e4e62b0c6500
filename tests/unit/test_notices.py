"""Proactive exception notices: the pre-audit findings that reach the customer, told before
the invoice from the shipped templates, kept on the pro with the customer's answer."""

from __future__ import annotations

import email
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from arbench.cli import main
from arbench.services.base import InvalidInput, PermissionDenied, actor_for
from arbench.services.correspondence import notices
from arbench.store.db import Database
from arbench.store.models import Activity, AuditEvent
from arbench.store.models_departments import ExceptionNotice

ON = date(2026, 11, 24)
SINCE = date(2026, 11, 1)  # pre-audit re-checks the bills of November too


def _finding(db: Database, rule: str) -> notices.NoticeCandidate:
    return next(c for c in notices.notice_candidates(db, since=SINCE) if c.rule == rule)


def test_only_findings_that_reach_the_customer_are_candidates(demo_db: Database) -> None:
    found = notices.notice_candidates(demo_db)
    assert found and {c.rule for c in found} <= {
        "accessorial_not_requested",
        "pod_missing_required",
    }
    with pytest.raises(InvalidInput, match="'duplicate_bol' is not told to customers"):
        notices.compose_notice(
            demo_db, actor_for(demo_db, "kwright"), found[0].pro, "duplicate_bol"
        )


def test_the_accessorial_notice_lists_the_unrequested_charges(demo_db: Database) -> None:
    finding = _finding(demo_db, "accessorial_not_requested")
    draft = notices.compose_notice(demo_db, actor_for(demo_db, "kwright"), finding.pro,
                                   finding.rule, ON)  # fmt: skip
    conn = sqlite3.connect(demo_db.url.removeprefix("sqlite:///"))
    pro_id, requested = conn.execute(
        "SELECT id, coalesce(bol_accessorials, '') FROM pros WHERE pro = ?", (finding.pro,)
    ).fetchone()
    asked = {c.strip().upper() for c in requested.split(",") if c.strip()}
    lines = conn.execute(
        "SELECT code, amount FROM charge_lines WHERE pro_id = ? AND kind = 'accessorial'", (pro_id,)
    ).fetchall()
    contact = conn.execute(
        "SELECT name, email FROM contacts WHERE account_id = (SELECT account_id FROM pros WHERE "
        "id = ?) AND email IS NOT NULL ORDER BY id LIMIT 1",
        (pro_id,),
    ).fetchone()
    conn.close()
    unrequested = [(code, cents) for code, cents in lines if code.upper() not in asked]
    assert unrequested
    for code, cents in unrequested:
        assert f"({code}, " in draft.body and f"${cents / 100:,.2f}" in draft.body
    assert f"PRO {finding.pro}" in draft.subject and draft.to == contact[1]
    assert f"Hello {contact[0]}," in draft.body and "[?]" not in draft.body


def test_a_sent_notice_and_its_answer_are_kept_on_the_pro(demo_db: Database) -> None:
    finding = _finding(demo_db, "pod_missing_required")
    kwright = actor_for(demo_db, "kwright")
    draft = notices.compose_notice(demo_db, kwright, finding.pro, finding.rule, ON)
    sent = notices.record_notice(demo_db, kwright, draft, on=ON)
    answered = notices.record_notice_answer(demo_db, kwright, sent.id,
                                            "Send it with the delivery receipt", on=ON)  # fmt: skip
    assert (answered.answer, answered.answered_on) == ("Send it with the delivery receipt", ON)
    again = next(c for c in notices.notice_candidates(demo_db, since=SINCE)
                 if (c.pro, c.rule) == (finding.pro, finding.rule))  # fmt: skip
    assert again.notice is not None and again.notice.id == sent.id
    with demo_db.session() as s:
        texts = s.scalars(select(Activity.text).where(Activity.kind == "notice")).all()
        events = s.scalars(
            select(AuditEvent.action).where(AuditEvent.entity == "exception_notice")
        ).all()
    assert any(draft.subject in t for t in texts)
    assert any(f"on PRO {finding.pro}: Send it with the delivery receipt" in t for t in texts)
    assert events == ["notice.send", "notice.answer"]


def test_another_collectors_customer_is_refused(demo_db: Database) -> None:
    finding = _finding(demo_db, "pod_missing_required")
    conn = sqlite3.connect(demo_db.url.removeprefix("sqlite:///"))
    (owner,) = conn.execute(
        "SELECT u.login FROM pros p JOIN accounts a ON a.id = p.account_id "
        "JOIN users u ON u.id = a.collector_id WHERE p.pro = ?",
        (finding.pro,),
    ).fetchone()
    conn.close()
    other = "bchen" if owner != "bchen" else "cpatel"
    draft = notices.compose_notice(
        demo_db, actor_for(demo_db, other), finding.pro, finding.rule, ON
    )
    with pytest.raises(PermissionDenied, match="is another collector's"):
        notices.record_notice(demo_db, actor_for(demo_db, other), draft, on=ON)
    with demo_db.session() as s:
        assert s.scalar(select(ExceptionNotice.id)) is None
    assert notices.record_notice(demo_db, actor_for(demo_db, owner), draft, on=ON).id


def test_notices_send_writes_the_eml_it_records(
    demo_db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    finding = _finding(demo_db, "accessorial_not_requested")
    out = tmp_path / "notice.eml"
    code = main(["--db", demo_db.url, "--as", "kwright", "notices", "send", finding.pro,
                 "--rule", finding.rule, "--out", str(out), "--on", ON.isoformat()])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    message = email.message_from_bytes(out.read_bytes())
    with demo_db.session() as s:
        kept = s.scalar(select(ExceptionNotice))
    assert kept is not None and message["Subject"] == kept.subject
    assert message["To"] == kept.to and message["X-Unsent"] == "1"
    assert kept.body.strip() in message.get_payload(decode=True).decode()  # type: ignore[union-attr]
