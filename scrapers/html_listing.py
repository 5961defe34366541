"""Generic HTML vacancy listing, for organisations with no feed (AfDB, AIIB, NDF).

A listing page (``source.base_url``), optionally followed page by page through a "next"
link, parsed with selectolax. Everything site-specific is configuration: which element
is one vacancy, where its title, link, duty station, grade, deadline and posting date
are, and what the detail page holds. A layout change breaks only its own source: when
``item`` matches nothing on a page that is not a genuinely empty listing (``empty_text``
absent), or ``title``/``link`` match nothing inside an item, the run fails with a
``SourceError`` naming the adapter, the source and the selector that no longer matches.

Params (sources.toml ``params``):

- ``item`` (required): CSS selector of one vacancy on the listing page.
- ``title``, ``link`` (required), ``duty_station``, ``deadline``, ``grade``, ``posted``:
  a selector relative to the item, or a table ``{ css = "...", attr = "href", regex =
  "..." }``: ``attr`` reads an attribute instead of the text (``link`` reads ``href``
  by default), ``regex`` cuts the text (group ``value``, else group 1, else the match);
  ``css = ""`` means the item itself.
- ``next``: selector of the next-page link (absent: the listing is one page).
- ``detail``: ``{ description = ..., deadline = ..., grade = ..., duty_station = ...,
  posted = ... }``, the same field specs applied to the detail page; fetched only when
  the listing lacks one of those fields and ``fetch_details`` (default true); not fetched
  again while the item's text and links are as at the last harvest (``ListingMemo``;
  a listing whose items need no detail page never skips anything).
- ``dayfirst`` (default true): "02/03/2026" is 2 March; ``date_formats``: strptime
  formats tried first.
- ``id_from``: "link" (default; the link's path) or a regular expression searched in
  the link (group ``id``, else group 1).
- ``empty_text``: the site's "no vacancies" wording; a page with no item that shows it
  is a complete, empty listing.
- ``organization``, ``max_pages`` (default 20, a safety stop).

Fetches are built on base_url's origin; a record's ``url`` is the absolute public link.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import urljoin, urlsplit

from dateutil import parser as dateutil_parser
from pydantic import BaseModel, ConfigDict, Field, field_validator
from selectolax.lexbor import LexborHTMLParser, LexborNode

from scrapers.base import (
    ListingMemo,
    SourceConfig,
    build_vacancy,
    clean_text,
    html_problem,
    on_origin,
    parse_params,
    regex_value,
    reject_missing,
    stable_link,
)
from scrapers.http import FetchResult, PoliteClient
from scrapers.records import RejectedRecord, ScrapedPage, ScrapedVacancy, SourceError
from scrapers.registry import register

ADAPTER = "html_listing"

_HAS_TIME = re.compile(r"\d{1,2}:\d{2}")


class FieldSpec(BaseModel):
    """Where one field is: a CSS selector, optionally an attribute and a regex."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    css: str = ""
    attr: str | None = None
    regex: re.Pattern[str] | None = None


def _spec(value: Any) -> Any:
    return {"css": value} if isinstance(value, str) else value


class DetailParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    description: FieldSpec | None = None
    deadline: FieldSpec | None = None
    grade: FieldSpec | None = None
    duty_station: FieldSpec | None = None
    posted: FieldSpec | None = None

    _specs = field_validator("*", mode="before")(classmethod(lambda cls, v: _spec(v)))


