"""Documents, mail, reminder cadences and the daily run.

- document_blobs (bytes once per sha256) and documents (a file on a pro or an account: kind,
  name, who and when). pros.pod_on_file keeps its meaning: the register's word for pros
  imported before documents existed, and true once a document of kind 'pod' is attached.
- mail_messages and mail_attachments: emails sent from arbench and replies received; replies
  that match no item wait with status 'inbox'.
- reminder_cadences, reminder_steps and reminders: per account class (accounts.account_class,
  'standard' for every existing account) or per account (accounts.cadence_id) a sequence of
  reminders; each step is queued once per pro (unique pro, step).
- daily_runs: one row per (day, step) of `arbench daily` (unique), so the run is idempotent.
- mail_positions: how far the team's IMAP mailbox has been read (UIDVALIDITY and the last
  UID), per mailbox; kept out of the settings, which only supervisors' logins may write.
- PostgreSQL: a login that is no supervisor may change its own user's email address (the
  address it sends from) and nothing else of the users table (migration 0008's guard
  otherwise).

Revision ID: 0011
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0012b"
branch_labels = None
depends_on = None


USERS_GUARD = (
    """
    CREATE OR REPLACE FUNCTION arbench_users_guard() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF arbench_is_owner() OR arbench_is_supervisor(session_user::text) THEN
        RETURN COALESCE(NEW, OLD);
      END IF;
      IF TG_OP = 'UPDATE' AND OLD.login = session_user::text
         AND to_jsonb(NEW) - 'email' - 'version' = to_jsonb(OLD) - 'email' - 'version' THEN
        RETURN NEW;  -- one's own sender address
      END IF;
      RAISE EXCEPTION 'only a supervisor can change %: login % is not one',
        TG_TABLE_NAME, session_user USING ERRCODE = 'insufficient_privilege';
    END $$
    """,
    "DROP TRIGGER users_supervisor_guard ON users",
    "CREATE TRIGGER users_supervisor_guard BEFORE INSERT OR UPDATE OR DELETE ON users "
    "FOR EACH ROW EXECUTE FUNCTION arbench_users_guard()",
)
USERS_GUARD_BACK = (
    "DROP TRIGGER users_supervisor_guard ON users",
    "CREATE TRIGGER users_supervisor_guard BEFORE INSERT OR UPDATE OR DELETE ON users "
    "FOR EACH ROW EXECUTE FUNCTION arbench_supervisor_guard()",
    "DROP FUNCTION arbench_users_guard()",
)


def upgrade() -> None:
    op.create_table(
        "mail_positions",
        sa.Column("mailbox", sa.String(length=400), nullable=False),
        sa.Column("uid_validity", sa.BigInteger(), nullable=False),
        sa.Column("last_uid", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("mailbox", name=op.f("pk_mail_positions")),
    )
    if op.get_bind().dialect.name == "postgresql":
        for statement in USERS_GUARD:
            op.execute(statement)
    op.create_table(
        "daily_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_on", sa.Date(), nullable=False),
        sa.Column("step", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("by_login", sa.String(length=64), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_daily_runs")),
        sa.UniqueConstraint("run_on", "step", name="uq_daily_runs_run_on_step"),
    )
    op.create_table(
        "document_blobs",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_document_blobs")),
    )
    op.create_table(
        "reminder_cadences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("account_class", sa.String(length=32), nullable=True),
        sa.Column("quiet_days", sa.Integer(), nullable=False),
        sa.Column("auto_send", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_cadences")),
        sa.UniqueConstraint("account_class", name=op.f("uq_reminder_cadences_account_class")),
        sa.UniqueConstraint("name", name=op.f("uq_reminder_cadences_name")),
    )
    op.create_table(
        "reminder_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cadence_id", sa.Integer(), nullable=False),
        sa.Column("offset_days", sa.Integer(), nullable=False),
        sa.Column("template", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["cadence_id"],
            ["reminder_cadences.id"],
            name=op.f("fk_reminder_steps_cadence_id_reminder_cadences"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_steps")),
        sa.UniqueConstraint("cadence_id", "offset_days", name="uq_reminder_steps_cadence_offset"),
    )
    op.create_index(
        op.f("ix_reminder_steps_cadence_id"), "reminder_steps", ["cadence_id"], unique=False
    )
    op.create_table(
        "mail_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=4), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("message_id", sa.String(length=255), nullable=True),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("issue_id", sa.Integer(), nullable=True),
        sa.Column("pro_id", sa.Integer(), nullable=True),
        sa.Column("activity_id", sa.Integer(), nullable=True),
        sa.Column("sender", sa.String(length=320), nullable=False),
        sa.Column("recipients", sa.Text(), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("matched_by", sa.String(length=16), nullable=True),
        sa.Column("raw_sha256", sa.String(length=64), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_mail_messages_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["activity_id"], ["activities.id"], name=op.f("fk_mail_messages_activity_id_activities")
        ),
        sa.ForeignKeyConstraint(
            ["issue_id"], ["issues.id"], name=op.f("fk_mail_messages_issue_id_issues")
        ),
        sa.ForeignKeyConstraint(["pro_id"], ["pros.id"], name=op.f("fk_mail_messages_pro_id_pros")),
        sa.ForeignKeyConstraint(
            ["raw_sha256"],
            ["document_blobs.sha256"],
            name=op.f("fk_mail_messages_raw_sha256_document_blobs"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_mail_messages_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_messages")),
        sa.UniqueConstraint(
            "direction", "message_id", name="uq_mail_messages_direction_message_id"
        ),
    )
    op.create_index(
        op.f("ix_mail_messages_account_id"), "mail_messages", ["account_id"], unique=False
    )
    op.create_index(op.f("ix_mail_messages_issue_id"), "mail_messages", ["issue_id"], unique=False)
    op.create_index("ix_mail_messages_status", "mail_messages", ["status"], unique=False)
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("pro_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("file_name", sa.String(length=260), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("mail_id", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_documents_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["added_by_id"], ["users.id"], name=op.f("fk_documents_added_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["mail_id"], ["mail_messages.id"], name=op.f("fk_documents_mail_id_mail_messages")
        ),
        sa.ForeignKeyConstraint(["pro_id"], ["pros.id"], name=op.f("fk_documents_pro_id_pros")),
        sa.ForeignKeyConstraint(
            ["sha256"], ["document_blobs.sha256"], name=op.f("fk_documents_sha256_document_blobs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
    )
    op.create_index(op.f("ix_documents_account_id"), "documents", ["account_id"], unique=False)
    op.create_index(op.f("ix_documents_pro_id"), "documents", ["pro_id"], unique=False)
    op.create_index(op.f("ix_documents_sha256"), "documents", ["sha256"], unique=False)
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pro_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("issue_id", sa.Integer(), nullable=True),
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("queued_on", sa.Date(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("mail_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_reminders_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_reminders_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["issue_id"], ["issues.id"], name=op.f("fk_reminders_issue_id_issues")
        ),
        sa.ForeignKeyConstraint(
            ["mail_id"], ["mail_messages.id"], name=op.f("fk_reminders_mail_id_mail_messages")
        ),
        sa.ForeignKeyConstraint(["pro_id"], ["pros.id"], name=op.f("fk_reminders_pro_id_pros")),
        sa.ForeignKeyConstraint(
            ["step_id"], ["reminder_steps.id"], name=op.f("fk_reminders_step_id_reminder_steps")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
        sa.UniqueConstraint("pro_id", "step_id", name="uq_reminders_pro_step"),
    )
    op.create_index(op.f("ix_reminders_account_id"), "reminders", ["account_id"], unique=False)
    op.create_index("ix_reminders_status_due", "reminders", ["status", "due_on"], unique=False)
    op.create_table(
        "mail_attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mail_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=260), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["documents.id"],
            name=op.f("fk_mail_attachments_document_id_documents"),
        ),
        sa.ForeignKeyConstraint(
            ["mail_id"],
            ["mail_messages.id"],
            name=op.f("fk_mail_attachments_mail_id_mail_messages"),
        ),
        sa.ForeignKeyConstraint(
            ["sha256"],
            ["document_blobs.sha256"],
            name=op.f("fk_mail_attachments_sha256_document_blobs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_attachments")),
    )
    op.create_index(
        op.f("ix_mail_attachments_mail_id"), "mail_attachments", ["mail_id"], unique=False
    )
    op.add_column(
        "accounts",
        sa.Column("account_class", sa.String(length=32), server_default="standard", nullable=False),
    )
    op.add_column("accounts", sa.Column("cadence_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in USERS_GUARD_BACK:
            op.execute(statement)
    op.drop_table("mail_positions")
    op.drop_column("accounts", "cadence_id")
    op.drop_column("accounts", "account_class")
    op.drop_index(op.f("ix_mail_attachments_mail_id"), table_name="mail_attachments")
    op.drop_table("mail_attachments")
    op.drop_index("ix_reminders_status_due", table_name="reminders")
    op.drop_index(op.f("ix_reminders_account_id"), table_name="reminders")
    op.drop_table("reminders")
    op.drop_index(op.f("ix_documents_sha256"), table_name="documents")
    op.drop_index(op.f("ix_documents_pro_id"), table_name="documents")
    op.drop_index(op.f("ix_documents_account_id"), table_name="documents")
    op.drop_table("documents")
    op.drop_index("ix_mail_messages_status", table_name="mail_messages")
    op.drop_index(op.f("ix_mail_messages_issue_id"), table_name="mail_messages")
    op.drop_index(op.f("ix_mail_messages_account_id"), table_name="mail_messages")
    op.drop_table("mail_messages")
    op.drop_index(op.f("ix_reminder_steps_cadence_id"), table_name="reminder_steps")
    op.drop_table("reminder_steps")
    op.drop_table("reminder_cadences")
    op.drop_table("document_blobs")
    op.drop_table("daily_runs")
