"""Ingestion: scraped pages become stored, normalised vacancies.

* Pages are stored a batch at a time (``vacancies.harvest.PageBatch``): read and
  normalised first (``SourceIngestor.prepare``), then written in one transaction
  (``SourceIngestor.store``); upsert by (source, external_id).
* A record whose content hash did not change causes no write at all.
* Records that fail normalisation are rejected with a reason; the rest go on.
* Closing (vacancies missing from a complete listing, or past their deadline) is a
  separate step that only a successful, complete harvest takes.
* A new posting that another source already carries is linked to that vacancy
  (``canonical``), so lists and alerts show it once.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from scrapers.records import RejectedRecord, ScrapedPage, ScrapedVacancy
from vacancies import jpo, normalize
from vacancies.db import bulk_insert, chunks, engine, is_postgres, write_transaction
from vacancies.normalize import (
    OrganizationInfo,
    check_plausible_dates,
    html_to_text,
    normalize_location,
    parse_grade,
    resolve_organization,
    title_key,
    to_utc,
)
from vacancies.organizations import ensure_organization, organization_ids
from vacancies.tables import Vacancy, VacancyStatus

INSERT_CHUNK = 400
"""Rows per INSERT statement: keeps bound parameters under every engine's limit."""

DUPLICATE_TITLE_SCORE = 90
"""rapidfuzz score (0-100) above which two titles name the same post."""
SUBSET_MIN_WORDS = 3
"""A title contained in the other (aggregators shorten titles) counts only when the
shorter one has at least this many words: "Programme Specialist" alone is too vague."""


@cache
def normalization_fingerprint() -> bytes:
    """Changes whenever the normalisation code or its data files change, so a harvest
    after such a change re-normalises every record instead of calling it unchanged."""
    digest = hashlib.sha256()
    module = Path(normalize.__file__)
    modules = [module, Path(jpo.__file__)]
    for path in [*modules, *sorted((module.parent / "data").glob("*.toml"))]:
        digest.update(path.read_bytes())
    return digest.digest()


def record_hash(record: ScrapedVacancy) -> str:
    """Content hash for change detection: the record exactly as scraped, plus the
    normalisation fingerprint. Equal hash = nothing to normalise, nothing to write."""
    digest = hashlib.sha256(normalization_fingerprint())
    digest.update(record.model_dump_json().encode())
    return digest.hexdigest()


class RecordRejected(ValueError):
    """A scraped record that cannot be stored; the message is the reason."""


@dataclass
class RunCounts:
    fetched: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0
    rejected: int = 0

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class NormalizedVacancy:
    """A scraped record after normalisation: the values stored on a Vacancy row."""

    external_id: str
    url: str
    title: str
    organization: OrganizationInfo | None
    organization_name: str | None
    grade: str | None
    category: str | None
    duty_station: str | None
    country: str | None
    posted_at: datetime | None
    deadline: datetime | None
    description: str
    extra: dict[str, Any]
    content_hash: str
    is_jpo: bool = False
    jpo_sponsors: tuple[str, ...] = ()
    open_to_nationalities: tuple[str, ...] = ()
    listing_fingerprint: str | None = None
    """Fingerprint of the listing entry the record was read from (``ListingMemo``)."""

    @property
    def title_key(self) -> str:
        return title_key(self.title)


def normalize_record(
    record: ScrapedVacancy,
    *,
    now: datetime,
    default_organization: OrganizationInfo | None = None,
    assume_tz: str = "UTC",
    listing_fingerprint: str | None = None,
) -> NormalizedVacancy:
    """Normalise one scraped record; raises :class:`RecordRejected` with the reason."""
    title = " ".join(record.title.split())
    if not title:
        raise RecordRejected("title is empty")
    try:
        posted_at = to_utc(record.posted_at, assume_tz=assume_tz)
        deadline = to_utc(record.deadline, assume_tz=assume_tz)
    except ValueError as exc:
        raise RecordRejected(f"unreadable date: {exc}") from exc
    problem = check_plausible_dates(posted_at, deadline, now=now)
    if problem:
        raise RecordRejected(problem)

    organization = resolve_organization(record.organization) or default_organization
    grade = parse_grade(record.grade, title=title)
    location = normalize_location(record.duty_station, record.country, title=title)
    description = html_to_text(record.description_html)
    organization_name = organization.name if organization else record.organization
    extra = dict(record.extra)
    if record.grade:
        extra.setdefault("grade_raw", record.grade)
    if record.organization and organization and record.organization != organization.name:
        extra.setdefault("organization_raw", record.organization)
    facts = jpo.read_jpo(title, description, extra)

    return NormalizedVacancy(
        external_id=record.external_id,
        url=record.url,
        title=title,
        organization=organization,
        organization_name=organization_name,
        grade=grade.code if grade else None,
        category=grade.category if grade else None,
        duty_station=location.duty_station,
        country=location.country,
        posted_at=posted_at,
        deadline=deadline,
        description=description,
        extra=extra,
        content_hash=record_hash(record),
        is_jpo=facts.is_jpo,
        jpo_sponsors=facts.sponsors,
        open_to_nationalities=facts.nationalities,
        listing_fingerprint=listing_fingerprint,
    )


