"""Workday career sites through Workday's candidate-experience JSON service ("CXS").

Workday publishes no documentation for this service; it is what the public career site
(``https://{tenant}.wd{N}.myworkdayjobs.com/{site}``) itself calls, and the shape below
is the one many public scrapers rely on (read in public code, not copied):

- Listing: ``POST {origin}/wday/cxs/{tenant}/{site}/jobs`` with the JSON body
  ``{"appliedFacets": {...}, "limit": N, "offset": K, "searchText": ""}``; Workday
  refuses a ``limit`` above 20. The answer is ``{"total": T, "jobPostings": [...],
  "facets": [...]}`` where each posting has ``title``, ``externalPath`` (e.g.
  ``/job/Geneva-Switzerland/Inspector-General_JR2561448-2``), ``locationsText``
  ("Geneva, Switzerland", or "2 Locations"), ``postedOn`` (relative text: "Posted 3 Days
  Ago") and ``bulletFields`` (the requisition id first). Workday states ``total`` on the
  first page only and sends 0 on later pages, so the first page's total is the one used.
- Detail: ``GET {origin}/wday/cxs/{tenant}/{site}{externalPath}`` answers
  ``{"jobPostingInfo": {...}, "hiringOrganization": {"name": ...}, ...}``. Fields read
  from ``jobPostingInfo``: ``id``, ``title``, ``jobDescription`` (HTML), ``location``,
  ``additionalLocations``, ``postedOn``, ``startDate`` (ISO date the posting went up),
  ``endDate`` (ISO date, present on some tenants, e.g. WFP), ``timeType``,
  ``remoteType``, ``jobReqId``, ``jobPostingId``, ``jobRequisitionLocation.country``
  and ``country`` (``descriptor``, ``alpha2Code``), ``externalUrl`` (the public
  posting). ``jobDescription``, ``location``, ``additionalLocations``, ``startDate``,
  ``timeType``, ``remoteType``, ``externalUrl``, ``country.descriptor`` and the
  ``hiringOrganization`` name are seen in several public clients; ``endDate``
  in one (WFP); ``jobReqId``, ``jobPostingId``, ``alpha2Code`` and
  ``jobRequisitionLocation`` are read defensively (any may be absent) because they
  could not be verified without the live site.

The listing lacks the description, the deadline and usually the grade, so each posting's
detail is fetched (``fetch_details``, default true). UN sites rarely fill ``endDate``:
UNHCR, WFP and others write "Closing Date: 12 December 2026" or "Deadline for
applications: 30 December 2026 - 23:59 GMT+01:00" in the description, which
``deadline_regex`` reads; grades ("P-3", "P3", "G5", "NOB") sit in the title or the
description, which ``grade_regex`` reads (title first). A date without a time means
"through that day" (its last second); a stated GMT/UTC offset makes the deadline
timezone-aware UTC, otherwise it stays naive (Workday does not say which zone).
``posted_at`` comes from the ISO ``startDate``, not from the relative ``postedOn``.

Every request goes to ``base_url``'s origin: the detail path from ``externalPath`` is
joined onto it (never onto another host). The record's ``url`` is ``externalUrl`` when
the detail gives one, else ``{origin}{public_path}{externalPath}``.

Params (sources.toml ``params``):

- ``tenant``, ``site`` (required): the two path segments of ``/wday/cxs/{tenant}/{site}``.
- ``limit`` (default 20, at most 20), ``max_pages`` (default 50; a safety stop),
  ``fetch_details`` (default true), ``applied_facets`` (dict sent as ``appliedFacets``,
  e.g. ``{"locationCountry": ["..."]}``), ``search_text`` (default "").
- ``grade_regex``: a pattern whose named group ``grade`` (or whole match) is the grade;
  default ``DEFAULT_GRADE_REGEX`` (UN grades: P-1..P-5, D-1/D-2, G-1..G-7, GS-, FS-,
  SB-, LSC-, NPSA-/IPSA-, NOA..NOD). Case-sensitive unless it says ``(?i)``.
- ``deadline_regex``: a pattern with a named group ``date`` and optional ``time`` and
  ``zone`` groups, searched case-insensitively in the description's text; default
  ``DEFAULT_DEADLINE_REGEX``.
- ``public_path``: path of the public career site on the same host (default
  ``/{site}``; WFP's site on wd3.myworkdaysite.com lives under
  ``/recruiting/wfp/job_openings``).

Workday sends no validators for these POST queries, so nothing is asked conditionally.
"""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta, timezone
from typing import Any, ClassVar
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from scrapers.base import (
    ListingMemo,
    SourceConfig,
    build_vacancy,
    clean_text,
    is_count,
    origin,
    parse_params,
    parse_timestamp,
    reject_missing,
)
from scrapers.http import FetchResult, PoliteClient
from scrapers.records import RejectedRecord, ScrapedPage, ScrapedVacancy, SourceError
from scrapers.registry import register

