"""The scheduler process: declared jobs, APScheduler options, the jobs themselves, and a
clean shutdown on SIGTERM of a real process."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime

import pytest

from portal.settings import Settings, get_settings
from scheduler import jobs
from scheduler.runner import build_scheduler, declared_jobs, serve_scheduler
from tests.helpers import Recorded, fixture_bytes
from tests.vacancies.test_harvest import UNICEF_URL
from vacancies.sources import load_source_specs, sync_sources
from vacancies.tables import HarvestRun, Source, Vacancy


@pytest.fixture
def specs():
    return load_source_specs(get_settings().sources_file)


def test_one_job_per_enabled_source_plus_housekeeping(specs):
    declared = declared_jobs(specs, Settings(housekeeping_cron="17 * * * *"))

    assert [(j.id, j.cron) for j in declared] == [
        ("harvest:reliefweb", "20 */4 * * *"),
        ("harvest:unicef-rss", "5 */6 * * *"),
        ("harvest:worldbank-cinfo-rss", "35 */6 * * *"),
        ("analyse", "*/10 * * * *"),
        ("close-expired", "17 * * * *"),
        ("purge-expired-records", "17 * * * *"),
        ("purge-inactive-accounts", "43 3 * * *"),
        ("recompute-matches", "25 */6 * * *"),
    ]
    assert declared[0].kwargs["source_id"] == "reliefweb"


async def test_jobs_have_explicit_ids_single_instance_and_coalesce(specs):
    settings = Settings(scheduler_misfire_grace_seconds=600)
    scheduler = build_scheduler(declared_jobs(specs, settings), settings)
    scheduler.start(paused=True)
    try:
        job = scheduler.get_job("harvest:unicef-rss")
        assert job.max_instances == 1
        assert job.coalesce is True
        assert job.misfire_grace_time == 600
        assert (
            str(job.trigger) == "cron[month='*', day='*', day_of_week='*', hour='*/6', minute='5']"
        )
        next_run = job.trigger.get_next_fire_time(None, datetime(2026, 11, 22, 6, 7, tzinfo=UTC))
        assert next_run == datetime(2026, 11, 22, 12, 5, tzinfo=UTC)
    finally:
        scheduler.shutdown(wait=False)


async def test_harvest_job_records_a_run(db, specs):
    await sync_sources(specs)
    recorded = Recorded({UNICEF_URL: fixture_bytes("rss/cinfoposte_unicef_jobs.xml")})
    async with recorded.client() as client:
        jobs.use_client(client)
        try:
            await jobs.harvest_job("unicef-rss")
        finally:
            jobs.use_client(None)

    run = await HarvestRun.select().where(HarvestRun.source == "unicef-rss").first()
    assert (run["status"], run["new"]) == ("ok", 32)


async def test_harvest_job_of_a_broken_source_does_not_raise(db, specs):
    await sync_sources(specs)
    async with Recorded({}).client() as client:  # every URL answers 404
        jobs.use_client(client)
        try:
            await jobs.harvest_job("unicef-rss")
        finally:
            jobs.use_client(None)
    source = await Source.select().where(Source.id == "unicef-rss").first()
    assert source["consecutive_failures"] == 1


async def test_serve_scheduler_starts_the_declared_jobs_and_stops_on_request(db, caplog):
    caplog.set_level("INFO", logger="scheduler.runner")
    stop = asyncio.Event()
    task = asyncio.create_task(serve_scheduler(stop, manage_database=False))
    for _ in range(100):
        await asyncio.sleep(0.05)
        if await Source.count() > 0:
            break
    await asyncio.sleep(0.2)
    stop.set()
    scheduler = await asyncio.wait_for(task, timeout=10)

    assert scheduler is not None
    assert not scheduler.running
    scheduled = sorted(
        r.getMessage().split()[1] for r in caplog.records if r.getMessage().startswith("scheduled ")
    )
    assert scheduled == [
        "analyse",
        "close-expired",
        "harvest:reliefweb",
        "harvest:unicef-rss",
        "harvest:worldbank-cinfo-rss",
        "purge-expired-records",
        "purge-inactive-accounts",
        "recompute-matches",
    ]
    own = [r.getMessage() for r in caplog.records if r.name == "scheduler.runner"]
    assert own[-1] == "scheduler stopped"


def test_scheduler_process_shuts_down_cleanly_on_sigterm(db):
    process = subprocess.Popen(
        [sys.executable, "-m", "portal.cli", "scheduler"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PORTAL_SCHEDULER_SHUTDOWN_GRACE_SECONDS": "5"},
    )
    lines: list[str] = []
    deadline = time.monotonic() + 60
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        # Jobs are logged soonest first, so which come first depends on the time of day:
        # wait for every declared job (three sources, analysis, three housekeeping jobs
        # and the match recompute), not for the first few.
        if sum("scheduler.runner: scheduled " in seen for seen in lines) == 8:
            break
    process.send_signal(signal.SIGTERM)
    rest, _ = process.communicate(timeout=30)
    output = "".join(lines) + rest

    assert process.returncode == 0, output
    assert "scheduled harvest:unicef-rss" in output
    assert "scheduler stopped" in output


async def test_close_expired_job_closes_past_deadlines(db, specs):
    await sync_sources(specs)
    from scrapers.records import ScrapedPage
    from tests.vacancies.test_ingest import unicef_record
    from vacancies.ingest import SourceIngestor

    ingestor = SourceIngestor("unicef-rss", now=datetime(2026, 1, 1, tzinfo=UTC))
    await ingestor.ingest_page(
        ScrapedPage(
            url="https://x.test/",
            records=[
                unicef_record(
                    "old",
                    posted_at=datetime(2025, 12, 1, tzinfo=UTC),
                    deadline=datetime(2026, 1, 15, tzinfo=UTC),
                )
            ],
            is_last=True,
        )
    )
    await jobs.close_expired_job()
    row = await Vacancy.select(Vacancy.status, Vacancy.closed_reason).first()
    assert (row["status"], row["closed_reason"]) == ("closed", "deadline")