def _closed_as_missing(row: dict) -> bool:
    """Closed because it vanished from the listing: it reopens if it comes back (unless
    its deadline has passed meanwhile), so it is normalised even when unchanged."""
    return row["status"] == VacancyStatus.closed and row["closed_reason"] == "missing"


@dataclass
class _PoolEntry:
    id: int
    title_key: str
    deadline: datetime | None
    country: str | None
    grade: str | None


def similar_titles(a: str, b: str) -> bool:
    """Whether two title keys name the same post: near-identical word for word, or one
    a substantial subset of the other (``first_similar_title`` holds the rule)."""
    return first_similar_title(a, [b]) == 0


def first_similar_title(key: str, keys: list[str]) -> int | None:
    """Position of the first of ``keys`` that names the same post as ``key``: word for
    word near-identical (token sort ratio), or, when both have at least
    ``SUBSET_MIN_WORDS`` words, one a near-subset of the other (token set ratio).
    rapidfuzz compares the whole list in one call and, with a cutoff, gives up on a
    title as soon as it cannot reach the score."""
    hits = [
        position
        for _, _, position in process.extract(
            key, keys, scorer=fuzz.token_sort_ratio, score_cutoff=DUPLICATE_TITLE_SCORE, limit=None
        )
    ]
    if key.count(" ") + 1 >= SUBSET_MIN_WORDS:
        long_enough = [
            p for p, other in enumerate(keys) if other.count(" ") + 1 >= SUBSET_MIN_WORDS
        ]
        hits += [
            long_enough[position]
            for _, _, position in process.extract(
                key,
                [keys[p] for p in long_enough],
                scorer=fuzz.token_set_ratio,
                score_cutoff=DUPLICATE_TITLE_SCORE,
                limit=None,
            )
        ]
    return min(hits, default=None)


