"""Oracle Taleo Enterprise career sections (careersection/.../jobsearch.ftl).

The faceted job search of a career section is a JavaScript page over one public JSON
call on the section's host (``base_url``, e.g. ``https://careers.who.int``)::

    POST {base_url}/careersection/rest/jobboard/searchjobs?lang=en&portal=101430233
    Content-Type: application/json
    tz: GMT+00:00          tzname: UTC
    {"multilineEnabled": false,
     "sortingSelection": {"sortBySelectionParam": "3", "ascendingSortingOrder": "false"},
     "fieldData": {"fields": {"KEYWORD": "", "LOCATION": ""}, "valid": true},
     "filterSelectionParam": {"searchFilterSelections": [...]},
     "advancedSearchFiltersSelectionParam": {"searchFilterSelections": [...]},
     "pageNo": 1}

answering ``{"requisitionList": [{"jobId": "...", "contestNo": "...", "column": [...]}],
"pagingData": {"currentPageNo": 1, "pageSize": 25, "totalCount": N}, ...}``. The page
size is the section's own; pages follow by ``pageNo`` until ``totalCount`` is reached.
``column`` holds the section's configured list columns *in the section's order* (WHO:
title, job number, locations, grade, contract type, closing date, organisation unit;
FAO: title, job number, category, type, locations, publication date, closing date); the
``columns`` param names what each position holds. A locations column is a JSON array
string (``'["Switzerland-Geneva"]'``). The ``portal`` number identifies the section's
job board; without the ``portal`` param the adapter reads it off
``{base_url}/careersection/{section}/jobsearch.ftl`` (``portalNo: '...'`` or
``searchjobs?portal=...``) first. Dates are written in the zone the ``tz`` header names,
so the adapter asks for UTC and reads them as UTC.

Detail (only while ``fetch_details`` is on; the listing has no description)::

    GET {base_url}/careersection/{section}/jobdetail.ftl?job={contestNo}&lang=en
        &tz=GMT%2B00%3A00&tzname=UTC

an HTML page whose script calls ``api.fillList('requisitionDescriptionInterface',
'descRequisition', ['...', ...])``: a JavaScript array of strings holding the posting's
fields; the description sections are the URL-encoded HTML strings marked ``!*!``. Other
positions (grade, closing date...) differ per section: ``detail_fields`` names them by
index and they are used where the listing columns lack them. A detail without that
payload (a login or "no longer available" page, junk) rejects that one posting.

Where the shape comes from: the endpoint, request body, ``requisitionList``/``column``/
``pagingData`` and the ``fillList`` payload are used the same way by many public
scrapers of Taleo sections, including WHO's (portal 101430233), FAO's (portal
8105120163) and ADB's (adb.taleo.net, section 1) with the column orders above; ADB's
portal number and list columns, and the exact date formats of each section, could not
be verified without the live sites.

Params (sources.toml ``params``):

- ``section`` (required): the career section code, e.g. "ex", "fao_external", "1".
- ``portal``: the job board's portal number (read from the section page when absent).
- ``columns``: what each ``column`` position holds: ``title``, ``contest_no``,
  ``duty_station`` (or ``locations``), ``grade``, ``posted``, ``deadline``,
  ``contract_type``, ``organization_unit``, ``job_field``, ``category``, any other name
  (kept in ``extra``) or ``ignore``. Default ``["title", "duty_station", "posted"]``.
- ``detail_fields``: ``{name = index}`` positions of the detail payload, same names.
- ``lang`` (default "en"), ``keyword``, ``search_filters`` (passed as
  ``filterSelectionParam.searchFilterSelections``), ``sort_by`` (default "3"),
  ``multiline`` (default false), ``day_first`` (default true; numeric dates are
  day/month/year), ``fetch_details`` (default true), ``max_pages`` (default 40).

Taleo sends no validators for these POSTs, so the adapter does not ask conditionally.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar
from urllib.parse import parse_qsl, unquote, urlencode

from dateutil import parser as dateutil_parser
from pydantic import BaseModel, ConfigDict, Field

from scrapers.base import (
    ListingMemo,
    SourceConfig,
    build_vacancy,
    clean_text,
    is_count,
    parse_params,
    reject_missing,
    source_origin,
)
from scrapers.http import FetchResult, PoliteClient
from scrapers.records import RejectedRecord, ScrapedPage, ScrapedVacancy, SourceError
from scrapers.registry import register

ADAPTER = "taleo"

SEARCH_PATH = "/careersection/rest/jobboard/searchjobs"
TZ_HEADERS = {"tz": "GMT+00:00", "tzname": "UTC"}
_FIELD_ALIASES = {"location": "duty_station", "locations": "duty_station"}
_DESCRIPTION_MARK = "!*!"
_FILL_LIST = re.compile(
    r"api\.fillList\(\s*'requisitionDescriptionInterface'\s*,\s*'descRequisition'\s*,\s*\["
)
_PORTAL = (
    re.compile(r"portalNo\s*[:=]\s*['\"]?(\d+)"),
    re.compile(r"searchjobs\?[^\"'<>]*portal=(\d+)"),
)
_UNAVAILABLE = ("unavaibleRequisitionPage", "unavailablerequisition.ftl")


class TaleoParams(BaseModel):
    """The options a Taleo career section may set in sources.toml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    section: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    portal: str | None = Field(default=None, pattern=r"^\d+$")
    columns: list[str] = Field(default_factory=lambda: ["title", "duty_station", "posted"])
    detail_fields: dict[str, int] = Field(default_factory=dict)
    lang: str = Field(default="en", pattern=r"^[A-Za-z_-]+$")
    keyword: str = ""
    search_filters: list[dict[str, Any]] = Field(default_factory=list)
    sort_by: str = "3"
    multiline: bool = False
    day_first: bool = True
    fetch_details: bool = True
    max_pages: int = Field(default=40, ge=1)