ADAPTER = "workday"

MAX_LIMIT = 20
"""Workday answers 400 to a larger page."""

DEFAULT_GRADE_REGEX = r"\b(?P<grade>(?:P|D|G|GS|FS|SB|LSC|NPSA|IPSA)-?\d{1,2}|NO-?[A-D]|ASG|USG)\b"
"""UN grades as written in titles and descriptions: "P-3", "P3", "G5", "NOB", "SB-3"."""

DEFAULT_DEADLINE_REGEX = (
    r"(?:closing\s+date|deadline\s+for\s+applications?|application\s+deadline|"
    r"deadline\s+for\s+applying)\s*[:\-\u2013]?\s*"
    r"(?P<date>\d{1,2}\s+[a-z]+\.?,?\s+\d{4}|[a-z]+\.?\s+\d{1,2},?\s+\d{4}|\d{4}-\d{2}-\d{2})"
    r"(?:\s*[-,]?\s*(?:at\s+)?(?P<time>\d{1,2}:\d{2})"
    r"(?:\s*[-,]?\s*(?P<zone>(?:GMT|UTC)(?:\s*[+-]\d{1,2}(?::?\d{2})?)?))?)?"
)
"""'Closing Date: 12 December 2026', 'Deadline for applications: 30 December 2026 -
23:59 GMT+01:00', 'Application deadline: December 4, 2026'."""

_TAG = re.compile(r"<[^>]+>")
_BLOCK_TAG = re.compile(r"<\s*(?:br|/p|/div|/li|/h\d|/tr)\b[^>]*>", re.IGNORECASE)
_OFFSET = re.compile(r"(?P<sign>[+-])(?P<hours>\d{1,2})(?::?(?P<minutes>\d{2}))?")


