"""UN Volunteer assignments through the public search API of app.unv.org (the UVP).

The Unified Volunteering Platform's opportunity search POSTs to a public JSON API, one
request per page, paged by ``take``/``skip``::

    POST {base_url}/api/doa/doa/SearchDoaAsyncByAzureCognitive
    {"take": 50, "skip": 0, ...filters}

and gets ``{"isSuccess": true, "value": {"total": N, "result": [...]}}``. Each result is
one assignment (a "DOA"): ``id``, ``doaRequestNo``, ``name`` (the title), ``hostEntity``
(``{"name": ...}``: the UN entity hosting the volunteer, e.g. UNDP, UNHCR), ``country``
and ``volunteerType`` (taxonomy objects ``{"label", "value": {"code"}, "props"}``;
``volunteerType`` is national or international), ``dutyStations`` (a list of taxonomy
objects), ``duration`` (days), ``isOnsite``, ``workArrangement``, ``assignmentDuration``,
``expertiseAreas``, ``publishDate`` and ``sourcingEndDate`` (the last day candidates
may apply). The search answer carries no description and, as far as public clients
show, no volunteer category (specialist, expert, youth, university...), so the adapter
reads each assignment's detail, ``GET {base_url}/api/doa/doa/{id}`` ->
``{"isSuccess": true, "value": {...}}`` (``value`` is null for an assignment no longer
published), which adds ``volunteersCategory`` (e.g. "International Specialist"),
``assignmentsList`` (duty stations), ``taskDescription``, ``requiredSkillExperience``,
``requiredEducation``, ``languages``, ``startDate`` and ``possibilityOfExtension``.
The public page of an assignment is ``{base_url}/opportunities/{id}``.

Each record: organisation "UNV" (the source's), grade = the volunteer category, the host
entity in ``extra["host_entity"]``. Dates carry no zone and stay naive; a deadline at
midnight means "through that day".

Where the shape comes from: the endpoints, the take/skip body, the ``isSuccess``/
``value``/``total``/``result`` envelope and the listing field names are those used by
several public open-source clients of app.unv.org (2023-2026), as are the detail's
``volunteersCategory``, ``assignmentsList[].dutyStation``, ``sourcingEndDate``,
``requiredSkillExperience`` and ``languages``. Assumed, not verifiable offline: the name
of the detail's free-text field (``taskDescription``, with ``description`` as fallback),
the search filters' names (passed through unchanged from ``filters``), and whether the
listing ever carries ``volunteersCategory`` (used, and the detail skipped for a category,
when it does).

Params (sources.toml ``params``):

- ``take`` (default 50, at most 100), ``filters`` (extra keys of the search body, passed
  through), ``fetch_details`` (default true; without details records have no description
  and usually no grade), ``max_pages`` (default 50; a safety stop).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, time, timedelta
from typing import Any, ClassVar

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

ADAPTER = "unv"

ORGANIZATION = "UNV"

SEARCH_PATH = "/api/doa/doa/SearchDoaAsyncByAzureCognitive"


class UnvParams(BaseModel):
    """The options a UNV source may set in sources.toml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    take: int = Field(default=50, ge=1, le=100)
    filters: dict[str, Any] = Field(default_factory=dict)
    fetch_details: bool = True
    max_pages: int = Field(default=50, ge=1)


@register
class UnvAdapter:
    """UN Volunteer assignments from app.unv.org, paged by take/skip."""

    name: ClassVar[str] = ADAPTER

    async def pages(self, source: SourceConfig, client: PoliteClient) -> AsyncIterator[ScrapedPage]:
        params = parse_params(ADAPTER, UnvParams, source)
        origin = source_origin(ADAPTER, source)
        endpoint = f"{origin}{SEARCH_PATH}"
        skip = 0
        totals_seen: set[int] = set()
        for _ in range(params.max_pages):
            result = await client.fetch(
                "POST",
                endpoint,
                json=request_body(params, skip),
                headers={"Accept": "application/json"},
            )
            total, items = read_listing(result)
            totals_seen.add(total)
            records: list[ScrapedVacancy] = []
            rejected: list[RejectedRecord] = []
            memo = ListingMemo(source)
            for item in items:
                outcome = await read_assignment(item, source, params, client, origin, memo)
                if isinstance(outcome, ScrapedVacancy):
                    records.append(outcome)
                elif outcome is not None:
                    rejected.append(outcome)
            page_url = f"{endpoint}?skip={skip}&take={params.take}"
            skip += len(items)
            yield ScrapedPage(
                url=page_url,
                records=records,
                rejected=rejected,
                **memo.page_fields(records),
                is_last=skip >= total and len(totals_seen) == 1,
                etag=result.etag,
                last_modified=result.last_modified,
            )
            if skip >= total or not items:
                return
        raise SourceError(
            f"{ADAPTER}: source {source.id!r} has more than {params.max_pages} pages of "
            f"{params.take} assignments; raise max_pages or narrow the filters"
        )