class HtmlListingParams(BaseModel):
    """The options an HTML listing source may set in sources.toml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    item: str = Field(min_length=1)
    title: FieldSpec
    link: FieldSpec
    duty_station: FieldSpec | None = None
    deadline: FieldSpec | None = None
    grade: FieldSpec | None = None
    posted: FieldSpec | None = None
    next: str | None = None
    detail: DetailParams | None = None
    fetch_details: bool = True
    dayfirst: bool = True
    date_formats: list[str] = Field(default_factory=list)
    id_from: str = "link"
    empty_text: str | None = None
    organization: str | None = None
    max_pages: int = Field(default=20, ge=1)

    _specs = field_validator(
        "title", "link", "duty_station", "deadline", "grade", "posted", mode="before"
    )(classmethod(lambda cls, v: _spec(v)))

    @field_validator("id_from")
    @classmethod
    def _id_from(cls, value: str) -> str:
        if value != "link":
            re.compile(value)
        return value


@register
class HtmlListingAdapter:
    """One configured HTML listing, paged by a "next" link, with optional detail pages."""

    name: ClassVar[str] = ADAPTER

    async def pages(self, source: SourceConfig, client: PoliteClient) -> AsyncIterator[ScrapedPage]:
        params = parse_params(ADAPTER, HtmlListingParams, source)
        url = source.base_url
        visited: set[str] = set()
        seen: set[str] = set()
        for number in range(params.max_pages):
            visited.add(url)
            result = await client.fetch("GET", url, headers={"Accept": "text/html"})
            tree = _parse(result, source, "listing page")
            items = tree.css(params.item)
            next_url = _next_url(tree, params, source)
            if not items:
                text = tree.body.text(separator=" ") if tree.body else ""
                if params.empty_text and params.empty_text.lower() in clean_text(text).lower():
                    yield ScrapedPage(url=url, is_last=True, etag=result.etag)
                    return
                raise SourceError(
                    f"{ADAPTER}: source {source.id!r}: item selector {params.item!r} matches "
                    f"nothing on {result.url} (page {number + 1}) and the page does not say "
                    f"{params.empty_text!r}: the layout changed?"
                )
            memo = ListingMemo(source)
            records, rejected = await _read_items(items, params, source, client, seen, memo)
            yield ScrapedPage(
                url=url,
                records=records,
                rejected=rejected,
                **memo.page_fields(records),
                is_last=next_url is None,
                etag=result.etag,
                last_modified=result.last_modified,
            )
            if next_url is None:
                return
            if next_url in visited:
                raise SourceError(
                    f"{ADAPTER}: source {source.id!r}: next link {params.next!r} leads back to "
                    f"{next_url} (pagination loops)"
                )
            url = next_url
        raise SourceError(
            f"{ADAPTER}: source {source.id!r} has more than {params.max_pages} listing pages; "
            "raise max_pages"
        )


def _parse(result: FetchResult, source: SourceConfig, what: str) -> LexborHTMLParser:
    problem = html_problem(result)
    if problem:
        raise SourceError(f"{ADAPTER}: source {source.id!r}: {what} {result.url} is {problem}")
    return LexborHTMLParser(result.text())


def _next_url(
    tree: LexborHTMLParser, params: HtmlListingParams, source: SourceConfig
) -> str | None:
    if not params.next:
        return None
    node = tree.css_first(params.next)
    href = (node.attributes.get("href") or "").strip() if node is not None else ""
    if not href or href.startswith(("#", "javascript:")):
        return None
    return on_origin(source.base_url, urljoin(source.base_url, href))


def _select(node: LexborNode | LexborHTMLParser, spec: FieldSpec) -> LexborNode | None:
    if not spec.css:
        return node if isinstance(node, LexborNode) else None
    return node.css_first(spec.css)


def read_field(node: LexborNode | LexborHTMLParser, spec: FieldSpec | None) -> str | None:
    """The field's value under ``node``: attribute or text, cut by the regex."""
    if spec is None:
        return None
    found = _select(node, spec)
    if found is None:
        return None
    raw = found.attributes.get(spec.attr) if spec.attr else found.text(separator="\n")
    if not raw:
        return None
    if spec.regex is not None:
        return regex_value(spec.regex, raw)
    return clean_text(raw)


async def _read_items(
    items: list[LexborNode],
    params: HtmlListingParams,
    source: SourceConfig,
    client: PoliteClient,
    seen: set[str],
    memo: ListingMemo | None = None,
) -> tuple[list[ScrapedVacancy], list[RejectedRecord]]:
    records: list[ScrapedVacancy] = []
    rejected: list[RejectedRecord] = []
    link_spec = params.link if params.link.attr else params.link.model_copy(update={"attr": "href"})
    for item in items:
        for name, spec in (("title", params.title), ("link", link_spec)):
            if _select(item, spec) is None:
                raise SourceError(
                    f"{ADAPTER}: source {source.id!r}: {name} selector {spec.css!r} matches "
                    f"nothing in an item {params.item!r} (the layout changed?)"
                )
        outcome = await _read_item(item, link_spec, params, source, client, seen, memo)
        if outcome is None:
            continue  # listed as at the last harvest: its detail page is not read again
        if isinstance(outcome, ScrapedVacancy) and outcome.external_id in seen:
            outcome = RejectedRecord(external_id=outcome.external_id, reason="listed twice")
        if isinstance(outcome, ScrapedVacancy):
            seen.add(outcome.external_id)
            records.append(outcome)
        else:
            rejected.append(outcome)
    return records, rejected


