"""Stored vacancies get their requirements read after harvest: once per content and
pipeline version, with evidence that points into the stored description."""

from __future__ import annotations

from datetime import UTC, datetime

import anyio
import pytest

from tests.recorded_sites import SHIPPED_SOURCES, load_site
from vacancies import analysis
from vacancies.analysis import analyse_pending, guess_language
from vacancies.harvest import harvest_source
from vacancies.nlp import Requirements, prepare_text
from vacancies.sources import load_source_specs, sync_sources
from vacancies.tables import Vacancy

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
SOURCE = "unhcr-workday"


@pytest.fixture
async def harvested(db):
    spec = next(s for s in load_source_specs(SHIPPED_SOURCES) if s.id == SOURCE)
    await sync_sources([spec])
    async with load_site(SOURCE).client() as client:
        result = await harvest_source(SOURCE, client, clock=lambda: NOW)
    assert result.counts.new == 11
    return result


async def rows() -> dict[str, dict]:
    found = (
        await Vacancy.select(
            Vacancy.external_id,
            Vacancy.description,
            Vacancy.requirements,
            Vacancy.requirements_version,
        )
        .where(Vacancy.source == SOURCE)
        .output(load_json=True)
    )
    return {row["external_id"]: row for row in found}


async def test_harvested_vacancies_wait_for_analysis_then_get_it_once(harvested):
    assert all(row["requirements"] is None for row in (await rows()).values())

    first = await analyse_pending()
    assert (first.analysed, first.skipped) == (11, 0)
    stored = await rows()
    for row in stored.values():
        assert row["requirements_version"] == first.version
        requirements = Requirements.model_validate(row["requirements"])
        assert requirements.version == first.version
        # Every piece of evidence is the stored description's own words.
        text = prepare_text(row["description"])
        for item in [*requirements.languages, *requirements.education, *requirements.experience]:
            span = item.evidence
            assert text[span.start : span.end] == span.text
    # "Advanced university degree in law, international relations or political science;
    # 8 years of relevant experience."
    senior = stored["JR2667012"]["requirements"]
    assert (senior["education_min"], senior["experience_min_years"]) == ("master", 8)
    assert senior["education"][0]["fields"] == [
        "law",
        "international relations",
        "political science",
    ]
    assert [skill["id"] for skill in senior["skills"]] == ["humanitarian-protection"]
    # The internship asks for studies under way, not a degree or years.
    intern = stored["JR2665301"]["requirements"]
    assert (intern["education_min"], intern["experience_min_years"]) == (None, None)

    again = await analyse_pending()
    assert (again.analysed, again.skipped) == (0, 0)


async def test_a_changed_vacancy_and_an_older_analysis_are_read_again(harvested):
    await analyse_pending()
    ids = sorted(await rows())
    await Vacancy.update({Vacancy.requirements_version: "0+old-taxonomy"}).where(
        (Vacancy.source == SOURCE) & (Vacancy.external_id == ids[0])
    )
    await Vacancy.update({Vacancy.requirements: None, Vacancy.requirements_version: None}).where(
        (Vacancy.source == SOURCE) & (Vacancy.external_id == ids[1])
    )
    result = await analyse_pending(source_ids=[SOURCE])
    assert (result.analysed, result.skipped) == (2, 0)
    assert all(row["requirements_version"] == result.version for row in (await rows()).values())


async def test_only_the_sources_asked_and_at_most_the_limit(harvested):
    assert (await analyse_pending(source_ids=["reliefweb"])).analysed == 0
    assert (await analyse_pending(limit=4, batch_size=3)).analysed == 4
    assert sum(1 for row in (await rows()).values() if row["requirements"] is None) == 7


async def test_a_vacancy_that_changes_while_read_keeps_no_stale_analysis(harvested, monkeypatch):
    target = sorted(await rows())[0]
    real = analysis.analyse_texts

    async def harvest_stores_new_content() -> None:
        await Vacancy.update({Vacancy.content_hash: "new content"}).where(
            (Vacancy.source == SOURCE) & (Vacancy.external_id == target)
        )

    def read_while_a_harvest_writes(texts):
        results = real(texts)
        anyio.from_thread.run(harvest_stores_new_content)
        return results

    monkeypatch.setattr(analysis, "analyse_texts", read_while_a_harvest_writes)
    result = await analyse_pending()
    assert (result.analysed, result.skipped) == (10, 1)
    assert (await rows())[target]["requirements"] is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Stillingen er kun åpen for norske statsborgere. Vi søker en rådgiver med "
            "mastergrad og minst tre års erfaring fra utviklingssamarbeid.",
            "nb",
        ),
        (
            "The Programme Officer will support the country office. Advanced university "
            "degree and five years of experience in development are required.",
            "en",
        ),
        ("", "en"),
        ("Kunnskaper i norsk", "en"),
    ],
)
def test_the_language_of_a_text_is_guessed_from_its_common_words(text, expected):
    assert guess_language(text) == expected
