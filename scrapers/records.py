"""Typed records that adapters produce. No database, no web framework.

An adapter turns a source's pages into ``ScrapedPage`` objects. Each page carries the
records that parsed, the ones that were rejected (with a reason a person can read), and
whether the listing is known to be complete once this page is consumed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ScrapedVacancy(BaseModel):
    """One vacancy as read from a source, before normalisation.

    Fields hold what the source said, lightly cleaned; ``vacancies.normalize`` decides
    grade, category, country and organisation later.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    external_id: str = Field(min_length=1, max_length=200)
    url: str = Field(min_length=1, max_length=2000)
    title: str = Field(min_length=1, max_length=500)
    organization: str | None = None
    """Organisation name or acronym as the source gives it."""
    grade: str | None = None
    """Raw grade / level string, e.g. "P-3", "GS-6", "NOB", "Consultant"."""
    duty_station: str | None = None
    """Raw duty station, e.g. "Geneva, Switzerland", "Home-based"."""
    country: str | None = None
    """Country name or ISO code if the source gives one separately."""
    posted_at: datetime | None = None
    """Timezone-aware when the source says which zone; naive means 'source did not say'."""
    deadline: datetime | None = None
    description_html: str | None = None
    """Body as HTML (or plain text); cleaned to text by normalisation."""
    extra: dict[str, Any] = Field(default_factory=dict)
    """Source-specific fields worth keeping (job number, contract type...)."""


class RejectedRecord(BaseModel):
    """A record the adapter could not turn into a ``ScrapedVacancy``."""

    model_config = ConfigDict(frozen=True)

    external_id: str | None = None
    reason: str


class ScrapedPage(BaseModel):
    """One fetched page of a listing."""

    model_config = ConfigDict(frozen=True)

    url: str
    records: list[ScrapedVacancy] = Field(default_factory=list)
    rejected: list[RejectedRecord] = Field(default_factory=list)
    is_last: bool = False
    """True when this page ends the listing: with no earlier failures the harvest saw
    the source's complete list of open vacancies."""
    unchanged: list[str] = Field(default_factory=list)
    """Ids of stored vacancies whose listing entry is the same as at the last harvest:
    their details were not fetched again (``scrapers.base.ListingMemo``). They count as
    seen and unchanged."""
    listing_fingerprints: dict[str, str] = Field(default_factory=dict)
    """External id -> fingerprint of its listing entry, stored with the record."""
    etag: str | None = None
    last_modified: str | None = None
    """Validators of the response behind this page; the engine stores those of the
    first page after a complete run and sends them back next time (conditional GET)."""


class NotModified(Exception):
    """The source answered 304 to a conditional GET: nothing changed since last time."""


class SourceError(Exception):
    """A page could not be fetched or its shape is not what the adapter expects.

    The message names the adapter and the missing piece; the harvest of this source
    stops here and is recorded as failed (or partial, if earlier pages were stored).
    """
