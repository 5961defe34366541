"""What search caches key on, and a small vector to rank relevance by.

``catalogue_version`` gets its one row and triggers that raise ``version`` whenever a
write changes what a search can show: rows of ``vacancy`` and ``organization`` inserted,
updated or deleted, or a source renamed or re-flagged as sample data. On PostgreSQL the
vacancy and organisation triggers run once per statement and only when it touched a row
(transition tables), so a harvest that writes nothing changes nothing; SQLite has only
row triggers.

PostgreSQL: ``rank_vector`` holds the title, organisation and duty station words with
the weights of ``search_vector`` but not the description. Ranking on it reads a few
hundred bytes per match from the heap; ranking on ``search_vector`` read each match's
5 KB vector from TOAST (100-400 ms for a broad word on 50,000 vacancies, measured by
benchmarks/web.py). Matching still uses ``search_vector`` and its GIN indexes.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.postgres import PostgresEngine

from vacancies.tables import Vacancy

ID = "2026-11-22T14:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "catalogue_version row and triggers; rank_vector (PostgreSQL)"

FIRST_ROW = "INSERT INTO catalogue_version (id, version) VALUES (1, 0)"
BUMP = "UPDATE catalogue_version SET version = version + 1 WHERE id = 1"
SOURCE_SHOWN = "old.name IS NOT new.name OR old.is_sample IS NOT new.is_sample"

POSTGRES = [
    """
    CREATE FUNCTION catalogue_rows_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM changed) THEN
            UPDATE catalogue_version SET version = version + 1 WHERE id = 1;
        END IF;
        RETURN NULL;
    END $$
    """,
    f"""
    CREATE FUNCTION catalogue_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {BUMP};
        RETURN NULL;
    END $$
    """,
    *(
        f"CREATE TRIGGER {table}_catalogue_{event.lower()} AFTER {event} ON {table} "
        f"REFERENCING {'OLD' if event == 'DELETE' else 'NEW'} TABLE AS changed "
        "FOR EACH STATEMENT EXECUTE FUNCTION catalogue_rows_changed()"
        for table in ("vacancy", "organization")
        for event in ("INSERT", "UPDATE", "DELETE")
    ),
    *(
        f"CREATE TRIGGER {table}_catalogue_truncate AFTER TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION catalogue_changed()"
        for table in ("vacancy", "organization")
    ),
    "CREATE TRIGGER source_catalogue_update AFTER UPDATE ON source FOR EACH ROW "
    f"WHEN ({SOURCE_SHOWN.replace('IS NOT', 'IS DISTINCT FROM')}) "
    "EXECUTE FUNCTION catalogue_changed()",
    """
    ALTER TABLE vacancy ADD COLUMN rank_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', coalesce(title, '')), 'A')
        || setweight(to_tsvector('simple', coalesce(organization_acronym, '')), 'A')
        || setweight(to_tsvector('english', coalesce(organization_name, '')), 'B')
        || setweight(to_tsvector('english', coalesce(duty_station, '')), 'B')
    ) STORED
    """,
]

SQLITE = [
    *(
        f"CREATE TRIGGER {table}_catalogue_{event.lower()} AFTER {event} ON {table} "
        f"BEGIN {BUMP}; END"
        for table in ("vacancy", "organization")
        for event in ("INSERT", "UPDATE", "DELETE")
    ),
    f"CREATE TRIGGER source_catalogue_update AFTER UPDATE ON source WHEN {SOURCE_SHOWN} "
    f"BEGIN {BUMP}; END",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="vacancies", description=DESCRIPTION)

    async def run():
        postgres = isinstance(Vacancy._meta.db, PostgresEngine)
        for statement in [FIRST_ROW, *(POSTGRES if postgres else SQLITE)]:
            await Vacancy.raw(statement)

    manager.add_raw(run)
    return manager