@register
class TaleoAdapter:
    """Requisitions of one Taleo career section, paged by ``pageNo``."""

    name: ClassVar[str] = ADAPTER

    async def pages(self, source: SourceConfig, client: PoliteClient) -> AsyncIterator[ScrapedPage]:
        params = parse_params(ADAPTER, TaleoParams, source)
        if "title" not in [_field_name(name) for name in params.columns]:
            raise SourceError(
                f"{ADAPTER}: invalid params for source {source.id!r}: columns name no 'title'"
            )
        origin = source_origin(ADAPTER, source)
        portal = params.portal or await discover_portal(client, origin, params, source)
        endpoint = f"{origin}{SEARCH_PATH}"
        query = {"lang": params.lang, "portal": portal}
        seen = 0
        totals_seen: set[int] = set()
        for page_no in range(1, params.max_pages + 1):
            result = await client.fetch(
                "POST",
                endpoint,
                params=query,
                json=request_body(params, page_no),
                headers={"Accept": "application/json", **TZ_HEADERS},
            )
            total, items = read_listing(result, source)
            totals_seen.add(total)
            records: list[ScrapedVacancy] = []
            rejected: list[RejectedRecord] = []
            memo = ListingMemo(source)
            for item in items:
                outcome = await self._requisition(item, source, params, client, origin, memo)
                if isinstance(outcome, ScrapedVacancy):
                    records.append(outcome)
                elif outcome is not None:
                    rejected.append(outcome)
            seen += len(items)
            yield ScrapedPage(
                url=f"{endpoint}?{urlencode(query)}&pageNo={page_no}",
                records=records,
                rejected=rejected,
                **memo.page_fields(records),
                is_last=seen >= total and len(totals_seen) == 1,
                etag=result.etag,
                last_modified=result.last_modified,
            )
            if seen >= total or not items:
                return
        raise SourceError(
            f"{ADAPTER}: source {source.id!r} has more than {params.max_pages} pages; "
            "raise max_pages or narrow the search"
        )

    async def _requisition(
        self,
        item: Any,
        source: SourceConfig,
        params: TaleoParams,
        client: PoliteClient,
        origin: str,
        memo: ListingMemo | None = None,
    ) -> ScrapedVacancy | RejectedRecord | None:
        """The record of one listed requisition, a rejection, or ``None`` when the memo
        says it is listed as at the last harvest (its detail page is not fetched again)."""
        if not isinstance(item, dict):
            return RejectedRecord(reason=f"requisition is not an object: {item!r:.80}")
        listed = read_columns(item, params)
        external_id = _text(item.get("contestNo")) or listed.pop("contest_no", None)
        external_id = external_id or _text(item.get("jobId"))
        listed.pop("contest_no", None)
        missing = [name for name in ("title",) if not listed.get(name)]
        if not external_id:
            missing.insert(0, "contestNo/jobId")
        if missing:
            return reject_missing(external_id, missing)
        assert external_id is not None
        url = detail_url(origin, params, external_id)
        detail: dict[str, str] = {}
        if params.fetch_details:
            # The entry is the whole requisitionList object (ids, hotJob flag and every
            # configured column, "ignore"d ones included): nothing in it changes by
            # itself, since dates are written in the fixed zone the adapter asks for.
            if memo is not None and memo.unchanged(external_id, item):
                return None
            fetched = await fetch_detail(client, url, params, external_id)
            if isinstance(fetched, RejectedRecord):
                return fetched
            detail = fetched
        return make_vacancy(external_id, url, listed, detail, item, source, params)


