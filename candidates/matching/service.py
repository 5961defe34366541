"""Matching over the database: live queries from a cached index, and stored matches.

**Live queries** (:func:`matches_for_candidate`, :func:`matches_for_vacancy`,
:func:`match_pair`) read an in-process :class:`MatchIndex` built from every candidate
profile and every open vacancy. Before each query a few aggregates are read (counts and
latest timestamps of profiles, CVs and open vacancies, how many posts are analysed, and
the day): when they differ from those the index was built from, the index is rebuilt
(in a worker thread, once, however many requests arrive meanwhile). A changed profile
or a harvest shows in the next query; an unchanged database costs one small query.

**Visibility**: :func:`matches_for_vacancy` ranks only candidates visible to staff at
the moment of the call (the rule of ``candidates.staff_access``: candidate role, not
erased or disabled, a standing ``visible_to_staff`` consent), read from the database on
every call, never cached.

**Stored matches** (:func:`recompute_all`): each candidate's best ``matches_kept`` open
vacancies and each open vacancy's best ``matches_kept`` candidates (eligible first,
then by score), for every candidate with a profile; consent is applied when staff read
them, so a consent given later shows at once. The old rows are replaced in ONE
transaction (delete, then a bulk insert): readers see the old set or the new one, never
a mix. :func:`recompute_candidate` replaces one candidate's own rows after a profile
change (the vacancies' lists are refreshed by the next full recompute).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

import anyio
import numpy as np
from piccolo.query.functions.aggregate import Count, Max
from pydantic import ValidationError

from candidates.matching.engine import MatchIndex, Scored
from candidates.matching.models import (
    CandidateFacts,
    CandidateFilters,
    CandidateMatch,
    CandidateSummary,
    Match,
    RecomputeReport,
    VacancyFacts,
    VacancyFilters,
    VacancyMatch,
    VacancySummary,
)
from candidates.profile_models import ProfileIn
from candidates.staff_access import visible_condition
from candidates.tables import CandidateCv, CandidateProfile, Role, User, UserRole
from vacancies.nlp.models import Requirements
from vacancies.search import catalogue_version
from vacancies.tables import Vacancy, VacancyStatus

log = logging.getLogger(__name__)


RECORDS_PER_CHUNK = 50_000
"""Stored-match records built and written at a time (bounded memory)."""


class NoProfile(LookupError):
    """The user has no candidate profile (or is not an active candidate)."""

    def __init__(self, user_id: int) -> None:
        super().__init__(f"user {user_id} has no candidate profile")


# --- Loading facts ---------------------------------------------------------------------


def _profile_of(row: dict[str, Any]) -> ProfileIn | None:
    data = {name: row[name] for name in ProfileIn.model_fields}
    if isinstance(data["available_from"], datetime):
        data["available_from"] = data["available_from"].date()
    try:
        return ProfileIn.model_validate(data)
    except ValidationError as error:
        log.warning("profile of user %s left out of matching: %s", row["user"], error)
        return None


def _active_candidates():
    holders = UserRole.select(UserRole.user).where(UserRole.role == Role.candidate.value)
    return User.select(User.id).where(
        User.id.is_in(holders) & User.erased_at.is_null() & User.disabled_at.is_null()
    )


async def load_candidates(user_ids: list[int] | None = None) -> list[CandidateFacts]:
    """Every active candidate with a profile (or those of ``user_ids``), by user id."""
    query = CandidateProfile.select().where(CandidateProfile.user.is_in(_active_candidates()))
    cvs = CandidateCv.select(CandidateCv.user, CandidateCv.text)
    if user_ids is not None:
        query = query.where(CandidateProfile.user.is_in(user_ids or [-1]))
        cvs = cvs.where(CandidateCv.user.is_in(user_ids or [-1]))
    rows = await query.order_by(CandidateProfile.user).output(load_json=True)
    texts = {row["user"]: row["text"] or "" for row in await cvs}
    facts = []
    for row in rows:
        profile = _profile_of(row)
        if profile is not None:
            facts.append(
                CandidateFacts(id=row["user"], profile=profile, cv_text=texts.get(row["user"], ""))
            )
    return facts


def _vacancy_of(row: dict[str, Any]) -> VacancyFacts:
    requirements = None
    if row["requirements"]:
        try:
            requirements = Requirements.model_validate(row["requirements"])
        except ValidationError:
            log.warning("requirements of vacancy %s unreadable: matched as not analysed", row["id"])
    return VacancyFacts(
        id=row["id"],
        title=row["title"],
        organization=row["organization_acronym"],
        grade=row["grade"],
        category=row["category"],
        country=row["country"],
        duty_station=row["duty_station"],
        deadline=row["deadline"],
        is_jpo=bool(row["is_jpo"]),
        jpo_sponsors=row["jpo_sponsors"] or [],
        open_to_nationalities=row["open_to_nationalities"] or [],
        description=row["description"] or "",
        requirements=requirements,
    )


VACANCY_COLUMNS = (
    Vacancy.id,
    Vacancy.title,
    Vacancy.organization_acronym,
    Vacancy.grade,
    Vacancy.category,
    Vacancy.country,
    Vacancy.duty_station,
    Vacancy.deadline,
    Vacancy.is_jpo,
    Vacancy.jpo_sponsors,
    Vacancy.open_to_nationalities,
    Vacancy.description,
    Vacancy.requirements,
)


async def load_vacancies() -> list[VacancyFacts]:
    """Every open vacancy, by id."""
    rows = (
        await Vacancy.select(*VACANCY_COLUMNS)
        .where(Vacancy.status == VacancyStatus.open.value)
        .order_by(Vacancy.id)
        .output(load_json=True)
    )
    return [_vacancy_of(row) for row in rows]


# --- The cached index ------------------------------------------------------------------


class Generation(NamedTuple):
    vacancies: tuple
    """(day, open vacancies' count and latest last_seen, how many are analysed, the
    catalogue version)."""
    profiles: tuple
    """(count, latest updated_at, highest id)."""
    cvs: tuple
    users: tuple


async def generation(today: date) -> Generation:
    """What the index depends on, cheaply: changes whenever a profile, a CV, an open
    vacancy or its analysis changes, or the day does."""
    profiles = await CandidateProfile.select(
        Count(CandidateProfile.id, alias="n"),
        Max(CandidateProfile.updated_at, alias="at"),
        Max(CandidateProfile.id, alias="last"),
    ).first()
    cvs = await CandidateCv.select(
        Count(CandidateCv.id, alias="n"), Max(CandidateCv.uploaded_at, alias="at")
    ).first()
    open_ = Vacancy.status == VacancyStatus.open.value
    vacancies = (
        await Vacancy.select(Count(Vacancy.id, alias="n"), Max(Vacancy.last_seen, alias="at"))
        .where(open_)
        .first()
    )
    analysed = await Vacancy.count().where(open_ & Vacancy.requirements_version.is_not_null())
    # Raised by triggers on every write to a vacancy, a re-analysis included (a new
    # taxonomy changes requirements without changing counts or last_seen).
    catalogue = await catalogue_version()
    users = await User.select(
        Count(User.id, alias="n"),
        Max(User.erased_at, alias="erased"),
        Max(User.disabled_at, alias="disabled"),
    ).first()
    return Generation(
        vacancies=(today, *vacancies.values(), analysed, catalogue),
        profiles=(profiles["n"], profiles["at"], profiles["last"]),
        cvs=(cvs["n"], cvs["at"]),
        users=tuple(users.values()),
    )


@dataclass
class _Cached:
    generation: Generation
    index: MatchIndex


_cache: dict[str, Any] = {"entry": None, "lock": None, "loop": None}


def _lock() -> asyncio.Lock:
    loop = asyncio.get_running_loop()
    if _cache["loop"] is not loop:
        _cache["lock"], _cache["loop"] = asyncio.Lock(), loop
    return _cache["lock"]


def clear_cache() -> None:
    """Forget the index (tests, or after the rules or weights files change)."""
    _cache["entry"] = None


async def current_index(today: date | None = None) -> MatchIndex:
    """The process's index, rebuilt when the database changed since it was built."""
    today = today or datetime.now(UTC).date()
    current = await generation(today)
    entry: _Cached | None = _cache["entry"]
    if entry is not None and entry.generation == current:
        return entry.index
    async with _lock():
        entry = _cache["entry"]
        if entry is not None and entry.generation == current:
            return entry.index
        index = None
        if entry is not None and entry.generation.vacancies == current.vacancies:
            index = await _updated(entry, current)
        if index is None:
            index = await build_index(today)
        _cache["entry"] = _Cached(current, index)
        return index


