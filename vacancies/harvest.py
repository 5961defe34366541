"""Harvest runs: one source's adapter pages through the ingestor, recorded as a HarvestRun.

Rules that matter to people relying on the data:

* A run that fails, or stops part-way, closes nothing.
* Only a run that read the complete listing closes vacancies that vanished from it.
* An exception anywhere in one source's run is recorded on that run; it never escapes
  to stop the other sources or the process.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from scrapers.base import SourceConfig
from scrapers.http import PoliteClient
from scrapers.records import NotModified, RejectedRecord, ScrapedPage, SourceError
from scrapers.registry import get_adapter
from vacancies.db import engine, write_transaction
from vacancies.ingest import (
    PageOutcome,
    RunCounts,
    SourceIngestor,
    close_after_complete_listing,
    close_expired,
    normalization_fingerprint,
    page_ids,
)
from vacancies.normalize import resolve_organization
from vacancies.sources import ParameterError, resolve_params
from vacancies.tables import HarvestRun, Organization, RunStatus, Source, Vacancy, VacancyStatus

log = logging.getLogger(__name__)

MAX_STORED_REJECTIONS = 100
BATCH_RECORDS = 500
"""Records (listed-unchanged ones included) stored in one transaction at most, unless
one page holds more (see ``PageBatch``)."""
BATCH_SECONDS = 1.0
"""A batch is stored at the first page that arrives this long after the last store."""
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

    def absorb(outcome: PageOutcome) -> None:
        nonlocal unidentified
        for name, value in outcome.counts.as_dict().items():
            setattr(counts, name, getattr(counts, name) + value)
        seen.update(outcome.seen_external_ids)
        unidentified += outcome.unidentified_rejections
        rejections.extend(outcome.rejections)

    batch = PageBatch(ingestor, absorb)
    try:
        try:
            async for page in adapter.pages(config, client):
                if first_validators is None:
                    first_validators = (page.etag, page.last_modified)
                await batch.add(page)
                if page.is_last:
                    complete = True
                    break
        finally:
            # Whatever ended the listing (its last page, a source error, a bug), the
            # pages read so far are stored.
            await batch.finish()
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
        counts.closed = await close_after_complete_listing(source.id, seen, now=now)
    result.status = RunStatus.ok
    if first_validators is not None:
        source.etag, source.last_modified = first_validators


class PageBatch:
    """Collects a run's pages and stores them several at a time, one transaction each,
    while the adapter goes on reading.

    Adapters page as their platform does, often 10-25 records a page; one transaction
    per page spent more on opening it, committing and (on SQLite) flushing the
    full-text index than on the records (see BENCHMARKS.md). A batch is handed to the
    writer when it holds ``BATCH_RECORDS`` records, when ``BATCH_SECONDS`` have passed
    since the last one (a source fetched politely, seconds per request, is stored page
    by page, so its vacancies appear as they are read), before a page that repeats one
    of its ids, and when the run ends for any reason (``finish``).

    Batches are written one at a time, in order, in the background: the database
    works (in its own thread on SQLite, its own process on PostgreSQL) while the adapter
    fetches and parses the next pages and the next batch is prepared (looked up and
    normalised, ``SourceIngestor.prepare``). A batch that shares an id with the one
    being written is prepared only after that one committed, so it sees what it stored.
    A failed write is raised at the next hand-over or at ``finish``."""

    def __init__(
        self,
        ingestor: SourceIngestor,
        on_stored: Callable[[PageOutcome], None],
        *,
        max_records: int = BATCH_RECORDS,
        max_seconds: float = BATCH_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ingestor, self.on_stored = ingestor, on_stored
        self.max_records, self.max_seconds, self.monotonic = max_records, max_seconds, monotonic
        self.pages: list[ScrapedPage] = []
        self.ids: set[str] = set()
        self.records = 0
        self.since = monotonic()
        self.writing: asyncio.Future[PageOutcome] | None = None
        self.writing_ids: set[str] = set()

    async def add(self, page: ScrapedPage) -> None:
        ids = page_ids(page)
        if not self.ids.isdisjoint(ids):
            await self.flush()
        self.pages.append(page)
        self.ids |= ids
        self.records += len(page.records) + len(page.unchanged)
        if self.records >= self.max_records or self.monotonic() - self.since >= self.max_seconds:
            await self.flush()

    async def flush(self) -> None:
        """Prepare the collected pages and hand them to the writer."""
        pages, ids = self.pages, self.ids
        self.pages, self.ids, self.records = [], set(), 0
        self.since = self.monotonic()
        if not pages:
            return
        if not self.writing_ids.isdisjoint(ids):
            await self._stored()
        prepared = await self.ingestor.prepare(pages)
        await self._stored()
        self.writing = asyncio.ensure_future(self.ingestor.store(prepared))
        self.writing_ids = ids

    async def finish(self) -> None:
        """Store everything collected and wait until it is stored."""
        try:
            await self.flush()
        finally:
            await self._stored()

    async def _stored(self) -> None:
        if self.writing is not None:
            writing, self.writing, self.writing_ids = self.writing, None, set()
            self.on_stored(await writing)


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
