"""Oracle Recruiting Cloud (Oracle HCM "Candidate Experience") career sites.

The candidate-experience pages are a JavaScript app over two public, unauthenticated
REST resources of the tenant's host (``base_url``, e.g. UNDP's Quantum instance
``https://estm.fa.em2.oraclecloud.com``):

Listing, one request per page::

    GET {base_url}/hcmRestApi/resources/latest/recruitingCEJobRequisitions
        ?onlyData=true
        &expand=requisitionList.secondaryLocations,flexFieldsFacet.values
        &finder=findReqs;siteNumber=CX_1,facetsList=LOCATIONS;...,limit=25,offset=0,
                sortBy=POSTING_DATES_DESC

Paging lives *inside* the ``finder`` value (``limit=``/``offset=``), not in the query
string. The answer is ``{"items": [{"TotalJobsCount": N, "requisitionList": [...], ...}],
"count": 1, "hasMore": false, ...}``: one search-result item whose ``requisitionList``
holds the postings (``Id``, ``Title``, ``PostedDate``, ``PostingEndDate``,
``PrimaryLocation``, ``PrimaryLocationCountry``, ``ShortDescriptionStr``, ``JobFamily``,
``WorkplaceType``, ``secondaryLocations`` ...). Pages follow by offset until
``TotalJobsCount`` is reached.

Detail, one request per posting (only while ``fetch_details`` is on)::

    GET {base_url}/hcmRestApi/resources/latest/recruitingCEJobRequisitionDetails
        ?expand=all&onlyData=true&finder=ById;Id="12345",siteNumber=CX_1

answering ``{"items": [{"Id", "Title", "ExternalDescriptionStr",
"ExternalResponsibilitiesStr", "ExternalQualificationsStr", "PrimaryLocation",
"ExternalPostedStartDate", "ExternalPostedEndDate", "Organization", "JobFamily",
"requisitionFlexFields": [{"Prompt": "...", "Value": "..."}], ...}]}``. The listing has
no full description and often no closing date, so the detail is what makes a vacancy;
a detail that fails (404, HTML, no item, another Id) rejects that one posting.

The public posting (the link people click) is
``{base_url}/hcmUI/CandidateExperience/{language}/sites/{site_number}/job/{Id}``.

Where the shape comes from: the endpoints, the finder syntax (``findReqs``/``ById``),
``items[0].TotalJobsCount``/``requisitionList`` and the detail field names are used the
same way by many public scrapers of Oracle CE sites (UNDP's own among them, which reads
agency, grade and practice area from ``requisitionFlexFields``); the exact set of flex
prompts on each UN site and the date formats of ``ExternalPostedEndDate`` could not be
verified without the live site. Hence the prompt names are params, and a prompt may also
be read as a "Prompt: value" line of the description (UNDP's announcements print
"Agency: ...", "Grade: ..." there).

UNDP's site also carries other agencies' posts (UNCDF, UNV, UN Women JPO posts...): the
flex field named by ``agency_prompts`` becomes the record's organisation, else the
source's organisation.

Params (sources.toml ``params``):

- ``site_number`` (required): the career site, e.g. "CX_1".
- ``limit`` (default 25, at most 200), ``max_pages`` (default 60; a safety stop),
  ``fetch_details`` (default true), ``keyword`` (optional search words),
  ``facets_list`` (the ``facetsList`` finder value), ``finder_extra`` (more finder
  attributes, e.g. ``{selectedCategoriesFacet = "300000..."}``), ``sort_by`` (default
  "POSTING_DATES_DESC"), ``language`` (default "en", for the public URL).
- ``grade_prompts``, ``agency_prompts``, ``contract_prompts``, ``deadline_prompts``:
  flex-field prompts (case-insensitive) to read grade, agency, contract/vacancy type and
  a closing date from; ``extra_prompts``: further prompts kept in ``extra``.

Oracle sends no validators for these searches, so the adapter does not ask
conditionally.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import datetime, time, timedelta
from html import unescape
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from scrapers.base import (
    ListingMemo,
    SourceConfig,
    build_vacancy,
    clean_text,
    is_count,
    parse_params,
    parse_timestamp,
    reject_missing,
    source_origin,
)
from scrapers.http import FetchResult, PoliteClient
from scrapers.records import RejectedRecord, ScrapedPage, ScrapedVacancy, SourceError
from scrapers.registry import register

ADAPTER = "oracle_recruiting"

LISTING_PATH = "/hcmRestApi/resources/latest/recruitingCEJobRequisitions"
DETAIL_PATH = "/hcmRestApi/resources/latest/recruitingCEJobRequisitionDetails"
LISTING_EXPAND = "requisitionList.secondaryLocations,flexFieldsFacet.values"
DEFAULT_FACETS = (
    "LOCATIONS;WORK_LOCATIONS;WORKPLACE_TYPES;TITLES;CATEGORIES;ORGANIZATIONS;"
    "POSTING_DATES;FLEX_FIELDS"
)
DESCRIPTION_FIELDS = (
    "ExternalDescriptionStr",
    "ExternalResponsibilitiesStr",
    "ExternalQualificationsStr",
)
_EXTRA_FIELDS = {
    "JobFamily": "job_family",
    "JobFunction": "job_function",
    "Organization": "organization_unit",
    "Category": "category",
    "WorkplaceType": "workplace_type",
    "JobSchedule": "job_schedule",
    "JobType": "job_type",
    "ContractType": "contract_type",
    "WorkerType": "worker_type",
    "RequisitionType": "requisition_type",
    "LegalEmployer": "legal_employer",
    "BusinessUnit": "business_unit",
    "Department": "department",
}
_JPO = re.compile(r"\bJPO\b|junior professional officer", re.IGNORECASE)


class OracleRecruitingParams(BaseModel):
    """The options an Oracle Recruiting Cloud source may set in sources.toml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    site_number: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_]+$")
    limit: int = Field(default=25, ge=1, le=200)
    max_pages: int = Field(default=60, ge=1)
    fetch_details: bool = True
    keyword: str | None = None
    facets_list: str = DEFAULT_FACETS
    finder_extra: dict[str, str] = Field(default_factory=dict)
    sort_by: str | None = "POSTING_DATES_DESC"
    language: str = Field(default="en", pattern=r"^[A-Za-z_-]+$")
    grade_prompts: list[str] = Field(
        default_factory=lambda: ["Grade", "Job Grade", "Position Grade", "Level"]
    )
    agency_prompts: list[str] = Field(
        default_factory=lambda: ["Agency", "Hiring Agency", "Hiring Entity"]
    )
    contract_prompts: list[str] = Field(
        default_factory=lambda: ["Vacancy Type", "Contract Type", "Type of Contract"]
    )
    deadline_prompts: list[str] = Field(
        default_factory=lambda: ["Deadline", "Closing Date", "Application Deadline"]
    )
    extra_prompts: list[str] = Field(
        default_factory=lambda: ["Practice Area", "Contract Duration", "Bureau", "Post Level"]
    )