async def discover_portal(
    client: PoliteClient, origin: str, params: TaleoParams, source: SourceConfig
) -> str:
    """The portal number the section's search page declares, or ``SourceError``."""
    page = f"{origin}/careersection/{params.section}/jobsearch.ftl"
    result = await client.fetch("GET", page, params={"lang": params.lang})
    text = result.text()
    for pattern in _PORTAL:
        match = pattern.search(text)
        if match:
            return match.group(1)
    raise SourceError(
        f"{ADAPTER}: section page {page} of source {source.id!r} declares no portal number; "
        "set the 'portal' param"
    )


def request_body(params: TaleoParams, page_no: int) -> dict[str, Any]:
    """The JSON body of the search POST for page ``page_no`` (1-based)."""
    return {
        "multilineEnabled": params.multiline,
        "sortingSelection": {
            "sortBySelectionParam": params.sort_by,
            "ascendingSortingOrder": "false",
        },
        "fieldData": {"fields": {"KEYWORD": params.keyword, "LOCATION": ""}, "valid": True},
        "filterSelectionParam": {"searchFilterSelections": list(params.search_filters)},
        "advancedSearchFiltersSelectionParam": {"searchFilterSelections": []},
        "pageNo": page_no,
    }


def read_listing(result: FetchResult, source: SourceConfig) -> tuple[int, list[Any]]:
    """``(totalCount, requisitionList)`` of one search answer, or ``SourceError``."""
    if result.looks_like_html():
        raise SourceError(
            f"{ADAPTER}: expected JSON for source {source.id!r} from {result.url} but got an "
            f"HTML page (status {result.status}, content-type {result.content_type or 'none'}); "
            "a login or maintenance page?"
        )
    try:
        payload = result.json()
    except ValueError as exc:
        raise SourceError(
            f"{ADAPTER}: response for source {source.id!r} from {result.url} is not valid JSON "
            f"({exc})"
        ) from exc
    if not isinstance(payload, dict):
        raise SourceError(f"{ADAPTER}: response for source {source.id!r} is not a JSON object")
    if payload.get("careerSectionUnAvailable") is True:
        raise SourceError(
            f"{ADAPTER}: source {source.id!r}: the career section is unavailable "
            "(wrong portal number, or maintenance)"
        )
    items = payload.get("requisitionList")
    if not isinstance(items, list):
        raise SourceError(
            f"{ADAPTER}: response for source {source.id!r} has no 'requisitionList' list"
        )
    paging = payload.get("pagingData")
    total = paging.get("totalCount") if isinstance(paging, dict) else None
    if not is_count(total):
        raise SourceError(
            f"{ADAPTER}: response for source {source.id!r} has no 'pagingData.totalCount' number"
        )
    return total, items


def read_columns(item: dict[str, Any], params: TaleoParams) -> dict[str, Any]:
    """The requisition's ``column`` values by the names ``columns`` gives them."""
    values = item.get("column")
    if not isinstance(values, list):
        return {}
    named: dict[str, Any] = {}
    for name, value in zip(params.columns, values, strict=False):
        field = _field_name(name)
        if field == "ignore" or field in named:
            continue
        if field == "duty_station":
            locations = _locations(value)
            if locations:
                named[field] = locations
            continue
        text = _text(value)
        if text:
            named[field] = text
    return named


def detail_url(origin: str, params: TaleoParams, external_id: str) -> str:
    query = urlencode({"job": external_id, "lang": params.lang})
    return f"{origin}/careersection/{params.section}/jobdetail.ftl?{query}"


async def fetch_detail(
    client: PoliteClient, url: str, params: TaleoParams, external_id: str
) -> dict[str, str] | RejectedRecord:
    """The detail page's fields (``description`` plus ``detail_fields``), or a rejection."""
    page, _, query = url.partition("?")
    try:
        result = await client.fetch("GET", page, params={**dict(parse_qsl(query)), **TZ_HEADERS})
    except SourceError as exc:
        return RejectedRecord(external_id=external_id, reason=f"detail not fetched: {exc}")
    return parse_detail(result.text(), params, external_id)