class WorkdayParams(BaseModel):
    """The options a Workday source may set in sources.toml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tenant: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    site: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    limit: int = Field(default=MAX_LIMIT, ge=1, le=MAX_LIMIT)
    max_pages: int = Field(default=50, ge=1)
    fetch_details: bool = True
    applied_facets: dict[str, Any] = Field(default_factory=dict)
    search_text: str = ""
    grade_regex: str = DEFAULT_GRADE_REGEX
    deadline_regex: str = DEFAULT_DEADLINE_REGEX
    public_path: str | None = Field(default=None, pattern=r"^/")

    @field_validator("grade_regex")
    @classmethod
    def _grade_pattern(cls, value: str) -> str:
        _compile(value, 0)
        return value

    @field_validator("deadline_regex")
    @classmethod
    def _deadline_pattern(cls, value: str) -> str:
        if "date" not in _compile(value, re.IGNORECASE).groupindex:
            raise ValueError("needs a named group 'date'")
        return value


def _compile(pattern: str, flags: int) -> re.Pattern[str]:
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise ValueError(f"not a regular expression ({exc})") from exc


@register
class WorkdayAdapter:
    """Jobs from a Workday career site, paged by offset, each completed by its detail."""

    name: ClassVar[str] = ADAPTER

    async def pages(self, source: SourceConfig, client: PoliteClient) -> AsyncIterator[ScrapedPage]:
        params = parse_params(ADAPTER, WorkdayParams, source)
        reader = _Reader(source, params, client)
        endpoint = f"{reader.api_root}/jobs"
        offset = 0
        total: int | None = None
        moved = False
        for _ in range(params.max_pages):
            result = await client.fetch(
                "POST",
                endpoint,
                json=request_body(params, offset),
                headers={"Accept": "application/json"},
            )
            page_total, items = read_listing(result, source, first_page=total is None)
            if total is None:
                total = page_total
            elif page_total not in (0, total):
                # Later pages normally say 0; another number means the listing changed.
                moved = True
            memo = ListingMemo(source)
            records, rejected = await reader.parse_postings(items, memo)
            page_url = f"{endpoint}?offset={offset}&limit={params.limit}"
            offset += len(items)
            done = offset >= total or not items
            yield ScrapedPage(
                url=page_url,
                records=records,
                rejected=rejected,
                **memo.page_fields(records),
                # A page that came back empty before the stated total means the listing
                # shrank while we paged: it ends, but it is not known to be complete.
                is_last=done and offset >= total and not moved,
            )
            if done:
                return
        raise SourceError(
            f"{ADAPTER}: source {source.id!r} has more than {params.max_pages} pages of "
            f"{params.limit} jobs; raise max_pages or narrow applied_facets"
        )


def request_body(params: WorkdayParams, offset: int) -> dict[str, Any]:
    """The JSON body of the listing POST for the page starting at ``offset``."""
    return {
        "appliedFacets": dict(params.applied_facets),
        "limit": params.limit,
        "offset": offset,
        "searchText": params.search_text,
    }


def read_listing(
    result: FetchResult, source: SourceConfig, *, first_page: bool
) -> tuple[int, list[Any]]:
    """``(total, jobPostings)`` of one listing answer, or ``SourceError`` naming what is
    wrong. Only the first page must state the total (Workday sends 0 afterwards)."""
    payload = _json_object(result, source, "listing")
    postings = payload.get("jobPostings")
    if not isinstance(postings, list):
        raise SourceError(f"{ADAPTER}: response for source {source.id!r} has no 'jobPostings' list")
    total = payload.get("total")
    valid_total = is_count(total)
    if first_page and not valid_total:
        raise SourceError(
            f"{ADAPTER}: first listing page for source {source.id!r} has no 'total' number"
        )
    return (total if valid_total else 0), postings


def _json_object(result: FetchResult, source: SourceConfig, what: str) -> dict[str, Any]:
    if result.looks_like_html():
        raise SourceError(
            f"{ADAPTER}: expected JSON {what} for source {source.id!r} from {result.url} "
            f"but got an HTML page (status {result.status}, "
            f"content-type {result.content_type or 'none'})"
        )
    try:
        payload = result.json()
    except ValueError as exc:
        raise SourceError(
            f"{ADAPTER}: {what} for source {source.id!r} from {result.url} is not valid "
            f"JSON ({exc})"
        ) from exc
    if not isinstance(payload, dict):
        raise SourceError(
            f"{ADAPTER}: {what} for source {source.id!r} from {result.url} is not a JSON object"
        )
    return payload


class _Reader:
    """Turns listing postings (and their details) into records for one source."""

    def __init__(self, source: SourceConfig, params: WorkdayParams, client: PoliteClient):
        self.source = source
        self.params = params
        self.client = client
        self.origin = origin(source.base_url)
        self.api_root = f"{self.origin}/wday/cxs/{params.tenant}/{params.site}"
        self.public_root = self.origin + (params.public_path or f"/{params.site}").rstrip("/")
        self.grade_pattern = re.compile(params.grade_regex)
        self.deadline_pattern = re.compile(params.deadline_regex, re.IGNORECASE)

    async def parse_postings(
        self, items: list[Any], memo: ListingMemo | None = None
    ) -> tuple[list[ScrapedVacancy], list[RejectedRecord]]:
        records: list[ScrapedVacancy] = []
        rejected: list[RejectedRecord] = []
        for item in items:
            outcome = await self.parse_posting(item, memo)
            if isinstance(outcome, ScrapedVacancy):
                records.append(outcome)
            elif outcome is not None:
                rejected.append(outcome)
        return records, rejected

    async def parse_posting(
        self, item: Any, memo: ListingMemo | None = None
    ) -> ScrapedVacancy | RejectedRecord | None:
        """The record of one listed posting, a rejection, or ``None`` when the memo says
        the posting is listed as at the last harvest (its detail is not fetched again)."""
        if not isinstance(item, dict):
            return RejectedRecord(reason=f"posting is not an object: {item!r:.80}")
        path = _external_path(item.get("externalPath"))
        listed_id = _listing_id(item, path)
        title = clean_text(item.get("title"))
        missing = [name for name, value in (("externalPath", path), ("title", title)) if not value]
        if missing or path is None:
            return reject_missing(listed_id, missing)
        if not self.params.fetch_details:
            return self.from_listing(item, path, listed_id)
        # "postedOn" says "Posted 3 Days Ago": it changes by itself, so it is left out.
        entry = {key: value for key, value in item.items() if key != "postedOn"}
        if memo is not None and memo.unchanged(listed_id, entry):
            return None
        detail_url = self.api_root + path
        try:
            result = await self.client.fetch(
                "GET", detail_url, headers={"Accept": "application/json"}
            )
            payload = _json_object(result, self.source, "detail")
        except SourceError as exc:
            return RejectedRecord(external_id=listed_id, reason=f"detail not read: {exc}")
        info = payload.get("jobPostingInfo")
        if not isinstance(info, dict):
            return RejectedRecord(
                external_id=listed_id,
                reason=f"detail {detail_url} has no 'jobPostingInfo' object",
            )
        return self.from_detail(item, path, listed_id, info, payload)

    def from_listing(
        self, item: dict[str, Any], path: str, external_id: str | None
    ) -> ScrapedVacancy | RejectedRecord:
        title = clean_text(item.get("title"))
        locations = clean_text(item.get("locationsText"))
        return build_vacancy(
            {
                "external_id": external_id,
                "url": self.public_root + path,
                "title": title,
                "organization": self.source.organization,
                "grade": _search(self.grade_pattern, "grade", title),
                "duty_station": None if _is_location_count(locations) else locations,
                "extra": _clean_extra(
                    {
                        "job_req_id": _first_bullet(item),
                        "posted_on": clean_text(item.get("postedOn")),
                        "locations_text": locations,
                        "external_path": path,
                    }
                ),
            }
        )

    def from_detail(
        self,
        item: dict[str, Any],
        path: str,
        listed_id: str | None,
        info: dict[str, Any],
        payload: dict[str, Any],
    ) -> ScrapedVacancy | RejectedRecord:
        req_id = _scalar_text(info.get("jobReqId"))
        external_id = req_id or listed_id
        title = clean_text(info.get("title")) or clean_text(item.get("title"))
        description = info.get("jobDescription")
        description = description.strip() if isinstance(description, str) else None
        text = html_text(description)
        url = _public_url(info.get("externalUrl")) or self.public_root + path
        deadline, deadline_source, unparsed = self.deadline(info, text)
        country = _country(info)
        listed_location = clean_text(item.get("locationsText"))
        duty_station = clean_text(info.get("location")) or (
            None if _is_location_count(listed_location) else listed_location
        )
        organization = self.source.organization or _hiring_organization(payload)
        extra = {
            "job_req_id": req_id or _first_bullet(item),
            "job_posting_id": _scalar_text(info.get("jobPostingId")),
            "posting_id": _scalar_text(info.get("id")),
            "time_type": clean_text(info.get("timeType")),
            "remote_type": _descriptor(info.get("remoteType")),
            "additional_locations": _texts(info.get("additionalLocations")),
            "country_name": _descriptor(info.get("country")),
            "hiring_organization": _hiring_organization(payload),
            "posted_on": clean_text(info.get("postedOn")) or clean_text(item.get("postedOn")),
            "external_path": path,
            "deadline_source": deadline_source,
            "unparsed_deadline": unparsed,
        }
        return build_vacancy(
            {
                "external_id": external_id,
                "url": url,
                "title": title,
                "organization": organization,
                "grade": _search(self.grade_pattern, "grade", title)
                or _search(self.grade_pattern, "grade", text),
                "duty_station": duty_station,
                "country": country,
                "posted_at": parse_timestamp(info.get("startDate")),
                "deadline": deadline,
                "description_html": description or None,
                "extra": _clean_extra(extra),
            }
        )

    def deadline(
        self, info: dict[str, Any], text: str | None
    ) -> tuple[datetime | None, str | None, str | None]:
        """``(deadline, where it came from, text that could not be read)``."""
        end = clean_text(info.get("endDate"))
        if end:
            moment = parse_timestamp(end)
            if moment is not None:
                return through_the_day(moment), "endDate", None
        match = self.deadline_pattern.search(text or "")
        if match is None:
            return None, None, end
        groups = match.groupdict()
        moment = deadline_from_parts(groups.get("date"), groups.get("time"), groups.get("zone"))
        if moment is None:
            return None, None, clean_text(match.group(0))
        return moment, "description", None


def deadline_from_parts(date_text: Any, time_text: Any, zone_text: Any) -> datetime | None:
    """A deadline from the pieces a deadline line gives: a date only means through that
    day; a GMT/UTC zone makes it aware UTC, otherwise it stays naive."""
    day = parse_timestamp(date_text) if isinstance(date_text, str) else None
    if day is None:
        return None
    zone = _zone(zone_text)
    if isinstance(time_text, str) and time_text:
        hours, minutes = (int(part) for part in time_text.split(":"))
        if hours > 23 or minutes > 59:
            return None
        moment = datetime.combine(day.date(), time(hours, minutes))
    else:
        moment = through_the_day(day)
    if zone is None:
        return moment
    return moment.replace(tzinfo=zone).astimezone(UTC)


def through_the_day(moment: datetime) -> datetime:
    """A bare date (midnight) becomes its last second; a moment with a time stays."""
    if moment.timetz().replace(tzinfo=None) == time(0, 0):
        return moment + timedelta(days=1, seconds=-1)
    return moment


def _zone(value: Any) -> timezone | None:
    if not isinstance(value, str) or not value.strip():
        return None
    match = _OFFSET.search(value)
    if match is None:
        return UTC
    hours, minutes = int(match["hours"]), int(match["minutes"] or 0)
    if hours > 14 or minutes > 59:
        return None
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if match["sign"] == "-" else delta)


def html_text(value: Any) -> str | None:
    """The text of an HTML fragment, whitespace collapsed (for regex searches)."""
    if not isinstance(value, str):
        return None
    return clean_text(html.unescape(_TAG.sub(" ", _BLOCK_TAG.sub("\n", value))))


def _search(pattern: re.Pattern[str], group: str, text: str | None) -> str | None:
    if not text:
        return None
    match = pattern.search(text)
    if match is None:
        return None
    value = match.groupdict().get(group) if group in pattern.groupindex else match.group(0)
    return clean_text(value)


def _external_path(value: Any) -> str | None:
    """The posting's path, and only its path: a full URL is cut to path and query so
    that the detail is always fetched from the source's own host."""
    text = clean_text(value)
    if not text:
        return None
    parts = urlsplit(text)
    path = parts.path
    if not path.startswith("/") or ".." in path.split("/"):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def _listing_id(item: dict[str, Any], path: str | None) -> str | None:
    bullet = _first_bullet(item)
    if bullet:
        return bullet
    if path:
        tail = path.rstrip("/").rsplit("/", 1)[-1]
        return tail.rsplit("_", 1)[-1] or tail
    return None