@register
class OracleRecruitingAdapter:
    """Postings of one Oracle Recruiting Cloud career site, paged by finder offset."""

    name: ClassVar[str] = ADAPTER

    async def pages(self, source: SourceConfig, client: PoliteClient) -> AsyncIterator[ScrapedPage]:
        params = parse_params(ADAPTER, OracleRecruitingParams, source)
        origin = source_origin(ADAPTER, source)
        endpoint = origin + LISTING_PATH
        offset = 0
        totals_seen: set[int] = set()
        for _ in range(params.max_pages):
            result = await client.fetch(
                "GET",
                endpoint,
                params=listing_query(params, offset),
                headers={"Accept": "application/json"},
            )
            total, items = read_listing(result, source)
            totals_seen.add(total)
            records: list[ScrapedVacancy] = []
            rejected: list[RejectedRecord] = []
            memo = ListingMemo(source)
            for item in items:
                outcome = await self._posting(item, source, params, client, origin, memo)
                if isinstance(outcome, ScrapedVacancy):
                    records.append(outcome)
                elif outcome is not None:
                    rejected.append(outcome)
            page_url = f"{endpoint}?offset={offset}&limit={params.limit}"
            offset += len(items)
            yield ScrapedPage(
                url=page_url,
                records=records,
                rejected=rejected,
                **memo.page_fields(records),
                # A total that moved while we paged may have shifted postings past us.
                is_last=offset >= total and len(totals_seen) == 1,
                etag=result.etag,
                last_modified=result.last_modified,
            )
            if offset >= total or not items:
                return
        raise SourceError(
            f"{ADAPTER}: source {source.id!r} has more than {params.max_pages} pages of "
            f"{params.limit} postings; raise max_pages or narrow the search"
        )

    async def _posting(
        self,
        item: Any,
        source: SourceConfig,
        params: OracleRecruitingParams,
        client: PoliteClient,
        origin: str,
        memo: ListingMemo | None = None,
    ) -> ScrapedVacancy | RejectedRecord | None:
        """The record of one listed posting, a rejection, or ``None`` when the memo says
        the posting is listed as at the last harvest (its detail is not fetched again)."""
        if not isinstance(item, dict):
            return RejectedRecord(reason=f"posting is not an object: {item!r:.80}")
        external_id = _text_id(item.get("Id"))
        title = clean_text(item.get("Title"))
        missing = [name for name, value in (("Id", external_id), ("Title", title)) if not value]
        if missing:
            return reject_missing(external_id, missing)
        assert external_id is not None
        detail: dict[str, Any] = {}
        if params.fetch_details:
            if memo is not None and memo.unchanged(external_id, listing_entry(item)):
                return None
            fetched = await fetch_detail(client, origin, params, external_id)
            if isinstance(fetched, RejectedRecord):
                return fetched
            detail = fetched
        return parse_posting(item, detail, source, params, origin)