def request_body(params: UnvParams, skip: int) -> dict[str, Any]:
    """The JSON body of the search for the page starting at ``skip``."""
    return {**params.filters, "take": params.take, "skip": skip}


def read_value(result: FetchResult) -> Any:
    """The ``value`` of an ``{"isSuccess", "value"}`` answer, or ``SourceError``."""
    payload = json_object(ADAPTER, result)
    if payload.get("isSuccess") is not True:
        raise SourceError(f"{ADAPTER}: response from {result.url} has no 'isSuccess': true")
    return payload.get("value")


def read_listing(result: FetchResult) -> tuple[int, list[Any]]:
    """``(total, result)`` of one search answer, or ``SourceError`` naming what is wrong."""
    value = read_value(result)
    if not isinstance(value, dict):
        raise SourceError(f"{ADAPTER}: response has no 'value' object")
    items = value.get("result")
    if not isinstance(items, list):
        raise SourceError(f"{ADAPTER}: response has no 'value.result' list")
    total = value.get("total")
    if not is_count(total):
        raise SourceError(f"{ADAPTER}: response has no 'value.total' number")
    return total, items


async def read_assignment(
    item: Any,
    source: SourceConfig,
    params: UnvParams,
    client: PoliteClient,
    origin: str,
    memo: ListingMemo | None = None,
) -> ScrapedVacancy | RejectedRecord | None:
    """One search result as a record, completed from its detail when it lacks the
    description or the volunteer category; a failing detail rejects this record only.
    ``None`` when the memo says the assignment is listed as at the last harvest (its
    detail is not read again)."""
    if not isinstance(item, dict):
        return RejectedRecord(reason=f"item is not an object: {item!r:.80}")
    external_id = _assignment_id(item)
    title = clean_text(item.get("name"))
    missing = [name for name, value in {"id": external_id, "name": title}.items() if not value]
    if missing:
        return reject_missing(external_id, missing)
    if params.fetch_details and (_description(item) is None or _category(item) is None):
        if memo is not None and memo.unchanged(external_id, listing_entry(item)):
            return None
        url = f"{origin}/api/doa/doa/{external_id}"
        try:
            detail = read_value(
                await client.fetch("GET", url, headers={"Accept": "application/json"})
            )
        except SourceError as exc:
            return RejectedRecord(external_id=external_id, reason=f"detail {url}: {exc}")
        if detail is None:
            return RejectedRecord(
                external_id=external_id,
                reason=f"detail {url}: assignment is no longer published (empty 'value')",
            )
        if not isinstance(detail, dict):
            return RejectedRecord(
                external_id=external_id, reason=f"detail {url}: response has no 'value' object"
            )
        item = {**item, **{key: value for key, value in detail.items() if not _empty(value)}}
    return parse_assignment(item, source, origin)


def listing_entry(item: dict[str, Any]) -> dict[str, Any]:
    """What the search says of an assignment, for ``ListingMemo``: the whole result but
    Azure Cognitive Search's own ``@search.*`` keys (score, highlights), which depend on
    the query and the index, not on the assignment. None are in the recorded answers;
    they are left out in case the search ever passes them through."""
    return {key: value for key, value in item.items() if not key.startswith("@search.")}


def parse_assignment(
    item: dict[str, Any], source: SourceConfig, origin: str
) -> ScrapedVacancy | RejectedRecord:
    """An assignment (listing fields, with its detail's when read) as a record."""
    external_id = _assignment_id(item)
    title = clean_text(item.get("name"))
    if not external_id or not title:
        return reject_missing(
            external_id, [n for n, v in (("id", external_id), ("name", title)) if not v]
        )
    stations = _duty_stations(item)
    country = _label(item.get("country"))
    if not stations and item.get("isOnsite") is False:
        duty_station: str | None = "Home-based"
    else:
        duty_station = "; ".join(stations) or country
    return build_vacancy(
        {
            "external_id": external_id,
            "url": f"{origin}/opportunities/{external_id}",
            "title": title,
            "organization": source.organization or ORGANIZATION,
            "grade": _category(item),
            "duty_station": duty_station,
            "country": country,
            "posted_at": parse_timestamp(item.get("publishDate")),
            "deadline": closing_deadline(item.get("sourcingEndDate")),
            "description_html": _description(item),
            "extra": _extra(item, stations),
        }
    )