def _first_bullet(item: dict[str, Any]) -> str | None:
    bullets = item.get("bulletFields")
    if isinstance(bullets, list) and bullets:
        return _scalar_text(bullets[0])
    return None


def _scalar_text(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    return clean_text(str(value))


def _is_location_count(value: str | None) -> bool:
    """Workday's "3 Locations" stands for a list it does not show in the listing."""
    return bool(value and re.fullmatch(r"\d+\s+Locations?", value))


def _public_url(value: Any) -> str | None:
    text = clean_text(value)
    if text and urlsplit(text).scheme in ("http", "https"):
        return text
    return None


def _descriptor(value: Any) -> str | None:
    if isinstance(value, dict):
        return clean_text(value.get("descriptor"))
    return clean_text(value)


def _country(info: dict[str, Any]) -> str | None:
    """ISO alpha-2 code when Workday gives one, else the country's name."""
    candidates: list[Any] = []
    location = info.get("jobRequisitionLocation")
    if isinstance(location, dict):
        candidates.append(location.get("country"))
    candidates.append(info.get("country"))
    for country in candidates:
        if isinstance(country, dict):
            code = clean_text(country.get("alpha2Code"))
            if code:
                return code.upper()
    for country in candidates:
        name = _descriptor(country)
        if name:
            return name
    return None


def _texts(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    texts = (clean_text(entry) or _descriptor(entry) for entry in value)
    return [text for text in texts if text]


def _hiring_organization(payload: dict[str, Any]) -> str | None:
    organization = payload.get("hiringOrganization")
    if isinstance(organization, dict):
        return clean_text(organization.get("name"))
    return None


def _clean_extra(extra: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in extra.items() if value not in (None, "", [], {})}
