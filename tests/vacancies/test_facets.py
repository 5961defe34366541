"""Facet counts as a service, without HTTP: each dimension counted with the other
filters applied, on real harvested data (see tests/portal/recorded_site.py)."""

from __future__ import annotations

import pytest

from tests.portal.recorded_site import NOW, harvest_recorded_sources
from vacancies.schemas import VacancyQuery
from vacancies.search import facet_counts, search_vacancies


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
