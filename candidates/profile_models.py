"""The candidate profile as the services, the API, the pages, the roster import and the
matcher see it: pydantic models, no database and no HTTP.

Every list holds codes, so a profile can be compared with a vacancy without reading text:

* ``citizenships``: ISO 3166-1 alpha-2 ("NO"), upper case;
* ``languages``: ISO 639-1 code ("no" for Norwegian, as the vacancy pipeline writes it)
  with a CEFR level, or "native";
* ``skills`` and ``job_families``: ids of the taxonomy (``vacancies.taxonomy``);
* ``organizations``: organisation acronyms as stored on vacancies ("UNDP");
* ``regions``: region or sub-region slugs of ``vacancies/data/regions.toml``;
* ``duty_stations``: ISO 3166-1 alpha-3 countries ("KEN"), as on vacancies;
* ``grades``: grade codes as normalised on vacancies ("P-2", "D-1", "NO-B");
* ``contract_types``: vacancy categories (``vacancies.normalize.Category``).

``ProfileIn`` checks shapes and ranges only. Whether an id exists in the taxonomy, an
acronym among the organisations or a slug among the regions is checked by
``candidates.profiles`` against the data, with one error per field.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator

from vacancies.nlp.models import EDUCATION_ORDER, EducationLevel
from vacancies.normalize import Category

CefrLevel = Literal["A1", "A2", "B1", "B2", "C1", "C2", "native"]
CEFR_LEVELS: tuple[str, ...] = get_args(CefrLevel)
CEFR_ORDER: dict[str, int] = {level: rank for rank, level in enumerate(CEFR_LEVELS, start=1)}
"""A1 = 1 ... C2 = 6, native = 7."""

EDUCATION_LEVELS: tuple[str, ...] = tuple(EDUCATION_ORDER)
CONTRACT_TYPES: tuple[str, ...] = get_args(Category)

MAX_LIST = 200
"""More entries than anyone needs in one list; refuses a runaway request."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class LanguageSkill(_Model):
    code: str = Field(min_length=2, max_length=3, pattern=r"^[a-z]{2,3}$")
    level: CefrLevel


class ProfileIn(_Model):
    """What a candidate (or the roster import) may set. Omitted fields take their
    defaults: a PUT replaces the whole profile."""

    citizenships: list[str] = Field(default_factory=list, max_length=10)
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    education_level: EducationLevel | None = None
    education_field: str = Field(default="", max_length=200)
    education_year: int | None = Field(default=None, ge=1940, le=2100)
    languages: list[LanguageSkill] = Field(default_factory=list, max_length=30)
    experience_years: float = Field(default=0.0, ge=0, le=70)
    international_years: float = Field(default=0.0, ge=0, le=70)
    skills: list[str] = Field(default_factory=list, max_length=MAX_LIST)
    job_families: list[str] = Field(default_factory=list, max_length=50)
    organizations: list[str] = Field(default_factory=list, max_length=MAX_LIST)
    regions: list[str] = Field(default_factory=list, max_length=50)
    duty_stations: list[str] = Field(default_factory=list, max_length=MAX_LIST)
    grades: list[str] = Field(default_factory=list, max_length=50)
    contract_types: list[Category] = Field(default_factory=list, max_length=20)
    available_from: date | None = None
    summary: str = Field(default="", max_length=4000)

    @field_validator("citizenships")
    @classmethod
    def _countries(cls, value: list[str]) -> list[str]:
        codes = [code.strip().upper() for code in value]
        for code in codes:
            if len(code) != 2 or not code.isalpha() or not code.isascii():
                raise ValueError(f"{code!r} is not an ISO 3166 alpha-2 country code")
        return list(dict.fromkeys(codes))

    @field_validator("duty_stations")
    @classmethod
    def _stations(cls, value: list[str]) -> list[str]:
        codes = [code.strip().upper() for code in value]
        for code in codes:
            if len(code) != 3 or not code.isalpha() or not code.isascii():
                raise ValueError(f"{code!r} is not an ISO 3166 alpha-3 country code")
        return list(dict.fromkeys(codes))

    @field_validator("languages")
    @classmethod
    def _one_level_per_language(cls, value: list[LanguageSkill]) -> list[LanguageSkill]:
        seen: set[str] = set()
        for item in value:
            if item.code in seen:
                raise ValueError(f"language {item.code!r} is listed twice")
            seen.add(item.code)
        return value

    @field_validator(
        "skills", "job_families", "organizations", "regions", "grades", "contract_types"
    )
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        return list(dict.fromkeys(item.strip() for item in value if item.strip()))


class Profile(ProfileIn):
    """A stored profile, as read back."""

    user_id: int
    created_at: datetime
    updated_at: datetime
