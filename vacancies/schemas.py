"""Pydantic in/out models of the vacancies domain (hand-written, not generated)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from vacancies.normalize import Category
from vacancies.tables import RunStatus, VacancyStatus


class VacancyQuery(BaseModel):
    """Filters of a vacancy search; every field optional."""

    model_config = ConfigDict(extra="forbid")

    q: str | None = Field(default=None, max_length=200, description="full-text query")
    organization: list[str] = Field(default_factory=list, description="organisation acronyms")
    category: list[Category] = Field(default_factory=list)
    grade: list[str] = Field(default_factory=list)
    country: list[str] = Field(default_factory=list, description="ISO 3166 alpha-3 codes")
    source: list[str] = Field(default_factory=list)
    open_only: bool = True
    deadline_after: datetime | None = None
    posted_after: datetime | None = None
    include_duplicates: bool = Field(
        default=False, description="also list copies of a posting seen on another source"
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

    @field_validator("organization", "grade")
    @classmethod
    def _upper(cls, values: list[str]) -> list[str]:
        return [v.strip().upper() for v in values if v.strip()]


class VacancyOut(BaseModel):
    id: int
    source: str
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


class VacancyDetail(VacancyOut):
    description: str
    extra: dict[str, Any]
    closed_reason: str | None
    duplicates: list[int] = Field(description="ids of copies of this posting on other sources")


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
