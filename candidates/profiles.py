"""Candidate profiles and saved vacancies: plain async services, no HTTP (issue 7).

A profile is one ``candidate_profile`` row per user, written only through
:func:`save_profile`. :class:`~candidates.profile_models.ProfileIn` checks shapes and
ranges; :func:`save_profile` checks every code against the data the rest of the portal
uses, and refuses with *all* field errors at once (:class:`ProfileRefused`), writing
nothing:

- ``citizenships``: ISO 3166-1 alpha-2 codes known to pycountry ("XK" for Kosovo too);
- ``duty_stations``: ISO 3166-1 alpha-3 codes known to pycountry ("XKX" too);
- ``languages``: ISO 639-1 codes known to pycountry; Bokmål "nb" and Nynorsk "nn" are
  stored as "no" (Norwegian, as the vacancy pipeline writes it), so a language can
  appear once only;
- ``skills`` and ``job_families``: ids of :func:`vacancies.taxonomy.load_taxonomy`;
- ``organizations``: acronyms in the ``organization`` table (any case; stored as the
  table spells them);
- ``regions``: region or sub-region slugs of ``vacancies/data/regions.toml``;
- ``grades``: anything :func:`vacancies.normalize.parse_grade` recognises, stored as its
  code ("p2" -> "P-2", "consultancy" -> "Consultant");
- ``birth_year``: not later than 15 years before ``now`` (the range 1900..2100 is
  :class:`ProfileIn`'s); ``education_year`` not after next year.

Who may have a profile: only an enabled, not erased account holding the candidate role.
Anyone else gets ``ProfileRefused({"user": ...})`` (staff and admins are not candidates;
the roster import creates candidate accounts before saving their profiles). Deleting a
profile, and the saved-vacancy functions, need no role: they only touch the user's own
rows.

Saved vacancies: (user, vacancy) is unique, saving is idempotent and keeps the first
time. Vacancies are never deleted (they close), so a saved vacancy stays listed, marked
closed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import cache
from typing import Any

import pycountry
from babel import Locale
from pydantic import BaseModel, Field

from candidates.profile_models import (
    CEFR_LEVELS,
    CONTRACT_TYPES,
    EDUCATION_LEVELS,
    Profile,
    ProfileIn,
)
from candidates.tables import CandidateProfile, Role, SavedVacancy, User, UserRole
from vacancies.db import write_transaction
from vacancies.normalize import parse_grade
from vacancies.regions import regions
from vacancies.tables import Organization, Vacancy
from vacancies.taxonomy import load_taxonomy

__all__ = [
    "CountryOption",
    "Option",
    "ProfileOptions",
    "ProfileRefused",
    "SavedVacancyOut",
    "SkillOption",
    "delete_profile",
    "get_profile",
    "is_saved",
    "profile_options",
    "save_profile",
    "save_vacancy",
    "saved_vacancies",
    "unsave_vacancy",
]

NORWEGIAN_ALIASES = {"nb": "no", "nn": "no", "nob": "no", "nno": "no", "nor": "no"}
"""Language codes stored as "no"."""

KOSOVO = {"XK": "XKX"}
"""User-assigned codes the portal uses for Kosovo (see vacancies/data/countries.toml)."""

MIN_AGE = 15
"""A birth year later than ``now.year - MIN_AGE`` is refused as implausible."""

GRADE_CHOICES: tuple[str, ...] = (
    "P-1",
    "P-2",
    "P-3",
    "P-4",
    "P-5",
    "D-1",
    "D-2",
    "NO-A",
    "NO-B",
    "NO-C",
    "NO-D",
    "JPO",
    "UNV",
    "Consultant",
    "Intern",
)
"""The grades the profile editor offers (any grade ``parse_grade`` knows is accepted)."""

COMMON_LANGUAGES: tuple[str, ...] = ("en", "fr", "es", "ar", "ru", "zh", "pt", "no")
"""The six UN official languages, then Portuguese and Norwegian: offered first."""


class ProfileRefused(ValueError):
    """The profile names codes the data does not know (or the user may not have a
    profile). ``errors`` maps each field to one English message; ``values`` maps it to
    the offending values (for messages in other languages)."""

    def __init__(self, errors: dict[str, str], values: dict[str, list[str]] | None = None):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = dict(errors)
        self.values = dict(values or {})


class SavedVacancyOut(BaseModel):
    vacancy_id: int
    title: str
    organization: str | None = Field(description="the organisation's acronym")
    organization_name: str | None
    grade: str | None
    duty_station: str | None
    country: str | None = Field(description="ISO 3166-1 alpha-3")
    deadline: datetime | None
    closed: bool = Field(description="the vacancy is closed (it stays in the list)")
    saved_at: datetime


class Option(BaseModel):
    value: str
    label: str


class SkillOption(Option):
    family: str = Field(description="the job family's id")


class CountryOption(BaseModel):
    alpha_2: str
    alpha_3: str
    name: str


class RegionOption(Option):
    parent: str | None = Field(description="the region of a sub-region")


class ProfileOptions(BaseModel):
    """The choices the profile editor offers, labelled in one language."""

    skills: list[SkillOption]
    job_families: list[Option]
    regions: list[RegionOption]
    grades: list[Option]
    contract_types: list[Option]
    education_levels: list[Option]
    cefr_levels: list[Option]
    languages: list[Option] = Field(description="common UN languages first, then by name")
    countries: list[CountryOption]


# --- checks against the data ----------------------------------------------------------


def _language(code: str) -> str | None:
    code = NORWEGIAN_ALIASES.get(code, code)
    if len(code) == 2 and pycountry.languages.get(alpha_2=code) is not None:
        return code
    return None


def _alpha2_known(code: str) -> bool:
    return code in KOSOVO or pycountry.countries.get(alpha_2=code) is not None


def _alpha3_known(code: str) -> bool:
    return code in KOSOVO.values() or pycountry.countries.get(alpha_3=code) is not None


def _quoted(values: Iterable[str]) -> str:
    return ", ".join(repr(v) for v in values)


def _unknown(kind: str, values: list[str]) -> str:
    plural = "s" if len(values) > 1 else ""
    return f"unknown {kind}{plural} {_quoted(values)}"


async def _organisation_acronyms() -> dict[str, str]:
    rows = await Organization.select(Organization.acronym)
    return {row["acronym"].casefold(): row["acronym"] for row in rows}


async def checked(profile: ProfileIn, *, now: datetime) -> ProfileIn:
    """The profile with codes normalised (languages, grades, organisation acronyms);
    raises :class:`ProfileRefused` with every field's problem."""
    errors: dict[str, str] = {}
    bad: dict[str, list[str]] = {}

    def refuse(name: str, message: str, values: list[str]) -> None:
        errors[name] = message
        bad[name] = values

    taxonomy = load_taxonomy()
    skills = {s.id for s in taxonomy.skills}
    families = {f.id for f in taxonomy.families}
    if missing := [s for s in profile.skills if s not in skills]:
        refuse("skills", _unknown("skill id", missing), missing)
    if missing := [f for f in profile.job_families if f not in families]:
        refuse("job_families", _unknown("job family id", missing), missing)
    if missing := [c for c in profile.citizenships if not _alpha2_known(c)]:
        refuse("citizenships", _unknown("country code", missing), missing)
    if missing := [c for c in profile.duty_stations if not _alpha3_known(c)]:
        refuse("duty_stations", _unknown("country code", missing), missing)
    slugs = regions().by_slug
    if missing := [r for r in profile.regions if r not in slugs]:
        refuse("regions", _unknown("region", missing), missing)

    languages = []
    missing, twice = [], []
    seen: set[str] = set()
    for item in profile.languages:
        code = _language(item.code)
        if code is None:
            missing.append(item.code)
        elif code in seen:
            twice.append(item.code)
        else:
            seen.add(code)
            languages.append(item.model_copy(update={"code": code}))
    if missing:
        refuse("languages", _unknown("ISO 639-1 language code", missing), missing)
    elif twice:
        refuse("languages", f"language listed twice: {_quoted(twice)}", twice)

    grades, missing = [], []
    for raw in profile.grades:
        grade = parse_grade(raw)
        if grade is None:
            missing.append(raw)
        elif grade.code not in grades:
            grades.append(grade.code)
    if missing:
        refuse("grades", _unknown("grade", missing), missing)

    known = await _organisation_acronyms()
    organizations = []
    if missing := [o for o in profile.organizations if o.casefold() not in known]:
        refuse("organizations", _unknown("organisation", missing), missing)
    else:
        organizations = list(dict.fromkeys(known[o.casefold()] for o in profile.organizations))

    latest_birth = now.year - MIN_AGE
    if profile.birth_year is not None and profile.birth_year > latest_birth:
        refuse(
            "birth_year",
            f"a birth year after {latest_birth} is not plausible",
            [str(profile.birth_year)],
        )
    if profile.education_year is not None and profile.education_year > now.year + 1:
        refuse(
            "education_year",
            f"the year of the degree cannot be after {now.year + 1}",
            [str(profile.education_year)],
        )
    if profile.international_years > profile.experience_years:
        refuse(
            "international_years",
            "international experience cannot exceed the total experience",
            [str(profile.international_years)],
        )
    if errors:
        raise ProfileRefused(errors, bad)
    return profile.model_copy(
        update={"languages": languages, "grades": grades, "organizations": organizations}
    )


