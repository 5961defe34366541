"""Participation statistics for the Ministry of Foreign Affairs: aggregated, anonymous
counts only. No HTTP; no figure names or describes a person.

**Small cells**, as Statistics Norway does. A count of 1 or 2 people is published as
suppressed (``small``): a figure that small could single someone out. 0 is shown (it
describes no one). Published figures are tied by sums: each table's rows add up
to its total, and sign-ups = registered candidates + erasures (every erased candidate
signed up in one of the years shown). A sum with exactly one suppressed figure would give
it away by subtraction, so while any sum has exactly one, the smallest figure shown in
that sum is suppressed too (``secondary``: it is not small), sparing the count of
registered candidates where another figure will do. A reader can still bound a
suppressed figure, never pin it down from one sum. Pages mark both kinds alike with
Statistics Norway's symbol ":". Vacancy figures count postings, not people, and are
shown as they are.

**Who is counted, and why that is fair (GDPR).** Counted as candidates are accounts
holding the candidate role; erased accounts count in the tables of sign-ups and
erasures: their tombstone keeps ``created_at`` and ``erased_at`` and nothing personal,
and the audit log's ``user_erased`` entry says, by id only, that the account was a
candidate (see :mod:`candidates.privacy`).

- *Bare totals* (registered candidates, sign-ups and erasures per year, standing
  consents per purpose) use nothing but the fact that an account exists and when it was
  opened or closed. Norec must account for its own service in these terms anyway
  (public task, Art. 6(1)(e)), and published with suppression they are anonymous
  (recital 26). They count every candidate, whatever their consents.
- *Breakdowns* that describe candidates beyond having an account (here: how recently
  they used the portal; later profile fields, placements and retention) count only
  candidates who consent to :attr:`ConsentPurpose.statistics` now. A candidate who
  withdraws drops out of them on the next computation. Every such breakdown must start
  from :func:`_statistics_population`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, Field

from candidates.audit import AuditAction
from candidates.clock import utc_now
from candidates.tables import AuditLog, Consent, ConsentPurpose, Role, User, UserRole
from vacancies.schemas import VacancyQuery
from vacancies.search import list_organizations, search_with_facets

SMALLEST_SHOWN = 3
"""Counts of people from 1 to ``SMALLEST_SHOWN - 1`` (1 or 2) are suppressed."""
REGISTERED = "registered"
"""The cell of registered candidates, the headline figure: hidden last."""

ACTIVITY_BUCKETS = (("last_90_days", 90), ("last_year", 365))
"""Activity breakdown: used within 90 days, within a year, or longer ago/never."""
ACTIVITY_OLDER = "longer_ago"


class Suppression(StrEnum):
    small = "small"
    """1 or 2 people."""
    secondary = "secondary"
    """Hidden so that a small figure cannot be worked out from a sum."""


class Cell(BaseModel):
    """One published count: ``count`` is None when suppressed."""

    count: int | None
    suppressed: Suppression | None = None


class Row(BaseModel):
    key: str = Field(description="a year, a consent purpose or an activity bucket")
    cell: Cell


class Table(BaseModel):
    rows: list[Row]
    total: Cell | None = Field(description="the sum of the rows, when it is meaningful")


class OrganizationFigure(BaseModel):
    acronym: str
    name: str
    open_vacancies: int


class GradeBandFigure(BaseModel):
    category: str = Field(description="grade band (vacancies.normalize categories)")
    open_vacancies: int


class VacancyFigures(BaseModel):
    open_vacancies: int
    by_organization: list[OrganizationFigure] = Field(description="most vacancies first")
    without_organization: int = Field(description="organisation not recognised")
    by_grade_band: list[GradeBandFigure]
    without_grade_band: int = Field(description="no grade or contract type given")


class Statistics(BaseModel):
    computed_at: datetime
    smallest_shown: int = SMALLEST_SHOWN
    registered_candidates: Cell = Field(description="candidate accounts, not erased")
    sign_ups_by_year: Table = Field(description="erased accounts included, by year opened")
    erasures_by_year: Table
    consents_by_purpose: Table = Field(description="standing consents; no total")
    activity: Table = Field(
        description="last use, of candidates consenting to statistics (total: all of them)"
    )
    vacancies: VacancyFigures


def protect(counts: dict[str, int], sums: Iterable[Iterable[str]] = ()) -> dict[str, Cell]:
    """The published cells of ``counts``: 1 and 2 suppressed as ``small``, then, while
    one of ``sums`` (groups of keys tied by one addition) has exactly one hidden cell,
    a shown cell of it hidden as ``secondary`` (see ``cost``)."""
    hidden = {key: Suppression.small for key, n in counts.items() if 0 < n < SMALLEST_SHOWN}
    groups = [list(group) for group in sums]

    def exposed() -> list[list[str]]:
        return [g for g in groups if sum(key in hidden for key in g) == 1]

    while needy := exposed():

        def cost(key: str) -> tuple:
            # Spare the headline figure and zeros; prefer a cell that closes several
            # exposed sums at once (a total shared by two), then the smallest.
            shares = sum(key in g for g in needy)
            return (key == REGISTERED, counts[key] == 0, -shares, counts[key], key)

        hidden[min((k for k in needy[0] if k not in hidden), key=cost)] = Suppression.secondary
    return {
        key: Cell(count=None if key in hidden else n, suppressed=hidden.get(key))
        for key, n in counts.items()
    }


def _keyed(name: str, rows: list[tuple[str, int]]) -> dict[str, int]:
    """A table's rows and total as cells named ``name:key`` and ``name:total``."""
    return {f"{name}:{key}": n for key, n in rows} | {f"{name}:total": sum(n for _, n in rows)}


