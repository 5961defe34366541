"""Piccolo tables of the vacancies app. Tables only: logic lives in the service modules."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import (
    JSON,
    BigInt,
    Boolean,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table


class OrganizationKind(StrEnum):
    un_secretariat = "un_secretariat"
    fund_programme = "fund_programme"
    specialized_agency = "specialized_agency"
    related_organization = "related_organization"
    development_bank = "development_bank"
    other = "other"


class RunStatus(StrEnum):
    running = "running"
    ok = "ok"
    not_modified = "not_modified"
    partial = "partial"
    failed = "failed"


class VacancyStatus(StrEnum):
    open = "open"
    closed = "closed"


class Organization(Table):
    acronym = Varchar(length=32, unique=True)
    name = Varchar(length=255)
    kind = Varchar(length=32, choices=OrganizationKind, default=OrganizationKind.other)
    aliases = JSON(default=[])
    edited_at = Timestamptz(null=True, default=None)
    """When an admin last edited the row: from then on the shipped alias table
    (``sync_organizations``) no longer overwrites its name, kind and aliases."""


class Source(Table):
    """A place vacancies are harvested from, declared in sources.toml."""

    id = Varchar(length=64, primary_key=True)
    name = Varchar(length=255)
    organization = ForeignKey(Organization, null=True, on_delete=OnDelete.set_null)
    adapter = Varchar(length=64)
    base_url = Varchar(length=2000)
    params = JSON(default={})
    schedule = Varchar(length=64, default="0 */6 * * *")
    enabled = Boolean(default=True)
    is_sample = Boolean(default=False)
    """Recorded sample data loaded by ``portal demo``, not a live harvest."""
    etag = Varchar(length=500, null=True, default=None)
    last_modified = Varchar(length=100, null=True, default=None)
    last_run_at = Timestamptz(null=True, default=None)
    last_success_at = Timestamptz(null=True, default=None)
    """End of the last run that read the source's complete listing (ok or not_modified)."""
    consecutive_failures = Integer(default=0)
    paused_at = Timestamptz(null=True, default=None)
    """When an admin paused the source: harvests skip it until resumed. Kept apart from
    ``enabled``, which ``sync_catalogue`` rewrites from sources.toml."""


class HarvestRun(Table):
    source = ForeignKey(Source, on_delete=OnDelete.cascade, index=True)
    started_at = Timestamptz()
    finished_at = Timestamptz(null=True, default=None)
    status = Varchar(length=16, choices=RunStatus, default=RunStatus.running)
    fetched = Integer(default=0)
    new = Integer(default=0)
    updated = Integer(default=0)
    unchanged = Integer(default=0)
    closed = Integer(default=0)
    rejected = Integer(default=0)
    error = Text(null=True, default=None)
    rejections = JSON(default=[])
    """First rejected records with their reasons: [{"external_id": ..., "reason": ...}]."""


class Vacancy(Table):
    """A vacancy as harvested and normalised. Never deleted, only closed."""

    source = ForeignKey(Source, on_delete=OnDelete.restrict, index=True)
    external_id = Varchar(length=200)
    canonical = ForeignKey("self", null=True, on_delete=OnDelete.set_null, index=True)
    """Set when the same posting was first seen on another source: lists show it once."""
    url = Varchar(length=2000)
    title = Varchar(length=500)
    organization = ForeignKey(Organization, null=True, on_delete=OnDelete.set_null)
    organization_acronym = Varchar(length=32, null=True, default=None, index=True)
    organization_name = Varchar(length=255, null=True, default=None)
    grade = Varchar(length=32, null=True, default=None, index=True)
    category = Varchar(length=32, null=True, default=None, index=True)
    duty_station = Varchar(length=255, null=True, default=None)
    country = Varchar(length=3, null=True, default=None, index=True)
    posted_at = Timestamptz(null=True, default=None, index=True)
    deadline = Timestamptz(null=True, default=None, index=True)
    description = Text(default="")
    extra = JSON(default={})
    requirements = JSON(null=True, default=None)
    """What the post asks for (vacancies.nlp.Requirements as JSON, with evidence spans
    into ``description``); NULL until analysed, and again whenever the content changes."""
    requirements_version = Varchar(length=100, null=True, default=None, index=True)
    """``Requirements.version`` of the stored analysis: pipeline code and taxonomy data.
    A different version than the running pipeline's means the analysis is due again."""
    content_hash = Varchar(length=64)
    status = Varchar(length=16, choices=VacancyStatus, default=VacancyStatus.open, index=True)
    first_seen = Timestamptz()
    last_seen = Timestamptz()
    closed_at = Timestamptz(null=True, default=None)
    closed_reason = Varchar(length=32, null=True, default=None)
    is_jpo = Boolean(default=False, index=True)
    """A Junior Professional Officer post (vacancies.jpo, computed at ingestion)."""
    jpo_sponsors = JSON(default=[])
    """ISO 3166-1 alpha-2 codes of the donor countries sponsoring the JPO post."""
    open_to_nationalities = JSON(default=[])
    """ISO 3166-1 alpha-2 codes of the only nationalities that may apply ([] = any)."""
    listing_fingerprint = Varchar(length=64, null=True, default=None)
    """Digest of the listing entry at the last harvest (scrapers.base.ListingMemo): while
    it is unchanged, the vacancy's detail page is not fetched again."""

    # (source, external_id) is unique: a unique index created in the migrations, since
    # SQLite cannot add a table constraint after creation. On PostgreSQL the migrations
    # replace the indexes on status and canonical with partial ones (see
    # vacancies_2026_11_22t14_30_00_000000.py).


class SourceLock(Table):
    """Lock rows that keep two scheduler processes from harvesting one source at once
    on SQLite (PostgreSQL uses advisory locks instead)."""

    source_id = Varchar(length=64, unique=True)
    holder = Varchar(length=128)
    expires_at = Timestamptz()


class CatalogueVersion(Table):
    """One row whose ``version`` goes up, by database triggers, with every change to
    what a search can show: vacancies, organisations, a source's name or sample flag.
    Caches of search answers key on it, so a harvest that writes invalidates them and
    one that writes nothing does not."""

    version = BigInt(default=0)