# --- profiles -------------------------------------------------------------------------


def _fields() -> tuple[str, ...]:
    return tuple(ProfileIn.model_fields)


def _profile(row: dict[str, Any]) -> Profile:
    data = {name: row[name] for name in _fields()}
    for name in ("experience_years", "international_years"):
        # Shown to two decimals: years read from a CV's date ranges run to many.
        data[name] = round(data[name], 2)
    available = data["available_from"]
    if isinstance(available, datetime):
        data["available_from"] = available.date()
    return Profile(
        **data,
        user_id=row["user"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


async def get_profile(user_id: int) -> Profile | None:
    row = (
        await CandidateProfile.select()
        .where(CandidateProfile.user == user_id)
        .output(load_json=True)
        .first()
    )
    return None if row is None else _profile(row)


async def is_candidate(user_id: int) -> bool:
    """An enabled, not erased account holding the candidate role."""
    holders = UserRole.select(UserRole.user).where(UserRole.role == Role.candidate.value)
    return await User.exists().where(
        (User.id == user_id)
        & User.id.is_in(holders)
        & User.erased_at.is_null()
        & User.disabled_at.is_null()
    )


def _columns(profile: ProfileIn) -> dict[str, Any]:
    data = profile.model_dump(mode="json")
    data["available_from"] = profile.available_from
    return data


async def save_profile(user_id: int, profile: ProfileIn, *, now: datetime) -> Profile:
    """Create or replace the user's profile (``created_at`` kept, ``updated_at`` =
    ``now``). Raises :class:`ProfileRefused` with every problem; writes nothing then."""
    profile = await checked(profile, now=now)
    async with write_transaction():
        if not await is_candidate(user_id):
            raise ProfileRefused(
                {"user": "only an active account with the candidate role can have a profile"},
                {"user": [str(user_id)]},
            )
        columns = {getattr(CandidateProfile, k): v for k, v in _columns(profile).items()}
        exists = await CandidateProfile.exists().where(CandidateProfile.user == user_id)
        if exists:
            await CandidateProfile.update({**columns, CandidateProfile.updated_at: now}).where(
                CandidateProfile.user == user_id
            )
        else:
            await CandidateProfile.insert(
                CandidateProfile(user=user_id, created_at=now, updated_at=now, **_columns(profile))
            )
    saved = await get_profile(user_id)
    assert saved is not None
    return saved


async def delete_profile(user_id: int) -> None:
    """Remove the user's profile (nothing happens if there is none)."""
    await CandidateProfile.delete().where(CandidateProfile.user == user_id)


# --- saved vacancies ------------------------------------------------------------------


async def save_vacancy(user_id: int, vacancy_id: int, *, now: datetime) -> None:
    """Add a vacancy to the user's saved ones (idempotent: the first time is kept).
    Raises LookupError for an unknown vacancy."""
    async with write_transaction():
        if not await Vacancy.exists().where(Vacancy.id == vacancy_id):
            raise LookupError(f"no vacancy with id {vacancy_id}")
        if await is_saved(user_id, vacancy_id):
            return
        await SavedVacancy.insert(SavedVacancy(user=user_id, vacancy=vacancy_id, saved_at=now))


async def unsave_vacancy(user_id: int, vacancy_id: int) -> None:
    """Remove a saved vacancy (nothing happens if it was not saved)."""
    await SavedVacancy.delete().where(
        (SavedVacancy.user == user_id) & (SavedVacancy.vacancy == vacancy_id)
    )


async def is_saved(user_id: int, vacancy_id: int) -> bool:
    return await SavedVacancy.exists().where(
        (SavedVacancy.user == user_id) & (SavedVacancy.vacancy == vacancy_id)
    )


async def saved_vacancies(user_id: int) -> list[SavedVacancyOut]:
    """The user's saved vacancies, most recently saved first; closed ones included."""
    rows = (
        await SavedVacancy.select(
            SavedVacancy.vacancy.id.as_alias("vacancy_id"),
            SavedVacancy.vacancy.title.as_alias("title"),
            SavedVacancy.vacancy.organization_acronym.as_alias("organization"),
            SavedVacancy.vacancy.organization_name.as_alias("organization_name"),
            SavedVacancy.vacancy.grade.as_alias("grade"),
            SavedVacancy.vacancy.duty_station.as_alias("duty_station"),
            SavedVacancy.vacancy.country.as_alias("country"),
            SavedVacancy.vacancy.deadline.as_alias("deadline"),
            SavedVacancy.vacancy.status.as_alias("status"),
            SavedVacancy.saved_at,
        )
        .where(SavedVacancy.user == user_id)
        .order_by(SavedVacancy.saved_at, ascending=False)
        .order_by(SavedVacancy.id, ascending=False)
    )
    return [
        SavedVacancyOut(
            **{k: v for k, v in row.items() if k != "status"},
            closed=row["status"] != "open",
        )
        for row in rows
    ]


# --- the editor's choices -------------------------------------------------------------


def _locale(locale: str) -> Locale:
    try:
        return Locale.parse(locale)
    except (ValueError, TypeError):
        return Locale.parse("en")


def _region_options(locale: str) -> list[RegionOption]:
    options: list[RegionOption] = []
    table = regions()
    for region in table.regions:
        options.append(RegionOption(value=region.slug, label=region.name(locale), parent=None))
        for sub in table.sub_regions:
            if sub.parent == region.slug:
                options.append(
                    RegionOption(value=sub.slug, label=sub.name(locale), parent=region.slug)
                )
    return options


def _language_options(locale: str) -> list[Option]:
    names = _locale(locale).languages
    english = _locale("en").languages
    options = []
    for language in pycountry.languages:
        code = getattr(language, "alpha_2", None)
        if code is None or code in ("nb", "nn"):
            continue
        label = names.get(code) or english.get(code) or language.name
        options.append(Option(value=code, label=label[:1].upper() + label[1:]))
    first = {code: rank for rank, code in enumerate(COMMON_LANGUAGES)}
    options.sort(key=lambda o: (first.get(o.value, len(first)), o.label.casefold()))
    return options


def _country_options(locale: str) -> list[CountryOption]:
    territories = _locale(locale).territories
    options = [
        CountryOption(
            alpha_2=c.alpha_2,
            alpha_3=c.alpha_3,
            name=territories.get(c.alpha_2) or getattr(c, "common_name", None) or c.name,
        )
        for c in pycountry.countries
    ]
    options.append(
        CountryOption(alpha_2="XK", alpha_3="XKX", name=territories.get("XK") or "Kosovo")
    )
    return sorted(options, key=lambda o: o.name.casefold())


@cache
def _options(locale: str) -> ProfileOptions:
    taxonomy = load_taxonomy()
    family_order = {f.id: i for i, f in enumerate(taxonomy.families)}
    skills = sorted(
        taxonomy.skills, key=lambda s: (family_order.get(s.family, 99), s.label.casefold())
    )
    return ProfileOptions(
        skills=[SkillOption(value=s.id, label=s.label, family=s.family) for s in skills],
        job_families=[Option(value=f.id, label=f.label) for f in taxonomy.families],
        regions=_region_options(locale),
        grades=[Option(value=g, label=g) for g in GRADE_CHOICES],
        contract_types=[Option(value=c, label=c) for c in CONTRACT_TYPES],
        education_levels=[Option(value=e, label=e) for e in EDUCATION_LEVELS],
        cefr_levels=[Option(value=c, label=c) for c in CEFR_LEVELS],
        languages=_language_options(locale),
        countries=_country_options(locale),
    )


def profile_options(locale: str = "en") -> ProfileOptions:
    """The choices the profile editor offers. Skills (English labels, as the taxonomy
    has them) are grouped by job family in the taxonomy's order; language, country and
    region names are in ``locale``; grade, contract, education and CEFR values are
    codes (the pages word them)."""
    return _options(locale if locale in ("en", "nb", "nn") else "en")
