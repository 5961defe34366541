"""Cornerstone OnDemand (CSOD) career sites, e.g. the World Bank Group's
``https://worldbankgroup.csod.com/ux/ats/careersite/1/home?c=worldbankgroup``.

Cornerstone documents no public API for career sites; the flow below is what the
career site's own page does, as several public scrapers read it (read, not copied):

1. The token. ``GET {base}/ux/ats/careersite/{site}/home?c={corp}`` answers an HTML
   shell whose script sets ``csod.context={...};``: a JSON object holding ``corp``,
   ``cultureID``, ``cultureName``, an anonymous visitor JWT in ``token`` and the
   regional API pod in ``endpoints.cloud`` (e.g. ``https://us.api.csod.com/``; pods
   seen in public code: us, uk, eu-fra, eu-cdg, au). The token lives from minutes to
   hours; an expired one answers 401, so a 401 re-reads the page once and retries.
2. The listing. ``POST {pod}/rec-job-search/external/jobs`` with
   ``Authorization: Bearer {token}`` and the body ``{"careerSiteId": 1,
   "careerSitePageId": 1, "pageNumber": 1, "pageSize": 25, "cultureId": 1,
   "cultureName": "en-US", "searchText": "", "states": [], "countryCodes": [],
   "cities": [], "placeID": "", "radius": null, "postingsWithinDays": null,
   "customFieldCheckboxKeys": [], "customFieldDropdowns": [], "customFieldRadios": []}``
   answers ``{"status": "Success", "data": {"totalCount": N, "requisitions": [...]}}``.
   A requisition has (public code agrees on these six keys) ``requisitionId``,
   ``displayJobTitle`` (HTML-escaped), ``locations`` (``[{"city", "state",
   "country": ISO alpha-2}]``), ``postingEffectiveDate`` and ``postingExpirationDate``
   (M/D/YYYY in en-US; "-" when open-ended) and ``externalDescription`` (a stripped
   excerpt of the ad). Pages follow by ``pageNumber`` until ``totalCount``.
3. The job ad. ``GET {base}/Services/API/ATS/CareerSite/{site}/JobRequisitions/{id}
   ?useMobileAd=false&cultureId=1`` (same Bearer token) answers
   ``{"data": [{"items": [{"fields": {"ad": "<html>"}}]}]}``; only ``ad`` is read. The
   World Bank Group's ads open with a header block ("Job #: req38126", "Organization:
   IFC", "Sector: ...", "Grade: GG", "Term Duration: ...", "Recruitment Type:
   International Recruitment", "Location: ...", "Closing Date: 12/3/2026 (MM/DD/YYYY)
   at 11:59pm UTC"), from which grade, deadline (aware UTC) and the extra fields are
   read. The ad path, its envelope and the WBG header labels come from public code and
   from memory of WBG postings; they could not be verified against the live site. Public
   code also reports that on US-pod tenants the ad endpoint wants the session cookie
   the career page sets (our client keeps cookies across one harvest).

The listing lacks grade and the full description, so each requisition's ad is fetched
(``fetch_details``, default true). A posting with an empty ad keeps the listing's
excerpt and ``postingExpirationDate`` as its deadline (through that day, naive).

Hosts. The career page and the ads are fetched from ``base_url``'s origin. The listing
service lives on the regional pod, another host: ``api_origin`` names it. When it is not
set, a ``*.csod.com`` base_url uses ``https://us.api.csod.com`` (the WBG's pod per public
code) and the career page must name that same pod (otherwise a SourceError says to set
``api_origin``); any other base_url (a mirror or a recorded test site) serves the listing
service on its own origin, so one local server can answer the whole flow.

Params (sources.toml ``params``):

- ``corp`` (required): the tenant, as in ``?c=worldbankgroup``.
- ``career_site_id`` (default 1), ``page_size`` (default 25, at most 100),
  ``max_pages`` (default 50; a safety stop), ``fetch_details`` (default true),
  ``api_origin`` (see above), ``grade_regex`` (named group ``grade``, searched in the
  ad's text; default ``DEFAULT_GRADE_REGEX``: "Grade: GF").
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
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
    reject_missing,
)
from scrapers.http import FetchResult, HTTPStatusError, PoliteClient
from scrapers.records import RejectedRecord, ScrapedPage, ScrapedVacancy, SourceError
from scrapers.registry import register

ADAPTER = "cornerstone"

DEFAULT_API_ORIGIN = "https://us.api.csod.com"
"""The pod the World Bank Group's career page names (public code, 2026)."""

