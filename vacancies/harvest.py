"""Harvest runs: one source's adapter pages through the ingestor, recorded as a HarvestRun.

Rules that matter to people relying on the data:

* A run that fails, or stops part-way, closes nothing.
* Only a run that read the complete listing closes vacancies that vanished from it.
* An exception anywhere in one source's run is recorded on that run; it never escapes
  to stop the other sources or the process.
"""

from __future__ import annotations

import hashlib
import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from scrapers.base import SourceConfig
from scrapers.http import PoliteClient
from scrapers.records import NotModified, RejectedRecord, SourceError
from scrapers.registry import get_adapter
from vacancies.db import engine, write_transaction
from vacancies.ingest import (
    RunCounts,
    SourceIngestor,
    close_expired,
    close_missing,
    normalization_fingerprint,
)
from vacancies.normalize import resolve_organization
from vacancies.sources import ParameterError, resolve_params
from vacancies.tables import HarvestRun, Organization, RunStatus, Source, Vacancy, VacancyStatus

log = logging.getLogger(__name__)

MAX_STORED_REJECTIONS = 100
DETAIL_REFRESH_DAYS = 7
"""A vacancy whose listing entry stays the same still has its detail page read again
once in this many days (a deadline extended or a text corrected on the detail page
only), on a day of its own so the re-reads spread evenly over the week."""


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class HarvestResult:
    source_id: str
    run_id: int | None
    status: RunStatus
    counts: RunCounts = field(default_factory=RunCounts)
    error: str | None = None
    seconds: float = 0.0
    rejections: list[RejectedRecord] = field(default_factory=list)
    skipped: bool = False
    """Not run: an admin paused the source, or another process held its lock."""

    @property
    def failed(self) -> bool:
        return not self.skipped and self.status in (RunStatus.failed, RunStatus.partial)


async def harvest_source(
    source_id: str,
    client: PoliteClient,
    *,
    clock: Callable[[], datetime] = utcnow,
) -> HarvestResult:
    """Harvest one source and record the run. Never raises for source problems."""
    # Bookkeeping in few transactions: on SQLite each statement outside one opens a
    # connection of its own, which cost small sources more than their records.
    async with write_transaction():
        source = await Source.objects().where(Source.id == source_id).output(load_json=True).first()
        if source is None:
            return HarvestResult(
                source_id, None, RunStatus.failed, error=f"unknown source {source_id!r}"
            )
        started = clock()
        run = HarvestRun(source=source_id, started_at=started, status=RunStatus.running)
        await run.save()
    result = HarvestResult(source_id, run.id, RunStatus.running)
    try:
        await _run(source, client, result, started)
    except Exception as exc:  # recorded on the run: one broken source must not stop others
        log.exception("harvest of %s failed", source_id)
        result.status = RunStatus.partial if result.counts.fetched else RunStatus.failed
        result.error = (
            f"internal error: {type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}"
        )
    finished = clock()
    result.seconds = (finished - started).total_seconds()
    await _finish(source, run, result, finished)
    return result


async def _run(source: Source, client: PoliteClient, result: HarvestResult, now: datetime) -> None:
    counts = result.counts
    rejections: list[RejectedRecord] = []
    seen: set[str] = set()
    unidentified = 0
    complete = False
    first_validators: tuple[str | None, str | None] | None = None

    try:
        adapter = get_adapter(source.adapter)
        async with engine().transaction():
            organization = await _organization_acronym(source)
            known = await known_listings(source.id, now)
        config = SourceConfig(
            id=source.id,
            adapter=source.adapter,
            base_url=source.base_url,
            organization=organization,
            params=resolve_params(source.params or {}),
            etag=source.etag,
            last_modified=source.last_modified,
            known=known,
            listing_salt=normalization_fingerprint().hex(),
        )
    except (KeyError, ParameterError) as exc:
        result.status = RunStatus.failed
        result.error = f"{source.id}: {exc}"
        return

    ingestor = SourceIngestor(
        source.id,
        now=now,
        default_organization=resolve_organization(config.organization),
    )
    try:
        async for page in adapter.pages(config, client):
            if first_validators is None:
                first_validators = (page.etag, page.last_modified)
            outcome = await ingestor.ingest_page(page)
            for name, value in outcome.counts.as_dict().items():
                setattr(counts, name, getattr(counts, name) + value)
            seen |= outcome.seen_external_ids
            unidentified += outcome.unidentified_rejections
            rejections.extend(outcome.rejections)
            if page.is_last:
                complete = True
                break
    except NotModified:
        result.status = RunStatus.not_modified
        counts.closed = await close_expired(now=now, source_id=source.id)
        return
    except SourceError as exc:
        result.status = RunStatus.partial if counts.fetched else RunStatus.failed
        result.error = str(exc)
        return
    finally:
        result.rejections = rejections[:MAX_STORED_REJECTIONS]

    if not complete:
        result.status = RunStatus.partial
        result.error = "the listing ended without a last page; nothing was closed"
        return
    if unidentified:
        result.status = RunStatus.partial
        result.error = (
            f"{unidentified} record(s) without an id were rejected; vacancies missing from "
            "the listing were not closed, since they may be among them"
        )
        return
    async with write_transaction():
        if not seen and await _has_open_vacancies(source.id):
            result.status = RunStatus.partial
            result.error = "the listing came back empty; nothing was closed"
            return
        counts.closed = await close_missing(source.id, seen, now=now)
        counts.closed += await close_expired(now=now, source_id=source.id)
    result.status = RunStatus.ok
    if first_validators is not None:
        source.etag, source.last_modified = first_validators


