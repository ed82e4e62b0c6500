"""Remittances applied once, and the references an item came with.

- import_batches.remittance_sha256: the file's sha256 on a remittance batch (NULL on invoice
  registers and 210s, which may be imported again), under a unique index: the same remittance
  can be applied once, even by two processes at the same moment. Existing remittance batches
  are filled in, the earliest batch of each file keeping the sha256 (a file applied twice by the
  old race keeps its history, only the first one claims the file).
- issues.reference: the references the payer gave with an adjustment (credit memo numbers, REF
  values), so an item made from an 820 ADX says what it is about.

Revision ID: 0006
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0008"
branch_labels = None
depends_on = None

REMITTANCE_KINDS = ("remittance", "820")


def upgrade() -> None:
    op.add_column(
        "import_batches", sa.Column("remittance_sha256", sa.String(length=64), nullable=True)
    )
    op.add_column("issues", sa.Column("reference", sa.String(length=200), nullable=True))
    batches = sa.table(
        "import_batches", sa.column("id", sa.Integer), sa.column("kind", sa.String),
        sa.column("sha256", sa.String), sa.column("remittance_sha256", sa.String),
    )  # fmt: skip
    conn = op.get_bind()
    first = conn.execute(
        sa.select(sa.func.min(batches.c.id), batches.c.sha256)
        .where(batches.c.kind.in_(REMITTANCE_KINDS))
        .group_by(batches.c.sha256)
    ).all()
    claim = (
        sa.update(batches)
        .where(batches.c.id == sa.bindparam("batch_id"))
        .values(remittance_sha256=sa.bindparam("sha"))
    )
    if first:
        conn.execute(claim, [{"batch_id": batch_id, "sha": sha} for batch_id, sha in first])
    op.create_index(
        op.f("ix_import_batches_remittance_sha256"), "import_batches", ["remittance_sha256"],
        unique=True,
    )  # fmt: skip


def downgrade() -> None:
    op.drop_index(op.f("ix_import_batches_remittance_sha256"), table_name="import_batches")
    # ALTER TABLE ... DROP COLUMN (SQLite 3.35+): a batch copy would drop the referenced table
    op.drop_column("issues", "reference")
    op.drop_column("import_batches", "remittance_sha256")
