"""Undo of the last action, and script steps ticked by the actions that do them.

- undo_entries: what one item action wrote (rows added, values replaced), so its user can undo
  it within the team's undo window (setting `undo_minutes`); `undone_at` once undone.
- issue_steps.via: the action that ticked a step (call, email, promise, route, answer); None
  when ticked by hand.

Revision ID: 0012b
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012b"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("issue_steps", sa.Column("via", sa.String(length=16), nullable=True))
    op.create_table(
        "undo_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("user_login", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("journal", sa.JSON(), nullable=False),
        sa.Column("versions", sa.JSON(), nullable=False),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_undo_entries_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_undo_entries")),
    )
    op.create_index("ix_undo_entries_login", "undo_entries", ["user_login", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_undo_entries_login", table_name="undo_entries")
    op.drop_table("undo_entries")
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35+), as 0005 does
    op.drop_column("issue_steps", "via")