async def known_listings(source_id: str, now: datetime) -> dict[str, str]:
    """External id -> stored listing fingerprint of the source's vacancies whose detail
    need not be read again today: not closed as missing (a vacancy that comes back is
    read in full) and not due for their periodic re-read (``DETAIL_REFRESH_DAYS``)."""
    rows = await Vacancy.select(
        Vacancy.external_id, Vacancy.listing_fingerprint, Vacancy.closed_reason
    ).where(Vacancy.source == source_id, Vacancy.listing_fingerprint.is_not_null())
    day = now.date().toordinal()
    return {
        row["external_id"]: row["listing_fingerprint"]
        for row in rows
        if row["closed_reason"] != "missing" and not detail_due(row["external_id"], day)
    }


def detail_due(external_id: str, day: int) -> bool:
    """Whether a vacancy's detail is re-read on this day (an ordinal): every vacancy on one
    day in ``DETAIL_REFRESH_DAYS``, chosen by a stable digest of its id."""
    digest = hashlib.blake2b(external_id.encode(), digest_size=4).digest()
    return (int.from_bytes(digest, "big") + day) % DETAIL_REFRESH_DAYS == 0


async def _organization_acronym(source: Source) -> str | None:
    if source.organization is None:
        return None
    row = (
        await Organization.select(Organization.acronym)
        .where(Organization.id == source.organization)
        .first()
    )
    return row["acronym"] if row else None


async def _has_open_vacancies(source_id: str) -> bool:
    return await Vacancy.exists().where(
        Vacancy.source == source_id, Vacancy.status == VacancyStatus.open
    )


async def _finish(
    source: Source, run: HarvestRun, result: HarvestResult, finished: datetime
) -> None:
    async with write_transaction():
        await _record(source, run, result, finished)


async def _record(
    source: Source, run: HarvestRun, result: HarvestResult, finished: datetime
) -> None:
    counts = result.counts
    await HarvestRun.update(
        {
            HarvestRun.finished_at: finished,
            HarvestRun.status: result.status,
            HarvestRun.fetched: counts.fetched,
            HarvestRun.new: counts.new,
            HarvestRun.updated: counts.updated,
            HarvestRun.unchanged: counts.unchanged,
            HarvestRun.closed: counts.closed,
            HarvestRun.rejected: counts.rejected,
            HarvestRun.error: result.error,
            HarvestRun.rejections: [r.model_dump() for r in result.rejections],
        }
    ).where(HarvestRun.id == run.id)

    succeeded = result.status in (RunStatus.ok, RunStatus.not_modified)
    values: dict = {Source.last_run_at: finished}
    if succeeded:
        values[Source.last_success_at] = finished
        values[Source.consecutive_failures] = 0
        values[Source.etag] = source.etag
        values[Source.last_modified] = source.last_modified
    else:
        values[Source.consecutive_failures] = Source.consecutive_failures + 1
    await Source.update(values).where(Source.id == source.id)


def client_from_settings(**overrides: Any) -> PoliteClient:
    """The polite client configured from ``PORTAL_*`` settings."""
    from portal.settings import get_settings

    settings = get_settings()
    options: dict[str, Any] = {
        "user_agent": settings.user_agent,
        "delay": settings.http_delay,
        "timeout": settings.http_timeout,
        "max_bytes": settings.http_max_bytes,
        "max_retries": settings.http_max_retries,
    }
    options.update(overrides)
    return PoliteClient(**options)


async def harvest_locked(
    source_id: str,
    client: PoliteClient,
    *,
    clock: Callable[[], datetime] = utcnow,
    lock_ttl_seconds: int = 3 * 3600,
) -> HarvestResult:
    """Harvest one source under its database lock; a source an admin paused, or one
    another process is harvesting right now, is skipped (and no run is recorded)."""
    from vacancies.locks import source_lock

    if await Source.exists().where((Source.id == source_id) & Source.paused_at.is_not_null()):
        return HarvestResult(
            source_id, None, RunStatus.running, error="skipped: paused by an admin", skipped=True
        )
    async with source_lock(source_id, ttl_seconds=lock_ttl_seconds) as acquired:
        if not acquired:
            return HarvestResult(
                source_id,
                None,
                RunStatus.running,
                error="skipped: another process is harvesting this source",
                skipped=True,
            )
        return await harvest_source(source_id, client, clock=clock)


async def enabled_source_ids() -> list[str]:
    rows = (
        await Source.select(Source.id)
        .where(Source.enabled.eq(True), Source.is_sample.eq(False))
        .order_by(Source.id)
    )
    return [row["id"] for row in rows]
