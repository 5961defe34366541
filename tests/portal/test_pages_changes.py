"""Pages after the data changed: closed vacancies, sample data, failing sources."""

from __future__ import annotations

from datetime import timedelta

import pytest
from selectolax.lexbor import LexborHTMLParser

from tests.portal.recorded_site import (
    COX_BAZAR,
    NOW,
    harvest_recorded_sources,
    portal_client,
    texts,
    vacancy_id,
)
from vacancies.ingest import close_expired, close_missing
from vacancies.tables import HarvestRun, RunStatus, Source


@pytest.fixture
async def site(db):
    await harvest_recorded_sources()
    async with portal_client() as client:
        yield client


async def page(site, url: str, **params) -> LexborHTMLParser:
    response = await site.get(url, params={"lang": "en", **params})
    assert response.status_code == 200
    return LexborHTMLParser(response.text)


async def test_a_vacancy_gone_from_its_listing_says_so(site):
    vacancy = await vacancy_id(COX_BAZAR)
    await close_missing("reliefweb", set(), now=NOW + timedelta(days=1))
    tree = await page(site, f"/vacancies/{vacancy}")
    assert texts(tree, "#closed-notice") == [
        "This vacancy is closed It was closed on November 23, 2026. "
        "It is no longer in the source's listing."
    ]
    assert texts(tree, "#apply-link") == ["See the original posting"]


async def test_a_vacancy_past_its_deadline_says_so(site):
    vacancy = await vacancy_id(COX_BAZAR)
    await close_expired(now=NOW + timedelta(days=13))
    tree = await page(site, f"/vacancies/{vacancy}")
    assert texts(tree, "#closed-notice p") == [
        "It was closed on December 5, 2026. Its application deadline has passed."
    ]


async def test_a_closed_vacancy_leaves_the_search(site):
    await close_missing("reliefweb", set(), now=NOW)
    tree = await page(site, "/vacancies")
    assert texts(tree, "#result-count") == ["38 vacancies"]


async def test_sample_data_is_labelled(site):
    await Source.update({Source.is_sample: True}).where(Source.id == "reliefweb")
    tree = await page(site, f"/vacancies/{await vacancy_id(COX_BAZAR)}")
    assert texts(tree, "#sample-notice") == [
        "Sample data: this vacancy comes from a recorded feed loaded for demonstration, "
        "not from a live harvest."
    ]
    search = await page(site, "/vacancies", region="southern-asia")
    assert texts(search, "ol.results .ds-tag") == ["Sample data", "Sample data"]


async def test_a_source_failing_three_runs_in_a_row_is_flagged_with_its_error(site):
    await Source.update({Source.consecutive_failures: 3}).where(Source.id == "reliefweb")
    await HarvestRun.insert(
        HarvestRun(
            source="reliefweb",
            started_at=NOW,
            finished_at=NOW,
            status=RunStatus.failed,
            error="HTTP 500 from <api.reliefweb.int> & retries exhausted",
        )
    )
    tree = await page(site, "/sources")
    row = tree.css_first("tr#source-reliefweb")
    assert texts(row, ".ds-tag") == ["Failed", "Failing: 3 runs in a row"]
    assert texts(row, ".run-error") == ["HTTP 500 from <api.reliefweb.int> & retries exhausted"]
    response = await site.get("/sources")
    assert "HTTP 500 from &lt;api.reliefweb.int&gt; &amp; retries exhausted" in response.text
    assert texts(tree, "tr#source-unicef-rss .ds-tag") == ["OK"]


async def test_two_failures_in_a_row_are_not_flagged_yet(site):
    await Source.update({Source.consecutive_failures: 2}).where(Source.id == "reliefweb")
    tree = await page(site, "/sources")
    assert tree.css_first("tr#source-reliefweb .failing") is None
