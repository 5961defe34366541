"""vacancy.requirements_version: which pipeline and taxonomy produced the stored
requirements, so an analysis made by older rules is redone (vacancies.analysis)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-22T22:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "vacancy.requirements_version"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="vacancies", description=DESCRIPTION)
    manager.add_column(
        table_class_name="Vacancy",
        tablename="vacancy",
        column_name="requirements_version",
        db_column_name="requirements_version",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 100,
            "default": None,
            "null": True,
            "primary_key": False,
            "unique": False,
            "index": True,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )
    return manager
