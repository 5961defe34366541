"""Backfill of the JPO columns (added by 18_00_00) for the vacancies already stored.

Every stored vacancy is read again with :func:`vacancies.jpo.read_jpo` — the function
ingestion uses — in batches by id, and only the rows it has something to say about
(JPO posts and restricted ones: a few per cent) are written, so an upgraded database
answers ``jpo=true`` and ``sponsor=NO`` at once instead of after each posting's next
change. Reading the text needs Python (the phrases are not expressible in SQL on both
engines); batches keep memory flat on large catalogues.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from vacancies.jpo import read_jpo
from vacancies.tables import Vacancy

ID = "2026-11-22T18:00:01:000000"
VERSION = "1.38.0"
DESCRIPTION = "Backfill vacancy.is_jpo, jpo_sponsors, open_to_nationalities"

BATCH = 1000


async def backfill() -> None:
    last_id = 0
    while True:
        rows = (
            await Vacancy.select(Vacancy.id, Vacancy.title, Vacancy.description, Vacancy.extra)
            .where(Vacancy.id > last_id)
            .order_by(Vacancy.id)
            .limit(BATCH)
            .output(load_json=True)
        )
        if not rows:
            return
        last_id = rows[-1]["id"]
        for row in rows:
            facts = read_jpo(row["title"], row["description"] or "", row["extra"] or {})
            if facts.is_jpo or facts.sponsors or facts.nationalities:
                await Vacancy.update(
                    {
                        Vacancy.is_jpo: facts.is_jpo,
                        Vacancy.jpo_sponsors: list(facts.sponsors),
                        Vacancy.open_to_nationalities: list(facts.nationalities),
                    }
                ).where(Vacancy.id == row["id"])


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="vacancies", description=DESCRIPTION)
    manager.add_raw(backfill)
    return manager
