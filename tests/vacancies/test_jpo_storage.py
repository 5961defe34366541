"""JPO facts stored on the vacancy at ingestion, searched with ``jpo`` and ``sponsor``,
and filled in by the migration for vacancies stored before it (both engines)."""

from __future__ import annotations

import pytest

from tests.portal.recorded_site import ACCRA_JPO, NOW, harvest_recorded_sources
from tests.vacancies.test_ingest import add_source, ingest, stored, unicef_record
from vacancies.piccolo_migrations.vacancies_2026_11_22t18_00_01_000000 import backfill
from vacancies.schemas import VacancyQuery
from vacancies.search import get_vacancy, search_vacancies, search_with_facets
from vacancies.tables import Vacancy

SPONSORED = unicef_record(
    "700001",
    title="Programme Specialist (JPO), P-2, Nairobi, Kenya",
    description_html="<p>This JPO position is sponsored by the Government of Norway.</p>"
    "<p>It is open to Norwegian nationals only.</p>",
)
DANISH = unicef_record(
    "700002",
    title="Associate Expert, Social Protection, Geneva",
    description_html="<p>Funded by the Ministry of Foreign Affairs of Denmark. Open to "
    "nationals of Denmark only.</p>",
)
ORDINARY = unicef_record("700003")


async def test_ingestion_stores_the_jpo_facts(db):
    await add_source("unicef-rss")
    await ingest("unicef-rss", [SPONSORED, DANISH, ORDINARY])

    rows = {
        external_id: await stored("unicef-rss", external_id)
        for external_id in ("700001", "700002", "700003")
    }
    facts = {
        key: (row["is_jpo"], row["jpo_sponsors"], row["open_to_nationalities"])
        for key, row in rows.items()
    }
    assert facts == {
        "700001": (True, ["NO"], ["NO"]),
        "700002": (True, ["DK"], ["DK"]),
        "700003": (False, [], []),
    }


async def test_a_content_change_recomputes_them(db):
    await add_source("unicef-rss")
    await ingest("unicef-rss", [SPONSORED])
    changed = SPONSORED.model_copy(
        update={"description_html": "<p>This JPO position is financed by Sweden.</p>"}
    )
    outcome = await ingest("unicef-rss", [changed])

    assert outcome.counts.updated == 1
    row = await stored("unicef-rss", "700001")
    assert (row["is_jpo"], row["jpo_sponsors"], row["open_to_nationalities"]) == (
        True,
        ["SE"],
        [],
    )


async def test_search_filters_jpo_posts_and_sponsors(db):
    await add_source("unicef-rss")
    await ingest("unicef-rss", [SPONSORED, DANISH, ORDINARY])

    async def found(**filters) -> list[str]:
        page = await search_vacancies(VacancyQuery(**filters), NOW)
        return sorted(item.external_id for item in page.items)

    assert await found() == ["700001", "700002", "700003"]
    assert await found(jpo=True) == ["700001", "700002"]
    assert await found(sponsor=["NO"]) == ["700001"]
    assert await found(sponsor=["no", "DK"]) == ["700001", "700002"]
    assert await found(sponsor=["SE"]) == []
    assert await found(jpo=True, q="Associate Expert") == ["700002"]

    page = await search_vacancies(VacancyQuery(sponsor=["NO"]), NOW)
    item = page.items[0]
    assert (item.is_jpo, item.jpo_sponsors, item.open_to_nationalities) == (True, ["NO"], ["NO"])


async def test_the_jpo_facet_counts_with_the_other_filters(db):
    await add_source("unicef-rss")
    await ingest("unicef-rss", [SPONSORED, DANISH, ORDINARY])

    page, facets = await search_with_facets(VacancyQuery(), NOW)
    assert page.total == 3
    assert [(f.value, f.count, f.selected) for f in facets.jpo] == [("true", 2, False)]

    page, facets = await search_with_facets(VacancyQuery(jpo=True, sponsor=["DK"]), NOW)
    assert page.total == 1
    assert [(f.value, f.count, f.selected) for f in facets.jpo] == [("true", 1, True)]
    assert sum(f.count for f in facets.organization) == 1


async def test_no_jpo_facet_without_jpo_posts(db):
    await add_source("unicef-rss")
    await ingest("unicef-rss", [ORDINARY])
    _, facets = await search_with_facets(VacancyQuery(), NOW)
    assert facets.jpo == []


def test_sponsor_must_be_an_alpha2_code():
    with pytest.raises(ValueError, match="alpha-2"):
        VacancyQuery(sponsor=["NOR"])


async def test_the_recorded_unicef_jpo_is_flagged(db):
    await harvest_recorded_sources()
    row = await Vacancy.select(Vacancy.id).where(Vacancy.title == ACCRA_JPO).first()
    vacancy = await get_vacancy(row["id"])
    assert (vacancy.is_jpo, vacancy.jpo_sponsors, vacancy.open_to_nationalities) == (
        True,
        [],
        ["NO"],
    )
    finnish = await search_vacancies(VacancyQuery(sponsor=["FI"]), NOW)
    assert [(v.title.split(",")[0], v.open_to_nationalities) for v in finnish.items] == [
        ("JPO-Education Officer (digital learning)", ["FI"])
    ]
    jpo_posts = await search_vacancies(VacancyQuery(jpo=True), NOW)
    assert jpo_posts.total == 2


async def test_the_migration_backfills_vacancies_stored_before_it(db):
    await add_source("unicef-rss")
    await ingest("unicef-rss", [SPONSORED, DANISH, ORDINARY])
    # As an upgraded database has them: stored before the columns existed.
    await Vacancy.update(
        {Vacancy.is_jpo: False, Vacancy.jpo_sponsors: [], Vacancy.open_to_nationalities: []},
        force=True,
    )
    assert (await search_vacancies(VacancyQuery(jpo=True), NOW)).total == 0

    await backfill()

    rows = await Vacancy.select(
        Vacancy.external_id, Vacancy.is_jpo, Vacancy.jpo_sponsors, Vacancy.open_to_nationalities
    ).output(load_json=True)
    assert sorted(
        (r["external_id"], r["is_jpo"], r["jpo_sponsors"], r["open_to_nationalities"]) for r in rows
    ) == [
        ("700001", True, ["NO"], ["NO"]),
        ("700002", True, ["DK"], ["DK"]),
        ("700003", False, [], []),
    ]
    assert (await search_vacancies(VacancyQuery(sponsor=["NO"]), NOW)).total == 1
