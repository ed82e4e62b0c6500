"""Identity you cannot claim: who was connected, who acted for whom, and server-side guards.

audit_events gains `db_login` (who was connected: the PostgreSQL login, the OS account on a
SQLite file) and `acted_by` (the supervisor acting for `user_login`). On PostgreSQL the server
itself enforces what no client can be trusted with (issue #15):

- audit_events is insert-only for every login but the database owner (and superusers); the
  server fills `db_login` from session_user, and refuses an event recorded as another user
  unless the login is a supervisor acting for that user (`acted_by`).
- users and settings are written only by the owner or a login that is an active supervisor.

`arbench db grant LOGIN` gives a collector's login the table privileges the app needs.

A note version is acknowledged once per user (a unique constraint; earlier duplicates of a
double click are removed first, the oldest kept).

Revision ID: 0008
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0005"
branch_labels = None
depends_on = None

FUNCTIONS = (
    """
    CREATE OR REPLACE FUNCTION arbench_is_owner() RETURNS boolean
    LANGUAGE sql STABLE AS $$
      SELECT session_user = pg_catalog.pg_get_userbyid(d.datdba) OR r.rolsuper
      FROM pg_catalog.pg_database d, pg_catalog.pg_roles r
      WHERE d.datname = current_database() AND r.rolname = session_user
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION arbench_is_supervisor(login text) RETURNS boolean
    LANGUAGE sql STABLE AS $$
      SELECT EXISTS (SELECT 1 FROM users u
                     WHERE u.login = $1 AND u.role = 'supervisor' AND u.active)
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION arbench_audit_guard() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP <> 'INSERT' THEN
        IF arbench_is_owner() THEN
          RETURN COALESCE(NEW, OLD);
        END IF;
        RAISE EXCEPTION 'the audit history cannot be changed or deleted (login %)', session_user
          USING ERRCODE = 'insufficient_privilege';
      END IF;
      NEW.db_login := session_user;
      IF NOT arbench_is_owner()
         AND NEW.user_login IS DISTINCT FROM session_user::text
         AND NOT (NEW.acted_by = session_user::text
                  AND arbench_is_supervisor(session_user::text)) THEN
        RAISE EXCEPTION 'login % cannot record a change as %', session_user, NEW.user_login
          USING ERRCODE = 'insufficient_privilege';
      END IF;
      RETURN NEW;
    END $$
    """,
    """
    CREATE OR REPLACE FUNCTION arbench_supervisor_guard() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF arbench_is_owner() OR arbench_is_supervisor(session_user::text) THEN
        RETURN COALESCE(NEW, OLD);
      END IF;
      RAISE EXCEPTION 'only a supervisor can change %: login % is not one',
        TG_TABLE_NAME, session_user USING ERRCODE = 'insufficient_privilege';
    END $$
    """,
)
TRIGGERS = (
    "CREATE TRIGGER audit_events_guard BEFORE INSERT OR UPDATE OR DELETE ON audit_events "
    "FOR EACH ROW EXECUTE FUNCTION arbench_audit_guard()",
    "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events "
    "FOR EACH STATEMENT EXECUTE FUNCTION arbench_audit_guard()",
    "CREATE TRIGGER users_supervisor_guard BEFORE INSERT OR UPDATE OR DELETE ON users "
    "FOR EACH ROW EXECUTE FUNCTION arbench_supervisor_guard()",
    "CREATE TRIGGER settings_supervisor_guard BEFORE INSERT OR UPDATE OR DELETE ON settings "
    "FOR EACH ROW EXECUTE FUNCTION arbench_supervisor_guard()",
)
DROPS = (
    "DROP TRIGGER IF EXISTS settings_supervisor_guard ON settings",
    "DROP TRIGGER IF EXISTS users_supervisor_guard ON users",
    "DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events",
    "DROP TRIGGER IF EXISTS audit_events_guard ON audit_events",
    "DROP FUNCTION IF EXISTS arbench_supervisor_guard()",
    "DROP FUNCTION IF EXISTS arbench_audit_guard()",
    "DROP FUNCTION IF EXISTS arbench_is_supervisor(text)",
    "DROP FUNCTION IF EXISTS arbench_is_owner()",
)


def upgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("db_login", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("acted_by", sa.String(length=64), nullable=True))
    op.execute(
        "DELETE FROM acknowledgements WHERE id NOT IN (SELECT min(id) FROM acknowledgements "
        "GROUP BY user_id, note_key, note_version)"
    )
    with op.batch_alter_table("acknowledgements", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            "uq_acknowledgements_user_note_version", ["user_id", "note_key", "note_version"]
        )
    if op.get_bind().dialect.name == "postgresql":
        for statement in (*FUNCTIONS, *TRIGGERS):
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in DROPS:
            op.execute(statement)
    with op.batch_alter_table("acknowledgements", schema=None) as batch_op:
        batch_op.drop_constraint("uq_acknowledgements_user_note_version", type_="unique")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_column("acted_by")
        batch_op.drop_column("db_login")
