"""UN Secretariat job openings through careers.un.org's public JSON API (Inspira).

careers.un.org is an Angular single-page app; its search page POSTs a filter to a public
JSON API, one request per page::

    POST {base_url}/api/public/opening/jo/list/filteredV2/{language}
    {"filterConfig": {...},
     "pagination": {"page": 0, "itemPerPage": 10, "sortBy": "jobId", "sortDirection": -1}}

and gets ``{"status": 1, "message": "Success.", "data": {"list": [...], "count": N}}``
(``status: 0`` with a ``message`` is an error). ``page`` counts from 0; pages follow until
``(page + 1) * itemPerPage`` reaches ``count``. Each list item is one job opening:
``jobId``, ``jobTitle``/``postingTitle``/``jobCodeTitle``, ``jobLevel`` ("P-3", "NO-C",
"G-5"), ``dutyStation`` (a list of ``{"code", "description"}``), ``dept`` (``{"code",
"name"}``: the Secretariat entity, e.g. OCHA, UNEP, UNODC, kept as the record's
organisation), ``jf``/``jc``/``jn``/``recrttype`` (job family, category, job network,
recruitment type), ``startDate`` (posting day) and ``endDate`` (the last second of the
deadline day, New York time, as a UTC instant, e.g. "2026-12-04T04:59:59.000Z") and
``jobDescription`` (the posting as HTML). When an item lacks its description or deadline,
the adapter reads ``GET {base_url}/api/public/opening/joV2/{jobId}/{language}`` (the same
fields under ``data``). The public posting is ``{base_url}/jobSearchDescription/{jobId}``.
An opening that needs its detail is not read again while its listing item is the same
as at the last harvest (``ListingMemo``; ``listing_entry``); openings complete in the
listing never need it and are never skipped.

Where the shape comes from: the endpoint, body, envelope and list-item field names are
those used by several public open-source clients of this API and by a public write-up of
the site's JavaScript bundle (2026). Not verifiable offline: the exact shape of the
``joV2`` detail answer (assumed to be the list item under ``data``), and whether the live
site still answers a client that sends no browser ``Origin``/``Referer`` (public clients
report a CloudFront 403 without them; ``portal sources check`` will tell).

Params (sources.toml ``params``):

- ``language`` (default "en"), ``item_per_page`` (default 50, at most 200),
  ``sort_by`` (default "jobId": unique, so pages do not overlap; the site's own
  "startDate" has ties), ``sort_direction`` (default -1), ``filter_config`` (passed
  through as the site's ``filterConfig``, e.g. ``{"jn": ["DEVNET"]}``),
  ``fetch_details`` (default true), ``max_pages`` (default 50; a safety stop).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import datetime, time, timedelta
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from scrapers.base import (
    ListingMemo,
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
from scrapers.http import FetchResult, PoliteClient
from scrapers.records import RejectedRecord, ScrapedPage, ScrapedVacancy, SourceError
from scrapers.registry import register

ADAPTER = "un_careers"

_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class UnCareersParams(BaseModel):
    """The options a careers.un.org source may set in sources.toml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    language: str = Field(default="en", pattern=r"^[a-z]{2}$")
    item_per_page: int = Field(default=50, ge=1, le=200)
    sort_by: str = "jobId"
    sort_direction: Literal[1, -1] = -1
    filter_config: dict[str, Any] = Field(default_factory=dict)
    fetch_details: bool = True
    max_pages: int = Field(default=50, ge=1)


