"""Constraints and indexes SQLite cannot add after creation, and the append-only audit log.

- ``user_role (user, role)`` unique: a user holds each role at most once.
- ``consent (user, purpose)`` unique among standing consents (a partial index).
- Lookup indexes for login throttling and tokens.
- ``audit_log`` refuses UPDATE and DELETE. PostgreSQL: a row trigger that raises, and a
  statement trigger that refuses TRUNCATE. SQLite: BEFORE UPDATE/DELETE triggers that
  ``RAISE(ABORT)``. The log stores user ids, never personal data, so erasing a user never
  needs to change it.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.postgres import PostgresEngine

from vacancies.tables import Vacancy

ID = "2026-11-22T14:16:35:000000"
VERSION = "1.38.0"
DESCRIPTION = "Unique user roles, throttling and consent indexes, append-only audit log"

INDEXES = [
    'CREATE UNIQUE INDEX user_role_user_role ON user_role ("user", role)',
    "CREATE INDEX login_failure_key ON login_failure (scope, key_hash, at)",
    "CREATE INDEX login_lockout_key ON login_lockout (scope, key_hash, until)",
    # At most one standing (not withdrawn) consent per user and purpose.
    'CREATE UNIQUE INDEX consent_standing ON consent ("user", purpose) WHERE withdrawn_at IS NULL',
    'CREATE INDEX email_token_user_purpose ON email_token ("user", purpose)',
]

POSTGRES_AUDIT = [
    """
    CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END $$
    """,
    "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
]

SQLITE_AUDIT = [
    """
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN
        SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused');
    END
    """,
    """
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN
        SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused');
    END
    """,
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="candidates", description=DESCRIPTION)

    async def run():
        postgres = isinstance(Vacancy._meta.db, PostgresEngine)
        for statement in [*INDEXES, *(POSTGRES_AUDIT if postgres else SQLITE_AUDIT)]:
            await Vacancy.raw(statement)

    manager.add_raw(run)
    return manager
