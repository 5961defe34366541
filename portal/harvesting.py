"""Harvesting many sources at once: what ``portal harvest`` runs.

Sources are grouped into *lanes* by host (origin): the sources of one host are harvested
one after the other by one polite client, so the per-host delay and robots.txt hold
across them (the cinfo feeds of five organisations live on one host). Lanes are
independent and go to a pool of worker processes, each lane to the next free worker,
lanes that held the most records in their last runs first (never-harvested lanes before
them: they may be large).

Processes rather than tasks: at the polite pace a harvest waits on the network, but a
first harvest, or one with a short ``PORTAL_HTTP_DELAY``, is bound by the CPU (parsing,
normalising), and one Python process uses one core. Each worker opens the database
itself; harvests of two sources of one organisation may then store at the same moment,
which the ingestion handles (``vacancies.ingest.DuplicateIndex.catch_up``), as it does
for the scheduler's concurrent jobs.

With one worker, or one lane, everything runs in this process, as before.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime

from piccolo.query.functions.aggregate import Max

from scrapers.http import PoliteClient, origin
from vacancies.harvest import HarvestResult, client_from_settings, harvest_locked, utcnow
from vacancies.tables import HarvestRun, RunStatus, Source

ClientFactory = Callable[[], PoliteClient]
OnResult = Callable[[HarvestResult], None]


def lanes(sources: Sequence[tuple[str, str]]) -> list[list[str]]:
    """Source ids grouped by the origin (scheme, host, port: what robots.txt and the
    client's delay apply to) of their base URL, from ``(id, base_url)`` pairs, in the
    order each origin first appears; within a lane, in the given order."""
    by_origin: dict[str, list[str]] = {}
    for source_id, base_url in sources:
        by_origin.setdefault(origin(base_url), []).append(source_id)
    return list(by_origin.values())


async def harvest_sources(
    source_ids: Sequence[str],
    *,
    workers: int,
    lock_ttl_seconds: int,
    on_result: OnResult | None = None,
    executor: Executor | None = None,
    client_factory: ClientFactory = client_from_settings,
    clock: Callable[[], datetime] = utcnow,
) -> list[HarvestResult]:
    """Harvest the sources (known ids), each under its lock; results in the order of
    ``source_ids``. ``on_result`` hears of each as it finishes. ``executor`` (a process
    pool already started, whose workers can run ``harvest_lane``) replaces the pool this
    call would start; ``client_factory`` and ``clock`` must then be picklable (defined at
    a module's top level)."""
    if not source_ids:
        return []
    rows = await Source.select(Source.id, Source.base_url).where(Source.id.is_in(list(source_ids)))
    base_urls = {row["id"]: row["base_url"] for row in rows}
    groups = lanes([(source_id, base_urls[source_id]) for source_id in source_ids])
    if executor is None and (workers <= 1 or len(groups) <= 1):
        results = await _harvest_here(
            source_ids, lock_ttl_seconds, on_result, client_factory, clock
        )
    else:
        groups = await _largest_first(groups)
        results = await _harvest_in_workers(
            groups, workers, lock_ttl_seconds, on_result, executor, client_factory, clock
        )
    by_id = {result.source_id: result for result in results}
    return [by_id[source_id] for source_id in source_ids]


async def _harvest_here(
    source_ids: Sequence[str],
    lock_ttl_seconds: int,
    on_result: OnResult | None,
    client_factory: ClientFactory,
    clock: Callable[[], datetime],
) -> list[HarvestResult]:
    results = []
    async with client_factory() as client:
        for source_id in source_ids:
            result = await harvest_locked(
                source_id, client, lock_ttl_seconds=lock_ttl_seconds, clock=clock
            )
            if on_result:
                on_result(result)
            results.append(result)
    return results


async def _largest_first(groups: list[list[str]]) -> list[list[str]]:
    """Lanes never harvested successfully first (in their order), then by the records
    their sources fetched in their latest successful runs, most first."""
    source_ids = [source_id for group in groups for source_id in group]
    latest = (
        await HarvestRun.select(Max(HarvestRun.id).as_alias("id"))
        .where(HarvestRun.source.is_in(source_ids), HarvestRun.status == RunStatus.ok)
        .group_by(HarvestRun.source)
    )
    fetched: dict[str, int] = {}
    if latest:
        runs = await HarvestRun.select(HarvestRun.source, HarvestRun.fetched).where(
            HarvestRun.id.is_in([row["id"] for row in latest])
        )
        fetched = {run["source"]: run["fetched"] for run in runs}

    def size(group: list[str]) -> float:
        if any(source_id not in fetched for source_id in group):
            return float("inf")
        return sum(fetched[source_id] for source_id in group)

    return sorted(groups, key=size, reverse=True)


async def _harvest_in_workers(
    groups: list[list[str]],
    workers: int,
    lock_ttl_seconds: int,
    on_result: OnResult | None,
    executor: Executor | None,
    client_factory: ClientFactory,
    clock: Callable[[], datetime],
) -> list[HarvestResult]:
    own = executor is None
    if executor is None:
        executor = ProcessPoolExecutor(
            max_workers=min(workers, len(groups)),
            mp_context=multiprocessing.get_context("spawn"),
        )
    loop = asyncio.get_running_loop()

    async def run(group: list[str]) -> list[HarvestResult]:
        try:
            results = await loop.run_in_executor(
                executor, harvest_lane, group, lock_ttl_seconds, client_factory, clock
            )
        except Exception as exc:  # this lane's sources fail; the other lanes go on
            reason = (
                "the harvest's worker process stopped unexpectedly"
                if isinstance(exc, BrokenProcessPool)
                else f"the harvest's worker process failed: {type(exc).__name__}: {exc}"
            )
            results = [
                HarvestResult(source_id, None, RunStatus.failed, error=reason)
                for source_id in group
            ]
        for result in results:
            if on_result:
                on_result(result)
        return results

    try:
        lanes_done = await asyncio.gather(*(run(group) for group in groups))
    finally:
        if own:
            executor.shutdown(wait=True, cancel_futures=True)
    return [result for lane in lanes_done for result in lane]


def harvest_lane(
    source_ids: list[str],
    lock_ttl_seconds: int,
    client_factory: ClientFactory = client_from_settings,
    clock: Callable[[], datetime] = utcnow,
) -> list[HarvestResult]:
    """In a worker process: harvest one lane's sources one after the other with one
    client, the database opened for the lane and closed after it."""
    return asyncio.run(_harvest_lane(source_ids, lock_ttl_seconds, client_factory, clock))


async def _harvest_lane(
    source_ids: list[str],
    lock_ttl_seconds: int,
    client_factory: ClientFactory,
    clock: Callable[[], datetime],
) -> list[HarvestResult]:
    from portal.database import close_database, open_database

    await open_database()
    try:
        return await _harvest_here(source_ids, lock_ttl_seconds, None, client_factory, clock)
    finally:
        await close_database()
