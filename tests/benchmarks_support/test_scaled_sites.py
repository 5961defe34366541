"""The benchmark's scaled sites (benchmarks/scaled_sites.py) read as complete listings.

One scaled site per adapter (two for SuccessFactors: search pages and RSS feed), a few
copies of its recorded site, harvested twice through the real adapter and engine: the
first run must store exactly copies x the recorded ``expected`` records and rejections,
the second find every one unchanged. Guards the harvest benchmark against measuring a
listing the adapter stops reading part-way.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest

from benchmarks.scaled_sites import clone_token, scale_site, title_suffix
from scrapers.http import PoliteClient
from tests.recorded_sites import SHIPPED_SOURCES, load_sites
from vacancies.harvest import harvest_source
from vacancies.ingest import similar_titles
from vacancies.normalize import title_key
from vacancies.sources import load_source_specs, sync_sources
from vacancies.tables import Vacancy

SECRETS = {"PORTAL_RELIEFWEB_APPNAME": "norec-portal-test", "PORTAL_UNTALENT_TOKEN": "test-token"}
SPECS = {spec.id: spec for spec in load_source_specs(SHIPPED_SOURCES)}
SITES = load_sites()
ONE_PER_ADAPTER = [
    "reliefweb",
    "unicef-rss",
    "un-careers",
    "unv",
    "untalent",
    "unhcr-workday",
    "iom-oracle",
    "who-taleo",
    "ilo-successfactors",
    "unesco-successfactors",
    "worldbank-cornerstone",
    "afdb-html",
]
COPIES = 3


def test_every_adapter_with_a_recorded_site_is_covered():
    adapters = {SPECS[source_id].adapter for source_id in SITES}
    assert {SPECS[source_id].adapter for source_id in ONE_PER_ADAPTER} == adapters


def test_clone_ids_are_distinct_and_keep_their_shape():
    assert clone_token("JR2667012", 3) == "JR266701200003"
    assert clone_token("2561-en_US", 12) == "256100012-en_US"
    assert clone_token("investment-officer-africa", 0) == "investment-officer-africa-00000"
    assert len({clone_token("27811", copy) for copy in range(100)}) == 100


def test_clones_in_two_sources_of_one_organisation_do_not_look_alike():
    title = "Programme Policy Officer (Cash-Based Transfers), NOC, Fixed Term, Amman"
    for copy in range(20):
        ours = title_key(f"{title} {title_suffix('ebrd-cinfo-rss', copy, title)}")
        theirs = title_key(f"{title} {title_suffix('ebrd-successfactors', copy, title)}")
        assert not similar_titles(ours, theirs)


@pytest.mark.parametrize("source_id", ONE_PER_ADAPTER)
async def test_a_scaled_site_yields_copies_of_the_recorded_counts(db, monkeypatch, source_id):
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    spec = SPECS[source_id]
    recorded = SITES[source_id]
    config = spec.config()
    site = await scale_site(recorded, config, COPIES * recorded.expected["records"])
    assert site.copies == COPIES
    assert site.expected == {k: COPIES * v for k, v in recorded.expected.items()}

    params = dict(spec.params)
    if site.max_pages is not None:
        params["max_pages"] = site.max_pages
    parts = urlsplit(spec.base_url)
    scaled_id = f"{source_id}-scaled"
    await sync_sources(
        [
            spec.model_copy(
                update={
                    "id": scaled_id,
                    "enabled": True,
                    "params": params,
                    "base_url": urlunsplit(parts._replace(netloc=f"{source_id}.scaled.test")),
                }
            )
        ],
        disable_missing=False,
    )
    async with PoliteClient(transport=httpx.MockTransport(site.handle), delay=0) as client:
        first = await harvest_source(scaled_id, client)
        listing_requests = site.requests["listing"]
        second = await harvest_source(scaled_id, client)

    assert (first.status.value, first.error) == ("ok", None)
    assert (first.counts.new, first.counts.rejected) == (
        site.expected["records"],
        site.expected["rejected"],
    )
    assert listing_requests == len(site.pages)
    assert (second.status.value, second.error) == ("ok", None)
    assert (second.counts.unchanged, second.counts.new, second.counts.updated) == (
        site.expected["records"],
        0,
        0,
    )
    rows = await Vacancy.select(Vacancy.external_id, Vacancy.title).where(
        Vacancy.source == scaled_id
    )
    assert len({row["external_id"] for row in rows}) == site.expected["records"]
    # No scaled vacancy keeps a recorded title: every one carries its clone's suffix.
    recorded_rows = len(rows) // COPIES
    assert len({row["title"] for row in rows}) > recorded_rows


def test_worker_processes_serve_the_sites_the_parent_built(monkeypatch):
    """``start_worker`` (a harvest worker's initializer) builds the same scaled sites as
    the parent; its clients answer each source's host from its site, and another host
    (the Cornerstone API's) from the site last asked."""
    import asyncio

    from benchmarks import scaled_sites

    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setattr(scaled_sites, "_worker_sites", {})
    monkeypatch.setattr(scaled_sites, "_last_site", [])
    ids = ["unicef-rss", "ilo-successfactors"]
    wanted = {source_id: COPIES * SITES[source_id].expected["records"] for source_id in ids}
    configs = [SPECS[source_id].config() for source_id in ids]
    scaled_sites.start_worker(configs, wanted)
    parent = asyncio.run(scale_site(SITES["unicef-rss"], configs[0], wanted["unicef-rss"]))

    feed = scaled_sites.bench_base_url("unicef-rss", SPECS["unicef-rss"].base_url)
    assert urlsplit(feed).netloc == "unicef-rss.bench.test"

    async def get(url: str) -> httpx.Response:
        async with scaled_sites.scaled_client() as client:
            return await client._client.get(url)

    first = asyncio.run(get(feed))
    assert first.status_code == 200
    assert first.content == parent.pages[0]
    elsewhere = asyncio.run(get(urlunsplit(urlsplit(feed)._replace(netloc="api.elsewhere.test"))))
    assert elsewhere.content == parent.pages[0]
    other = scaled_sites.bench_base_url("ilo-successfactors", SPECS["ilo-successfactors"].base_url)
    assert asyncio.run(get(other)).status_code == 200
    assert scaled_sites._last_site[0].source_id == "ilo-successfactors"
