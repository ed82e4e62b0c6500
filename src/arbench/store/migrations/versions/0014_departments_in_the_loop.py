"""Departments in the loop: department staff and queues, onboarding, exception notices.

- departments: one row per department (operations, pricing, billing, sales, claims) with its
  service level in days (5 until a supervisor sets it) and its lead, who gets the overdue
  requests; user_departments: which departments a department user belongs to.
- department_requests: who answered (`answered_by_id`), whether the department handed it back
  (`handed_back`), and when an overdue request went to the lead (`escalated_on`,
  `escalated_to_id`); an index on (department, status) for the queues.
- activities.minutes: how long a contact took (optional; the root-cause report's hours).
- onboarding_checklists and onboarding_tasks: a new account's checklist before its first
  invoice; exception_notices: pre-audit exceptions told to the customer (the sent copy in
  mail_messages, schema 0011), and their answer.
- rootcause_packs: each department's monthly root-cause pack mailed to its lead, once per
  (month, department).

Revision ID: 0014
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0011"
branch_labels = None
depends_on = None

DEPARTMENTS = ("operations", "pricing", "billing", "sales", "claims")


def _departments() -> None:
    table = op.create_table(
        "departments",
        sa.Column("name", sa.String(length=16), nullable=False),
        sa.Column("sla_days", sa.Integer(), server_default="5", nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["lead_id"], ["users.id"], name=op.f("fk_departments_lead_id_users")),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_departments")),
    )  # fmt: skip
    op.bulk_insert(table, [{"name": name, "sla_days": 5, "lead_id": None} for name in DEPARTMENTS])
    op.create_table(
        "user_departments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("department", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["department"], ["departments.name"],
                                name=op.f("fk_user_departments_department_departments")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_user_departments_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_departments")),
        sa.UniqueConstraint("user_id", "department", name="uq_user_departments_user_department"),
    )  # fmt: skip
    op.create_index(op.f("ix_user_departments_user_id"), "user_departments", ["user_id"])


def _onboarding() -> None:
    op.create_table(
        "onboarding_checklists",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"],
                                name=op.f("fk_onboarding_checklists_account_id_accounts")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_onboarding_checklists_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_onboarding_checklists")),
        sa.UniqueConstraint("account_id", name=op.f("uq_onboarding_checklists_account_id")),
    )  # fmt: skip
    op.create_table(
        "onboarding_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("checklist_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("department", sa.String(length=16), nullable=False),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("value", sa.String(length=200), nullable=True),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["assignee_id"], ["users.id"], name=op.f("fk_onboarding_tasks_assignee_id_users")),
        sa.ForeignKeyConstraint(["checklist_id"], ["onboarding_checklists.id"],
                                name=op.f("fk_onboarding_tasks_checklist_id_onboarding_checklists")),
        sa.ForeignKeyConstraint(["done_by_id"], ["users.id"], name=op.f("fk_onboarding_tasks_done_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_onboarding_tasks")),
        sa.UniqueConstraint("checklist_id", "key", name="uq_onboarding_tasks_checklist_key"),
    )  # fmt: skip
    op.create_index(op.f("ix_onboarding_tasks_checklist_id"), "onboarding_tasks", ["checklist_id"])


def _notices() -> None:
    op.create_table(
        "exception_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pro_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=40), nullable=False),
        sa.Column("to", sa.String(length=200), nullable=True),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("sent_by_id", sa.Integer(), nullable=True),
        sa.Column("how", sa.String(length=16), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("mail_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], name=op.f("fk_exception_notices_account_id_accounts")),
        sa.ForeignKeyConstraint(["mail_id"], ["mail_messages.id"], name=op.f("fk_exception_notices_mail_id_mail_messages")),
        sa.ForeignKeyConstraint(["answered_by_id"], ["users.id"], name=op.f("fk_exception_notices_answered_by_id_users")),
        sa.ForeignKeyConstraint(["pro_id"], ["pros.id"], name=op.f("fk_exception_notices_pro_id_pros")),
        sa.ForeignKeyConstraint(["sent_by_id"], ["users.id"], name=op.f("fk_exception_notices_sent_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exception_notices")),
    )  # fmt: skip
    op.create_index(op.f("ix_exception_notices_pro_id"), "exception_notices", ["pro_id"])


def _packs() -> None:
    op.create_table(
        "rootcause_packs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("department", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.Column("mail_id", sa.Integer(), nullable=True),
        sa.Column("files", sa.JSON(), nullable=True),
        sa.Column("note", sa.String(length=300), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("by_login", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["department"], ["departments.name"], name=op.f("fk_rootcause_packs_department_departments")),
        sa.ForeignKeyConstraint(["lead_id"], ["users.id"], name=op.f("fk_rootcause_packs_lead_id_users")),
        sa.ForeignKeyConstraint(["mail_id"], ["mail_messages.id"], name=op.f("fk_rootcause_packs_mail_id_mail_messages")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rootcause_packs")),
        sa.UniqueConstraint("month", "department", name="uq_rootcause_packs_month_department"),
    )  # fmt: skip


def upgrade() -> None:
    _departments()
    with op.batch_alter_table("department_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("answered_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("handed_back", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("escalated_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("escalated_to_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_department_requests_answered_by_id_users"), "users",
            ["answered_by_id"], ["id"],
        )  # fmt: skip
        batch_op.create_foreign_key(
            batch_op.f("fk_department_requests_escalated_to_id_users"), "users",
            ["escalated_to_id"], ["id"],
        )  # fmt: skip
        batch_op.create_index("ix_department_requests_queue", ["department", "status"])
    # ALTER TABLE ... ADD COLUMN: activities is large, a batch copy is not needed for a column
    op.add_column("activities", sa.Column("minutes", sa.Integer(), nullable=True))
    _onboarding()
    _notices()
    _packs()


def downgrade() -> None:
    op.drop_table("rootcause_packs")
    op.drop_index(op.f("ix_exception_notices_pro_id"), table_name="exception_notices")
    op.drop_table("exception_notices")
    op.drop_index(op.f("ix_onboarding_tasks_checklist_id"), table_name="onboarding_tasks")
    op.drop_table("onboarding_tasks")
    op.drop_table("onboarding_checklists")
    op.drop_column("activities", "minutes")
    with op.batch_alter_table("department_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_department_requests_queue")
        batch_op.drop_constraint(
            batch_op.f("fk_department_requests_escalated_to_id_users"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_department_requests_answered_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("escalated_to_id")
        batch_op.drop_column("escalated_on")
        batch_op.drop_column("handed_back")
        batch_op.drop_column("answered_by_id")
    op.drop_index(op.f("ix_user_departments_user_id"), table_name="user_departments")
    op.drop_table("user_departments")
    op.drop_table("departments")
