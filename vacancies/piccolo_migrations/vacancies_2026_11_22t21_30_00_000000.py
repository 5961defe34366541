"""vacancy.listing_fingerprint: the digest of a vacancy's listing entry at the last
harvest, so detail-page adapters skip the detail request while the entry is unchanged.
NULL for the vacancies already stored: their next harvest reads every detail once."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-22T21:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "vacancy.listing_fingerprint"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="vacancies", description=DESCRIPTION)
    manager.add_column(
        table_class_name="Vacancy",
        tablename="vacancy",
        column_name="listing_fingerprint",
        db_column_name="listing_fingerprint",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 64,
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
