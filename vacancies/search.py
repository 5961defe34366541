"""Reading vacancies and sources: search with filters, detail, source health.

Full-text search uses each engine's own index: PostgreSQL's ``tsvector`` (GIN) with
``websearch_to_tsquery``, SQLite's FTS5 table ``vacancy_fts``.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, get_args

from piccolo.columns.combination import And, WhereRaw
from piccolo.query.functions.aggregate import Count, Max
from piccolo.querystring import QueryString
from pydantic import ValidationError

from vacancies.db import is_postgres, ranked_text_plan
from vacancies.nlp.models import Requirements
from vacancies.normalize import Category
from vacancies.regions import areas_of, countries_in, regions
from vacancies.schemas import (
    ORG_TYPE_KINDS,
    Facets,
    FacetValue,
    HarvestRunOut,
    OrganizationOut,
    SourceOut,
    VacancyDetail,
    VacancyOut,
    VacancyPage,
    VacancyQuery,
)
from vacancies.tables import (
    CatalogueVersion,
    HarvestRun,
    Organization,
    Source,
    Vacancy,
    VacancyStatus,
)

_WORD = re.compile(r"\w+", re.UNICODE)

DEADLINE_WINDOWS = (7, 14, 30)
"""The "closing within N days" choices the facets count."""
POSTED_WINDOWS = (1, 7, 30)
"""The "posted in the last N days" choices the facets count."""

FACETS = (
    "organization",
    "org_type",
    "category",
    "grade",
    "country",
    "region",
    "deadline",
    "posted",
    "jpo",
)

_LIST_COLUMNS = (
    Vacancy.id,
    Vacancy.source,
    Vacancy.external_id,
    Vacancy.title,
    Vacancy.organization_acronym,
    Vacancy.organization_name,
    Vacancy.grade,
    Vacancy.category,
    Vacancy.duty_station,
    Vacancy.country,
    Vacancy.posted_at,
    Vacancy.deadline,
    Vacancy.url,
    Vacancy.status,
    Vacancy.canonical,
    Vacancy.first_seen,
    Vacancy.last_seen,
    Vacancy.closed_at,
    Vacancy.is_jpo,
    Vacancy.jpo_sponsors,
    Vacancy.open_to_nationalities,
)
"""What a result shows. The source's name and flags are looked up for the page's rows
afterwards: joining ``source`` to every match cost a third of a broad search's time."""


def fts5_query(text: str) -> str | None:
    """User text as an FTS5 query: every word must match (prefix match on the last one,
    for search-as-you-type). Quoting each word keeps FTS5 operators out of user hands."""
    words = _WORD.findall(text)
    if not words:
        return None
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def _conditions(query: VacancyQuery, now: datetime | None = None) -> list:
    """Every condition of the query, ANDed together by the caller."""
    shared, by_facet = _split_conditions(query, now or datetime.now(UTC))
    return shared + [c for conditions in by_facet.values() for c in conditions]


def _split_conditions(query: VacancyQuery, now: datetime) -> tuple[list, dict[str, list]]:
    """The query's conditions: those every count shares, and those of each facet
    (a facet's counts leave out its own conditions)."""
    shared: list = []
    if query.open_only:
        # Written as a literal so PostgreSQL can use the partial indexes on open listed
        # vacancies even under a generic (parameterised) plan.
        shared.append(WhereRaw("vacancy.status = 'open'"))
    if not query.include_duplicates:
        shared.append(Vacancy.canonical.is_null())
    if query.source:
        shared.append(Vacancy.source.is_in(query.source))
    if query.deadline_after:
        shared.append(Vacancy.deadline >= query.deadline_after)
    if query.posted_after:
        shared.append(Vacancy.posted_at >= query.posted_after)
    if _has_text(query):
        shared.append(_text_condition(query.q))
    if query.sponsor:
        shared.append(_sponsored_by(query.sponsor))

    by_facet: dict[str, list] = {}
    if query.organization:
        by_facet["organization"] = [Vacancy.organization_acronym.is_in(query.organization)]
    if query.org_type:
        kinds = [str(kind) for org_type in query.org_type for kind in ORG_TYPE_KINDS[org_type]]
        by_facet["org_type"] = [_organization_kind_in(kinds)]
    if query.category:
        by_facet["category"] = [Vacancy.category.is_in(list(query.category))]
    if query.grade:
        by_facet["grade"] = [Vacancy.grade.is_in(query.grade)]
    if query.country:
        by_facet["country"] = [Vacancy.country.is_in(query.country)]
    if query.region:
        by_facet["region"] = [Vacancy.country.is_in(countries_in(query.region))]
    if query.deadline_within_days:
        by_facet["deadline"] = [
            Vacancy.deadline >= now,
            Vacancy.deadline < now + timedelta(days=query.deadline_within_days),
        ]
    if query.posted_within_days:
        by_facet["posted"] = [Vacancy.posted_at >= now - timedelta(days=query.posted_within_days)]
    if query.jpo:
        by_facet["jpo"] = [Vacancy.is_jpo.eq(True)]
    return shared, by_facet


