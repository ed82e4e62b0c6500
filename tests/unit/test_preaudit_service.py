"""The pre-audit list built from draft pros in the book."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select, update

from arbench.services.intake.preaudit import preaudit
from arbench.store.db import Database
from arbench.store.models import Account, ChargeLine, Pro


def _drafts(db: Database) -> list[Pro]:
    with db.session() as s:
        return list(s.scalars(select(Pro).where(Pro.billing_status == "draft").order_by(Pro.id)))


def test_each_draft_rule_is_routed(demo_db: Database) -> None:
    drafts = _drafts(demo_db)
    assert len(drafts) >= 3
    first, second, third = drafts[:3]
    with demo_db.session() as s:
        s.execute(update(Pro).where(Pro.id == first.id).values(bol=None))
        s.execute(update(Pro).where(Pro.id == second.id).values(bol_weight=second.weight - 500))  # type: ignore[operator]
        other = s.scalars(select(Pro).where(Pro.billing_status == "billed").limit(1)).one()
        s.execute(update(Pro).where(Pro.id == third.id).values(bol=other.bol))
        s.add(ChargeLine(pro_id=third.id, seq=99, kind="accessorial", code="LFT",
                         description="Liftgate", amount=Decimal("75")))  # fmt: skip
        s.execute(update(Account).where(Account.id == third.account_id)
                  .values(pricing_agreement_ref="PA-1", pricing_agreement_expiry=date(2020, 1, 1)))  # fmt: skip
    result = preaudit(demo_db)
    found = {(r.pro, r.rule, r.route_to) for r in result.rows}
    assert (first.pro, "bol_missing", "operations") in found
    assert (second.pro, "weight_or_class_mismatch", "operations") in found
    assert (third.pro, "duplicate_bol", "billing") in found
    assert (third.pro, "pricing_agreement_missing_or_expired", "billing") in found
    assert any(r.pro == third.pro and r.rule == "accessorial_not_requested" and "LFT" in r.message
               for r in result.rows)  # fmt: skip
    duplicate = next(r for r in result.rows if r.rule == "duplicate_bol")
    assert other.pro in duplicate.message
    assert result.drafts == len(drafts) and all(r.account_number for r in result.rows)


def test_since_adds_recent_billed_pros(demo_db: Database) -> None:
    only_drafts = preaudit(demo_db)
    recent = preaudit(demo_db, since=date(2026, 11, 20))
    assert recent.drafts > only_drafts.drafts
    assert {r.pro for r in only_drafts.rows} <= {r.pro for r in recent.rows}
