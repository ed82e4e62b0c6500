"""Emails from templates: merge fields filled from the item, .eml written and read back, logged."""

from __future__ import annotations

from email import policy
from email.parser import BytesParser
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy import select

from arbench.domain.content import template_fields
from arbench.services.base import actor_for
from arbench.services.correspondence import email
from arbench.services.knowledge import content
from arbench.services.work import item_detail
from arbench.store.db import Database
from arbench.store.models import AuditEvent, Issue


def _pod_item(db: Database) -> int:
    with db.session() as s:
        found = s.scalars(
            select(Issue.id).where(Issue.type == "pod_requested", Issue.status == "open")
        ).first()
    assert found is not None
    return found


def test_pod_template_is_filled_from_the_item(demo_db: Database) -> None:
    content.load_shipped(demo_db)
    issue_id = _pod_item(demo_db)
    detail = item_detail.item_detail(demo_db, issue_id)
    assert detail.pro is not None
    kwright = actor_for(demo_db, "kwright")
    draft = email.compose(demo_db, kwright, issue_id, "pod_copy")
    pro = detail.pro
    assert draft.missing == ()
    assert draft.subject == f"Proof of delivery: PRO {pro.pro}, invoice {pro.invoice_number}"
    assert draft.to and draft.to in {c.email for c in detail.account.contacts}
    for expected in (
        f"PRO {pro.pro} (BOL {pro.bol})", f"on {pro.delivery_date.isoformat()}",  # type: ignore[union-attr]
        f"for ${pro.amount:,.2f}", "Karen Wright", "Demo Freight Lines", "kwright@demofreight.example",
    ):  # fmt: skip
        assert expected in draft.body
    assert "{" not in draft.body and "[?]" not in draft.body


def test_every_shipped_template_fills_for_a_pro_item(demo_db: Database) -> None:
    content.load_shipped(demo_db)
    issue_id = _pod_item(demo_db)
    values = email.merge_values(demo_db, actor_for(demo_db, "kwright"), issue_id)
    pro_fields = {"pro", "bol", "amount", "open_amount", "due_date", "customer_name",
                  "contact_name", "collector_name", "company_name", "today"}  # fmt: skip
    assert pro_fields <= set(values)
    bundle = content.current_bundle(demo_db)
    for key, template in bundle.templates.items():
        draft = email.compose(demo_db, actor_for(demo_db, "kwright"), issue_id, key)
        assert set(draft.missing) <= set(template_fields(template)) - set(values), key


def test_eml_is_written_and_parsed_back_and_the_email_is_logged(
    demo_db: Database, tmp_path: Path
) -> None:
    content.load_shipped(demo_db)
    issue_id = _pod_item(demo_db)
    kwright = actor_for(demo_db, "kwright")
    draft = email.compose(demo_db, kwright, issue_id, "pod_copy")
    path = email.write_eml(draft, tmp_path / "pod.eml")
    message = BytesParser(policy=policy.default).parsebytes(path.read_bytes())
    assert message["To"] == draft.to and message["Subject"] == draft.subject
    assert message["From"] == "kwright@demofreight.example"
    assert message.get_content().rstrip("\n") == draft.body.rstrip("\n")

    url = urlsplit(email.mailto_url(draft))
    assert url.scheme == "mailto" and unquote(url.path) == draft.to
    query = parse_qs(url.query)
    assert query["subject"] == [draft.subject]
    assert query["body"][0].replace("\r\n", "\n") == draft.body

    email.log_email(demo_db, kwright, issue_id, draft, "saved as pod.eml")
    timeline = item_detail.item_detail(demo_db, issue_id).timeline
    assert timeline[0].kind == "email" and draft.subject in timeline[0].text
    with demo_db.session() as s:
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "issue.email")).one()
    assert event.entity_id == issue_id and event.after and event.after["template"] == "pod_copy"
