"""Reading vacancies and sources: search with filters, detail, source health.

Full-text search uses each engine's own index: PostgreSQL's ``tsvector`` (GIN) with
``websearch_to_tsquery``, SQLite's FTS5 table ``vacancy_fts``.
"""

from __future__ import annotations

import re
from datetime import datetime

from piccolo.columns.combination import WhereRaw
from piccolo.query.functions.aggregate import Count, Max
from piccolo.querystring import QueryString

from vacancies.db import is_postgres
from vacancies.schemas import (
    HarvestRunOut,
    SourceOut,
    VacancyDetail,
    VacancyOut,
    VacancyPage,
    VacancyQuery,
)
from vacancies.tables import HarvestRun, Organization, Source, Vacancy, VacancyStatus

_WORD = re.compile(r"\w+", re.UNICODE)

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
    Vacancy.source.is_sample.as_alias("sample"),
    Vacancy.source.last_success_at.as_alias("source_last_success_at"),
)


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
    conditions: list = []
    if query.open_only:
        conditions.append(Vacancy.status == VacancyStatus.open)
    if not query.include_duplicates:
        conditions.append(Vacancy.canonical.is_null())
    if query.organization:
        conditions.append(Vacancy.organization_acronym.is_in(query.organization))
    if query.category:
        conditions.append(Vacancy.category.is_in(list(query.category)))
    if query.grade:
        conditions.append(Vacancy.grade.is_in(query.grade))
    if query.country:
        conditions.append(Vacancy.country.is_in(query.country))
    if query.source:
        conditions.append(Vacancy.source.is_in(query.source))
    if query.deadline_after:
        conditions.append(Vacancy.deadline >= query.deadline_after)
    if query.posted_after:
        conditions.append(Vacancy.posted_at >= query.posted_after)
    if query.q and query.q.strip():
        conditions.append(_text_condition(query.q))
    return conditions


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
    if is_postgres():
        return QueryString(
            "ts_rank(vacancy.search_vector, websearch_to_tsquery('english', {}))", text
        )
    # bm25() is only valid inside the MATCH query, so rank through a correlated lookup.
    return QueryString(
        "-(SELECT bm25(vacancy_fts) FROM vacancy_fts WHERE vacancy_fts MATCH {} "
        "AND vacancy_fts.rowid = vacancy.id)",
        fts5_query(text) or "",
    )


def _order(select, query: VacancyQuery):
    if query.sort == "relevance" and query.q and query.q.strip():
        select = select.order_by(_relevance(query.q), ascending=False)
    elif query.sort == "posted":
        select = select.order_by(Vacancy.posted_at, ascending=False)
    else:
        select = select.order_by(_nulls_last(Vacancy.deadline))
        select = select.order_by(Vacancy.deadline)
    return select.order_by(Vacancy.id, ascending=False)


def _nulls_last(column) -> QueryString:
    return QueryString(
        f'CASE WHEN vacancy."{column._meta.db_column_name}" IS NULL THEN 1 ELSE 0 END'
    )


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
    )


async def search_vacancies(query: VacancyQuery) -> VacancyPage:
    conditions = _conditions(query)
    select = Vacancy.select(*_LIST_COLUMNS)
    count = Vacancy.count()
    if conditions:
        select = select.where(*conditions)
        count = count.where(*conditions)
    select = _order(select, query).limit(query.per_page).offset((query.page - 1) * query.per_page)
    rows = await select
    return VacancyPage(
        items=[_to_out(row) for row in rows],
        total=await count,
        page=query.page,
        per_page=query.per_page,
    )


async def get_vacancy(vacancy_id: int) -> VacancyDetail | None:
    row = (
        await Vacancy.select(
            *_LIST_COLUMNS, Vacancy.description, Vacancy.extra, Vacancy.closed_reason
        )
        .where(Vacancy.id == vacancy_id)
        .output(load_json=True)
        .first()
    )
    if row is None:
        return None
    duplicates = await Vacancy.select(Vacancy.id).where(Vacancy.canonical == vacancy_id)
    return VacancyDetail(
        **_to_out(row).model_dump(),
        description=row["description"],
        extra=row["extra"] or {},
        closed_reason=row["closed_reason"],
        duplicates=[d["id"] for d in duplicates],
    )


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
