"""portal_user.erased_at (a tombstone after erasure) and purge_warned_at (the inactivity
warning), both nullable: ADD COLUMN works on SQLite and PostgreSQL alike."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Timestamptz
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-22T14:42:31:901175"
VERSION = "1.38.0"
DESCRIPTION = "Erasure tombstones and inactivity warnings: portal_user.erased_at, purge_warned_at"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="candidates", description=DESCRIPTION)

    manager.add_column(
        table_class_name="User",
        tablename="portal_user",
        column_name="erased_at",
        db_column_name="erased_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="User",
        tablename="portal_user",
        column_name="purge_warned_at",
        db_column_name="purge_warned_at",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    return manager
