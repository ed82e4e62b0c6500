"""The collector's day: a daily capacity per collector and the day's plan of accounts.

- users.daily_capacity: accounts a collector contacts per day, set by a supervisor (None: the
  team's default, setting `daily_capacity`).
- day_plans: one per user and day (unique), built once (by the collector opening Today, or the
  daily job); day_plan_accounts: its accounts in order, the earlier day that left each one, and
  whether it was worked that day. Tomorrow's plan starts with what today left.

Revision ID: 0012
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("daily_capacity", sa.Integer(), nullable=True))
    op.create_table(
        "day_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("plan_date", sa.Date(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_day_plans_user_id_users")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_day_plans_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_day_plans")),
        sa.UniqueConstraint("user_id", "plan_date", name="uq_day_plans_user_date"),
    )
    op.create_table(
        "day_plan_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("carried_from", sa.Date(), nullable=True),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("worked", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["day_plans.id"], name=op.f("fk_day_plan_accounts_plan_id_day_plans")
        ),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_day_plan_accounts_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_day_plan_accounts")),
        sa.UniqueConstraint("plan_id", "account_id", name="uq_day_plan_accounts_plan_account"),
    )
    op.create_index(
        op.f("ix_day_plan_accounts_account_id"), "day_plan_accounts", ["account_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_day_plan_accounts_account_id"), table_name="day_plan_accounts")
    op.drop_table("day_plan_accounts")
    op.drop_table("day_plans")
    op.drop_column("users", "daily_capacity")
