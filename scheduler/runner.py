"""The scheduler process: APScheduler 3.11 with a declarative job list.

APScheduler 3 keeps jobs in memory here (no shared job store between processes), so
the schedule is declared from sources.toml on every start, every job has an explicit
id, ``max_instances=1`` and ``coalesce=True``; a database lock per source keeps two
scheduler processes from harvesting the same source at once.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from portal.settings import Settings, get_settings
from vacancies.sources import SourceSpec

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobSpec:
    id: str
    func: str
    """Import path ``module:function`` of a module-level async job."""
    cron: str
    kwargs: dict[str, Any] = field(default_factory=dict)


def declared_jobs(specs: list[SourceSpec], settings: Settings) -> list[JobSpec]:
    """One harvest job per enabled source, the requirements analysis, housekeeping
    (closing vacancies past their deadline, purging expired sessions, login failures and
    tokens) and the inactive-account purge."""
    jobs = [
        JobSpec(
            id=f"harvest:{spec.id}",
            func="scheduler.jobs:harvest_job",
            cron=spec.schedule,
            kwargs={"source_id": spec.id, "lock_ttl_seconds": settings.lock_ttl_seconds},
        )
        for spec in specs
        if spec.enabled
    ]
    jobs.append(
        JobSpec(id="analyse", func="scheduler.jobs:analyse_job", cron=settings.analysis_cron)
    )
    jobs.append(
        JobSpec(
            id="close-expired",
            func="scheduler.jobs:close_expired_job",
            cron=settings.housekeeping_cron,
        )
    )
    jobs.append(
        JobSpec(
            id="purge-expired-records",
            func="scheduler.jobs:purge_expired_records_job",
            cron=settings.housekeeping_cron,
        )
    )
    jobs.append(
        JobSpec(
            id="purge-inactive-accounts",
            func="scheduler.jobs:purge_inactive_accounts_job",
            cron=settings.purge_cron,
        )
    )
    jobs.append(
        JobSpec(
            id="recompute-matches",
            func="scheduler.jobs:recompute_matches_job",
            cron=settings.match_cron,
            kwargs={"lock_ttl_seconds": settings.lock_ttl_seconds},
        )
    )
    return jobs


def build_scheduler(jobs: list[JobSpec], settings: Settings) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(
        timezone=UTC,
        job_defaults={
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": settings.scheduler_misfire_grace_seconds,
        },
    )
    for job in jobs:
        scheduler.add_job(
            job.func,
            CronTrigger.from_crontab(job.cron, timezone=UTC),
            id=job.id,
            name=job.id,
            kwargs=job.kwargs,
            replace_existing=True,
        )
    return scheduler


async def serve_scheduler(
    stop: asyncio.Event | None = None, *, manage_database: bool = True
) -> AsyncIOScheduler | None:
    """Run until ``stop`` is set (or SIGTERM/SIGINT), then shut down cleanly; returns the
    (stopped) scheduler for inspection."""
    from portal.database import close_database, open_database, upgrade_schema
    from scheduler import jobs as job_module
    from vacancies.harvest import client_from_settings
    from vacancies.sources import sync_catalogue

    settings = get_settings()
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)

    if manage_database:
        await open_database()
    client = client_from_settings()
    job_module.use_client(client)
    scheduler: AsyncIOScheduler | None = None
    try:
        await upgrade_schema()
        specs = await sync_catalogue(settings.sources_file)
        scheduler = build_scheduler(declared_jobs(specs, settings), settings)
        scheduler.start()
        for job in scheduler.get_jobs():
            log.info("scheduled %s next at %s", job.id, job.next_run_time)
        await stop.wait()
    finally:
        if scheduler is not None and scheduler.running:
            scheduler.pause()
            await _wait_for_running_jobs(settings.scheduler_shutdown_grace_seconds)
            scheduler.shutdown(wait=False)
        job_module.use_client(None)
        await client.aclose()
        if manage_database:
            await close_database()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)
        log.info("scheduler stopped")
    return scheduler


async def _wait_for_running_jobs(grace_seconds: float) -> None:
    """Let harvests under way finish and record their runs; after ``grace_seconds``
    the scheduler's shutdown cancels what is left (its transaction rolls back)."""
    from scheduler.jobs import running_jobs

    tasks = running_jobs()
    if tasks:
        log.info("waiting up to %.0fs for %d running job(s)", grace_seconds, len(tasks))
        await asyncio.wait(tasks, timeout=grace_seconds)


def run_scheduler() -> None:
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    asyncio.run(serve_scheduler())
