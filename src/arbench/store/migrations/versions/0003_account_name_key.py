"""Case-insensitive customer name search: accounts.name_key (folded name) with an index.

The whole-book search matches a typed name prefix in any case with one index range on
`name_key`, on SQLite and PostgreSQL alike (an expression index on lower(name) would be
ASCII-only on SQLite and cannot be reflected there). Existing accounts are filled in here;
new ones get the key from the model's column default.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

BATCH = 5000


def _key(name: str) -> str:
    """arbench.domain.names.name_key as of this migration (kept here so it never drifts)."""
    return " ".join(name.casefold().split())[:200]


def upgrade() -> None:
    op.add_column("accounts", sa.Column("name_key", sa.String(length=200), nullable=True))
    accounts = sa.table(
        "accounts", sa.column("id", sa.Integer), sa.column("name", sa.String),
        sa.column("name_key", sa.String),
    )  # fmt: skip
    conn = op.get_bind()
    fill = (
        sa.update(accounts)
        .where(accounts.c.id == sa.bindparam("account_id"))
        .values(name_key=sa.bindparam("key"))
    )
    rows = conn.execute(sa.select(accounts.c.id, accounts.c.name).order_by(accounts.c.id)).all()
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        conn.execute(fill, [{"account_id": i, "key": _key(n or "")} for i, n in batch])
    op.create_index(op.f("ix_accounts_name_key"), "accounts", ["name_key"], unique=False)
    op.execute("ANALYZE accounts")


def downgrade() -> None:
    op.drop_index(op.f("ix_accounts_name_key"), table_name="accounts")
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35+): a batch copy would drop the referenced table
    op.drop_column("accounts", "name_key")
