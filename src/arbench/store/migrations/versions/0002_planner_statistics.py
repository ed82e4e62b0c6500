"""Performance: fresh planner statistics (ANALYZE), no schema change (issue #9).

Without statistics SQLite guesses that `status IN (...)` is selective and walks every open
issue instead of the few ids or accounts asked for; with them it picks the selective index.
The demo book runs ANALYZE when it is built; this brings books made before that up to date.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("ANALYZE")


def downgrade() -> None:
    pass  # statistics only: nothing to undo
