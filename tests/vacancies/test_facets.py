"""Facet counts as a service, without HTTP: each dimension counted with the other
filters applied, on real harvested data (see tests/portal/recorded_site.py)."""

from __future__ import annotations

import pytest

from tests.portal.recorded_site import NOW, harvest_recorded_sources
from vacancies.schemas import VacancyQuery
from vacancies.search import facet_counts, search_vacancies, search_with_facets


@pytest.fixture
async def harvested(db):
    await harvest_recorded_sources()


def counts(values) -> dict[str, int]:
    return {value.value: value.count for value in values}


async def test_facet_counts_match_the_search_they_describe(harvested):
    facets = await facet_counts(VacancyQuery(organization=["UNICEF"], grade=["P-3"]), NOW)
    assert counts(facets.organization) == {"UNICEF": 15, "UNFPA": 1}
    grades = counts(facets.grade)
    assert grades["P-3"] == 15
    filtered = await search_vacancies(VacancyQuery(organization=["UNICEF"], grade=["P-4"]), NOW)
    assert grades["P-4"] == filtered.total == 7


async def test_windows_count_cumulatively_from_now(harvested):
    facets = await facet_counts(VacancyQuery(), NOW)
    assert counts(facets.deadline) == {"7": 0, "14": 2, "30": 4}
    assert counts(facets.posted) == {"1": 0, "7": 5, "30": 8}


async def test_chosen_values_are_marked(harvested):
    facets = await facet_counts(VacancyQuery(org_type=["bank"], deadline_within_days=7), NOW)
    assert [(v.value, v.selected) for v in facets.org_type] == [("un", False), ("bank", True)]
    assert [v.value for v in facets.deadline if v.selected] == ["7"]


@pytest.mark.parametrize(
    "query",
    [
        VacancyQuery(),
        VacancyQuery(q="health", sort="relevance"),
        VacancyQuery(organization=["UNICEF"], grade=["P-3", "P-4"], page=2, per_page=5),
        VacancyQuery(org_type=["bank"], deadline_within_days=30),
        VacancyQuery(q="no such word anywhere"),
    ],
    ids=["all", "word", "filters-page-2", "banks-closing", "nothing"],
)
async def test_the_page_query_gives_the_same_results_and_counts_in_fewer_statements(
    harvested, query
):
    """search_with_facets (what the search page runs) takes the total from the facet
    statement: it must equal the separate count, and the rows and counts the same."""
    page, facets = await search_with_facets(query, NOW)
    assert page == await search_vacancies(query, NOW)
    assert facets == await facet_counts(query, NOW)
