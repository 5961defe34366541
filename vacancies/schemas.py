"""Pydantic in/out models of the vacancies domain (hand-written, not generated)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field, field_validator

from vacancies.nlp.models import Requirements
from vacancies.normalize import Category, load_organizations, parse_grade
from vacancies.regions import regions
from vacancies.tables import OrganizationKind, RunStatus, VacancyStatus

OrgType = Literal["un", "bank"]
"""Organisation type: the UN system or the multilateral development banks."""

ORG_TYPE_KINDS: dict[str, tuple[str, ...]] = {
    "un": (
        OrganizationKind.un_secretariat,
        OrganizationKind.fund_programme,
        OrganizationKind.specialized_agency,
        OrganizationKind.related_organization,
    ),
    "bank": (OrganizationKind.development_bank,),
}

FAILING_AFTER = 3
"""A source whose last this many runs failed in a row is flagged as failing."""

MAX_ID = 2**31 - 1
"""The largest row id (PostgreSQL ``integer``, Piccolo's ``Serial``)."""

DATE_YEARS = (1900, 2999)
"""Dates in a query must fall in these years (inclusive): the extremes of Python's
datetime overflow when converted to UTC."""


class VacancyQuery(BaseModel):
    """Filters of a vacancy search; every field optional."""

    model_config = ConfigDict(extra="forbid")

    q: str | None = Field(default=None, max_length=200, description="full-text query")
    organization: list[str] = Field(default_factory=list, description="organisation acronyms")
    category: list[Category] = Field(default_factory=list)
    grade: list[str] = Field(default_factory=list)
    country: list[str] = Field(default_factory=list, description="ISO 3166 alpha-3 codes")
    region: list[str] = Field(
        default_factory=list, description="UN M49 region or sub-region slug, e.g. africa"
    )
    org_type: list[OrgType] = Field(
        default_factory=list, description="un (UN system) or bank (development banks)"
    )
    source: list[str] = Field(default_factory=list)
    open_only: bool = True
    deadline_after: datetime | None = None
    posted_after: datetime | None = None
    deadline_within_days: int | None = Field(
        default=None, ge=1, le=366, description="deadline between now and this many days ahead"
    )
    posted_within_days: int | None = Field(
        default=None, ge=1, le=366, description="posted within this many days"
    )
    include_duplicates: bool = Field(
        default=False, description="also list copies of a posting seen on another source"
    )
    jpo: bool = Field(default=False, description="only Junior Professional Officer (JPO) posts")
    sponsor: list[str] = Field(
        default_factory=list,
        description="JPO posts sponsored by this donor country (ISO 3166-1 alpha-2, e.g. NO)",
    )
    sort: Literal["deadline", "posted", "relevance"] = "deadline"
    page: int = Field(default=1, ge=1, le=10_000)
    per_page: int = Field(default=20, ge=1, le=100)

    @field_validator("country")
    @classmethod
    def _alpha3(cls, values: list[str]) -> list[str]:
        for value in values:
            if len(value) != 3 or not value.isalpha():
                raise ValueError(f"country must be an ISO 3166 alpha-3 code, got {value!r}")
        return [v.upper() for v in values]

    @field_validator("sponsor")
    @classmethod
    def _alpha2(cls, values: list[str]) -> list[str]:
        for value in values:
            if len(value) != 2 or not value.isascii() or not value.isalpha():
                raise ValueError(f"sponsor must be an ISO 3166-1 alpha-2 code, got {value!r}")
        return list(dict.fromkeys(v.upper() for v in values))

    @field_validator("organization")
    @classmethod
    def _acronym(cls, values: list[str]) -> list[str]:
        """Acronyms in any case, spelt as stored ("afdb" -> "AfDB")."""
        known = {info.acronym.upper(): info.acronym for info in load_organizations()}
        cleaned = (v.strip() for v in values)
        return [known.get(v.upper(), v.upper()) for v in cleaned if v]

    @field_validator("grade")
    @classmethod
    def _grade_code(cls, values: list[str]) -> list[str]:
        """Grade codes in any spelling the normaliser reads ("p3", "intern"), as stored."""
        codes = []
        for value in (v.strip() for v in values):
            if value:
                grade = parse_grade(value)
                codes.append(grade.code if grade else value.upper())
        return codes

    @field_validator("q", "organization", "grade", "source")
    @classmethod
    def _no_nul(cls, value: str | list[str] | None) -> str | list[str] | None:
        """PostgreSQL text cannot hold NUL, and no name or word contains one."""
        values = [value] if isinstance(value, str) else value or []
        if any("\x00" in v for v in values):
            raise ValueError("must not contain NUL characters")
        return value

    @field_validator("deadline_after", "posted_after")
    @classmethod
    def _year_in_range(cls, value: datetime | None) -> datetime | None:
        first, last = DATE_YEARS
        if value is not None and not first <= value.year <= last:
            raise ValueError(f"must be a date between the years {first} and {last}")
        return value

    @field_validator("region")
    @classmethod
    def _region_slug(cls, values: list[str]) -> list[str]:
        known = regions().by_slug
        for value in values:
            if value not in known:
                raise ValueError(f"region must be one of {', '.join(sorted(known))}, got {value!r}")
        return values


class VacancyOut(BaseModel):
    id: int
    source: str
    source_name: str
    external_id: str
    title: str
    organization: str | None = Field(description="acronym")
    organization_name: str | None
    grade: str | None
    category: str | None
    duty_station: str | None
    country: str | None
    posted_at: datetime | None
    deadline: datetime | None
    url: str
    status: VacancyStatus
    canonical_id: int | None = Field(description="the listed vacancy this one duplicates")
    first_seen: datetime
    last_seen: datetime = Field(description="last time a harvest saw the posting")
    closed_at: datetime | None
    sample: bool = Field(description="recorded sample data, not a live harvest")
    is_jpo: bool = Field(default=False, description="a Junior Professional Officer (JPO) post")
    jpo_sponsors: list[str] = Field(
        default_factory=list,
        description="donor countries sponsoring the JPO post (ISO 3166-1 alpha-2)",
    )
    open_to_nationalities: list[str] = Field(
        default_factory=list,
        description="the only nationalities that may apply (ISO 3166-1 alpha-2); empty: any",
    )


class VacancyDetail(VacancyOut):
    description: str
    extra: dict[str, Any]
    closed_reason: str | None
    duplicates: list[int] = Field(description="ids of copies of this posting on other sources")
    requirements: Requirements | None = Field(
        default=None,
        description="what the post asks for, read from the description by the portal's "
        "spaCy pipeline; every evidence span indexes `description`. Null until read (a new "
        "or changed vacancy is read within minutes of its harvest)",
    )


class VacancyPage(BaseModel):
    items: list[VacancyOut]
    total: int
    page: int
    per_page: int


class HarvestRunOut(BaseModel):
    id: int
    source: str
    status: RunStatus
    started_at: datetime
    finished_at: datetime | None
    fetched: int
    new: int
    updated: int
    unchanged: int
    closed: int
    rejected: int
    error: str | None
    rejections: list[dict[str, Any]]


class FacetValue(BaseModel):
    value: str
    count: int = Field(description="matches when this value is chosen, other filters kept")
    selected: bool = False


class Facets(BaseModel):
    """Counts per filter value: each dimension counts with every *other* filter applied."""

    organization: list[FacetValue]
    org_type: list[FacetValue]
    category: list[FacetValue]
    grade: list[FacetValue]
    country: list[FacetValue]
    region: list[FacetValue]
    deadline: list[FacetValue] = Field(description="closing within N days")
    posted: list[FacetValue] = Field(description="posted within the last N days")
    jpo: list[FacetValue] = Field(default_factory=list, description='JPO posts (one value, "true")')


class OrganizationOut(BaseModel):
    acronym: str
    name: str
    kind: OrganizationKind
    open_vacancies: int


class SourceOut(BaseModel):
    id: str
    name: str
    adapter: str
    organization: str | None
    base_url: str
    schedule: str
    enabled: bool
    sample: bool
    last_run_at: datetime | None
    last_success_at: datetime | None
    consecutive_failures: int
    open_vacancies: int
    last_run: HarvestRunOut | None
    paused_at: datetime | None = Field(
        default=None, description="when an admin paused the source (harvests skip it)"
    )

    @computed_field
    @property
    def failing(self) -> bool:
        """The last FAILING_AFTER (or more) runs failed in a row."""
        return self.consecutive_failures >= FAILING_AFTER


# --- administration (vacancies/catalogue_admin.py) ------------------------------------


class OrganizationRecord(BaseModel):
    """An organisation as an admin sees and edits it."""

    id: int
    acronym: str
    name: str
    kind: OrganizationKind
    aliases: list[str]
    edited_at: datetime | None = Field(
        description="when an admin last edited it (the shipped alias table no longer applies)"
    )


class OrganizationEdit(BaseModel):
    """New values for an organisation's name, kind and aliases (all given)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=255)
    kind: OrganizationKind
    aliases: list[str] = Field(default_factory=list, max_length=50)

    @field_validator("aliases")
    @classmethod
    def _clean_aliases(cls, value: list[str]) -> list[str]:
        """Stripped, blank ones dropped, each once (first spelling kept), ≤ 255 characters."""
        seen: set[str] = set()
        cleaned = []
        for alias in (a.strip() for a in value):
            if not alias or alias.casefold() in seen:
                continue
            if len(alias) > 255:
                raise ValueError("an alias has at most 255 characters")
            seen.add(alias.casefold())
            cleaned.append(alias)
        return cleaned