def _day(moment: datetime) -> int:
    return int(moment.timestamp() // 86_400)


@dataclass
class _OrganizationPool:
    """One organisation's open canonical vacancies, found by deadline day and country
    rather than read one by one: a large organisation has thousands open, and comparing
    each new posting with all of them took a third of a harvest's time."""

    entries: list[_PoolEntry] = field(default_factory=list)
    by_day: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    """Deadline day -> positions in ``entries``."""
    undated_by_country: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    by_country: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

    def add(self, entry: _PoolEntry) -> None:
        position = len(self.entries)
        self.entries.append(entry)
        if entry.deadline is not None:
            self.by_day[_day(entry.deadline)].append(position)
        elif entry.country is not None:
            self.undated_by_country[entry.country].append(position)
        if entry.country is not None:
            self.by_country[entry.country].append(position)

    def candidates(self, vacancy: NormalizedVacancy) -> list[_PoolEntry]:
        """The entries ``_same_place_and_time`` may accept, in pool order: deadlines
        within a day lie on the day before, the same day or the day after."""
        if vacancy.deadline is None:
            positions = list(self.by_country.get(vacancy.country, ())) if vacancy.country else []
        else:
            day = _day(vacancy.deadline)
            positions = [p for d in (day - 1, day, day + 1) for p in self.by_day.get(d, ())]
            if vacancy.country is not None:
                positions += self.undated_by_country.get(vacancy.country, ())
            positions.sort()
        return [self.entries[p] for p in positions]


class DuplicateIndex:
    """Open canonical vacancies of *other* sources, by organisation, for linking
    cross-source duplicates: same organisation, no conflicting grade, similar title, and
    the same deadline (within a day) or — when a deadline is missing — the same country.

    An organisation's vacancies are read the first time a new record of it is to be
    stored (``prepare``): most sources publish for one organisation, and reading every
    organisation's for each run cost a quarter of a mixed harvest's time.

    Harvests of other sources may run at the same time (the scheduler's jobs, ``portal
    harvest`` with several workers) and store vacancies of the same organisation after
    its pool was read. So ``catch_up``, called where a batch is written, reads what
    they stored since: the vacancies of the organisation above the highest id the
    table held when it was last read. On PostgreSQL both reads hold the organisation's
    lock (``lock_organizations``), so no harvest is half-way through storing some of it
    with lower ids, and nothing of it is stored between ``catch_up`` and the batch's
    commit; on SQLite one transaction writes at a time. Two harvests storing the same
    post at once link it as one after the other would."""

    def __init__(self, exclude_source: str) -> None:
        self.exclude_source = exclude_source
        self.by_organization: dict[str, _OrganizationPool] = {}
        self.read_up_to: dict[str, int] = {}
        """Organisation -> a vacancy id above which every vacancy of it stored later
        lies: the highest id in the table when it was last read, with no harvest in the
        middle of storing some of it (``lock_organizations``)."""
        self._pooled: set[int] = set()

    async def prepare(self, acronyms: Iterable[str]) -> None:
        """Read the pools of these organisations that are not read yet."""
        wanted = sorted(set(acronyms) - self.by_organization.keys())
        if not wanted:
            return
        for acronym in wanted:
            self.by_organization[acronym] = _OrganizationPool()
        async with engine().transaction():
            await lock_organizations(wanted)
            top = await _highest_id()
            for batch in chunks(wanted, INSERT_CHUNK):
                rows = (
                    await Vacancy.select(*POOL_COLUMNS)
                    .where(
                        Vacancy.organization_acronym.is_in(batch),
                        Vacancy.status == VacancyStatus.open,
                        Vacancy.canonical.is_null(),
                        Vacancy.source != self.exclude_source,
                    )
                    .order_by(Vacancy.id)
                )
                for row in rows:
                    self._pool(self.by_organization[row["organization_acronym"]], row)
        self.read_up_to.update(dict.fromkeys(wanted, top))

    async def catch_up(self, acronyms: Iterable[str]) -> dict[str, _OrganizationPool]:
        """Pool the open canonical vacancies of these organisations that other sources
        stored since they were last read; returns them by organisation (only those).
        Call it inside the transaction that writes: it takes the organisations' locks,
        which that transaction then holds until it commits."""
        wanted = sorted(set(acronyms) & self.read_up_to.keys())
        if not wanted:
            return {}
        await lock_organizations(wanted)
        top = await _highest_id()
        since = min(self.read_up_to[acronym] for acronym in wanted)
        fresh: dict[str, _OrganizationPool] = {}
        for batch in chunks(wanted, INSERT_CHUNK):
            rows = (
                await Vacancy.select(
                    *POOL_COLUMNS, Vacancy.source, Vacancy.status, Vacancy.canonical
                )
                .where(Vacancy.id > since, Vacancy.organization_acronym.is_in(batch))
                .order_by(Vacancy.id)
            )
            for row in rows:
                acronym = row["organization_acronym"]
                if (
                    row["id"] > self.read_up_to[acronym]
                    and row["status"] == VacancyStatus.open.value
                    and row["canonical"] is None
                    and row["source"] != self.exclude_source
                    and row["id"] not in self._pooled
                ):
                    entry = self._pool(self.by_organization[acronym], row)
                    fresh.setdefault(acronym, _OrganizationPool()).add(entry)
        for acronym in wanted:
            self.read_up_to[acronym] = max(self.read_up_to[acronym], top)
        return fresh

    def _pool(self, pool: _OrganizationPool, row: dict[str, Any]) -> _PoolEntry:
        entry = _PoolEntry(
            row["id"], title_key(row["title"]), row["deadline"], row["country"], row["grade"]
        )
        pool.add(entry)
        self._pooled.add(entry.id)
        return entry

    def find(self, vacancy: NormalizedVacancy) -> int | None:
        """The first pooled vacancy (in the order they were read) this one duplicates."""
        if vacancy.organization is None:
            return None
        pool = self.by_organization.get(vacancy.organization.acronym)
        if pool is None:
            raise LookupError(f"{vacancy.organization.acronym}: DuplicateIndex.prepare first")
        return find_in_pool(pool, vacancy)


POOL_COLUMNS = (
    Vacancy.id,
    Vacancy.organization_acronym,
    Vacancy.title,
    Vacancy.deadline,
    Vacancy.country,
    Vacancy.grade,
)
ORGANIZATION_LOCK = 0x6F726700
"""PostgreSQL advisory lock class (``pg_advisory_xact_lock(class, hashtext(acronym))``)
held by the transaction that stores new vacancies of an organisation. The two-key form
never meets the one-key locks of ``vacancies.locks``."""


async def lock_organizations(acronyms: Iterable[str]) -> None:
    """Inside a transaction on PostgreSQL: wait until no other transaction is storing
    vacancies of these organisations, and keep them from doing so until this one ends
    (``SourceIngestor.store`` holds them while it writes, ``DuplicateIndex`` while it
    reads). Taken in sorted order, so two transactions never wait for each other. On
    SQLite one transaction writes at a time anyway, and a read sees a snapshot."""
    if not is_postgres():
        return
    await Vacancy.raw(
        "SELECT pg_advisory_xact_lock({}, hashtext(acronym)) FROM unnest({}::text[]) AS acronym",
        ORGANIZATION_LOCK,
        sorted(set(acronyms)),
    )


async def _highest_id() -> int:
    rows = await Vacancy.raw("SELECT max(id) AS top FROM vacancy")
    return rows[0]["top"] or 0


def find_in_pool(pool: _OrganizationPool, vacancy: NormalizedVacancy) -> int | None:
    """The first vacancy of ``pool`` (in pool order) that ``vacancy`` duplicates."""
    entries = [
        entry
        for entry in pool.candidates(vacancy)
        if not (entry.grade and vacancy.grade and entry.grade != vacancy.grade)
        and _same_place_and_time(entry, vacancy)
    ]
    if not entries:
        return None
    first = first_similar_title(vacancy.title_key, [entry.title_key for entry in entries])
    return None if first is None else entries[first].id


def _same_place_and_time(entry: _PoolEntry, vacancy: NormalizedVacancy) -> bool:
    if entry.deadline is not None and vacancy.deadline is not None:
        return abs(entry.deadline - vacancy.deadline) <= timedelta(days=1)
    return entry.country is not None and entry.country == vacancy.country


@dataclass
class PageOutcome:
    counts: RunCounts
    seen_external_ids: set[str]
    unidentified_rejections: int
    rejections: list[RejectedRecord]


@dataclass
class PreparedBatch:
    """What ``SourceIngestor.prepare`` decided for a batch of pages, for ``store``."""

    outcome: PageOutcome
    new_rows: list[dict[str, Any]] = field(default_factory=list)
    """Column name -> value of each new vacancy row."""
    changed: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    """Row id -> the values that replace the stored ones."""
    refingerprinted: list[tuple[int, str]] = field(default_factory=list)
    """Row id -> new listing fingerprint of an unchanged vacancy."""
    unlinked: list[tuple[dict[str, Any], NormalizedVacancy]] = field(default_factory=list)
    """New rows (of ``new_rows``) of an organisation that duplicate no pooled vacancy
    yet: ``store`` looks again among what other harvests stored meanwhile."""


def page_ids(page: ScrapedPage) -> set[str]:
    """Every external id a page carries: its records, its listed-unchanged entries and
    its rejected records that had one."""
    ids = {record.external_id for record in page.records}
    ids.update(page.unchanged)
    ids.update(r.external_id for r in page.rejected if r.external_id)
    return ids


class SourceIngestor:
    """Stores the pages of one source's harvest run."""

    def __init__(
        self,
        source_id: str,
        *,
        now: datetime,
        default_organization: OrganizationInfo | None = None,
        assume_tz: str = "UTC",
    ) -> None:
        self.source_id = source_id
        self.now = now
        self.default_organization = default_organization
        self.assume_tz = assume_tz
        self._org_ids: dict[str, int] | None = None
        self._duplicates = DuplicateIndex(exclude_source=source_id)

    async def ingest_page(self, page: ScrapedPage) -> PageOutcome:
        """Store one page (prepared and written at once)."""
        return await self.store(await self.prepare([page]))

    async def prepare(self, pages: Sequence[ScrapedPage]) -> PreparedBatch:
        """Everything about storing ``pages`` that only reads: which records are new,
        changed or unchanged, their normalisation, their rows and duplicate links. The
        reads share one transaction; ``store`` writes the result in another.

        No external id may appear on two of the pages (``page_ids`` tells which ids a
        page carries): a listing that shifts while it is paged repeats a vacancy on the
        next page, and that page must see the first one stored, as it would one page at
        a time. ``vacancies.harvest.PageBatch`` starts a new batch at such a page.

        Between the two, nothing else writes this source's vacancies (one harvest per
        source at a time, ``vacancies.locks``) except the analysis, whose results a
        changed record resets anyway; ``vacancies.harvest.PageBatch`` prepares a batch
        while the previous one is written only when they share no external id."""
        records: dict[str, ScrapedVacancy] = {}
        listed: set[str] = set()
        rejected: list[RejectedRecord] = []
        fingerprints: dict[str, str] = {}
        for page in pages:
            records.update((record.external_id, record) for record in page.records)
            listed.update(page.unchanged)
            rejected.extend(page.rejected)
            fingerprints.update(page.listing_fingerprints)
        # Listed as before, details not fetched again: seen and unchanged, nothing to do.
        listed_unchanged = listed - set(records)
        counts = RunCounts(
            fetched=len(records) + len(rejected) + len(listed_unchanged),
            unchanged=len(listed_unchanged),
        )
        rejections = list(rejected)
        seen = set(records) | listed_unchanged
        seen |= {r.external_id for r in rejected if r.external_id}
        unidentified = sum(1 for r in rejected if not r.external_id)

        # On SQLite every statement outside a transaction opens a new connection (about
        # 1.7 ms): the reads share one.
        async with engine().transaction():
            existing = await self._existing(list(records)) if records else {}
        new, changed, refingerprinted = self._sort(
            records, existing, fingerprints, counts, rejections
        )
        counts.rejected = len(rejections)
        counts.new, counts.updated = len(new), len(changed)
        batch = PreparedBatch(
            PageOutcome(counts, seen, unidentified, rejections), refingerprinted=refingerprinted
        )
        if not (new or changed):
            return batch
        org_ids = await self._organization_ids([*new, *(c[1] for c in changed)])
        if new:
            await self._duplicates.prepare(r.organization.acronym for r in new if r.organization)
            batch.new_rows = [self._new_row(r, org_ids, self._duplicates) for r in new]
            batch.unlinked = [
                (row, record)
                for row, record in zip(batch.new_rows, new, strict=True)
                if row["canonical"] is None and record.organization is not None
            ]
        for row_id, record, reopen in changed:
            values = self._values(record, org_ids)
            values["last_seen"] = self.now
            # New content, new analysis (vacancies.analysis fills it in again).
            values["requirements"] = None
            values["requirements_version"] = None
            if reopen:
                values.update(status=VacancyStatus.open, closed_at=None, closed_reason=None)
            batch.changed.append((row_id, values))
        return batch

    async def store(self, batch: PreparedBatch) -> PageOutcome:
        """Write a prepared batch in one transaction. One transaction for many pages: on
        SQLite every commit flushes the full-text index's pending terms as a segment of
        its own, which made pages of ten records cost twice as much per record as pages
        of a thousand."""
        if batch.new_rows or batch.changed or batch.refingerprinted:
            async with write_transaction() as transaction:
                if batch.unlinked:
                    await self._link_late_duplicates(batch.unlinked)
                for row_id, fingerprint in batch.refingerprinted:
                    await Vacancy.update({Vacancy.listing_fingerprint: fingerprint}).where(
                        Vacancy.id == row_id
                    )
                await bulk_insert(transaction, Vacancy, batch.new_rows)
                for row_id, values in batch.changed:
                    await Vacancy.update(values).where(Vacancy.id == row_id)
        return batch.outcome

    async def _link_late_duplicates(
        self, unlinked: list[tuple[dict[str, Any], NormalizedVacancy]]
    ) -> None:
        """Inside the writing transaction: link new rows to duplicates that harvests of
        other sources stored after this one read the organisation's pool."""
        acronyms = {record.organization.acronym for _, record in unlinked if record.organization}
        fresh = await self._duplicates.catch_up(acronyms)
        for row, record in unlinked:
            pool = fresh.get(record.organization.acronym) if record.organization else None
            if pool is not None:
                row["canonical"] = find_in_pool(pool, record)

    def _sort(
        self,
        records: dict[str, ScrapedVacancy],
        existing: dict[str, dict],
        fingerprints: dict[str, str],
        counts: RunCounts,
        rejections: list[RejectedRecord],
    ) -> tuple[
        list[NormalizedVacancy], list[tuple[int, NormalizedVacancy, bool]], list[tuple[int, str]]
    ]:
        """New vacancies, changed ones (row id, record, reopen) and unchanged ones whose
        listing fingerprint is new (row id, fingerprint); unchanged and rejected records
        are counted and collected on the way."""
        new: list[NormalizedVacancy] = []
        changed: list[tuple[int, NormalizedVacancy, bool]] = []
        refingerprinted: list[tuple[int, str]] = []
        for external_id, record in records.items():
            row = existing.get(external_id)
            may_reopen = row is not None and _closed_as_missing(row)
            fingerprint = fingerprints.get(external_id)
            if row is not None and not may_reopen and row["content_hash"] == record_hash(record):
                counts.unchanged += 1  # the common case: no normalisation, no write
                if fingerprint and row["listing_fingerprint"] != fingerprint:
                    refingerprinted.append((row["id"], fingerprint))
                continue
            try:
                vacancy = normalize_record(
                    record,
                    now=self.now,
                    default_organization=self.default_organization,
                    assume_tz=self.assume_tz,
                    listing_fingerprint=fingerprint,
                )
            except RecordRejected as exc:
                rejections.append(RejectedRecord(external_id=external_id, reason=str(exc)))
                continue
            if row is None:
                new.append(vacancy)
            elif (reopen := may_reopen and not self._expired(vacancy)) or (
                row["content_hash"] != vacancy.content_hash
            ):
                changed.append((row["id"], vacancy, reopen))
            else:
                counts.unchanged += 1
                if fingerprint and row["listing_fingerprint"] != fingerprint:
                    refingerprinted.append((row["id"], fingerprint))
        return new, changed, refingerprinted

    async def _existing(self, external_ids: list[str]) -> dict[str, dict]:
        """Stored rows of this source for the given ids, looked up through the unique
        (source, external_id) index. On PostgreSQL the ids are joined as an array: a
        prepared ``IN (...)`` with a thousand parameters fell back to a generic plan that
        scanned the whole table while it had no statistics yet (first large harvest)."""
        if is_postgres():
            sql = (
                "SELECT v.id, v.external_id, v.content_hash, v.status, v.closed_reason, "
                "v.listing_fingerprint "
                "FROM unnest({}::text[]) AS wanted(external_id) "
                "JOIN vacancy v ON v.source = {} AND v.external_id = wanted.external_id"
            )
            rows = await Vacancy.raw(sql, external_ids, self.source_id)
        else:  # SQLite's planner probes the unique index for each value of an IN list
            rows = await Vacancy.select(
                Vacancy.id,
                Vacancy.external_id,
                Vacancy.content_hash,
                Vacancy.status,
                Vacancy.closed_reason,
                Vacancy.listing_fingerprint,
            ).where(Vacancy.source == self.source_id, Vacancy.external_id.is_in(external_ids))
        return {row["external_id"]: row for row in rows}

    def _expired(self, record: NormalizedVacancy) -> bool:
        return record.deadline is not None and record.deadline < self.now

    def _values(self, record: NormalizedVacancy, org_ids: dict[str, int]) -> dict[str, Any]:
        """Column name -> value of what normalisation decides (names, not ``Column``
        objects: hashing columns cost more than building the row)."""
        org = record.organization
        return {
            "url": record.url,
            "title": record.title,
            "organization": org_ids.get(org.acronym) if org else None,
            "organization_acronym": org.acronym if org else None,
            "organization_name": record.organization_name,
            "grade": record.grade,
            "category": record.category,
            "duty_station": record.duty_station,
            "country": record.country,
            "posted_at": record.posted_at,
            "deadline": record.deadline,
            "description": record.description,
            "extra": record.extra,
            "content_hash": record.content_hash,
            "is_jpo": record.is_jpo,
            "jpo_sponsors": list(record.jpo_sponsors),
            "open_to_nationalities": list(record.open_to_nationalities),
            "listing_fingerprint": record.listing_fingerprint,
        }

    def _new_row(
        self,
        record: NormalizedVacancy,
        org_ids: dict[str, int],
        duplicates: DuplicateIndex | None,
    ) -> dict[str, Any]:
        """Column name -> value of a new vacancy row."""
        expired = self._expired(record)
        row = self._values(record, org_ids)
        row.update(
            source=self.source_id,
            external_id=record.external_id,
            canonical=duplicates.find(record) if duplicates else None,
            status=(VacancyStatus.closed if expired else VacancyStatus.open).value,
            closed_at=self.now if expired else None,
            closed_reason="deadline" if expired else None,
            first_seen=self.now,
            last_seen=self.now,
            requirements=None,
        )
        return row

    async def _organization_ids(self, records: list[NormalizedVacancy]) -> dict[str, int]:
        if self._org_ids is None:
            self._org_ids = await organization_ids()
        for record in records:
            org = record.organization
            if org and org.acronym not in self._org_ids:
                self._org_ids[org.acronym] = await ensure_organization(org)
        return self._org_ids


async def close_missing(source_id: str, seen_external_ids: set[str], *, now: datetime) -> int:
    """Close the source's open vacancies that its complete listing no longer carries."""
    rows = await _open_vacancies(source_id, now)
    missing = [row["id"] for row in rows if row["external_id"] not in seen_external_ids]
    return await _close(missing, reason="missing", now=now)


async def close_after_complete_listing(
    source_id: str, seen_external_ids: set[str], *, now: datetime
) -> int:
    """``close_missing`` and then ``close_expired`` for one source, with one read: the
    source's open vacancies are listed once (on SQLite each listing of a large source
    cost more than a page of new records)."""
    rows = await _open_vacancies(source_id, now)
    missing = [row["id"] for row in rows if row["external_id"] not in seen_external_ids]
    expired = [
        row["id"] for row in rows if row["expired"] and row["external_id"] in seen_external_ids
    ]
    return await _close(missing, reason="missing", now=now) + await _close(
        expired, reason="deadline", now=now
    )


async def _open_vacancies(source_id: str, now: datetime) -> list[dict]:
    """Id, external id and whether the deadline has passed by ``now``, of each of the
    source's open vacancies."""
    return await Vacancy.raw(
        "SELECT id, external_id, deadline IS NOT NULL AND deadline < {} AS expired "
        "FROM vacancy WHERE source = {} AND status = {}",
        now,
        source_id,
        VacancyStatus.open.value,
    )


async def close_expired(*, now: datetime, source_id: str | None = None) -> int:
    """Close open vacancies whose deadline has passed (all sources, or one)."""
    query = Vacancy.select(Vacancy.id).where(
        Vacancy.status == VacancyStatus.open, Vacancy.deadline < now
    )
    if source_id is not None:
        query = query.where(Vacancy.source == source_id)
    return await _close([row["id"] for row in await query], reason="deadline", now=now)


async def _close(ids: list[int], *, reason: str, now: datetime) -> int:
    if not ids:
        return 0
    async with write_transaction():
        for batch in chunks(ids, INSERT_CHUNK):
            await Vacancy.update(
                {
                    Vacancy.status: VacancyStatus.closed,
                    Vacancy.closed_at: now,
                    Vacancy.closed_reason: reason,
                }
            ).where(Vacancy.id.is_in(batch))
        await _promote_open_duplicates(ids)
    return len(ids)


async def _promote_open_duplicates(closed_ids: list[int]) -> None:
    """When a canonical vacancy closes while a duplicate on another source is still
    open, the oldest open duplicate becomes canonical so the posting stays listed."""
    for batch in chunks(closed_ids, INSERT_CHUNK):
        rows = (
            await Vacancy.select(Vacancy.id, Vacancy.canonical)
            .where(Vacancy.canonical.is_in(batch), Vacancy.status == VacancyStatus.open)
            .order_by(Vacancy.id)
        )
        groups: dict[int, list[int]] = defaultdict(list)
        for row in rows:
            groups[row["canonical"]].append(row["id"])
        for members in groups.values():
            heir, *others = members
            await Vacancy.update({Vacancy.canonical: None}).where(Vacancy.id == heir)
            if others:
                await Vacancy.update({Vacancy.canonical: heir}).where(Vacancy.id.is_in(others))
