"""Uniqueness of (source, external_id) and full-text search, per engine.

PostgreSQL: a generated ``tsvector`` column with a GIN index.
SQLite: an FTS5 table with external content kept in step by triggers.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.postgres import PostgresEngine

from vacancies.tables import Vacancy

ID = "2026-11-22T11:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Unique (source, external_id); full-text search index"

UNIQUE_INDEX = "CREATE UNIQUE INDEX vacancy_source_external_id ON vacancy (source, external_id)"

POSTGRES_FTS = [
    """
    ALTER TABLE vacancy ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', coalesce(title, '')), 'A')
        || setweight(to_tsvector('simple', coalesce(organization_acronym, '')), 'A')
        || setweight(to_tsvector('english', coalesce(organization_name, '')), 'B')
        || setweight(to_tsvector('english', coalesce(duty_station, '')), 'B')
        || setweight(to_tsvector('english', coalesce(description, '')), 'C')
    ) STORED
    """,
    "CREATE INDEX vacancy_search_vector ON vacancy USING GIN (search_vector)",
]

SQLITE_FTS = [
    """
    CREATE VIRTUAL TABLE vacancy_fts USING fts5(
        title, organization, duty_station, description,
        content='vacancy', content_rowid='id',
        tokenize='porter unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER vacancy_fts_insert AFTER INSERT ON vacancy BEGIN
        INSERT INTO vacancy_fts (rowid, title, organization, duty_station, description)
        VALUES (new.id, new.title,
                coalesce(new.organization_acronym, '') || ' ' || coalesce(new.organization_name, ''),
                new.duty_station, new.description);
    END
    """,
    """
    CREATE TRIGGER vacancy_fts_delete AFTER DELETE ON vacancy BEGIN
        INSERT INTO vacancy_fts (vacancy_fts, rowid, title, organization, duty_station, description)
        VALUES ('delete', old.id, old.title,
                coalesce(old.organization_acronym, '') || ' ' || coalesce(old.organization_name, ''),
                old.duty_station, old.description);
    END
    """,
    """
    CREATE TRIGGER vacancy_fts_update
    AFTER UPDATE OF title, organization_acronym, organization_name, duty_station, description
    ON vacancy BEGIN
        INSERT INTO vacancy_fts (vacancy_fts, rowid, title, organization, duty_station, description)
        VALUES ('delete', old.id, old.title,
                coalesce(old.organization_acronym, '') || ' ' || coalesce(old.organization_name, ''),
                old.duty_station, old.description);
        INSERT INTO vacancy_fts (rowid, title, organization, duty_station, description)
        VALUES (new.id, new.title,
                coalesce(new.organization_acronym, '') || ' ' || coalesce(new.organization_name, ''),
                new.duty_station, new.description);
    END
    """,
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="vacancies", description=DESCRIPTION)

    async def run():
        statements = [UNIQUE_INDEX]
        if isinstance(Vacancy._meta.db, PostgresEngine):
            statements += POSTGRES_FTS
        else:
            statements += SQLITE_FTS
        for statement in statements:
            await Vacancy.raw(statement)

    manager.add_raw(run)
    return manager