INCREMENTAL_SHARE = 0.2
"""Above this share of changed candidates a full rebuild is cheaper than an update."""


async def _updated(entry: _Cached, current: Generation) -> MatchIndex | None:
    """The cached index with the candidates changed since it was built replaced (the
    vacancies unchanged): profiles saved and CVs uploaded after the latest the index
    saw, candidates new, and candidates gone (profile deleted, account erased or
    disabled). None when too much changed."""
    index = entry.index
    active = {row["user"] for row in await _active_profiles()}
    since_profile, since_cv = entry.generation.profiles[1], entry.generation.cvs[1]
    changed = active - set(index.cand_pos)
    if since_profile is not None:
        rows = await CandidateProfile.select(CandidateProfile.user).where(
            CandidateProfile.updated_at > since_profile
        )
        changed |= {row["user"] for row in rows} & active
    if since_cv is not None:
        rows = await CandidateCv.select(CandidateCv.user).where(CandidateCv.uploaded_at > since_cv)
        changed |= {row["user"] for row in rows} & active
    elif current.cvs[1] is not None:
        rows = await CandidateCv.select(CandidateCv.user)
        changed |= {row["user"] for row in rows} & active
    removed = set(index.cand_pos) - active
    if len(changed) + len(removed) > INCREMENTAL_SHARE * max(len(index.cand_pos), 1):
        return None
    facts = await load_candidates(sorted(changed))
    update = functools.partial(index.with_candidates, facts, removed)
    return await anyio.to_thread.run_sync(update)