def _sponsored_by(codes: list[str]) -> WhereRaw:
    """JPO posts sponsored by any of the countries. The codes are validated alpha-2
    letters, and each stored list is a JSON array of them: its text holds ``"NO"``
    exactly when Norway is in it, on both engines."""
    likes = " OR ".join("CAST(vacancy.jpo_sponsors AS TEXT) LIKE {}" for _ in codes)
    return WhereRaw(f"vacancy.is_jpo AND ({likes})", *(f'%"{code}"%' for code in codes))


def _organization_kind_in(kinds: list[str]) -> WhereRaw:
    placeholders = ", ".join("{}" for _ in kinds)
    return WhereRaw(
        "vacancy.organization IN (SELECT organization.id FROM organization "  # noqa: S608
        f"WHERE organization.kind IN ({placeholders}))",
        *kinds,
    )


def _text_condition(text: str):
    if is_postgres():
        return WhereRaw("vacancy.search_vector @@ websearch_to_tsquery('english', {})", text)
    match = fts5_query(text)
    if match is None:
        return WhereRaw("1 = 0")
    return WhereRaw(
        "vacancy.id IN (SELECT rowid FROM vacancy_fts WHERE vacancy_fts MATCH {})", match
    )


def _relevance(text: str) -> QueryString:
    """How well a vacancy matches: the words in its title, organisation and duty station
    count; the description's words only make it match. PostgreSQL ranks on the small
    ``rank_vector`` (reading each match's full-description vector cost 100-400 ms for a
    broad word on 50,000 vacancies); SQLite weighs FTS5's bm25 by column likewise."""
    if is_postgres():
        return QueryString(
            "ts_rank(vacancy.rank_vector, websearch_to_tsquery('english', {}))", text
        )
    # bm25() is only valid inside the MATCH query, so rank through a correlated lookup.
    # Column weights: title, organisation, duty station, description.
    return QueryString(
        "-(SELECT bm25(vacancy_fts, 10.0, 5.0, 5.0, 0.0) FROM vacancy_fts "
        "WHERE vacancy_fts MATCH {} AND vacancy_fts.rowid = vacancy.id)",
        fts5_query(text) or "",
    )


def _order(select, query: VacancyQuery):
    if _ranked(query):
        select = select.order_by(_relevance(query.q), ascending=False)
        return select.order_by(Vacancy.id, ascending=False)
    # Undated vacancies last in both orders, in a form the sort indexes match. Piccolo
    # appends the direction to the last term of a raw order: here "id DESC".
    if query.sort == "posted":
        order = "vacancy.posted_at DESC NULLS LAST, vacancy.id"
    else:
        order = "vacancy.deadline ASC NULLS LAST, vacancy.id"
    return select.order_by(QueryString(order), ascending=False)


