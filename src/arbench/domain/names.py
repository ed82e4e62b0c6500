"""Normalized customer names for searching: case-insensitive, spacing-insensitive, index-friendly.

`name_key("  Blue  RIDGE foods ")` is `"blue ridge foods"`: Unicode case folding (so "STRASSE"
and "Straße" agree) and single spaces. The accounts table keeps this key in `name_key`, with an
index, so a prefix search by name is one index range in any case on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

NAME_KEY_LENGTH = 200  # the column's length; folding can lengthen a name ("ß" -> "ss")


def name_key(name: str) -> str:
    """The search key of a customer name: case-folded, runs of whitespace made one space."""
    return " ".join(name.casefold().split())[:NAME_KEY_LENGTH]


__all__ = ["NAME_KEY_LENGTH", "alias_key", "leading_zero_key", "name_key"]


def alias_key(kind: str, value: str) -> str:
    """An account alias normalized for matching: names as `name_key`, identifiers (DUNS, payer
    ids, bill-to codes) upper case without spaces, dashes, dots or leading zeros' differences
    ("12-345-6789" and "123456789" match; "0042" and "42" match)."""
    if kind == "name":
        return name_key(value)[:120]
    compact = "".join(ch for ch in value.upper() if ch.isalnum())
    stripped = compact.lstrip("0")
    return (stripped or compact)[:120]


def leading_zero_key(number: str) -> str:
    """An account number without its leading zeros ("0200769623" -> "200769623"; "000" ->
    "0"): two numbers with one key differ only by leading zeros, probably one customer."""
    return number.lstrip("0") or "0"
