"""UN Talent (untalent.org) jobs through its open API, v1.

UN Talent aggregates vacancies of many organisations (UN agencies, development banks,
NGOs); every record carries its own organisation. One request per page::

    GET {base_url}/api/v1/jobs?token=...&page=1[&locationSlugs=..][&areaSlugs=..][&levelSlugs=..]

(``/api/v1/homebased`` lists the home-based jobs only.) The answer is
``{"jobs": [...], "total": N}``; ``page`` counts from 1 and the server fixes the page size,
so pages follow until the jobs read reach ``total`` (or a page comes back empty). Each job
is ``{"slug", "title", "url" (the public posting on untalent.org), "company": {"name",
"slug", "logo_url"}, "locations": [{"name", "latitude", "longitude"}], "areas": [{"name"}],
"levels": [{"name"}] ("Entry", "Mid", "Consultant", "Volunteering"...), "expire_at"
(ISO 8601 with offset, or null), "is_homebased" (true or null), "description" (the first
~200 characters of the posting, as Markdown, ending in "…")}``. There is no posting date
and no grade field: the grade is read from the title ("WASH Specialist, P-3, Gaza...").

Where the shape comes from: the endpoint, filters and pagination are those of UN Talent's
public API documentation (github.com/UNTalent/Documentation, v1.0.2); the ``token`` query
parameter and the ``{"jobs", "total"}`` answer with the job fields above are those of
public clients of the API and of a public CSV export of its raw answers (2025). Not
verifiable offline: how a refused token is answered (a 401/403 is assumed and reported as
such) and the exact page size. There is no documented per-job JSON endpoint, so the
description stays the listing's excerpt (``extra["description_truncated"]`` says so).

Params (sources.toml ``params``):

- ``token`` (required): the API token; the engine fills it from ``${PORTAL_UNTALENT_TOKEN}``.
- ``endpoint`` ("jobs", default, or "homebased"), ``location_slugs``, ``area_slugs``,
  ``level_slugs`` (lists of slugs, sent joined with "+"), ``grade_from_title`` (default
  true), ``max_pages`` (default 100; a safety stop).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, time, timedelta
from typing import Any, ClassVar, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

from scrapers.base import (
    SourceConfig,
    build_vacancy,
    clean_text,
    is_count,
    json_object,
    parse_params,
    parse_timestamp,
    reject_missing,
    source_origin,
)
from scrapers.http import FetchResult, HTTPStatusError, PoliteClient
from scrapers.records import RejectedRecord, ScrapedPage, ScrapedVacancy, SourceError
from scrapers.registry import register
from scrapers.rss import grade_in_title

ADAPTER = "un_talent"

TOKEN_VARIABLE = "PORTAL_UNTALENT_TOKEN"  # noqa: S105 (the variable's name, not a secret)


class UnTalentParams(BaseModel):
    """The options a UN Talent source may set in sources.toml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    token: str = Field(min_length=1)
    endpoint: Literal["jobs", "homebased"] = "jobs"
    location_slugs: list[str] = Field(default_factory=list)
    area_slugs: list[str] = Field(default_factory=list)
    level_slugs: list[str] = Field(default_factory=list)
    grade_from_title: bool = True
    max_pages: int = Field(default=100, ge=1)


@register
class UnTalentAdapter:
    """Jobs of many organisations from the UN Talent API, paged by page number."""

    name: ClassVar[str] = ADAPTER

    async def pages(self, source: SourceConfig, client: PoliteClient) -> AsyncIterator[ScrapedPage]:
        params = read_params(source)
        origin = source_origin(ADAPTER, source)
        endpoint = f"{origin}/api/v1/{params.endpoint}"
        read = 0
        totals_seen: set[int] = set()
        for page in range(1, params.max_pages + 1):
            result = await fetch_page(client, source, params, endpoint, page)
            total, items = _redacted(params.token, lambda r=result: read_listing(r))
            totals_seen.add(total)
            read += len(items)
            records: list[ScrapedVacancy] = []
            rejected: list[RejectedRecord] = []
            for item in items:
                outcome = parse_job(item, source, params, origin)
                (records if isinstance(outcome, ScrapedVacancy) else rejected).append(outcome)
            done = read >= total
            yield ScrapedPage(
                url=f"{endpoint}?page={page}",
                records=records,
                rejected=rejected,
                is_last=done and len(totals_seen) == 1,
                etag=result.etag,
                last_modified=result.last_modified,
            )
            if done or not items:
                return
        raise SourceError(
            f"{ADAPTER}: source {source.id!r} has more than {params.max_pages} pages; "
            "raise max_pages or narrow the filters"
        )


def read_params(source: SourceConfig) -> UnTalentParams:
    """The source's params, validated; a missing or empty token is named as such."""
    token = source.params.get("token")
    if not isinstance(token, str) or not token.strip():
        raise SourceError(
            f"{ADAPTER}: source {source.id!r} has no API token: the 'token' param is "
            f"missing or empty (UN Talent requires one; set {TOKEN_VARIABLE})"
        )
    return parse_params(ADAPTER, UnTalentParams, source)