def _to_out(row: dict) -> VacancyOut:
    last_seen = row["last_seen"]
    # An open vacancy was in its source's listing at the last successful harvest, which
    # writes nothing for unchanged postings: that is when it was last seen.
    source_seen = row.get("source_last_success_at")
    if row["status"] == VacancyStatus.open and source_seen and source_seen > last_seen:
        last_seen = source_seen
    return VacancyOut(
        id=row["id"],
        source=row["source"],
        source_name=row["source_name"],
        external_id=row["external_id"],
        title=row["title"],
        organization=row["organization_acronym"],
        organization_name=row["organization_name"],
        grade=row["grade"],
        category=row["category"],
        duty_station=row["duty_station"],
        country=row["country"],
        posted_at=row["posted_at"],
        deadline=row["deadline"],
        url=row["url"],
        status=row["status"],
        canonical_id=row["canonical"],
        first_seen=row["first_seen"],
        last_seen=last_seen,
        closed_at=row["closed_at"],
        sample=bool(row["sample"]),
        is_jpo=bool(row["is_jpo"]),
        jpo_sponsors=_codes(row["jpo_sponsors"]),
        open_to_nationalities=_codes(row["open_to_nationalities"]),
    )


def _codes(value: str | list[str] | None) -> list[str]:
    """A JSON list column as read (text unless the query loaded JSON)."""
    if isinstance(value, str):
        value = json.loads(value)
    return list(value or [])


def _has_text(query: VacancyQuery) -> bool:
    return bool(query.q and query.q.strip())


def _ranked(query: VacancyQuery) -> bool:
    """Ordered by relevance: asked for, and there are words to rank by."""
    return query.sort == "relevance" and _has_text(query)


def _page_select(query: VacancyQuery, conditions: list):
    select = Vacancy.select(*_LIST_COLUMNS)
    if conditions:
        select = select.where(*conditions)
    return _order(select, query).limit(query.per_page).offset((query.page - 1) * query.per_page)


async def _with_sources(rows: list[dict]) -> list[dict]:
    """The rows with their source's name, sample flag and last successful harvest."""
    ids = list({row["source"] for row in rows})
    if not ids:
        return rows
    sources = {
        source["id"]: source
        for source in await Source.select(
            Source.id, Source.name, Source.is_sample, Source.last_success_at
        ).where(Source.id.is_in(ids))
    }
    for row in rows:
        source = sources[row["source"]]
        row["source_name"] = source["name"]
        row["sample"] = source["is_sample"]
        row["source_last_success_at"] = source["last_success_at"]
    return rows


async def _select_page(query: VacancyQuery, conditions: list) -> list[dict]:
    async with ranked_text_plan(_ranked(query)):
        return await _page_select(query, conditions)


def _page(query: VacancyQuery, rows: list[dict], total: int) -> VacancyPage:
    return VacancyPage(
        items=[_to_out(row) for row in rows],
        total=total,
        page=query.page,
        per_page=query.per_page,
    )


async def search_vacancies(query: VacancyQuery, now: datetime | None = None) -> VacancyPage:
    """One page of the vacancies matching ``query``, with the total; ``now`` anchors the
    deadline and posting windows (default: the current time)."""
    conditions = _conditions(query, now)
    count = Vacancy.count()
    if conditions:
        count = count.where(*conditions)
    rows = await _select_page(query, conditions)
    return _page(query, await _with_sources(rows), await count)


async def search_with_facets(
    query: VacancyQuery, now: datetime | None = None
) -> tuple[VacancyPage, Facets]:
    """What the search page shows: one page of results and the filter counts, the total
    taken from the facet statement (one pass over the matches fewer)."""
    now = now or datetime.now(UTC)
    rows = await _select_page(query, _conditions(query, now))
    counts, total = await _count_facets(query, now)
    return _page(query, await _with_sources(rows), total), _facets(query, counts)


async def catalogue_version() -> int | None:
    """A number that changes whenever a write changes what a search can show (kept by
    triggers, see :class:`~vacancies.tables.CatalogueVersion`); None if its row is
    missing, in which case nothing may be cached."""
    row = (
        await CatalogueVersion.select(CatalogueVersion.version)
        .where(CatalogueVersion.id == 1)
        .first()
    )
    return None if row is None else row["version"]


