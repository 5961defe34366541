"""PostgreSQL: no b-tree on ``status`` or on ``canonical IS NULL``.

Both conditions hold for most rows (84% open, 99% not duplicates in the benchmark's
data), so the indexes never narrowed a search; but the planner, which does not count the
cost of unpacking each row's 5 KB search vector for ``@@``, used them to fetch every
listed vacancy and test the words row by row: 216-270 ms for "monitoring evaluation" on
50,000 vacancies, against 52 ms through the GIN index (benchmarks/web.py). The listing's
partial indexes (vacancy_listed_*) cover open, listed vacancies; looking up the
duplicates of a vacancy keeps a partial index on the rows that have a canonical one.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.postgres import PostgresEngine

from vacancies.tables import Vacancy

ID = "2026-11-22T14:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Drop the status and canonical indexes on PostgreSQL; partial duplicates index"

POSTGRES = [
    "DROP INDEX IF EXISTS vacancy_status",
    "DROP INDEX IF EXISTS vacancy_canonical",
    "CREATE INDEX vacancy_duplicates ON vacancy (canonical) WHERE canonical IS NOT NULL",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="vacancies", description=DESCRIPTION)

    async def run():
        if isinstance(Vacancy._meta.db, PostgresEngine):
            for statement in POSTGRES:
                await Vacancy.raw(statement)

    manager.add_raw(run)
    return manager
