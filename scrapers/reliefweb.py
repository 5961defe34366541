"""ReliefWeb jobs through the ReliefWeb API v2 (https://apidoc.reliefweb.int).

One request per page: ``POST {base_url}/v2/jobs?appname=...`` with a JSON body holding
``offset``, ``limit``, the requested ``fields`` (or a ``profile``), the ``preset`` and any
``filter``/``query``/``sort`` from the source's params. The answer is
``{"totalCount": N, "count": n, "data": [{"id": "...", "fields": {...}}, ...]}``; pages
follow by offset until ``totalCount`` is reached.

Params (sources.toml ``params``):

- ``appname`` (required): the pre-approved ReliefWeb appname; the engine fills it from
  settings.
- ``limit`` (default 200, at most 1000), ``preset`` (default "latest"), ``profile``
  (e.g. "full"; when given, the explicit field list is not sent), ``fields`` (field
  names to include; default ``DEFAULT_FIELDS``), ``filter``, ``query``, ``sort`` (passed
  through as documented by the API), ``max_pages`` (default 50; a safety stop).

ReliefWeb is a listing of many organisations' jobs, paged by offset: it sends no
validators for these POST queries, and a 304 on page one would not prove later pages
unchanged, so this adapter does not ask conditionally.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, time, timedelta
from typing import Any, ClassVar

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
)
from scrapers.http import FetchResult, PoliteClient
from scrapers.records import RejectedRecord, ScrapedPage, ScrapedVacancy, SourceError
from scrapers.registry import register

ADAPTER = "reliefweb"

DEFAULT_FIELDS: tuple[str, ...] = (
    "id",
    "title",
    "body-html",
    "url",
    "url_alias",
    "status",
    "date.created",
    "date.changed",
    "date.closing",
    "source.name",
    "source.shortname",
    "country.name",
    "country.iso3",
    "city.name",
    "type.name",
    "career_categories.name",
    "experience.name",
    "theme.name",
)
"""What a vacancy needs, and no more (the ``full`` profile also sends files, how-to-apply
text and every taxonomy's ids)."""

_LIST_FIELDS_FOR_EXTRA = ("type", "career_categories", "experience", "theme")


class ReliefWebParams(BaseModel):
    """The options a ReliefWeb source may set in sources.toml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    appname: str = Field(min_length=1)
    limit: int = Field(default=200, ge=1, le=1000)
    preset: str | None = "latest"
    profile: str | None = None
    fields: list[str] | None = None
    filter: dict[str, Any] | None = None
    query: dict[str, Any] | None = None
    sort: list[str] | None = None
    max_pages: int = Field(default=50, ge=1)


@register
class ReliefWebAdapter:
    """Jobs from the ReliefWeb API v2, paged by offset."""

    name: ClassVar[str] = ADAPTER

    async def pages(self, source: SourceConfig, client: PoliteClient) -> AsyncIterator[ScrapedPage]:
        params = read_params(source)
        endpoint = f"{source.base_url.rstrip('/')}/v2/jobs"
        offset = 0
        totals_seen: set[int] = set()
        for _ in range(params.max_pages):
            result = await client.fetch(
                "POST",
                endpoint,
                params={"appname": params.appname},
                json=request_body(params, offset),
                headers={"Accept": "application/json"},
            )
            total, items = read_listing(result)
            totals_seen.add(total)
            records, rejected = parse_jobs(items, source)
            page_url = f"{endpoint}?offset={offset}&limit={params.limit}"
            offset += len(items)
            yield ScrapedPage(
                url=page_url,
                records=records,
                rejected=rejected,
                # A listing whose total moved while we paged may have shifted items past
                # us: it ends, but it is not known to be complete.
                is_last=offset >= total and len(totals_seen) == 1,
                etag=result.etag,
                last_modified=result.last_modified,
            )
            if offset >= total or not items:
                return
        raise SourceError(
            f"{ADAPTER}: source {source.id!r} has more than {params.max_pages} pages of "
            f"{params.limit} jobs; raise max_pages or narrow the filter"
        )


def read_params(source: SourceConfig) -> ReliefWebParams:
    """The source's params, validated; a missing appname is named as such."""
    if not source.params.get("appname"):
        raise SourceError(
            f"{ADAPTER}: source {source.id!r} has no 'appname' param "
            "(ReliefWeb requires a pre-approved appname; set it in the settings)"
        )
    return parse_params(ADAPTER, ReliefWebParams, source)


def request_body(params: ReliefWebParams, offset: int) -> dict[str, Any]:
    """The JSON body of the POST for the page starting at ``offset``."""
    body: dict[str, Any] = {"offset": offset, "limit": params.limit}
    if params.preset:
        body["preset"] = params.preset
    if params.profile:
        body["profile"] = params.profile
    if params.fields or not params.profile:
        body["fields"] = {"include": list(params.fields or DEFAULT_FIELDS)}
    for key in ("filter", "query", "sort"):
        value = getattr(params, key)
        if value:
            body[key] = value
    return body


def read_listing(result: FetchResult) -> tuple[int, list[Any]]:
    """``(totalCount, data)`` of one response, or ``SourceError`` naming what is wrong."""
    payload = json_object(ADAPTER, result)
    data = payload.get("data")
    if not isinstance(data, list):
        raise SourceError(f"{ADAPTER}: response has no 'data' list")
    total = payload.get("totalCount")
    if not is_count(total):
        raise SourceError(f"{ADAPTER}: response has no 'totalCount' number")
    return total, data


def parse_jobs(
    items: list[Any], source: SourceConfig
) -> tuple[list[ScrapedVacancy], list[RejectedRecord]]:
    """Split one page's items into records and rejections."""
    records: list[ScrapedVacancy] = []
    rejected: list[RejectedRecord] = []
    for item in items:
        outcome = parse_job(item, source)
        if isinstance(outcome, ScrapedVacancy):
            records.append(outcome)
        else:
            rejected.append(outcome)
    return records, rejected


def parse_job(item: Any, source: SourceConfig) -> ScrapedVacancy | RejectedRecord:
    """One item of ``data`` as a record, or a rejection saying what it lacks."""
    if not isinstance(item, dict):
        return RejectedRecord(reason=f"item is not an object: {item!r:.80}")
    external_id = _external_id(item)
    fields = item.get("fields")
    if not isinstance(fields, dict):
        return RejectedRecord(external_id=external_id, reason="item has no 'fields' object")
    title = clean_text(fields.get("title"))
    url = clean_text(fields.get("url")) or clean_text(fields.get("url_alias"))
    required = {"id": external_id, "title": title, "url": url}
    missing = [name for name, value in required.items() if not value]
    if missing:
        return reject_missing(external_id, missing)
    dates = fields.get("date") if isinstance(fields.get("date"), dict) else {}
    countries = _entries(fields.get("country"))
    return build_vacancy(
        {
            "external_id": external_id,
            "url": url,
            "title": title,
            "organization": _organization(fields) or source.organization,
            "grade": None,
            "duty_station": _duty_station(fields),
            "country": _iso3(countries),
            "posted_at": parse_timestamp(dates.get("created"), assume_utc=True),
            "deadline": closing_deadline(dates.get("closing")),
            "description_html": _description(fields),
            "extra": _extra(fields, dates),
        }
    )


def closing_deadline(value: Any) -> datetime | None:
    """ReliefWeb gives the closing *day* as midnight UTC; applications are open through
    that day, so the deadline is its last second."""
    moment = parse_timestamp(value, assume_utc=True)
    if moment is not None and moment.timetz().replace(tzinfo=None) == time(0, 0):
        return moment + timedelta(days=1, seconds=-1)
    return moment


def _external_id(item: dict[str, Any]) -> str | None:
    value = item.get("id")
    if value is None and isinstance(item.get("fields"), dict):
        value = item["fields"].get("id")
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    return str(value).strip() or None


def _entries(value: Any) -> list[dict[str, Any]]:
    """A taxonomy field as a list of objects (ReliefWeb sends lists of ``{"name": ...}``)."""
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        return []
    return [entry if isinstance(entry, dict) else {"name": entry} for entry in value]


def _names(value: Any) -> list[str]:
    names = (clean_text(entry.get("name")) for entry in _entries(value))
    return [name for name in names if name]


def _organization(fields: dict[str, Any]) -> str | None:
    for entry in _entries(fields.get("source")):
        name = clean_text(entry.get("shortname")) or clean_text(entry.get("name"))
        if name:
            return name
    return None


def _duty_station(fields: dict[str, Any]) -> str | None:
    cities = _names(fields.get("city"))
    if not cities:
        return None
    countries = _names(fields.get("country"))
    return f"{cities[0]}, {countries[0]}" if countries else cities[0]


def _iso3(countries: list[dict[str, Any]]) -> str | None:
    for country in countries:
        iso3 = clean_text(country.get("iso3"))
        if iso3:
            return iso3.upper()
    return None


def _description(fields: dict[str, Any]) -> str | None:
    for key in ("body-html", "body"):
        value = fields.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _extra(fields: dict[str, Any], dates: dict[str, Any]) -> dict[str, Any]:
    extra: dict[str, Any] = {
        "sources": _names(fields.get("source")),
        "countries": _names(fields.get("country")),
        "cities": _names(fields.get("city")),
    }
    for key in _LIST_FIELDS_FOR_EXTRA:
        extra[key] = _names(fields.get(key))
    for key in ("url_alias", "status"):
        extra[key] = clean_text(fields.get(key))
    changed = parse_timestamp(dates.get("changed"), assume_utc=True)
    extra["date_changed"] = changed.isoformat() if changed else None
    unparsed = {
        name: dates[name]
        for name in ("created", "closing")
        if dates.get(name) and parse_timestamp(dates[name]) is None
    }
    if unparsed:
        extra["unparsed_dates"] = unparsed
    return {key: value for key, value in extra.items() if value}