def _active_profiles():
    return CandidateProfile.select(CandidateProfile.user).where(
        CandidateProfile.user.is_in(_active_candidates())
    )


async def _fresh_index(today: date) -> MatchIndex:
    """The cached index when it is current, else a new one that is NOT kept: a scheduler
    process should not hold a gigabyte between two recomputes."""
    entry: _Cached | None = _cache["entry"]
    if entry is not None and entry.generation == await generation(today):
        return entry.index
    return await build_index(today)


async def build_index(today: date) -> MatchIndex:
    candidates = await load_candidates()
    vacancies = await load_vacancies()
    build = functools.partial(MatchIndex.build, candidates, vacancies, today=today)
    return await anyio.to_thread.run_sync(build)


# --- Live queries ------------------------------------------------------------------------


def _vacancy_summary(v: VacancyFacts) -> VacancySummary:
    return VacancySummary(
        id=v.id,
        title=v.title,
        organization=v.organization,
        grade=v.grade,
        duty_station=v.duty_station,
        country=v.country,
        deadline=v.deadline,
        is_jpo=v.is_jpo,
    )


def _with_vacancy(index: MatchIndex, match: Match) -> VacancyMatch:
    vacancy = index.vacancies[index.vac_pos[match.vacancy_id]]
    return VacancyMatch(**dict(match), vacancy=_vacancy_summary(vacancy))


async def matches_for_candidate(
    user_id: int,
    *,
    top: int = 20,
    filters: VacancyFilters | None = None,
    today: date | None = None,
) -> list[VacancyMatch]:
    """The candidate's best open vacancies, explained (ineligible posts only when the
    filters ask for them, after the others)."""
    index = await current_index(today)
    if user_id not in index.cand_pos:
        raise NoProfile(user_id)
    matches = index.top_vacancies(user_id, top, filters=filters)
    return [_with_vacancy(index, m) for m in matches]