def listing_query(params: OracleRecruitingParams, offset: int) -> dict[str, str]:
    """The query string of the listing page starting at ``offset``."""
    finder = [f"siteNumber={params.site_number}"]
    if params.facets_list:
        finder.append(f"facetsList={params.facets_list}")
    if params.keyword:
        finder.append(f'keyword="{params.keyword}"')
    finder.extend(f"{key}={value}" for key, value in params.finder_extra.items())
    finder.append(f"limit={params.limit}")
    finder.append(f"offset={offset}")
    if params.sort_by:
        finder.append(f"sortBy={params.sort_by}")
    return {
        "onlyData": "true",
        "expand": LISTING_EXPAND,
        "finder": "findReqs;" + ",".join(finder),
    }


VOLATILE_LISTING_FIELDS = frozenset({"Relevancy", "Distance", "TrendingFlag", "BeFirstToApplyFlag"})
"""Listing fields that change by themselves: the search's relevance score and distance
(they depend on the query), and Oracle's "trending" / "be first to apply" badges (they
follow the applications and views, not the posting)."""


def listing_entry(item: dict[str, Any]) -> dict[str, Any]:
    """What the listing says of a posting, for ``ListingMemo``: the whole
    ``requisitionList`` entry but ``VOLATILE_LISTING_FIELDS``."""
    return {key: value for key, value in item.items() if key not in VOLATILE_LISTING_FIELDS}


def detail_query(params: OracleRecruitingParams, external_id: str) -> dict[str, str]:
    return {
        "expand": "all",
        "onlyData": "true",
        "finder": f'ById;Id="{external_id}",siteNumber={params.site_number}',
    }