def closing_deadline(value: Any) -> datetime | None:
    """``sourcingEndDate`` names the last day to apply, at midnight: open through that
    day, so the deadline is its last second."""
    moment = parse_timestamp(value)
    if moment is not None and moment.timetz().replace(tzinfo=None) == time(0, 0):
        return moment + timedelta(days=1, seconds=-1)
    return moment


def _assignment_id(item: dict[str, Any]) -> str | None:
    value = item.get("id")
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    return str(value).strip() or None


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _label(value: Any) -> str | None:
    """A taxonomy object's label ("-" means none), or a plain string."""
    if isinstance(value, dict):
        text = (
            clean_text(value.get("label"))
            or clean_text(value.get("shortDescription"))
            or clean_text(value.get("name"))
        )
    else:
        text = clean_text(value)
    return None if text in (None, "-") else text


def _code(value: Any) -> str | None:
    if isinstance(value, dict) and isinstance(value.get("value"), dict):
        return clean_text(value["value"].get("code"))
    return None


def _labels(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [label for entry in value if (label := _label(entry))]


def _category_object(item: dict[str, Any]) -> Any:
    details = item.get("volunteersCategoryDetails")
    if isinstance(details, dict) and details.get("volunteersCategory"):
        return details["volunteersCategory"]
    return item.get("volunteersCategory")


def _category(item: dict[str, Any]) -> str | None:
    return _label(_category_object(item))


def _duty_stations(item: dict[str, Any]) -> list[str]:
    stations = _labels(item.get("dutyStations"))
    if not stations and isinstance(item.get("assignmentsList"), list):
        stations = [
            label
            for entry in item["assignmentsList"]
            if isinstance(entry, dict) and (label := _label(entry.get("dutyStation")))
        ]
    return list(dict.fromkeys(stations))


def _description(item: dict[str, Any]) -> str | None:
    body = next(
        (
            value.strip()
            for key in ("taskDescription", "description")
            if isinstance(value := item.get(key), str) and value.strip()
        ),
        None,
    )
    if body is None:
        return None
    skills = item.get("requiredSkillExperience")
    if isinstance(skills, str) and skills.strip():
        body += f"\n<h3>Required experience</h3>\n{skills.strip()}"
    return body


def _languages(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    found = []
    for entry in value:
        if not isinstance(entry, dict):
            continue
        language = _label(entry.get("language"))
        if language:
            level = _label(entry.get("level"))
            required = "required" if entry.get("isRequired") is True else "desirable"
            found.append(f"{language} ({', '.join(filter(None, [level, required]))})")
    return found


def _extra(item: dict[str, Any], stations: list[str]) -> dict[str, Any]:
    host = item.get("hostEntity")
    duration = item.get("duration")
    extra: dict[str, Any] = {
        "host_entity": _label(host) if isinstance(host, dict) else clean_text(host),
        "doa_request_no": clean_text(str(item["doaRequestNo"]))
        if isinstance(item.get("doaRequestNo"), str | int)
        and not isinstance(item.get("doaRequestNo"), bool)
        else None,
        "volunteer_type": _label(item.get("volunteerType")),
        "volunteer_category_code": _code(_category_object(item)),
        "country_iso2": clean_text((item.get("country") or {}).get("props", {}).get("codeISO2"))
        if isinstance(item.get("country"), dict) and isinstance(item["country"].get("props"), dict)
        else None,
        "duty_stations": stations if len(stations) > 1 else None,
        "duration_days": duration
        if isinstance(duration, int | float) and not isinstance(duration, bool)
        else None,
        "assignment_duration": _label(item.get("assignmentDuration")),
        "work_arrangement": _label(item.get("workArrangement")),
        "is_onsite": item.get("isOnsite") if isinstance(item.get("isOnsite"), bool) else None,
        "expertise_areas": _labels(item.get("expertiseAreas")),
        "required_education": _label(item.get("requiredEducation")),
        "languages": _languages(item.get("languages")),
        "possibility_of_extension": item.get("possibilityOfExtension")
        if isinstance(item.get("possibilityOfExtension"), bool)
        else None,
        "start_date": clean_text(item.get("startDate")),
    }
    unparsed = {
        name: item[name]
        for name in ("publishDate", "sourcingEndDate")
        if item.get(name) and parse_timestamp(item[name]) is None
    }
    if unparsed:
        extra["unparsed_dates"] = unparsed
    return {key: value for key, value in extra.items() if value is not None and value != []}
