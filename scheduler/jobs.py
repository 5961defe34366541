"""Module-level async jobs run by the scheduler process.

Jobs are referenced by their import path, take plain arguments, and never raise for a
source's problems: the harvest run records them.
"""

from __future__ import annotations

import asyncio
import functools
import logging

from candidates import accounts, sessions, throttling
from candidates.privacy import purge_inactive_accounts
from scrapers.http import PoliteClient
from vacancies.analysis import analyse_pending
from vacancies.harvest import client_from_settings, harvest_locked, utcnow
from vacancies.ingest import close_expired

log = logging.getLogger(__name__)

_shared_client: PoliteClient | None = None
_running: set[asyncio.Task] = set()


def running_jobs() -> set[asyncio.Task]:
    """Job tasks under way, so a shutdown can let them finish and record their runs."""
    return {task for task in _running if not task.done()}


def _track(func):
    @functools.wraps(func)
    async def wrapper(*args, **kwargs):
        task = asyncio.current_task()
        if task is not None:
            _running.add(task)
        try:
            return await func(*args, **kwargs)
        finally:
            _running.discard(task)

    return wrapper


def use_client(client: PoliteClient | None) -> None:
    """Share one polite client between jobs, so per-host pacing spans all sources."""
    global _shared_client
    _shared_client = client


@_track
async def harvest_job(source_id: str, lock_ttl_seconds: int = 3 * 3600) -> None:
    if _shared_client is not None:
        result = await harvest_locked(source_id, _shared_client, lock_ttl_seconds=lock_ttl_seconds)
    else:
        async with client_from_settings() as client:
            result = await harvest_locked(source_id, client, lock_ttl_seconds=lock_ttl_seconds)
    if result.skipped:
        log.info("harvest %s skipped: %s", source_id, result.error)
        return
    if result.failed:
        log.warning("harvest %s %s: %s", source_id, result.status.value, result.error)
    else:
        log.info("harvest %s %s: %s", source_id, result.status.value, result.counts.as_dict())
    if result.counts.new or result.counts.updated:
        analysis = await analyse_pending(source_ids=[source_id])
        log.info("requirements of %s: %s", source_id, analysis.as_dict())


@_track
async def analyse_job() -> None:
    """Requirements for vacancies still without (a harvest job that stopped, an analysis
    that failed) or read by an older pipeline (a new release, an ESCO import)."""
    analysis = await analyse_pending()
    log.info("requirements analysis: %s", analysis.as_dict())


@_track
async def close_expired_job() -> None:
    closed = await close_expired(now=utcnow())
    log.info("closed %d vacancies past their deadline", closed)


@_track
async def purge_inactive_accounts_job() -> None:
    """Warn, then erase, accounts inactive for PORTAL_INACTIVE_ACCOUNT_DAYS
    (candidates/privacy.py)."""
    result = await purge_inactive_accounts(now=utcnow())
    log.info("inactive-account purge: %s", result.as_dict())


@_track
async def purge_expired_records_job() -> None:
    """Storage limitation for security records: expired web sessions, login failures
    and lockouts too old to count, emailed tokens dead for a day."""
    now = utcnow()
    counts = {
        "sessions": await sessions.purge_expired(now=now),
        "login_failures": await throttling.purge(now),
        "email_tokens": await accounts.purge_tokens(now),
    }
    log.info("expired records purged: %s", counts)


MATCH_LOCK = "match-recompute"
"""The database lock's name: one recompute at a time across scheduler processes."""


@_track
async def recompute_matches_job(lock_ttl_seconds: int = 3600) -> None:
    """Every stored match recomputed (candidates/matching/service.py: each candidate's and
    each open vacancy's best PORTAL_MATCHES_KEPT), skipped when another process holds
    the lock."""
    from candidates.matching import recompute_all
    from vacancies.locks import source_lock

    async with source_lock(MATCH_LOCK, ttl_seconds=lock_ttl_seconds) as acquired:
        if not acquired:
            log.info("match recompute skipped: another process is recomputing")
            return
        report = await recompute_all()
    log.info("matches recomputed: %s", report.model_dump())