def read_listing(result: FetchResult, source: SourceConfig) -> tuple[int, list[Any]]:
    """``(TotalJobsCount, requisitionList)`` of one listing page, or ``SourceError``."""
    payload = _json_object(result, source, "listing")
    items = payload.get("items")
    if not isinstance(items, list):
        raise SourceError(f"{ADAPTER}: response for source {source.id!r} has no 'items' list")
    if not items:
        # A site with no open postings may answer without a search-result item.
        return 0, []
    search = items[0]
    if not isinstance(search, dict):
        raise SourceError(
            f"{ADAPTER}: response for source {source.id!r} has no search result object in 'items'"
        )
    postings = search.get("requisitionList")
    if not isinstance(postings, list):
        raise SourceError(
            f"{ADAPTER}: response for source {source.id!r} has no 'requisitionList' list"
        )
    total = search.get("TotalJobsCount")
    if not is_count(total):
        raise SourceError(
            f"{ADAPTER}: response for source {source.id!r} has no 'TotalJobsCount' number"
        )
    return total, postings


async def fetch_detail(
    client: PoliteClient, origin: str, params: OracleRecruitingParams, external_id: str
) -> dict[str, Any] | RejectedRecord:
    """The posting's detail item, or a rejection saying why it could not be read."""
    try:
        result = await client.fetch(
            "GET",
            origin + DETAIL_PATH,
            params=detail_query(params, external_id),
            headers={"Accept": "application/json"},
        )
    except SourceError as exc:
        return RejectedRecord(external_id=external_id, reason=f"detail not fetched: {exc}")
    if result.looks_like_html():
        return RejectedRecord(external_id=external_id, reason="detail is an HTML page, not JSON")
    try:
        payload = result.json()
    except ValueError:
        return RejectedRecord(external_id=external_id, reason="detail is not valid JSON")
    items = payload.get("items") if isinstance(payload, dict) else None
    if not isinstance(items, list) or not items or not isinstance(items[0], dict):
        return RejectedRecord(external_id=external_id, reason="detail has no 'items' entry")
    detail = items[0]
    detail_id = _text_id(detail.get("Id"))
    if detail_id is not None and detail_id != external_id:
        return RejectedRecord(
            external_id=external_id, reason=f"detail answers for another posting ({detail_id})"
        )
    return detail


def parse_posting(
    item: dict[str, Any],
    detail: dict[str, Any],
    source: SourceConfig,
    params: OracleRecruitingParams,
    origin: str,
) -> ScrapedVacancy | RejectedRecord:
    """One posting (listing row plus detail, if fetched) as a record."""
    merged = {**item, **{key: value for key, value in detail.items() if value not in (None, "")}}
    external_id = _text_id(merged.get("Id")) or ""
    flex = flex_fields(detail.get("requisitionFlexFields"))
    description = _description(merged)
    labels = _labelled_lines(description)

    def prompt(names: list[str]) -> str | None:
        return _pick(flex, names) or _pick(labels, names)

    grade = prompt(params.grade_prompts) or clean_text(merged.get("JobGrade"))
    agency = prompt(params.agency_prompts)
    contract = prompt(params.contract_prompts)
    deadline = closing_deadline(
        merged.get("ExternalPostedEndDate") or merged.get("PostingEndDate")
    ) or closing_deadline(prompt(params.deadline_prompts))
    posted = parse_timestamp(merged.get("ExternalPostedStartDate")) or parse_timestamp(
        merged.get("PostedDate")
    )
    extra: dict[str, Any] = {"requisition_id": external_id}
    for field_name, key in _EXTRA_FIELDS.items():
        value = clean_text(merged.get(field_name))
        if value:
            extra[key] = value
    if contract:
        extra["vacancy_type"] = contract
        extra["jpo"] = bool(_JPO.search(contract))
    for name in params.extra_prompts:
        value = _pick(flex, [name]) or _pick(labels, [name])
        if value:
            extra[_snake(name)] = value
    if agency:
        extra["agency"] = agency
    secondary = _secondary_locations(merged.get("secondaryLocations"))
    if secondary:
        extra["secondary_locations"] = secondary
    if flex:
        extra["flex_fields"] = flex
    return build_vacancy(
        {
            "external_id": external_id,
            "url": (
                f"{origin}/hcmUI/CandidateExperience/{params.language}/sites/"
                f"{params.site_number}/job/{external_id}"
            ),
            "title": clean_text(merged.get("Title")),
            "organization": agency or source.organization,
            "grade": grade,
            "duty_station": clean_text(merged.get("PrimaryLocation")),
            "country": clean_text(merged.get("PrimaryLocationCountry")),
            "posted_at": posted,
            "deadline": deadline,
            "description_html": description,
            "extra": extra,
        }
    )


