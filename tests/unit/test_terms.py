"""Payment terms, discounts, currencies and alias keys: the pure rules in domain.terms/names."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from arbench.domain.names import alias_key
from arbench.domain.terms import (
    discount_allowed,
    discount_earned,
    normal_currency,
    parse_terms,
)


@pytest.mark.parametrize(
    ("text", "net", "percent", "days"),
    [
        ("NET30", 30, None, None),
        ("Net 30", 30, None, None),
        ("net 45 days", 45, None, None),
        ("N60", 60, None, None),
        ("30", 30, None, None),
        ("Due on receipt", 0, None, None),
        ("COD", 0, None, None),
        ("2/10 NET 30", 30, Decimal("2"), 10),
        ("2% 10 Net 30", 30, Decimal("2"), 10),
        ("1.5/15 N45", 45, Decimal("1.5"), 15),
        ("2/10, N/30", 30, Decimal("2"), 10),
    ],
)
def test_terms_read_from_common_forms(
    text: str, net: int, percent: Decimal | None, days: int | None
) -> None:
    terms = parse_terms(text)
    assert terms is not None
    assert (terms.net_days, terms.discount_percent, terms.discount_days) == (net, percent, days)
    assert terms.text == " ".join(text.split())


@pytest.mark.parametrize("text", ["NAA8", "CA10", "EOM special", "50/10 NET 5"])
def test_unknown_codes_are_kept_as_text_without_days(text: str) -> None:
    terms = parse_terms(text)
    assert terms is not None and terms.net_days is None and not terms.known
    assert terms.text == text


def test_empty_terms_are_none() -> None:
    assert parse_terms(None) is None
    assert parse_terms("   ") is None


def test_discount_window_and_amount() -> None:
    terms = parse_terms("2/10 NET 30")
    invoiced = date(2026, 3, 1)
    assert terms is not None
    assert terms.due_date(invoiced) == date(2026, 3, 31)
    assert terms.discount_deadline(invoiced) == date(2026, 3, 11)
    assert discount_earned(invoiced, date(2026, 3, 11), terms)
    assert not discount_earned(invoiced, date(2026, 3, 12), terms)
    assert not discount_earned(invoiced, date(2026, 3, 2), parse_terms("NET30"))
    assert not discount_earned(None, date(2026, 3, 2), terms)
    # 2 % of 1,234.56 is 24.6912: to the cent, half-even
    assert discount_allowed(Decimal("1234.56"), terms) == Decimal("24.69")
    assert discount_allowed(Decimal("1234.56"), parse_terms("NET30")) == Decimal("0.00")


def test_currency_codes() -> None:
    assert normal_currency(" cad ") == "CAD"
    assert normal_currency("US$") is None
    assert normal_currency(None) is None


def test_alias_keys_match_what_partners_write_differently() -> None:
    assert alias_key("duns", "12-345-6789") == alias_key("duns", "123456789")
    assert alias_key("payer_id", "0042") == alias_key("payer_id", "42")
    assert alias_key("payer_id", "000") == "000"
    assert alias_key("name", "  Blue  RIDGE foods ") == "blue ridge foods"
