"""Ingestion: scraped pages become stored, normalised vacancies.

* One transaction per fetched page; upsert by (source, external_id).
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
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from scrapers.records import RejectedRecord, ScrapedPage, ScrapedVacancy
from vacancies import jpo, normalize
from vacancies.db import bulk_insert, chunks, is_postgres, write_transaction
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
    a substantial subset of the other."""
    if fuzz.token_sort_ratio(a, b) >= DUPLICATE_TITLE_SCORE:
        return True
    shorter = min(len(a.split()), len(b.split()))
    return shorter >= SUBSET_MIN_WORDS and fuzz.token_set_ratio(a, b) >= DUPLICATE_TITLE_SCORE


@dataclass
class DuplicateIndex:
    """Open canonical vacancies of *other* sources, by organisation, for linking
    cross-source duplicates: same organisation, no conflicting grade, similar title, and
    the same deadline (within a day) or — when a deadline is missing — the same country."""

    by_organization: dict[str, list[_PoolEntry]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    async def load(cls, exclude_source: str) -> DuplicateIndex:
        rows = await Vacancy.select(
            Vacancy.id,
            Vacancy.organization_acronym,
            Vacancy.title,
            Vacancy.deadline,
            Vacancy.country,
            Vacancy.grade,
        ).where(
            Vacancy.status == VacancyStatus.open,
            Vacancy.canonical.is_null(),
            Vacancy.organization_acronym.is_not_null(),
            Vacancy.source != exclude_source,
        )
        index = cls()
        for row in rows:
            index.by_organization[row["organization_acronym"]].append(
                _PoolEntry(
                    row["id"],
                    title_key(row["title"]),
                    row["deadline"],
                    row["country"],
                    row["grade"],
                )
            )
        return index

    def find(self, vacancy: NormalizedVacancy) -> int | None:
        if vacancy.organization is None:
            return None
        key = vacancy.title_key
        for entry in self.by_organization.get(vacancy.organization.acronym, ()):
            if entry.grade and vacancy.grade and entry.grade != vacancy.grade:
                continue
            if not _same_place_and_time(entry, vacancy):
                continue
            if similar_titles(key, entry.title_key):
                return entry.id
        return None


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
        self._duplicates: DuplicateIndex | None = None

    async def ingest_page(self, page: ScrapedPage) -> PageOutcome:
        records = {record.external_id: record for record in page.records}
        # Listed as before, details not fetched again: seen and unchanged, nothing to do.
        listed_unchanged = set(page.unchanged) - set(records)
        counts = RunCounts(
            fetched=len(records) + len(page.rejected) + len(listed_unchanged),
            unchanged=len(listed_unchanged),
        )
        rejections = list(page.rejected)
        seen = set(records) | listed_unchanged
        seen |= {r.external_id for r in page.rejected if r.external_id}
        unidentified = sum(1 for r in page.rejected if not r.external_id)
        fingerprints = page.listing_fingerprints

        # One transaction per page: on SQLite every statement outside one opens a new
        # connection (about 1.7 ms), which dominated pages of ten records.
        async with write_transaction() as transaction:
            existing = await self._existing(list(records)) if records else {}
            new, changed, refingerprinted = self._sort(
                records, existing, fingerprints, counts, rejections
            )
            if new or changed or refingerprinted:
                await self._store(transaction, new, changed, refingerprinted)
        counts.rejected = len(rejections)
        counts.new, counts.updated = len(new), len(changed)
        return PageOutcome(counts, seen, unidentified, rejections)

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
                )
            except RecordRejected as exc:
                rejections.append(RejectedRecord(external_id=external_id, reason=str(exc)))
                continue
            vacancy = replace(vacancy, listing_fingerprint=fingerprint)
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

    async def _store(
        self,
        transaction,
        new: list[NormalizedVacancy],
        changed: list[tuple[int, NormalizedVacancy, bool]],
        refingerprinted: list[tuple[int, str]],
    ) -> None:
        """Write a page's new and changed vacancies inside ``transaction``."""
        org_ids = await self._organization_ids([*new, *(c[1] for c in changed)])
        duplicates = await self._duplicate_index() if new else None
        for row_id, fingerprint in refingerprinted:
            await Vacancy.update({Vacancy.listing_fingerprint: fingerprint}).where(
                Vacancy.id == row_id
            )
        if new:
            rows = [self._new_row(r, org_ids, duplicates) for r in new]
            await bulk_insert(transaction, Vacancy, rows)
        for row_id, record, reopen in changed:
            values = self._values(record, org_ids)
            values[Vacancy.last_seen] = self.now
            # New content, new analysis (vacancies.analysis fills it in again).
            values[Vacancy.requirements] = None
            values[Vacancy.requirements_version] = None
            if reopen:
                values.update(
                    {
                        Vacancy.status: VacancyStatus.open,
                        Vacancy.closed_at: None,
                        Vacancy.closed_reason: None,
                    }
                )
            await Vacancy.update(values).where(Vacancy.id == row_id)

    def _expired(self, record: NormalizedVacancy) -> bool:
        return record.deadline is not None and record.deadline < self.now

    def _values(self, record: NormalizedVacancy, org_ids: dict[str, int]) -> dict:
        org = record.organization
        return {
            Vacancy.url: record.url,
            Vacancy.title: record.title,
            Vacancy.organization: org_ids.get(org.acronym) if org else None,
            Vacancy.organization_acronym: org.acronym if org else None,
            Vacancy.organization_name: record.organization_name,
            Vacancy.grade: record.grade,
            Vacancy.category: record.category,
            Vacancy.duty_station: record.duty_station,
            Vacancy.country: record.country,
            Vacancy.posted_at: record.posted_at,
            Vacancy.deadline: record.deadline,
            Vacancy.description: record.description,
            Vacancy.extra: record.extra,
            Vacancy.content_hash: record.content_hash,
            Vacancy.is_jpo: record.is_jpo,
            Vacancy.jpo_sponsors: list(record.jpo_sponsors),
            Vacancy.open_to_nationalities: list(record.open_to_nationalities),
            Vacancy.listing_fingerprint: record.listing_fingerprint,
        }

    def _new_row(
        self,
        record: NormalizedVacancy,
        org_ids: dict[str, int],
        duplicates: DuplicateIndex | None,
    ) -> dict[str, Any]:
        """Column name -> value of a new vacancy row."""
        expired = self._expired(record)
        row = {
            col._meta.db_column_name: value for col, value in self._values(record, org_ids).items()
        }
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

    async def _duplicate_index(self) -> DuplicateIndex:
        if self._duplicates is None:
            self._duplicates = await DuplicateIndex.load(exclude_source=self.source_id)
        return self._duplicates


async def close_missing(source_id: str, seen_external_ids: set[str], *, now: datetime) -> int:
    """Close the source's open vacancies that its complete listing no longer carries."""
    rows = await Vacancy.select(Vacancy.id, Vacancy.external_id).where(
        Vacancy.source == source_id, Vacancy.status == VacancyStatus.open
    )
    missing = [row["id"] for row in rows if row["external_id"] not in seen_external_ids]
    return await _close(missing, reason="missing", now=now)


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
