"""Customer payment terms, account currency and account aliases.

- accounts.payment_terms: the terms as the customer states them ("2/10 NET 30", "NET30", or a
  code of their own); discount_percent / discount_days: the prompt-payment discount they allow
  (remittances judge earned and unearned discounts against them).
- accounts.currency: the account's one currency (ISO 4217, "USD" for every existing account).
- account_aliases: the other identifiers trading partners use for an account (DUNS, 820 payer
  id, 210 bill-to code or name), unique per kind and normalized value.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("accounts", sa.Column("payment_terms", sa.String(length=40), nullable=True))
    op.add_column(
        "accounts",
        sa.Column("discount_percent", sa.Numeric(precision=6, scale=3), nullable=True),
    )
    op.add_column("accounts", sa.Column("discount_days", sa.Integer(), nullable=True))
    op.add_column(
        "accounts",
        sa.Column("currency", sa.String(length=3), server_default="USD", nullable=False),
    )
    op.create_table(
        "account_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=120), nullable=False),
        sa.Column("value_key", sa.String(length=120), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_account_aliases_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_account_aliases_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_aliases")),
        sa.UniqueConstraint("kind", "value_key", name="uq_account_aliases_kind_value_key"),
    )
    op.create_index(
        op.f("ix_account_aliases_account_id"), "account_aliases", ["account_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_account_aliases_account_id"), table_name="account_aliases")
    op.drop_table("account_aliases")
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35+): a batch copy would drop the referenced table
    op.drop_column("accounts", "currency")
    op.drop_column("accounts", "discount_days")
    op.drop_column("accounts", "discount_percent")
    op.drop_column("accounts", "payment_terms")