async def get_vacancy(vacancy_id: int) -> VacancyDetail | None:
    row = (
        await Vacancy.select(
            *_LIST_COLUMNS,
            Vacancy.description,
            Vacancy.extra,
            Vacancy.closed_reason,
            Vacancy.requirements,
        )
        .where(Vacancy.id == vacancy_id)
        .output(load_json=True)
        .first()
    )
    if row is None:
        return None
    await _with_sources([row])
    duplicates = await Vacancy.select(Vacancy.id).where(Vacancy.canonical == vacancy_id)
    return VacancyDetail(
        **_to_out(row).model_dump(),
        description=row["description"],
        extra=row["extra"] or {},
        closed_reason=row["closed_reason"],
        duplicates=[d["id"] for d in duplicates],
        requirements=_requirements(row["requirements"]),
    )


def _requirements(data: Any) -> Requirements | None:
    """The stored analysis, or ``None`` if there is none or it no longer fits the model
    (a release changed it: the next analysis run replaces it)."""
    if not data:
        return None
    try:
        return Requirements.model_validate(data)
    except ValidationError:
        return None


def _run_out(row: dict) -> HarvestRunOut:
    return HarvestRunOut(
        id=row["id"],
        source=row["source"],
        status=row["status"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        fetched=row["fetched"],
        new=row["new"],
        updated=row["updated"],
        unchanged=row["unchanged"],
        closed=row["closed"],
        rejected=row["rejected"],
        error=row["error"],
        rejections=row["rejections"] or [],
    )


async def list_runs(source_id: str, limit: int = 20) -> list[HarvestRunOut]:
    rows = (
        await HarvestRun.select()
        .where(HarvestRun.source == source_id)
        .order_by(HarvestRun.id, ascending=False)
        .limit(limit)
        .output(load_json=True)
    )
    return [_run_out(row) for row in rows]


async def list_sources() -> list[SourceOut]:
    sources = await Source.select(
        Source.all_columns(exclude=[Source.params, Source.organization]),
        Source.organization.acronym.as_alias("organization_acronym"),
    ).order_by(Source.id)
    open_counts = {
        row["source"]: row["count"]
        for row in await Vacancy.select(Vacancy.source, Count(Vacancy.id, alias="count"))
        .where(Vacancy.status == VacancyStatus.open)
        .group_by(Vacancy.source)
    }
    latest = await _latest_runs([s["id"] for s in sources])
    return [
        SourceOut(
            id=s["id"],
            name=s["name"],
            adapter=s["adapter"],
            organization=s["organization_acronym"],
            base_url=s["base_url"],
            schedule=s["schedule"],
            enabled=s["enabled"],
            sample=s["is_sample"],
            last_run_at=s["last_run_at"],
            last_success_at=s["last_success_at"],
            consecutive_failures=s["consecutive_failures"],
            open_vacancies=open_counts.get(s["id"], 0),
            last_run=latest.get(s["id"]),
            paused_at=s["paused_at"],
        )
        for s in sources
    ]


async def _latest_runs(source_ids: list[str]) -> dict[str, HarvestRunOut]:
    if not source_ids:
        return {}
    latest_ids = [
        row["max"]
        for row in await HarvestRun.select(HarvestRun.source, Max(HarvestRun.id, alias="max"))
        .where(HarvestRun.source.is_in(source_ids))
        .group_by(HarvestRun.source)
    ]
    if not latest_ids:
        return {}
    rows = await HarvestRun.select().where(HarvestRun.id.is_in(latest_ids)).output(load_json=True)
    return {row["source"]: _run_out(row) for row in rows}


async def organization_acronyms() -> list[str]:
    return [row["acronym"] for row in await Organization.select(Organization.acronym)]


# --- Facets ---------------------------------------------------------------------------

_FACET_COLUMNS = {
    "organization": "organization_acronym",
    "org_type": "org_kind",
    "category": "category",
    "grade": "grade",
    "country": "country",
    "region": "country",
    "deadline": "deadline_window",
    "posted": "posted_window",
    "jpo": "jpo_post",
}


def _all_of(conditions: list):
    combined = conditions[0]
    for condition in conditions[1:]:
        combined = And(combined, condition)
    return combined


def _deadline_bucket(now: datetime) -> QueryString:
    """The smallest "closing within N days" window a deadline falls in, or NULL."""
    whens = " ".join(f"WHEN vacancy.deadline < {{}} THEN {days}" for days in DEADLINE_WINDOWS)
    return QueryString(
        f"CASE WHEN vacancy.deadline < {{}} THEN NULL {whens} END",
        now,
        *(now + timedelta(days=days) for days in DEADLINE_WINDOWS),
    )


def _posted_bucket(now: datetime) -> QueryString:
    """The smallest "posted in the last N days" window a posting date falls in, or NULL."""
    whens = " ".join(f"WHEN vacancy.posted_at >= {{}} THEN {days}" for days in POSTED_WINDOWS)
    return QueryString(
        f"CASE {whens} END", *(now - timedelta(days=days) for days in POSTED_WINDOWS)
    )


async def facet_counts(query: VacancyQuery, now: datetime | None = None) -> Facets:
    """How many vacancies each filter value would give: every dimension is counted
    with the query's *other* filters applied (its own choices left out), so the count
    beside a value is what choosing it adds."""
    now = now or datetime.now(UTC)
    counts, _ = await _count_facets(query, now)
    return _facets(query, counts)


async def _count_facets(query: VacancyQuery, now: datetime) -> tuple[dict[str, Counter[str]], int]:
    """The counts per dimension and value, and the number of matches of the whole query.

    One statement on both engines: the vacancies matching the shared conditions are
    read once, with a flag column per active filter, then grouped per dimension."""
    shared, by_facet = _split_conditions(query, now)
    columns = [
        QueryString(
            "vacancy.organization_acronym, organization.kind AS org_kind, vacancy.category, "
            "vacancy.grade, vacancy.country, {} AS deadline_window, {} AS posted_window, "
            "CASE WHEN vacancy.is_jpo THEN 'true' END AS jpo_post",
            _deadline_bucket(now),
            _posted_bucket(now),
        ),
        *(
            QueryString(
                f"CASE WHEN {{}} THEN 1 ELSE 0 END AS flag_{name}", _all_of(conds).querystring
            )
            for name, conds in by_facet.items()
        ),
    ]
    matched = QueryString(
        f"SELECT {', '.join('{}' for _ in columns)} FROM vacancy "  # noqa: S608 (placeholders only)
        "LEFT JOIN organization ON organization.id = vacancy.organization WHERE {}",
        *columns,
        _all_of(shared).querystring if shared else QueryString("1 = 1"),
    )
    all_flags = " AND ".join(f"flag_{name} = 1" for name in by_facet) or "1 = 1"
    groups = [
        f"SELECT 'total' AS facet, NULL AS value, COUNT(*) AS n FROM matched WHERE {all_flags}"  # noqa: S608
    ]
    for facet in FACETS:  # names and columns are constants of this module
        column = _FACET_COLUMNS[facet]
        flags = [f"flag_{name} = 1" for name in by_facet if name != facet]
        where = " AND ".join([*flags, f"{column} IS NOT NULL"])
        groups.append(
            f"SELECT '{facet}' AS facet, CAST({column} AS TEXT) AS value, COUNT(*) AS n "  # noqa: S608
            f"FROM matched WHERE {where} GROUP BY {column}"
        )
    rows = await Vacancy.raw("WITH matched AS ({}) " + " UNION ALL ".join(groups), matched)
    counts: dict[str, Counter[str]] = {facet: Counter() for facet in FACETS}
    total = 0
    for row in rows:
        if row["facet"] == "total":
            total = row["n"]
        else:
            counts[row["facet"]][row["value"]] += row["n"]
    return counts, total


def _facets(query: VacancyQuery, counts: dict[str, Counter[str]]) -> Facets:
    kind_to_type = {
        str(kind): org_type for org_type, kinds in ORG_TYPE_KINDS.items() for kind in kinds
    }
    org_types: Counter[str] = Counter()
    for kind, n in counts["org_type"].items():
        if kind in kind_to_type:
            org_types[kind_to_type[kind]] += n
    table = regions()
    areas: Counter[str] = Counter()
    for country, n in counts["region"].items():
        for area in areas_of(country):
            areas[area.slug] += n
    area_order = [
        area.slug
        for region in table.regions
        for area in (region, *(s for s in table.sub_regions if s.parent == region.slug))
    ]
    return Facets(
        organization=_values(counts["organization"], query.organization, _by_count),
        org_type=_values(org_types, query.org_type, _listed(ORG_TYPE_KINDS), always=ORG_TYPE_KINDS),
        category=_values(counts["category"], query.category, _listed(get_args(Category))),
        grade=_values(counts["grade"], query.grade, _natural),
        country=_values(counts["country"], query.country, _by_count),
        region=_values(areas, query.region, _listed(area_order)),
        deadline=_windows(counts["deadline"], DEADLINE_WINDOWS, query.deadline_within_days),
        posted=_windows(counts["posted"], POSTED_WINDOWS, query.posted_within_days),
        jpo=[
            FacetValue(value="true", count=counts["jpo"]["true"], selected=query.jpo)
            for _ in range(1)
            if query.jpo or counts["jpo"]["true"]
        ],
    )


SortKey = Callable[[str, Counter[str]], object]


def _by_count(value: str, counts: Counter[str]) -> object:
    return (-counts[value], value)


def _listed(order) -> SortKey:
    rank = {value: i for i, value in enumerate(order)}
    return lambda value, counts: (rank.get(value, len(rank)), value)


_DIGITS = re.compile(r"(\d+)")


def _natural(value: str, counts: Counter[str]) -> object:
    """P-2 before P-10, G-7 before IPSA-10."""
    return [(0, int(part)) if part.isdigit() else (1, part) for part in _DIGITS.split(value)]


def _values(counts: Counter[str], selected, sort_key: SortKey, *, always=()) -> list[FacetValue]:
    """The values that match something, and the chosen ones even when they match
    nothing now (so they can be unchosen)."""
    chosen = {str(v) for v in selected}
    values = set(counts) | chosen | set(always)
    ordered = sorted(values, key=lambda value: sort_key(value, counts))
    return [FacetValue(value=v, count=counts[v], selected=v in chosen) for v in ordered]


def _windows(
    buckets: Counter[str], windows: tuple[int, ...], chosen: int | None
) -> list[FacetValue]:
    """Cumulative counts: a vacancy closing in 5 days is also within 14 and 30."""
    values = []
    total = 0
    for days in windows:
        total += buckets[str(days)]
        values.append(FacetValue(value=str(days), count=total, selected=days == chosen))
    return values


# --- Organisations --------------------------------------------------------------------


async def _open_counts_by_organization() -> dict[str, int]:
    conditions = _conditions(VacancyQuery())
    rows = (
        await Vacancy.select(Vacancy.organization_acronym, Count(Vacancy.id, alias="count"))
        .where(*conditions)
        .group_by(Vacancy.organization_acronym)
    )
    return {row["organization_acronym"]: row["count"] for row in rows}


async def list_organizations() -> list[OrganizationOut]:
    """Every known organisation with its number of open (listed) vacancies, by name."""
    counts = await _open_counts_by_organization()
    rows = await Organization.select(
        Organization.acronym, Organization.name, Organization.kind
    ).order_by(Organization.name)
    return [
        OrganizationOut(
            acronym=row["acronym"],
            name=row["name"],
            kind=row["kind"],
            open_vacancies=counts.get(row["acronym"], 0),
        )
        for row in rows
    ]


async def get_organization(acronym: str) -> OrganizationOut | None:
    """One organisation by its acronym, in any case ("unicef", "AFDB")."""
    row = (
        await Organization.select(Organization.acronym, Organization.name, Organization.kind)
        .where(WhereRaw("LOWER(organization.acronym) = LOWER({})", acronym))
        .first()
    )
    if row is None:
        return None
    open_vacancies = (
        await Vacancy.count()
        .where(*_conditions(VacancyQuery()))
        .where(Vacancy.organization_acronym == row["acronym"])
    )
    return OrganizationOut(**row, open_vacancies=open_vacancies)
