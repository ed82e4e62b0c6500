"""Every closure a dated money movement: write the payments rows missing in existing books.

Before this version a register's zero balance and `--close-missing` closed pros (and a
register could state a balance below the amount) without writing any payment, so the KPIs,
which rebuild the receivable as billed amounts less payments, counted those pros as owed
forever while the aging export did not. For each pro whose amount less its payments is not
its open balance, one `register` row is written for the difference: dated on the day the pro
was closed for a closed pro, else on the day of this upgrade (the day the balance was known
to be so). Afterwards amount - payments = open balance for every pro, as imports keep it.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

REFERENCE = "balance on file before 0007"

_MISSING = """
INSERT INTO payments (account_id, pro_id, kind, amount, received_on, reference, batch_id,
                      created_at)
SELECT p.account_id, p.id, 'register', p.amount - p.open_balance - COALESCE(s.paid, 0),
       CASE WHEN p.status = 'closed' AND p.closed_on IS NOT NULL THEN p.closed_on
            ELSE :today END,
       :reference, NULL, :now
FROM pros p
LEFT JOIN (SELECT pro_id, SUM(amount) AS paid FROM payments
           WHERE pro_id IS NOT NULL GROUP BY pro_id) s ON s.pro_id = p.id
WHERE p.amount - p.open_balance - COALESCE(s.paid, 0) <> 0
"""


def upgrade() -> None:
    statement = sa.text(_MISSING).bindparams(
        sa.bindparam("today", date.today(), type_=sa.Date),
        sa.bindparam("now", datetime.now().replace(microsecond=0), type_=sa.DateTime),
        sa.bindparam("reference", REFERENCE, type_=sa.String),
    )
    op.get_bind().execute(statement)


def downgrade() -> None:
    payments = sa.table("payments", sa.column("kind", sa.String), sa.column("reference", sa.String))
    op.get_bind().execute(
        sa.delete(payments).where(payments.c.kind == "register", payments.c.reference == REFERENCE)
    )