def query(params: UnTalentParams, page: int) -> dict[str, str]:
    """Query parameters of the request for ``page`` (counted from 1)."""
    sent = {"token": params.token, "page": str(page)}
    for name, slugs in (
        ("locationSlugs", params.location_slugs),
        ("areaSlugs", params.area_slugs),
        ("levelSlugs", params.level_slugs),
    ):
        if slugs:
            sent[name] = "+".join(slugs)
    return sent


async def fetch_page(
    client: PoliteClient,
    source: SourceConfig,
    params: UnTalentParams,
    endpoint: str,
    page: int,
) -> FetchResult:
    """One page; a refused token and every error message name no token."""
    try:
        return await client.fetch(
            "GET", endpoint, params=query(params, page), headers={"Accept": "application/json"}
        )
    except HTTPStatusError as exc:
        if exc.status in (401, 403):
            raise SourceError(
                f"{ADAPTER}: UN Talent refused the API token of source {source.id!r} "
                f"(status {exc.status}); check {TOKEN_VARIABLE}"
            ) from None
        raise SourceError(_hide(str(exc), params.token)) from None
    except SourceError as exc:
        raise SourceError(_hide(str(exc), params.token)) from None


def _redacted(token: str, read: Any) -> Any:
    try:
        return read()
    except SourceError as exc:
        raise SourceError(_hide(str(exc), token)) from None


def _hide(message: str, token: str) -> str:
    return message.replace(token, "***") if token else message


def read_listing(result: FetchResult) -> tuple[int, list[Any]]:
    """``(total, jobs)`` of one answer, or ``SourceError`` naming what is wrong."""
    payload = json_object(ADAPTER, result)
    jobs = payload.get("jobs")
    if not isinstance(jobs, list):
        raise SourceError(f"{ADAPTER}: response has no 'jobs' list")
    total = payload.get("total")
    if not is_count(total):
        raise SourceError(f"{ADAPTER}: response has no 'total' number")
    return total, jobs


def parse_job(
    item: Any, source: SourceConfig, params: UnTalentParams, origin: str
) -> ScrapedVacancy | RejectedRecord:
    """One job as a record, or a rejection saying what it lacks."""
    if not isinstance(item, dict):
        return RejectedRecord(reason=f"item is not an object: {item!r:.80}")
    slug = clean_text(item.get("slug"))
    title = clean_text(item.get("title"))
    missing = [name for name, value in {"slug": slug, "title": title}.items() if not value]
    if missing:
        return reject_missing(slug, missing)
    locations = _names(item.get("locations"))
    homebased = item.get("is_homebased") is True
    description = item.get("description")
    description = description.strip() if isinstance(description, str) else ""
    return build_vacancy(
        {
            "external_id": slug,
            "url": _public_url(item.get("url")) or f"{origin}/jobs/{slug}",
            "title": title,
            "organization": _company(item.get("company")) or source.organization,
            "grade": grade_in_title(title) if params.grade_from_title else None,
            "duty_station": "; ".join(locations) or ("Home-based" if homebased else None),
            "country": None,
            "posted_at": None,
            "deadline": closing_deadline(item.get("expire_at")),
            "description_html": description or None,
            "extra": _extra(item, locations, homebased, description),
        }
    )


def closing_deadline(value: Any) -> datetime | None:
    """``expire_at`` is an instant; one at midnight sharp stands for a closing *day*, open
    through that day, so the deadline is its last second."""
    moment = parse_timestamp(value, assume_utc=True)
    if moment is not None and moment.timetz().replace(tzinfo=None) == time(0, 0):
        return moment + timedelta(days=1, seconds=-1)
    return moment


def _public_url(value: Any) -> str | None:
    url = clean_text(value)
    if url and urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc:
        return url
    return None


def _company(value: Any) -> str | None:
    if isinstance(value, dict):
        return clean_text(value.get("name"))
    return clean_text(value)


def _names(value: Any) -> list[str]:
    if isinstance(value, dict | str):
        value = [value]
    if not isinstance(value, list):
        return []
    names = (
        clean_text(entry.get("name")) if isinstance(entry, dict) else clean_text(entry)
        for entry in value
    )
    return [name for name in names if name]


def _extra(
    item: dict[str, Any], locations: list[str], homebased: bool, description: str
) -> dict[str, Any]:
    company = item.get("company") if isinstance(item.get("company"), dict) else {}
    extra: dict[str, Any] = {
        "company_slug": clean_text(company.get("slug")),
        "areas": _names(item.get("areas")),
        "levels": _names(item.get("levels")),
        "locations": locations if len(locations) > 1 else None,
        "is_homebased": homebased or None,
        "description_truncated": description.endswith(("…", "...")) or None,
    }
    if item.get("expire_at") and parse_timestamp(item["expire_at"]) is None:
        extra["unparsed_dates"] = {"expire_at": item["expire_at"]}
    return {key: value for key, value in extra.items() if value}