async def visible_candidate_ids() -> set[int]:
    """Who staff may see right now (read on every call: consent takes effect at once)."""
    return {row["id"] for row in await User.select(User.id).where(visible_condition())}


async def matches_for_vacancy(
    vacancy_id: int,
    *,
    top: int = 20,
    filters: CandidateFilters | None = None,
    today: date | None = None,
) -> list[CandidateMatch]:
    """The best candidates for an open vacancy among those visible to staff now:
    eligible first, then ineligible ones (marked), each explained. LookupError when the
    vacancy is unknown or closed."""
    index = await current_index(today)
    if vacancy_id not in index.vac_pos:
        raise LookupError(f"no open vacancy with id {vacancy_id}")
    visible = await visible_candidate_ids()
    allowed = np.isin(index.candidate_ids(), np.fromiter(visible, dtype=np.int64))
    matches = index.top_candidates_among(vacancy_id, top, filters=filters, allowed=allowed)
    emails = await _emails([m.candidate_id for m in matches])
    return [
        CandidateMatch(
            **dict(m),
            candidate=_candidate_summary(index, m.candidate_id, emails.get(m.candidate_id, "")),
        )
        for m in matches
    ]


async def not_visible_count(today: date | None = None) -> int:
    """Candidates with a profile whom staff cannot see now (left out of their lists)."""
    index = await current_index(today)
    visible = await visible_candidate_ids()
    return sum(1 for cid in index.cand_pos if cid not in visible)


async def _emails(ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await User.select(User.id, User.email).where(User.id.is_in(ids))
    return {row["id"]: row["email"] for row in rows}


def _candidate_summary(index: MatchIndex, candidate_id: int, email: str) -> CandidateSummary:
    profile = index.candidates[index.cand_pos[candidate_id]].profile
    return CandidateSummary(
        id=candidate_id,
        email=email,
        education_level=profile.education_level,
        experience_years=profile.experience_years,
        languages=[f"{item.code}:{item.level}" for item in profile.languages],
    )


async def match_pair(user_id: int, vacancy_id: int, *, today: date | None = None) -> VacancyMatch:
    """One candidate and one open vacancy, explained."""
    index = await current_index(today)
    if user_id not in index.cand_pos:
        raise NoProfile(user_id)
    if vacancy_id not in index.vac_pos:
        raise LookupError(f"no open vacancy with id {vacancy_id}")
    return _with_vacancy(index, index.pair(user_id, vacancy_id))


# --- Stored matches ------------------------------------------------------------------------


async def recompute_all(*, today: date | None = None, kept: int | None = None) -> RecomputeReport:
    """Replace every stored match with the current best (see the module docstring)."""
    from candidates.matching.store import replace_all

    started = time.perf_counter()
    kept = kept or _kept()
    index = await _fresh_index(today or datetime.now(UTC).date())
    top = await anyio.to_thread.run_sync(lambda: index.top_arrays(kept))
    now = datetime.now(UTC)

    async def chunks():
        for start in range(0, top.size, RECORDS_PER_CHUNK):
            stop = start + RECORDS_PER_CHUNK
            yield await anyio.to_thread.run_sync(index.records, top, start, stop, now)

    stored = await replace_all(chunks())
    return RecomputeReport(
        candidates=len(index.candidates),
        vacancies=len(index.vacancies),
        stored=stored,
        seconds=round(time.perf_counter() - started, 3),
    )


async def recompute_candidate(user_id: int, *, today: date | None = None) -> int:
    """Replace one candidate's stored matches (their best open vacancies) after a profile
    change; 0 and nothing stored when they have no profile any more."""
    from candidates.matching.store import replace_candidate

    index = await current_index(today)
    rows: list[Scored] = []
    if user_id in index.cand_pos:
        rows = index.candidate_rows(user_id, _kept())
    return await replace_candidate(user_id, rows, now=datetime.now(UTC))


def _kept() -> int:
    from portal.settings import get_settings

    return get_settings().matches_kept