async def _read_item(
    item: LexborNode,
    link_spec: FieldSpec,
    params: HtmlListingParams,
    source: SourceConfig,
    client: PoliteClient,
    seen: set[str] | None = None,
    memo: ListingMemo | None = None,
) -> ScrapedVacancy | RejectedRecord | None:
    """The record of one listed item, a rejection, or ``None`` when its detail page would
    be fetched but the memo says the item is listed as at the last harvest. An item the
    listing alone completes (no detail wanted) is never asked about: the memo saves
    detail requests only."""
    title = read_field(item, params.title)
    href = read_field(item, link_spec)
    public_url = urljoin(source.base_url, href) if href else None
    external_id = _external_id(public_url, params)
    missing = [n for n, v in {"title": title, "link": href, "id": external_id}.items() if not v]
    if missing:
        return reject_missing(external_id, missing)
    assert public_url is not None
    fields: dict[str, Any] = {
        name: read_field(item, getattr(params, name))
        for name in ("duty_station", "deadline", "grade", "posted")
    }
    fields["description"] = None
    detail = params.detail
    wanted = [
        name
        for name in ("description", "deadline", "grade", "duty_station", "posted")
        if detail is not None and getattr(detail, name) is not None and not fields[name]
    ]
    if wanted and params.fetch_details and detail is not None:
        # A second listing of the same id goes on as before (read, then "listed twice").
        first_listing = seen is None or external_id not in seen
        if first_listing and memo is not None and memo.unchanged(external_id, item_entry(item)):
            if seen is not None:
                seen.add(external_id)
            return None
        outcome = await _fetch_detail(
            on_origin(source.base_url, public_url), detail, wanted, client
        )
        if isinstance(outcome, str):
            return RejectedRecord(external_id=external_id, reason=outcome)
        fields.update(outcome)
    extra: dict[str, Any] = {}
    deadline = parse_date(fields["deadline"], params, end_of_day=True)
    if fields["deadline"] and deadline is None:
        extra["unparsed_deadline"] = fields["deadline"]
    return build_vacancy(
        {
            "external_id": external_id,
            "url": public_url,
            "title": title,
            "organization": params.organization or source.organization,
            "grade": fields["grade"],
            "duty_station": fields["duty_station"],
            "posted_at": parse_date(fields["posted"], params),
            "deadline": deadline,
            "description_html": fields["description"],
            "extra": extra,
        }
    )


def item_entry(item: LexborNode) -> dict[str, Any]:
    """What the listing says of one item, for ``ListingMemo``: the item's text (title,
    grade, duty station, dates: whatever the row shows) and its links. Left out: the
    item's attributes (Drupal-style "views-row-3 views-row-odd" classes follow the
    position in the listing) and session ids in the links, which change by themselves."""
    nodes = [item] if item.attributes.get("href") else []
    nodes += item.css("a[href]")
    links = [stable_link(node.attributes.get("href") or "") for node in nodes]
    return {"text": clean_text(item.text(separator=" ")), "links": links}


def _external_id(url: str | None, params: HtmlListingParams) -> str | None:
    if not url:
        return None
    if params.id_from == "link":
        return urlsplit(url).path.rstrip("/") or None
    match = re.search(params.id_from, url)
    if match is None:
        return None
    pattern = match.re
    value = match.group("id") if "id" in pattern.groupindex else match.group(pattern.groups and 1)
    return clean_text(value)


async def _fetch_detail(
    url: str, detail: DetailParams, wanted: list[str], client: PoliteClient
) -> dict[str, Any] | str:
    try:
        result = await client.fetch("GET", url, headers={"Accept": "text/html"})
    except SourceError as exc:
        return f"detail page could not be fetched: {exc}"
    problem = html_problem(result)
    if problem:
        return f"detail page {result.url} is {problem}"
    tree = LexborHTMLParser(result.text())
    fields: dict[str, Any] = {}
    for name in wanted:
        spec = getattr(detail, name)
        if name == "description":
            node = _select(tree, spec)
            fields[name] = (node.html or "").strip() or None if node is not None else None
        else:
            fields[name] = read_field(tree, spec)
    if "description" in wanted and not fields.get("description"):
        selector = detail.description.css if detail.description else ""
        return f"detail page {result.url}: description selector {selector!r} matches nothing"
    return fields


def parse_date(
    text: str | None, params: HtmlListingParams, *, end_of_day: bool = False
) -> datetime | None:
    """A date as the site writes it; a deadline day without a time means through that day."""
    if not text:
        return None
    moment: datetime | None = None
    for fmt in params.date_formats:
        try:
            moment = datetime.strptime(text.strip(), fmt)
            break
        except ValueError:
            continue
    if moment is None:
        try:
            moment = dateutil_parser.parse(text, dayfirst=params.dayfirst, fuzzy=True)
        except (ValueError, OverflowError):
            return None
    if end_of_day and not _HAS_TIME.search(text):
        moment = moment.replace(hour=23, minute=59, second=59)
    return moment
