"""The search answer cache: the catalogue version its keys carry (kept by triggers on
both engines), reuse, shared computation, expiry and invalidation through the pages."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from selectolax.lexbor import LexborHTMLParser

from portal.cache import SearchCache
from tests.portal.recorded_site import (
    NOW,
    harvest_recorded_sources,
    portal_client,
    texts,
)
from vacancies.ingest import close_missing
from vacancies.search import catalogue_version
from vacancies.tables import CatalogueVersion, Organization, Source, Vacancy

# --- The catalogue version ----------------------------------------------------------------


async def test_a_harvest_that_writes_raises_the_version_and_one_that_does_not_leaves_it(db):
    before = await catalogue_version()
    await harvest_recorded_sources()
    after_first = await catalogue_version()
    assert after_first > before
    await harvest_recorded_sources()  # the same listings again: nothing written
    assert await catalogue_version() == after_first


async def test_closing_a_vacancy_raises_the_version(db):
    await harvest_recorded_sources()
    before = await catalogue_version()
    closed = await close_missing("reliefweb", set(), now=NOW)
    assert closed == 8
    assert await catalogue_version() > before


async def test_an_update_that_matches_no_row_leaves_the_version(db):
    await harvest_recorded_sources()
    before = await catalogue_version()
    await Vacancy.update({Vacancy.title: "x"}).where(Vacancy.id == -1)
    await Vacancy.delete().where(Vacancy.id == -1)
    assert await catalogue_version() == before


async def test_deleting_vacancies_and_changing_an_organisation_raise_the_version(db):
    await harvest_recorded_sources()
    v0 = await catalogue_version()
    await Vacancy.delete().where(Vacancy.source == "reliefweb")
    v1 = await catalogue_version()
    assert v1 > v0
    name = (await Organization.select(Organization.name).where(Organization.acronym == "WFP"))[0]
    await Organization.update({Organization.name: "World Food Programme (renamed)"}).where(
        Organization.acronym == "WFP"
    )
    try:
        assert await catalogue_version() > v1
    finally:
        await Organization.update({Organization.name: name["name"]}).where(
            Organization.acronym == "WFP"
        )


async def test_only_a_source_change_searches_show_raises_the_version(db):
    await harvest_recorded_sources()
    v0 = await catalogue_version()
    await Source.update({Source.last_run_at: NOW, Source.consecutive_failures: 3}).where(
        Source.id == "reliefweb"
    )
    assert await catalogue_version() == v0
    await Source.update({Source.name: "ReliefWeb (renamed)"}).where(Source.id == "reliefweb")
    v1 = await catalogue_version()
    assert v1 > v0
    await Source.update({Source.is_sample: True}).where(Source.id == "reliefweb")
    assert await catalogue_version() > v1


# --- The cache ---------------------------------------------------------------------------


class Computation:
    """A counted computation that can be held until released."""

    def __init__(self, answer: object = "answer") -> None:
        self.answer = answer
        self.calls = 0
        self.release = asyncio.Event()
        self.release.set()

    async def __call__(self) -> object:
        self.calls += 1
        await self.release.wait()
        return self.answer


async def test_an_answer_is_computed_once_per_question_day_and_version(db):
    cache = SearchCache(seconds=120)
    compute = Computation()
    assert await cache.get("q", NOW, compute) == "answer"
    assert await cache.get("q", NOW + timedelta(hours=11), compute) == "answer"
    assert (compute.calls, cache.hits, cache.misses) == (1, 1, 1)
    await cache.get("other", NOW, compute)  # another question
    assert compute.calls == 2
    await cache.get("q", NOW + timedelta(days=1), compute)  # the next day
    assert compute.calls == 3
    await CatalogueVersion.update({CatalogueVersion.version: CatalogueVersion.version + 1}).where(
        CatalogueVersion.id == 1
    )
    await cache.get("q", NOW + timedelta(days=1), compute)  # the catalogue changed
    assert compute.calls == 4


class Clock:
    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds


async def test_an_ageing_answer_is_given_and_recomputed_behind_it(db):
    clock = Clock()
    cache = SearchCache(seconds=120, timer=clock)
    first, second = Computation("first"), Computation("second")
    assert await cache.get("q", NOW, first) == "first"
    clock.seconds += 59  # younger than half the time limit: nothing to do
    assert await cache.get("q", NOW, second) == "first"
    assert second.calls == 0
    clock.seconds += 2  # older: still given, and recomputed in the background once
    second.release.clear()
    assert await cache.get("q", NOW, second) == "first"
    assert await cache.get("q", NOW, second) == "first"
    second.release.set()
    await asyncio.sleep(0.01)
    assert (second.calls, cache.refreshes) == (1, 1)
    assert await cache.get("q", NOW, Computation("third")) == "second"
    clock.seconds += 121  # past the time limit: dropped, computed while the visitor waits
    assert await cache.get("q", NOW, Computation("fourth")) == "fourth"


async def test_concurrent_requests_share_one_computation(db):
    cache = SearchCache(seconds=120)
    compute = Computation()
    compute.release.clear()
    waiting = [asyncio.create_task(cache.get("q", NOW, compute)) for _ in range(10)]
    await asyncio.sleep(0.05)
    assert compute.calls == 1
    compute.release.set()
    assert await asyncio.gather(*waiting) == ["answer"] * 10
    assert compute.calls == 1


async def test_a_request_that_goes_away_does_not_cancel_the_others(db):
    cache = SearchCache(seconds=120)
    compute = Computation()
    compute.release.clear()
    first = asyncio.create_task(cache.get("q", NOW, compute))
    second = asyncio.create_task(cache.get("q", NOW, compute))
    await asyncio.sleep(0.05)
    first.cancel()
    compute.release.set()
    assert await second == "answer"
    assert first.cancelled()
    assert await cache.get("q", NOW, compute) == "answer"
    assert compute.calls == 1


async def test_a_failure_reaches_every_waiter_and_is_not_kept(db):
    cache = SearchCache(seconds=120)
    calls = 0

    async def failing() -> str:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.01)
        raise RuntimeError("database went away")

    results = await asyncio.gather(
        cache.get("q", NOW, failing), cache.get("q", NOW, failing), return_exceptions=True
    )
    assert [str(r) for r in results] == ["database went away"] * 2
    assert calls == 1
    assert await cache.get("q", NOW, Computation("recovered")) == "recovered"


async def test_zero_seconds_turns_caching_off(db):
    cache = SearchCache(seconds=0)
    compute = Computation()
    await cache.get("q", NOW, compute)
    await cache.get("q", NOW, compute)
    assert compute.calls == 2


async def test_without_its_version_row_nothing_is_cached(db):
    cache = SearchCache(seconds=120)
    compute = Computation()
    await CatalogueVersion.delete().where(CatalogueVersion.id == 1)
    try:
        await cache.get("q", NOW, compute)
        await cache.get("q", NOW, compute)
        assert compute.calls == 2
    finally:
        await CatalogueVersion.insert(CatalogueVersion(id=1, version=0))


# --- Through the pages and the API -----------------------------------------------------------


@pytest.fixture
async def site(db):
    await harvest_recorded_sources()
    async with portal_client() as client:
        yield client


async def count(site, url: str, **params) -> str:
    response = await site.get(url, params={"lang": "en", **params})
    assert response.status_code == 200
    return texts(LexborHTMLParser(response.text), "#result-count")[0]


async def test_the_search_page_is_answered_from_the_cache_until_a_harvest_writes(site):
    cache: SearchCache = site._transport.app.state.search_cache
    assert await count(site, "/vacancies") == "46 vacancies"
    assert await count(site, "/vacancies") == "46 vacancies"
    htmx = await site.get("/vacancies", params={"lang": "en"}, headers={"HX-Request": "true"})
    assert htmx.status_code == 200
    assert "<html" not in htmx.text
    assert texts(LexborHTMLParser(htmx.text), "#result-count") == ["46 vacancies"]
    assert (cache.misses, cache.hits) == (1, 2)
    await close_missing("reliefweb", set(), now=NOW)
    assert await count(site, "/vacancies") == "38 vacancies"


async def test_languages_are_cached_apart(site):
    assert await count(site, "/vacancies", lang="en") == "46 vacancies"
    assert await count(site, "/vacancies", lang="nb") == "46 stillinger"


async def test_the_api_is_answered_from_the_cache_until_a_harvest_writes(site):
    cache: SearchCache = site._transport.app.state.search_cache
    first = await site.get("/api/vacancies", params={"q": "health"})
    again = await site.get("/api/vacancies", params={"q": "health"})
    assert first.json() == again.json()
    assert first.json()["total"] > 0
    assert cache.hits == 1
    await Vacancy.update({Vacancy.status: "closed"}).where(Vacancy.id > 0)
    assert (await site.get("/api/vacancies", params={"q": "health"})).json()["total"] == 0