@register
class UnCareersAdapter:
    """Job openings of the UN Secretariat from careers.un.org, paged by page number."""

    name: ClassVar[str] = ADAPTER

    async def pages(self, source: SourceConfig, client: PoliteClient) -> AsyncIterator[ScrapedPage]:
        params = parse_params(ADAPTER, UnCareersParams, source)
        origin = source_origin(ADAPTER, source)
        endpoint = f"{origin}/api/public/opening/jo/list/filteredV2/{params.language}"
        counts_seen: set[int] = set()
        for page in range(params.max_pages):
            result = await client.fetch(
                "POST",
                endpoint,
                json=request_body(params, page),
                headers={"Accept": "application/json"},
            )
            count, items = read_listing(result)
            counts_seen.add(count)
            records: list[ScrapedVacancy] = []
            rejected: list[RejectedRecord] = []
            memo = ListingMemo(source)
            for item in items:
                item = await with_details(item, source, params, client, origin, memo)
                if item is None:
                    continue  # listed as at the last harvest: its detail is not read again
                outcome = parse_job(item, source, params, origin)
                (records if isinstance(outcome, ScrapedVacancy) else rejected).append(outcome)
            done = (page + 1) * params.item_per_page >= count
            yield ScrapedPage(
                url=f"{endpoint}?page={page}&itemPerPage={params.item_per_page}",
                records=records,
                rejected=rejected,
                **memo.page_fields(records),
                is_last=done and len(counts_seen) == 1,
                etag=result.etag,
                last_modified=result.last_modified,
            )
            if done or not items:
                return
        raise SourceError(
            f"{ADAPTER}: source {source.id!r} has more than {params.max_pages} pages of "
            f"{params.item_per_page} job openings; raise max_pages or narrow filter_config"
        )


def request_body(params: UnCareersParams, page: int) -> dict[str, Any]:
    """The JSON body of the POST for page ``page`` (counted from 0)."""
    return {
        "filterConfig": dict(params.filter_config),
        "pagination": {
            "page": page,
            "itemPerPage": params.item_per_page,
            "sortBy": params.sort_by,
            "sortDirection": params.sort_direction,
        },
    }


def read_envelope(result: FetchResult) -> Any:
    """The ``data`` of a ``{"status", "message", "data"}`` answer, or ``SourceError``."""
    payload = json_object(ADAPTER, result)
    if payload.get("status") == 0:
        message = clean_text(payload.get("message")) or "no message"
        raise SourceError(f"{ADAPTER}: {result.url} answered with an error: {message}")
    return payload.get("data")


def read_listing(result: FetchResult) -> tuple[int, list[Any]]:
    """``(count, list)`` of one listing answer, or ``SourceError`` naming what is wrong."""
    data = read_envelope(result)
    if not isinstance(data, dict):
        raise SourceError(f"{ADAPTER}: response has no 'data' object")
    items = data.get("list")
    if not isinstance(items, list):
        raise SourceError(f"{ADAPTER}: response has no 'data.list' list")
    count = data.get("count")
    if not is_count(count):
        raise SourceError(f"{ADAPTER}: response has no 'data.count' number")
    return count, items


async def with_details(
    item: Any,
    source: SourceConfig,
    params: UnCareersParams,
    client: PoliteClient,
    origin: str,
    memo: ListingMemo | None = None,
) -> Any:
    """The item completed from its detail answer when it lacks description or deadline,
    or ``None`` when the memo says such an item is listed as at the last harvest (its
    detail is not read again). Items complete in the listing never need the memo.

    A failing detail turns into a ``_detail_error`` the parser rejects the record with.
    """
    if not params.fetch_details or not isinstance(item, dict):
        return item
    job_id = _job_id(item)
    if job_id is None or not _needs_details(item):
        return item
    if memo is not None and memo.unchanged(job_id, listing_entry(item)):
        return None
    url = f"{origin}/api/public/opening/joV2/{job_id}/{params.language}"
    try:
        result = await client.fetch("GET", url, headers={"Accept": "application/json"})
        detail = read_envelope(result)
    except SourceError as exc:
        return {**item, "_detail_error": f"detail {url}: {exc}"}
    if not isinstance(detail, dict):
        return {**item, "_detail_error": f"detail {url}: response has no 'data' object"}
    merged = dict(item)
    for key, value in detail.items():
        if _is_empty(merged.get(key)) and not _is_empty(value):
            merged[key] = value
    return merged


def listing_entry(item: dict[str, Any]) -> dict[str, Any]:
    """What the listing says of an opening, for ``ListingMemo``: the whole item but
    ``totalCount``, the size of the whole listing repeated on every item (it changes
    whenever another opening is added or removed)."""
    return {key: value for key, value in item.items() if key != "totalCount"}


