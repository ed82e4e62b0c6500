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


__all__ = ["NAME_KEY_LENGTH", "name_key"]