DEFAULT_GRADE_REGEX = r"\bGrade\s*:\s*(?P<grade>[A-Z]{1,3}\d{0,2})\b"
"""The WBG ad header's "Grade: GF" (GA-GK staff grades, EC/ET consultant grades)."""

LISTING_PATH = "/rec-job-search/external/jobs"

HEADER_LABELS = {
    "job #": "job_number",
    "organization": "organization_unit",
    "sector": "sector",
    "term duration": "term_duration",
    "recruitment type": "recruitment_type",
    "location": "location",
    "required language(s)": "required_languages",
    "preferred language(s)": "preferred_languages",
    "closing date": "closing_date",
}
"""Header lines of a WBG job ad, by label, and the key they are kept under."""

_CONTEXT = re.compile(r"csod\.context\s*=\s*")
_BLOCK_TAG = re.compile(r"<\s*(?:br|p|/p|div|/div|li|/li|h\d|/h\d|tr|/tr)\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_HEADER_LINE = re.compile(r"^\s*(?P<label>[A-Za-z #()]+?)\s*:\s*(?P<value>.*?)\s*$")
_CLOSING = re.compile(
    r"(?P<month>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d{4})"
    r"(?:.*?\bat\s+(?P<hour>\d{1,2}):(?P<minute>\d{2})\s*(?P<ampm>[ap]\.?m\.?)?)?"
    r"(?:.*?\b(?P<zone>UTC|GMT)\b)?",
    re.IGNORECASE,
)
_US_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")


class CornerstoneParams(BaseModel):
    """The options a Cornerstone source may set in sources.toml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    corp: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_-]+$")
    career_site_id: int = Field(default=1, ge=1)
    page_size: int = Field(default=25, ge=1, le=100)
    max_pages: int = Field(default=50, ge=1)
    fetch_details: bool = True
    api_origin: str | None = Field(default=None, pattern=r"^https?://[^/?#]+/?$")
    grade_regex: str = DEFAULT_GRADE_REGEX

    @field_validator("grade_regex")
    @classmethod
    def _grade_pattern(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a regular expression ({exc})") from exc
        return value


@register
class CornerstoneAdapter:
    """Requisitions from a Cornerstone career site: token, listing pages, job ads."""

    name: ClassVar[str] = ADAPTER

    async def pages(self, source: SourceConfig, client: PoliteClient) -> AsyncIterator[ScrapedPage]:
        params = parse_params(ADAPTER, CornerstoneParams, source)
        session = _Session(source, params, client)
        await session.read_token()
        endpoint = session.api_origin + LISTING_PATH
        seen = 0
        totals: set[int] = set()
        for page_number in range(1, params.max_pages + 1):
            result = await session.call("POST", endpoint, json=request_body(params, page_number))
            total, items = read_listing(result, source)
            totals.add(total)
            memo = ListingMemo(source)
            records, rejected = await session.parse_requisitions(items, memo)
            seen += len(items)
            done = seen >= total or not items
            yield ScrapedPage(
                url=f"{endpoint}?pageNumber={page_number}&pageSize={params.page_size}",
                records=records,
                rejected=rejected,
                **memo.page_fields(records),
                is_last=done and seen >= total and len(totals) == 1,
            )
            if done:
                return
        raise SourceError(
            f"{ADAPTER}: source {source.id!r} has more than {params.max_pages} pages of "
            f"{params.page_size} requisitions; raise max_pages"
        )


def request_body(params: CornerstoneParams, page_number: int) -> dict[str, Any]:
    """The JSON body the career site's own page sends for one listing page."""
    return {
        "careerSiteId": params.career_site_id,
        "careerSitePageId": params.career_site_id,
        "pageNumber": page_number,
        "pageSize": params.page_size,
        "cultureId": 1,
        "cultureName": "en-US",
        "searchText": "",
        "states": [],
        "countryCodes": [],
        "cities": [],
        "placeID": "",
        "radius": None,
        "postingsWithinDays": None,
        "customFieldCheckboxKeys": [],
        "customFieldDropdowns": [],
        "customFieldRadios": [],
    }


def read_context(page: str, source: SourceConfig) -> dict[str, Any]:
    """The ``csod.context`` object of a career site page, with a non-empty ``token``."""
    match = _CONTEXT.search(page)
    if match is None:
        raise SourceError(
            f"{ADAPTER}: career site page for source {source.id!r} has no 'csod.context' "
            "(no token to call the job search with)"
        )
    try:
        context, _ = json.JSONDecoder().raw_decode(page, match.end())
    except ValueError as exc:
        raise SourceError(
            f"{ADAPTER}: 'csod.context' on the career site page for source {source.id!r} "
            f"is not a JSON object ({exc})"
        ) from exc
    if not isinstance(context, dict):
        raise SourceError(
            f"{ADAPTER}: 'csod.context' on the career site page for source {source.id!r} "
            "is not a JSON object"
        )
    token = context.get("token")
    if not isinstance(token, str) or not token.strip():
        raise SourceError(
            f"{ADAPTER}: 'csod.context' on the career site page for source {source.id!r} "
            "has no 'token'"
        )
    return context


def read_listing(result: FetchResult, source: SourceConfig) -> tuple[int, list[Any]]:
    """``(totalCount, requisitions)`` of one listing answer, or ``SourceError``."""
    payload = _json(result, source, "job search answer")
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), dict):
        raise SourceError(
            f"{ADAPTER}: job search answer for source {source.id!r} has no 'data' object"
        )
    data = payload["data"]
    requisitions = data.get("requisitions")
    if not isinstance(requisitions, list):
        raise SourceError(
            f"{ADAPTER}: job search answer for source {source.id!r} has no 'data.requisitions' list"
        )
    total = data.get("totalCount")
    if not is_count(total):
        raise SourceError(
            f"{ADAPTER}: job search answer for source {source.id!r} has no 'data.totalCount' number"
        )
    return total, requisitions


def _json(result: FetchResult, source: SourceConfig, what: str) -> Any:
    if result.looks_like_html():
        raise SourceError(
            f"{ADAPTER}: expected JSON {what} for source {source.id!r} from {result.url} "
            f"but got an HTML page (status {result.status}, "
            f"content-type {result.content_type or 'none'})"
        )
    try:
        return result.json()
    except ValueError as exc:
        raise SourceError(
            f"{ADAPTER}: {what} for source {source.id!r} from {result.url} is not valid "
            f"JSON ({exc})"
        ) from exc


class _Session:
    """One harvest's token, hosts and record reading."""

    def __init__(self, source: SourceConfig, params: CornerstoneParams, client: PoliteClient):
        self.source = source
        self.params = params
        self.client = client
        self.origin = origin(source.base_url)
        self.on_csod = (urlsplit(source.base_url).hostname or "").endswith(".csod.com")
        if params.api_origin:
            self.api_origin = params.api_origin.rstrip("/")
        elif self.on_csod:
            self.api_origin = DEFAULT_API_ORIGIN
        else:
            self.api_origin = self.origin
        site = params.career_site_id
        self.page_url = f"{self.origin}/ux/ats/careersite/{site}/home?c={params.corp}"
        self.grade_pattern = re.compile(params.grade_regex)
        self.token = ""

    async def read_token(self) -> None:
        result = await self.client.fetch("GET", self.page_url, headers={"Accept": "text/html"})
        context = read_context(result.text(), self.source)
        self.token = context["token"].strip()
        endpoints = context.get("endpoints")
        cloud = endpoints.get("cloud") if isinstance(endpoints, dict) else None
        if (
            self.on_csod
            and not self.params.api_origin
            and isinstance(cloud, str)
            and cloud.strip()
            and origin(cloud.strip()) != self.api_origin
        ):
            raise SourceError(
                f"{ADAPTER}: career site page for source {self.source.id!r} names the API "
                f"pod {origin(cloud.strip())}, not {self.api_origin}; set params.api_origin"
            )

    async def call(self, method: str, url: str, *, json: Any = None) -> FetchResult:
        """One request with the token; a 401 re-reads the token once and retries."""
        for attempt in (1, 2):
            try:
                return await self.client.fetch(
                    method,
                    url,
                    json=json,
                    headers={
                        "Accept": "application/json",
                        "Authorization": f"Bearer {self.token}",
                    },
                )
            except HTTPStatusError as exc:
                if exc.status != 401 or attempt == 2:
                    raise
                await self.read_token()
        raise AssertionError("unreachable")  # pragma: no cover

    async def parse_requisitions(
        self, items: list[Any], memo: ListingMemo | None = None
    ) -> tuple[list[ScrapedVacancy], list[RejectedRecord]]:
        records: list[ScrapedVacancy] = []
        rejected: list[RejectedRecord] = []
        for item in items:
            outcome = await self.parse_requisition(item, memo)
            if isinstance(outcome, ScrapedVacancy):
                records.append(outcome)
            elif outcome is not None:
                rejected.append(outcome)
        return records, rejected

    async def parse_requisition(
        self, item: Any, memo: ListingMemo | None = None
    ) -> ScrapedVacancy | RejectedRecord | None:
        """The record of one listed requisition, a rejection, or ``None`` when the memo
        says it is listed as at the last harvest (its job ad is not fetched again)."""
        if not isinstance(item, dict):
            return RejectedRecord(reason=f"requisition is not an object: {item!r:.80}")
        requisition_id = _id(item.get("requisitionId"))
        title = _unescaped(item.get("displayJobTitle"))
        missing = [
            name
            for name, value in (("requisitionId", requisition_id), ("displayJobTitle", title))
            if not value
        ]
        if missing or requisition_id is None:
            return reject_missing(requisition_id, missing)
        ad: str | None = None
        if self.params.fetch_details:
            # The entry is the whole requisition (title, locations, posting dates, the
            # excerpt): nothing in it changes by itself. The visitor token and the page's
            # "timeStamp" live outside the requisitions, so they never count.
            if memo is not None and memo.unchanged(requisition_id, item):
                return None
            outcome = await self.read_ad(requisition_id)
            if isinstance(outcome, RejectedRecord):
                return outcome
            ad = outcome
        return self.record(item, requisition_id, title, ad)

    async def read_ad(self, requisition_id: str) -> str | RejectedRecord:
        """The job ad's HTML ("" when the tenant left it empty), or a rejection."""
        url = (
            f"{self.origin}/Services/API/ATS/CareerSite/{self.params.career_site_id}/"
            f"JobRequisitions/{requisition_id}?useMobileAd=false&cultureId=1"
        )
        try:
            payload = _json(await self.call("GET", url), self.source, "job ad")
        except SourceError as exc:
            return RejectedRecord(external_id=requisition_id, reason=f"job ad not read: {exc}")
        try:
            fields = payload["data"][0]["items"][0]["fields"]
        except (KeyError, IndexError, TypeError):
            fields = None
        if not isinstance(fields, dict):
            return RejectedRecord(
                external_id=requisition_id,
                reason=f"job ad {url} has no 'data[0].items[0].fields' object",
            )
        ad = fields.get("ad")
        return ad.strip() if isinstance(ad, str) else ""

    def record(
        self, item: dict[str, Any], requisition_id: str, title: str | None, ad: str | None
    ) -> ScrapedVacancy | RejectedRecord:
        locations = _locations(item.get("locations"))
        first = locations[0] if locations else {}
        header = ad_header(ad) if ad else {}
        ad_text = clean_text(" ".join(html_lines(ad))) if ad else None
        grade = None
        if ad_text:
            match = self.grade_pattern.search(ad_text)
            if match is not None:
                grade = clean_text(
                    match.group("grade")
                    if "grade" in self.grade_pattern.groupindex
                    else match.group(0)
                )
        deadline = closing_date(header.get("closing_date"))
        deadline_source = "ad" if deadline else None
        if deadline is None:
            deadline = us_date(item.get("postingExpirationDate"), through_the_day=True)
            deadline_source = "postingExpirationDate" if deadline else None
        listing_excerpt = item.get("externalDescription")
        description = ad or (listing_excerpt.strip() if isinstance(listing_excerpt, str) else None)
        extra = {
            **{key: value for key, value in header.items() if key != "closing_date"},
            "closing_date_text": header.get("closing_date"),
            "locations": [_place(location) for location in locations[1:]],
            "deadline_source": deadline_source,
            "career_site_id": self.params.career_site_id,
        }
        return build_vacancy(
            {
                "external_id": requisition_id,
                "url": (
                    f"{self.origin}/ux/ats/careersite/{self.params.career_site_id}/home/"
                    f"requisition/{requisition_id}?c={self.params.corp}"
                ),
                "title": title,
                "organization": self.source.organization,
                "grade": grade,
                "duty_station": _place(first, with_country=False) if first else None,
                "country": first.get("country"),
                "posted_at": us_date(item.get("postingEffectiveDate")),
                "deadline": deadline,
                "description_html": description or None,
                "extra": {k: v for k, v in extra.items() if v not in (None, "", [], {})},
            }
        )


def html_lines(value: str) -> list[str]:
    """The text lines of an HTML fragment (block tags and <br> end a line)."""
    text = html.unescape(_TAG.sub(" ", _BLOCK_TAG.sub("\n", value)))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return [line for line in lines if line]


def ad_header(ad: str) -> dict[str, str]:
    """The labelled header lines of a WBG job ad ("Grade: GG" ...), by key."""
    header: dict[str, str] = {}
    for line in html_lines(ad)[:40]:
        match = _HEADER_LINE.match(line)
        if match is None:
            continue
        key = HEADER_LABELS.get(match["label"].strip().lower())
        if key and key not in header and match["value"]:
            header[key] = match["value"]
    return header


def closing_date(value: Any) -> datetime | None:
    """ "12/3/2026 (MM/DD/YYYY) at 11:59pm UTC" as aware UTC; a date without a time is
    through that day; without a zone the result stays naive."""
    if not isinstance(value, str):
        return None
    match = _CLOSING.search(value)
    if match is None:
        return None
    try:
        day = datetime(int(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError:
        return None
    if match["hour"]:
        hour, minute = int(match["hour"]), int(match["minute"])
        ampm = (match["ampm"] or "").replace(".", "").lower()
        if ampm and not 1 <= hour <= 12:
            return None
        if ampm == "pm" and hour != 12:
            hour += 12
        elif ampm == "am" and hour == 12:
            hour = 0
        if hour > 23 or minute > 59:
            return None
        moment = datetime.combine(day.date(), time(hour, minute))
    else:
        moment = day + timedelta(days=1, seconds=-1)
    return moment.replace(tzinfo=UTC) if match["zone"] else moment


def us_date(value: Any, *, through_the_day: bool = False) -> datetime | None:
    """A listing date (M/D/YYYY, the en-US culture asked for); "-" or junk gives None."""
    if not isinstance(value, str):
        return None
    match = _US_DATE.match(value)
    if match is None:
        return None
    month, day, year = (int(part) for part in match.groups())
    try:
        moment = datetime(year, month, day)
    except ValueError:
        return None
    return moment + timedelta(days=1, seconds=-1) if through_the_day else moment


def _id(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    return clean_text(str(value))


def _unescaped(value: Any) -> str | None:
    return clean_text(html.unescape(value)) if isinstance(value, str) else None


def _locations(value: Any) -> list[dict[str, str]]:
    if not isinstance(value, list):
        return []
    places = []
    for entry in value:
        if not isinstance(entry, dict):
            continue
        place = {
            key: text
            for key in ("city", "state", "country")
            if (text := clean_text(entry.get(key))) is not None
        }
        if place:
            places.append(place)
    return places


def _place(location: dict[str, str], *, with_country: bool = True) -> str | None:
    keys = ("city", "state", "country") if with_country else ("city", "state")
    return ", ".join(location[key] for key in keys if location.get(key)) or None