def parse_detail(
    page: str, params: TaleoParams, external_id: str
) -> dict[str, str] | RejectedRecord:
    values = fill_list_values(page)
    if values is None:
        if any(marker in page for marker in _UNAVAILABLE):
            reason = "detail page says the posting is no longer available"
        else:
            reason = "detail page has no requisitionDescriptionInterface payload"
        return RejectedRecord(external_id=external_id, reason=reason)
    sections: list[str] = []
    for value in values:
        if value.startswith(_DESCRIPTION_MARK):
            html = unquote(value.replace(_DESCRIPTION_MARK, "")).strip()
            if html and html not in sections:
                sections.append(html)
    if not sections:
        return RejectedRecord(external_id=external_id, reason="detail page has no description")
    fields = {"description": "\n".join(sections)}
    for name, index in params.detail_fields.items():
        if 0 <= index < len(values):
            text = clean_text(values[index])
            if text and not text.startswith(_DESCRIPTION_MARK):
                fields[_field_name(name)] = text
    return fields


def fill_list_values(page: str) -> list[str] | None:
    """The strings of the ``descRequisition`` ``fillList`` array (JavaScript single-quoted
    literals), or ``None`` when the page has no complete such call."""
    match = _FILL_LIST.search(page)
    if match is None:
        return None
    values: list[str] = []
    position = match.end()
    length = len(page)
    while position < length:
        char = page[position]
        if char in " \t\r\n,":
            position += 1
        elif char == "]":
            return values
        elif char == "'":
            literal, position = _js_string(page, position + 1)
            if literal is None:
                return None
            values.append(literal)
        else:
            return None
    return None


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


_PLAIN = re.compile(r"[^'\\]+")
"""A run of characters a single-quoted JavaScript string holds as they are."""


def _js_string(page: str, position: int) -> tuple[str | None, int]:
    """Read a single-quoted JavaScript string starting after its quote."""
    out: list[str] = []
    length = len(page)
    while position < length:
        plain = _PLAIN.match(page, position)
        if plain:
            out.append(plain.group())
            position = plain.end()
            continue
        if page[position] == "'":
            return "".join(out), position + 1
        escaped = page[position + 1 : position + 2]
        if escaped in ("x", "u"):
            size = 2 if escaped == "x" else 4
            digits = page[position + 2 : position + 2 + size]
            try:
                out.append(chr(int(digits, 16)))
            except ValueError:
                return None, position
            position += 2 + size
            continue
        if escaped in ("\n", "\r"):
            position += 2
            continue
        out.append(_ESCAPES.get(escaped, escaped))
        position += 2
    return None, position


def make_vacancy(
    external_id: str,
    url: str,
    listed: dict[str, Any],
    detail: dict[str, str],
    item: dict[str, Any],
    source: SourceConfig,
    params: TaleoParams,
) -> ScrapedVacancy | RejectedRecord:
    fields: dict[str, Any] = {**detail, **listed}
    locations = fields.get("duty_station")
    if isinstance(locations, str):
        locations = [locations]
    extra: dict[str, Any] = {
        "contest_no": _text(item.get("contestNo")),
        "job_id": _text(item.get("jobId")),
    }
    for name in ("contract_type", "organization_unit", "job_field", "category"):
        if fields.get(name):
            extra[name] = fields[name]
    known = {"title", "duty_station", "grade", "posted", "deadline", "description", "country"}
    for name, value in fields.items():
        if name not in known and name not in extra and value:
            extra[name] = value
    if locations and len(locations) > 1:
        extra["locations"] = locations
    return build_vacancy(
        {
            "external_id": external_id,
            "url": url,
            "title": fields.get("title"),
            "organization": source.organization,
            "grade": fields.get("grade"),
            "duty_station": locations[0] if locations else None,
            "country": fields.get("country"),
            "posted_at": taleo_date(fields.get("posted"), params.day_first),
            "deadline": taleo_date(fields.get("deadline"), params.day_first, end_of_day=True),
            "description_html": detail.get("description"),
            "extra": {key: value for key, value in extra.items() if value},
        }
    )


def taleo_date(value: Any, day_first: bool = True, *, end_of_day: bool = False) -> datetime | None:
    """A Taleo date ("Dec 4, 2026, 11:59:00 PM", "29/May/2026", "03-Jun-2026, 11:59:00 PM")
    in UTC (the zone the adapter asks for). A deadline without a time means through that
    day. ``None`` when unreadable."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        return None
    try:
        moment = dateutil_parser.parse(text, dayfirst=day_first)
    except (ValueError, OverflowError):
        return None
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    if end_of_day and ":" not in text:
        moment += timedelta(days=1, seconds=-1)
    return moment


def _locations(value: Any) -> list[str]:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        return []
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except ValueError:
            parsed = None
        if isinstance(parsed, list):
            return [entry for entry in (clean_text(part) for part in parsed) if entry]
    cleaned = clean_text(text)
    return [cleaned] if cleaned else []


def _field_name(name: str) -> str:
    key = name.strip().lower()
    return _FIELD_ALIASES.get(key, key)


def _text(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    return clean_text(str(value))
