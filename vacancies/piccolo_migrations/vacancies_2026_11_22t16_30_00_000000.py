"""source.paused_at (an admin's pause, which sources.toml does not override) and
organization.edited_at (an admin's edit, which the shipped alias table does not
override). Both nullable: ADD COLUMN works on SQLite and PostgreSQL alike."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Timestamptz
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-22T16:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Admin pauses and edits: source.paused_at, organization.edited_at"

NULLABLE_TIME = {
    "default": None,
    "null": True,
    "primary_key": False,
    "unique": False,
    "index": False,
    "index_method": IndexMethod.btree,
    "choices": None,
    "db_column_name": None,
    "secret": False,
}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="vacancies", description=DESCRIPTION)
    for class_name, tablename, column in (
        ("Source", "source", "paused_at"),
        ("Organization", "organization", "edited_at"),
    ):
        manager.add_column(
            table_class_name=class_name,
            tablename=tablename,
            column_name=column,
            db_column_name=column,
            column_class_name="Timestamptz",
            column_class=Timestamptz,
            params=dict(NULLABLE_TIME),
            schema=None,
        )
    return manager
