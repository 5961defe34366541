"""Detail pages are not fetched again while a vacancy's listing entry is unchanged.

Every recorded site of an adapter that completes each listed vacancy with a detail
request is harvested twice through the real adapter and engine: the second run must
ask exactly one request fewer per stored vacancy that is not due for its weekly re-read,
count those vacancies unchanged, write nothing, and close nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.helpers import vacancy_write_marks
from tests.recorded_sites import SHIPPED_SOURCES, CountingSite, load_sites
from vacancies import harvest
from vacancies.harvest import DETAIL_REFRESH_DAYS, detail_due, harvest_source
from vacancies.sources import load_source_specs, sync_sources
from vacancies.tables import Vacancy

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
SECRETS = {"PORTAL_RELIEFWEB_APPNAME": "norec-portal-test", "PORTAL_UNTALENT_TOKEN": "test-token"}
DETAIL_ADAPTERS = {
    "cornerstone",
    "html_listing",
    "oracle_recruiting",
    "successfactors",
    "taleo",
    "un_careers",
    "unv",
    "workday",
}
"""Adapters that read a detail page per listed vacancy and skip it when listed as before."""
LISTING_ONLY_SITES = {"aiib-html", "ndf-html"}
"""Sites of those adapters configured to read everything from the listing."""

SPECS = {spec.id: spec for spec in load_source_specs(SHIPPED_SOURCES)}
SITES = load_sites()
DETAIL_SITES = sorted(
    source_id
    for source_id in SITES
    if source_id in SPECS and SPECS[source_id].adapter in DETAIL_ADAPTERS
)


async def stored(source_id: str) -> dict[str, dict]:
    rows = await Vacancy.select(
        Vacancy.external_id, Vacancy.listing_fingerprint, Vacancy.status, Vacancy.content_hash
    ).where(Vacancy.source == source_id)
    return {row["external_id"]: row for row in rows}


@pytest.fixture
async def catalogue(db, monkeypatch):
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    specs = [SPECS[source_id].model_copy(update={"enabled": True}) for source_id in DETAIL_SITES]
    await sync_sources(specs)


def test_every_detail_adapter_has_a_recorded_site_here():
    assert {SPECS[source_id].adapter for source_id in DETAIL_SITES} == DETAIL_ADAPTERS


@pytest.mark.parametrize("source_id", DETAIL_SITES)
async def test_a_second_harvest_reads_no_detail_of_a_vacancy_listed_as_before(catalogue, source_id):
    site = CountingSite(SITES[source_id])
    async with site.client() as client:
        first = await harvest_source(source_id, client, clock=lambda: NOW)
        first_requests = list(site.requests)
        before = await stored(source_id)
        marks = await vacancy_write_marks()
        site.requests.clear()
        second = await harvest_source(source_id, client, clock=lambda: NOW)

    expected = SITES[source_id].expected
    assert first.status.value == "ok", first.error
    assert first.counts.new == expected["records"]
    # Vacancies read from a detail page carry a fingerprint; complete listing entries
    # (some UN Careers openings, HTML lists without detail pages) cost no detail anyway.
    fingerprinted = [i for i, row in before.items() if row["listing_fingerprint"]]
    assert bool(fingerprinted) == (source_id not in LISTING_ONLY_SITES)
    day = NOW.date().toordinal()
    skipped = sum(1 for external_id in fingerprinted if not detail_due(external_id, day))
    assert second.status.value == "ok", second.error
    assert len(site.requests) == len(first_requests) - skipped
    assert (second.counts.new, second.counts.updated, second.counts.closed) == (0, 0, 0)
    assert second.counts.unchanged == expected["records"]
    assert second.counts.rejected == first.counts.rejected
    if not isinstance(marks, str):  # PostgreSQL: no vacancy row was rewritten
        assert await vacancy_write_marks() == marks
    assert await stored(source_id) == before


async def test_a_changed_listing_entry_reads_the_detail_again(catalogue, monkeypatch):
    source_id = DETAIL_SITES[0]
    site = CountingSite(SITES[source_id])
    monkeypatch.setattr(harvest, "detail_due", lambda external_id, day: False)
    async with site.client() as client:
        await harvest_source(source_id, client, clock=lambda: NOW)
        before = await stored(source_id)
        # The stored fingerprint of one vacancy no longer matches its listing entry.
        changed_id = sorted(before)[0]
        await Vacancy.update({Vacancy.listing_fingerprint: "0" * 32}).where(
            (Vacancy.source == source_id) & (Vacancy.external_id == changed_id)
        )
        site.requests.clear()
        result = await harvest_source(source_id, client, clock=lambda: NOW)
        listing_only = len(site.requests)

    assert result.counts.unchanged == len(before)
    after = await stored(source_id)
    # Read in full once more, found unchanged, and its fingerprint put right.
    assert after[changed_id]["listing_fingerprint"] == before[changed_id]["listing_fingerprint"]
    assert after[changed_id]["content_hash"] == before[changed_id]["content_hash"]
    site.requests.clear()
    async with site.client() as client:
        await harvest_source(source_id, client, clock=lambda: NOW)
    assert len(site.requests) == listing_only - 1


async def test_each_vacancy_is_read_in_full_once_a_week_on_a_day_of_its_own(catalogue):
    source_id = DETAIL_SITES[0]
    site = CountingSite(SITES[source_id])
    async with site.client() as client:
        await harvest_source(source_id, client, clock=lambda: NOW)
        ids = sorted(await stored(source_id))
        requests_by_day = []
        for offset in range(1, DETAIL_REFRESH_DAYS + 1):
            at = NOW + timedelta(days=offset)
            site.requests.clear()
            result = await harvest_source(source_id, client, clock=lambda at=at: at)
            assert result.counts.unchanged == len(ids)
            requests_by_day.append(len(site.requests))
    days = [(NOW + timedelta(days=n)).date().toordinal() for n in range(1, 8)]
    due_by_day = [sum(detail_due(i, day) for i in ids) for day in days]
    assert sum(due_by_day) == len(ids)  # each vacancy exactly once in the week
    listing = requests_by_day[0] - due_by_day[0]
    assert requests_by_day == [listing + due for due in due_by_day]


async def test_a_change_of_the_normalisation_rules_reads_every_detail_again(catalogue, monkeypatch):
    source_id = DETAIL_SITES[0]
    site = CountingSite(SITES[source_id])
    monkeypatch.setattr(harvest, "detail_due", lambda external_id, day: False)
    async with site.client() as client:
        await harvest_source(source_id, client, clock=lambda: NOW)
        all_requests = len(site.requests)
        monkeypatch.setattr(harvest, "normalization_fingerprint", lambda: b"other rules")
        site.requests.clear()
        await harvest_source(source_id, client, clock=lambda: NOW)
    assert len(site.requests) == all_requests
