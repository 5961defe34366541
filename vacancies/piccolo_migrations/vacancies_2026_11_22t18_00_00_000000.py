"""JPO posts: vacancy.is_jpo (indexed), vacancy.jpo_sponsors and
vacancy.open_to_nationalities (JSON lists of ISO 3166-1 alpha-2 codes).

ADD COLUMN with a constant default works on SQLite and PostgreSQL alike. The next
migration (18_00_01) fills the columns in for the vacancies already stored: Piccolo runs
a migration's raw steps before its new columns exist, so the backfill is its own step.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import JSON, Boolean
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-22T18:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "JPO posts: vacancy.is_jpo, jpo_sponsors, open_to_nationalities"

COLUMN = {
    "null": False,
    "primary_key": False,
    "unique": False,
    "index_method": IndexMethod.btree,
    "choices": None,
    "db_column_name": None,
    "secret": False,
}


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="vacancies", description=DESCRIPTION)
    manager.add_column(
        table_class_name="Vacancy",
        tablename="vacancy",
        column_name="is_jpo",
        db_column_name="is_jpo",
        column_class_name="Boolean",
        column_class=Boolean,
        params={**COLUMN, "default": False, "index": True},
        schema=None,
    )
    for column in ("jpo_sponsors", "open_to_nationalities"):
        manager.add_column(
            table_class_name="Vacancy",
            tablename="vacancy",
            column_name=column,
            db_column_name=column,
            column_class_name="JSON",
            column_class=JSON,
            params={**COLUMN, "default": "[]", "index": False},
            schema=None,
        )
    return manager
