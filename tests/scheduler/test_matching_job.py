"""The stored-matches recompute job: fills candidate_match, one process at a time."""

from __future__ import annotations

from candidates.matching.service import clear_cache
from candidates.tables import StoredMatch
from scheduler import jobs
from tests.candidates.matching.helpers import candidate, vacancy
from vacancies.locks import source_lock


async def test_the_job_stores_matches(db):
    clear_cache()
    post = await vacancy("v1")
    person = await candidate("a@example.no")

    await jobs.recompute_matches_job()

    rows = await StoredMatch.select(StoredMatch.user, StoredMatch.vacancy)
    assert [(r["user"], r["vacancy"]) for r in rows] == [(person, post)]


async def test_the_job_is_skipped_while_another_process_recomputes(db):
    clear_cache()
    await vacancy("v1")
    await candidate("a@example.no")

    async with source_lock(jobs.MATCH_LOCK) as held:
        assert held
        await jobs.recompute_matches_job()

    assert await StoredMatch.count() == 0