def _table(name: str, rows: list[tuple[str, int]], cells: dict[str, Cell]) -> Table:
    return Table(
        rows=[Row(key=key, cell=cells[f"{name}:{key}"]) for key, _ in rows],
        total=cells.get(f"{name}:total"),
    )


def _candidate_holders():
    return UserRole.select(UserRole.user).where(UserRole.role == Role.candidate.value)


async def _erased_candidate_ids() -> set[int]:
    """Tombstones of candidates: their ``user_erased`` entry lists the roles held."""
    rows = await AuditLog.select(AuditLog.subject_id, AuditLog.detail).where(
        AuditLog.action == AuditAction.user_erased.value
    )
    erased = set()
    for row in rows:
        detail = row["detail"]
        if isinstance(detail, str):
            detail = json.loads(detail)
        if Role.candidate.value in detail.get("roles", []):
            erased.add(row["subject_id"])
    return erased


def _by_year(times: Iterable[datetime], years: range) -> list[tuple[str, int]]:
    counts = dict.fromkeys(years, 0)
    for at in times:
        counts[at.year] = counts.get(at.year, 0) + 1
    return [(str(year), counts[year]) for year in sorted(counts)]


async def _statistics_population():
    """Ids of the candidates that breakdowns may count: not erased, consenting now."""
    consenting = Consent.select(Consent.user).where(
        (Consent.purpose == ConsentPurpose.statistics.value) & Consent.withdrawn_at.is_null()
    )
    return await User.select(User.id, User.last_active_at).where(
        User.id.is_in(_candidate_holders()) & User.id.is_in(consenting) & User.erased_at.is_null()
    )


def _activity(rows: list[dict], now: datetime) -> list[tuple[str, int]]:
    counts = {key: 0 for key, _ in ACTIVITY_BUCKETS} | {ACTIVITY_OLDER: 0}
    for row in rows:
        last = row["last_active_at"]
        key = next(
            (k for k, days in ACTIVITY_BUCKETS if last and last >= now - timedelta(days=days)),
            ACTIVITY_OLDER,
        )
        counts[key] += 1
    return list(counts.items())


async def _consents_by_purpose() -> list[tuple[str, int]]:
    rows = await Consent.select(Consent.user, Consent.purpose).where(
        Consent.withdrawn_at.is_null()
        & Consent.user.is_in(
            User.select(User.id).where(
                User.id.is_in(_candidate_holders()) & User.erased_at.is_null()
            )
        )
    )
    users: dict[str, set[int]] = {purpose.value: set() for purpose in ConsentPurpose}
    for row in rows:
        users[row["purpose"]].add(row["user"])
    return [(purpose, len(ids)) for purpose, ids in users.items()]


async def vacancy_figures(now: datetime) -> VacancyFigures:
    """Open vacancies (cross-source copies counted once) per organisation and per grade
    band, from the search's own counts."""
    organizations = sorted(
        (o for o in await list_organizations() if o.open_vacancies),
        key=lambda o: (-o.open_vacancies, o.name),
    )
    listed, facets = await search_with_facets(VacancyQuery(per_page=1), now)
    bands = [GradeBandFigure(category=f.value, open_vacancies=f.count) for f in facets.category]
    return VacancyFigures(
        open_vacancies=listed.total,
        by_organization=[
            OrganizationFigure(acronym=o.acronym, name=o.name, open_vacancies=o.open_vacancies)
            for o in organizations
        ],
        without_organization=listed.total - sum(o.open_vacancies for o in organizations),
        by_grade_band=[band for band in bands if band.open_vacancies],
        without_grade_band=listed.total - sum(band.open_vacancies for band in bands),
    )


async def compute_statistics(*, now: datetime | None = None) -> Statistics:
    """Every published figure, suppressed as the module notes say."""
    now = utc_now(now)
    erased_ids = await _erased_candidate_ids()
    current = await User.select(User.created_at).where(
        User.id.is_in(_candidate_holders()) & User.erased_at.is_null()
    )
    tombstones = (
        await User.select(User.created_at, User.erased_at).where(
            User.id.is_in(list(erased_ids)) & User.erased_at.is_not_null()
        )
        if erased_ids
        else []
    )
    opened = [r["created_at"] for r in current] + [r["created_at"] for r in tombstones]
    first_year = min((at.year for at in opened), default=now.year)
    years = range(first_year, now.year + 1)
    population = await _statistics_population()
    tables = {
        "sign_ups": _by_year(opened, years),
        "erasures": _by_year((r["erased_at"] for r in tombstones), years),
        "activity": _activity(population, now),
    }
    counts = {REGISTERED: len(current)}
    for name, rows in tables.items():
        counts |= _keyed(name, rows)
    sums = [[key for key in counts if key.startswith(f"{name}:")] for name in tables]
    sums.append(["sign_ups:total", REGISTERED, "erasures:total"])
    cells = protect(counts, sums)
    consents = await _consents_by_purpose()
    consent_cells = protect(dict(consents))
    return Statistics(
        computed_at=now,
        registered_candidates=cells[REGISTERED],
        sign_ups_by_year=_table("sign_ups", tables["sign_ups"], cells),
        erasures_by_year=_table("erasures", tables["erasures"], cells),
        consents_by_purpose=Table(
            rows=[Row(key=key, cell=consent_cells[key]) for key, _ in consents], total=None
        ),
        activity=_table("activity", tables["activity"], cells),
        vacancies=await vacancy_figures(now),
    )