def flex_fields(value: Any) -> dict[str, str]:
    """``requisitionFlexFields`` as prompt -> value (entries without both are skipped)."""
    if isinstance(value, dict) and isinstance(value.get("items"), list):
        value = value["items"]
    if not isinstance(value, list):
        return {}
    fields: dict[str, str] = {}
    for entry in value:
        if not isinstance(entry, dict):
            continue
        prompt = clean_text(entry.get("Prompt"))
        text = clean_text(entry.get("Value"))
        if prompt and text:
            fields.setdefault(prompt, text)
    return fields


def closing_deadline(value: Any) -> datetime | None:
    """A closing date. A bare day means "through that day" (its last second); a moment
    with an offset is kept, in UTC."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        return None
    moment = parse_timestamp(text)
    if moment is None:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) or (
        moment.tzinfo is None and moment.time() == time(0, 0) and ":" not in text
    ):
        return moment + timedelta(days=1, seconds=-1)
    return moment


def _json_object(result: FetchResult, source: SourceConfig, what: str) -> dict[str, Any]:
    if result.looks_like_html():
        raise SourceError(
            f"{ADAPTER}: expected JSON {what} for source {source.id!r} from {result.url} but "
            f"got an HTML page (status {result.status}, content-type "
            f"{result.content_type or 'none'}); a login or maintenance page?"
        )
    try:
        payload = result.json()
    except ValueError as exc:
        raise SourceError(
            f"{ADAPTER}: {what} for source {source.id!r} from {result.url} is not valid JSON "
            f"({exc})"
        ) from exc
    if not isinstance(payload, dict):
        raise SourceError(f"{ADAPTER}: {what} for source {source.id!r} is not a JSON object")
    return payload


def _text_id(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    return str(value).strip() or None


def _description(fields: dict[str, Any]) -> str | None:
    parts = [
        fields[name].strip()
        for name in DESCRIPTION_FIELDS
        if isinstance(fields.get(name), str) and fields[name].strip()
    ]
    if parts:
        return "\n".join(parts)
    short = fields.get("ShortDescriptionStr")
    return short.strip() if isinstance(short, str) and short.strip() else None


_TAG = re.compile(r"<[^>]+>")
_BLOCK_END = re.compile(r"<br\s*/?>|</(?:p|div|li|h[1-6]|tr)>", re.IGNORECASE)
_LABEL_LINE = re.compile(r"^\s*([A-Za-z][A-Za-z /&-]{1,40}?)\s*:\s*(\S.{0,150}?)\s*$")


def _labelled_lines(description: str | None) -> dict[str, str]:
    """ "Label: value" lines of the description's text (first occurrence wins)."""
    if not description:
        return {}
    text = unescape(_TAG.sub(" ", _BLOCK_END.sub("\n", description)))
    labels: dict[str, str] = {}
    for line in text.splitlines():
        match = _LABEL_LINE.match(line)
        if match:
            label = " ".join(match.group(1).split())
            labels.setdefault(label, " ".join(match.group(2).split()))
    return labels


def _pick(fields: dict[str, str], names: list[str]) -> str | None:
    lowered = {key.casefold(): value for key, value in fields.items()}
    for name in names:
        value = lowered.get(name.casefold())
        if value:
            return value
    return None


def _snake(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", name.casefold()).strip("_")


def _secondary_locations(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    names = (clean_text(entry.get("Name")) for entry in value if isinstance(entry, dict))
    return [name for name in names if name]
