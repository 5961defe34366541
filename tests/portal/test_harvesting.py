"""Harvesting many sources at once (``portal.harvesting``): lanes by host, the order lanes
are handed out, and what a failing worker process leaves behind. ``portal harvest`` over
the whole catalogue with several workers is tests/vacancies/test_full_harvest.py."""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime

import pytest

from portal.harvesting import _largest_first, harvest_sources, lanes
from tests.recorded_sites import SHIPPED_SOURCES, load_site
from vacancies.sources import load_source_specs, sync_sources
from vacancies.tables import HarvestRun, Source, Vacancy

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def test_lanes_group_sources_by_origin_in_order_of_appearance():
    sources = [
        ("unhcr-cinfo-rss", "https://cinfoposte.github.io/unhcr-jobs/unhcr_jobs.xml"),
        ("unhcr-workday", "https://unhcr.wd3.myworkdayjobs.com"),
        ("ebrd-cinfo-rss", "https://CINFOPOSTE.github.io:443/ebrd-jobs/ebrd_jobs.xml"),
        ("plain", "http://cinfoposte.github.io/other.xml"),
        ("local-a", "http://127.0.0.1:8001/feed.xml"),
        ("local-b", "http://127.0.0.1:8002/feed.xml"),
    ]
    assert lanes(sources) == [
        ["unhcr-cinfo-rss", "ebrd-cinfo-rss"],
        ["unhcr-workday"],
        ["plain"],
        ["local-a"],
        ["local-b"],
    ]


async def add_source(source_id: str, base_url: str | None = None) -> None:
    await Source.insert(
        Source(
            id=source_id,
            name=source_id,
            adapter="rss",
            base_url=base_url or f"https://{source_id}.test/feed.xml",
        )
    )


async def add_run(source_id: str, fetched: int, day: int, status: str = "ok") -> None:
    await HarvestRun.insert(
        HarvestRun(
            source=source_id,
            started_at=datetime(2026, 11, day, tzinfo=UTC),
            status=status,
            fetched=fetched,
        )
    )


async def test_lanes_never_harvested_go_first_then_the_largest_by_their_latest_good_runs(db):
    for source_id in ("small", "large", "both-a", "both-b", "fresh"):
        await add_source(source_id)
    await add_run("small", 900, 1)  # large once, small in its latest run
    await add_run("small", 12, 2)
    await add_run("large", 300, 2)
    await add_run("large", 0, 3, status="failed")  # a failed run tells nothing of its size
    await add_run("both-a", 100, 2)
    await add_run("both-b", 250, 2)
    await add_run("fresh", 0, 3, status="failed")  # never harvested successfully

    ordered = await _largest_first([["small"], ["both-a", "both-b"], ["large"], ["fresh"]])

    assert ordered == [["fresh"], ["both-a", "both-b"], ["large"], ["small"]]


async def in_workers(source_ids, client_factory, processes: int, on_result=None):
    """``harvest_sources`` on a pool of ``processes`` spawned workers."""
    executor = ProcessPoolExecutor(
        max_workers=processes, mp_context=multiprocessing.get_context("spawn")
    )
    try:
        return await harvest_sources(
            source_ids,
            workers=processes,
            lock_ttl_seconds=600,
            on_result=on_result,
            executor=executor,
            client_factory=client_factory,
            clock=fixed_clock,
        )
    finally:
        executor.shutdown(cancel_futures=True)


def failing_client():
    """A client factory (run in the worker process) that cannot build its client."""
    raise RuntimeError("proxy settings unreadable")


def crashing_client():
    """A client factory whose worker process dies on the spot."""
    os._exit(3)


def fixed_clock() -> datetime:
    return NOW


@pytest.mark.parametrize(
    ("factory", "reason"),
    [
        (
            failing_client,
            "the harvest's worker process failed: RuntimeError: proxy settings unreadable",
        ),
        (crashing_client, "the harvest's worker process stopped unexpectedly"),
    ],
)
async def test_a_failing_worker_fails_its_sources_with_the_reason_and_stores_nothing(
    db, factory, reason
):
    await add_source("unicef-rss")
    await add_source("worldbank-rss")
    heard = []
    results = await in_workers(["worldbank-rss", "unicef-rss"], factory, 1, heard.append)

    assert [r.source_id for r in results] == ["worldbank-rss", "unicef-rss"]
    assert sorted(r.source_id for r in heard) == ["unicef-rss", "worldbank-rss"]
    for result in results:
        assert (result.status.value, result.error, result.failed) == ("failed", reason, True)
    assert await Vacancy.count() == 0


def recorded_unicef_client():
    """The recorded UNICEF feed, served in the worker process."""
    return load_site("unicef-rss").client()


async def test_sources_harvested_in_workers_come_back_in_the_order_asked(db):
    site = load_site("unicef-rss")
    shipped = [spec for spec in load_source_specs(SHIPPED_SOURCES) if spec.id == "unicef-rss"]
    await sync_sources(shipped, disable_missing=False)
    await add_source("unknown-host")
    results = await in_workers(["unknown-host", "unicef-rss"], recorded_unicef_client, 2)

    assert [r.source_id for r in results] == ["unknown-host", "unicef-rss"]
    unknown, unicef = results
    assert unknown.status.value == "failed"
    assert unicef.status.value == "ok"
    assert unicef.counts.new == site.expected["records"]
    assert await Vacancy.count().where(Vacancy.source == "unicef-rss") == site.expected["records"]


async def test_no_sources_harvest_nothing(db):
    assert await harvest_sources([], workers=2, lock_ttl_seconds=600) == []
