"""Indexes for the candidate tables (issue 7), on SQLite and PostgreSQL alike.

- ``saved_vacancy (user, vacancy)`` unique: a vacancy is saved once per candidate.
- ``candidate_match (user, vacancy)`` unique, and ``(vacancy, score)`` for a vacancy's
  best candidates (a candidate's best vacancies use the unique index's prefix).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from vacancies.tables import Vacancy

ID = "2026-11-23T00:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "Unique saved vacancies and stored matches, match lookup index"

INDEXES = [
    'CREATE UNIQUE INDEX saved_vacancy_user_vacancy ON saved_vacancy ("user", vacancy)',
    'CREATE UNIQUE INDEX candidate_match_user_vacancy ON candidate_match ("user", vacancy)',
    "CREATE INDEX candidate_match_vacancy_score ON candidate_match (vacancy, score)",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="candidates", description=DESCRIPTION)

    async def run():
        for statement in INDEXES:
            await Vacancy.raw(statement)

    manager.add_raw(run)
    return manager