def _needs_details(item: dict[str, Any]) -> bool:
    return _is_empty(clean_text(item.get("jobDescription"))) or _is_empty(item.get("endDate"))


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def parse_job(
    item: Any, source: SourceConfig, params: UnCareersParams, origin: str
) -> ScrapedVacancy | RejectedRecord:
    """One job opening as a record, or a rejection saying what it lacks."""
    if not isinstance(item, dict):
        return RejectedRecord(reason=f"item is not an object: {item!r:.80}")
    external_id = _job_id(item)
    if item.get("_detail_error"):
        return RejectedRecord(external_id=external_id, reason=str(item["_detail_error"]))
    title = clean_text(item.get("jobTitle")) or clean_text(item.get("postingTitle"))
    missing = [
        name for name, value in {"jobId": external_id, "jobTitle": title}.items() if not value
    ]
    if missing:
        return reject_missing(external_id, missing)
    stations = _duty_stations(item.get("dutyStation"))
    return build_vacancy(
        {
            "external_id": external_id,
            "url": f"{origin}/jobSearchDescription/{external_id}?language={params.language}",
            "title": title,
            "organization": _name(item.get("dept")) or source.organization,
            "grade": clean_text(item.get("jobLevel")),
            "duty_station": "; ".join(stations) or None,
            "country": None,
            "posted_at": parse_timestamp(item.get("startDate"), assume_utc=True),
            "deadline": closing_deadline(item.get("endDate")),
            "description_html": _description(item),
            "extra": _extra(item, stations),
        }
    )


def closing_deadline(value: Any) -> datetime | None:
    """``endDate`` is an instant (the deadline day's last second in New York, in UTC).
    A bare date means "through that day": its last second, naive (no zone is said)."""
    text = value.strip() if isinstance(value, str) else ""
    if _DATE_ONLY.match(text):
        day = parse_timestamp(text)
        return day + timedelta(days=1, seconds=-1) if day else None
    moment = parse_timestamp(text, assume_utc=True)
    if moment is not None and moment.tzinfo is None and moment.time() == time(0, 0):
        return moment + timedelta(days=1, seconds=-1)
    return moment


def _job_id(item: dict[str, Any]) -> str | None:
    value = item.get("jobId")
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    return str(value).strip() or None


def _name(value: Any) -> str | None:
    if not isinstance(value, dict):
        return clean_text(value)
    return clean_text(value.get("name")) or clean_text(value.get("Name"))


def _code(value: Any) -> str | None:
    if not isinstance(value, dict):
        return None
    return clean_text(value.get("code")) or clean_text(value.get("Code"))


def _duty_stations(value: Any) -> list[str]:
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        return []
    names = (
        clean_text(entry.get("description")) if isinstance(entry, dict) else clean_text(entry)
        for entry in value
    )
    return [name for name in names if name]


def _description(item: dict[str, Any]) -> str | None:
    value = item.get("jobDescription")
    return value.strip() if isinstance(value, str) and value.strip() else None


def _extra(item: dict[str, Any], stations: list[str]) -> dict[str, Any]:
    extra: dict[str, Any] = {
        "posting_title": clean_text(item.get("postingTitle")),
        "job_code_title": clean_text(item.get("jobCodeTitle")),
        "department": _name(item.get("dept")),
        "department_code": _code(item.get("dept")),
        "job_family": _name(item.get("jf")) or clean_text(item.get("jobFamilyCode")),
        "job_family_code": _code(item.get("jf")) or clean_text(item.get("jobFamilyCode")),
        "category": _name(item.get("jc")),
        "category_code": _code(item.get("jc")) or clean_text(item.get("categoryCode")),
        "job_network": _name(item.get("jn")),
        "recruitment_type": _name(item.get("recrttype")) or clean_text(item.get("recruitmentType")),
        "duty_stations": stations if len(stations) > 1 else None,
        "duty_station_codes": [
            code for entry in _as_list(item.get("dutyStation")) if (code := _code(entry))
        ],
    }
    unparsed = {
        name: item[name]
        for name in ("startDate", "endDate")
        if item.get(name) and parse_timestamp(item[name]) is None
    }
    if unparsed:
        extra["unparsed_dates"] = unparsed
    return {key: value for key, value in extra.items() if value}


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [value]
    return value if isinstance(value, list) else []
