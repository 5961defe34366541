"""Any RSS 2.0 or Atom feed of vacancies, parsed with feedparser.

The feed is fetched with the polite client (conditionally, from the stored validators)
and feedparser only parses the bytes: it never fetches. A feed is one page holding the
source's whole listing, so a well-formed feed ends with ``is_last=True``.

Params (sources.toml ``params``), all optional:

- ``organization``: organisation of every entry (else the source's ``organization``).
- ``id_from``: ``"guid"`` (default; the entry's guid/id, else its link) or ``"link"``
  (for feeds whose guids are not stable).
- ``grade_from_title``: find a UN grade written in the title ("P-3", "(P3)", "NO-B",
  "GS-6", "D-1", "IICA-3") and keep it raw.
- ``job_number_from_title``: keep the numbers written "#136457" / "Post # 87009" in the
  title as ``extra["job_numbers"]``.
- ``location_regex``: a regular expression searched in the entry's description as text;
  its group ``duty_station`` (else its first group) is the duty station, e.g.
  ``"Location:\\s*(?P<duty_station>[^.\\n]+)"``.
- ``skip_title_regex``: entries whose title matches are rejected (feeds that mix
  navigation items into their entries).
"""

from __future__ import annotations

import html
import re
import xml.sax
from collections.abc import AsyncIterator
from typing import Any, ClassVar, Literal

import feedparser
from pydantic import BaseModel, ConfigDict

from scrapers.base import (
    SourceConfig,
    build_vacancy,
    clean_text,
    parse_params,
    parse_timestamp,
    reject_missing,
)
from scrapers.http import FetchResult, PoliteClient
from scrapers.records import RejectedRecord, ScrapedPage, ScrapedVacancy, SourceError
from scrapers.registry import register

ADAPTER = "rss"

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
)

GRADE_IN_TITLE = re.compile(
    r"""(?<![A-Za-z0-9-])
    (?: [PD]-?[1-7]                # P-3, P3, D-1
      | GS?-?[1-7]                 # G-5, GS-6
      | N[O0]-?[A-D1-4]            # NO-B, NO-3 (and the frequent typo N0-3)
      | NO[A-D]                    # NOB
      | (?:SB|[IL]ICA|[IN]PSA)-?\d{1,2}  # contracts: SB-4, IICA-3, LICA-9, IPSA-10
    )
    (?![A-Za-z0-9])""",
    re.VERBOSE,
)
"""A UN grade as titles write it; the raw substring is kept, normalisation reads it."""

JOB_NUMBER_IN_TITLE = re.compile(r"#\s*(\d{4,})")

_TAG = re.compile(r"<[^>]+>")


class RssParams(BaseModel):
    """The options an RSS/Atom source may set in sources.toml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    organization: str | None = None
    id_from: Literal["guid", "link"] = "guid"
    grade_from_title: bool = False
    job_number_from_title: bool = False
    location_regex: re.Pattern[str] | None = None
    skip_title_regex: re.Pattern[str] | None = None


@register
class RssAdapter:
    """One RSS or Atom feed: a single page holding the whole listing."""

    name: ClassVar[str] = ADAPTER

    async def pages(self, source: SourceConfig, client: PoliteClient) -> AsyncIterator[ScrapedPage]:
        params = parse_params(ADAPTER, RssParams, source)
        result = await client.fetch(
            "GET",
            source.base_url,
            headers={"Accept": FEED_ACCEPT},
            etag=source.etag,
            last_modified=source.last_modified,
        )
        feed = parse_feed(result)
        entries = list(feed.entries)
        syntax_error = feed_syntax_error(feed)
        if syntax_error and entries:
            # The entry the parser stopped in may be cut short: keep only those before it.
            entries = entries[:-1]
        records, rejected = parse_entries(entries, params, source)
        yield ScrapedPage(
            url=result.url,
            records=records,
            rejected=rejected,
            is_last=syntax_error is None,
            etag=result.etag,
            last_modified=result.last_modified,
        )
        if syntax_error:
            raise SourceError(
                f"{ADAPTER}: malformed feed: {syntax_error} (kept the {len(entries)} entries "
                "before the error; the listing is incomplete)"
            )


def parse_feed(result: FetchResult) -> feedparser.FeedParserDict:
    """Parse the fetched bytes; ``SourceError`` for HTML pages and non-feeds."""
    if result.looks_like_html():
        raise SourceError(
            f"{ADAPTER}: expected a feed from {result.url} but got an HTML page "
            f"(status {result.status}, content-type {result.content_type or 'none'})"
        )
    feed = feedparser.parse(
        result.content,
        response_headers={
            "content-location": result.url,
            "content-type": result.headers.get("content-type", "application/xml"),
        },
    )
    if feed.entries:
        return feed
    if not feed.get("version"):
        raise SourceError(f"{ADAPTER}: response from {result.url} is not an RSS or Atom feed")
    if feed.get("bozo"):
        raise SourceError(f"{ADAPTER}: malformed feed: {_describe(feed.get('bozo_exception'))}")
    return feed


def feed_syntax_error(feed: feedparser.FeedParserDict) -> str | None:
    """The XML error feedparser recovered from, if any. Other bozo reasons (a wrong
    declared encoding, a text/plain content type) leave the entries whole."""
    exception = feed.get("bozo_exception")
    if feed.get("bozo") and isinstance(exception, xml.sax.SAXException):
        return _describe(exception)
    return None


def parse_entries(
    entries: list[Any], params: RssParams, source: SourceConfig
) -> tuple[list[ScrapedVacancy], list[RejectedRecord]]:
    """Split the feed's entries into records and rejections."""
    records: list[ScrapedVacancy] = []
    rejected: list[RejectedRecord] = []
    for entry in entries:
        outcome = parse_entry(entry, params, source)
        if isinstance(outcome, ScrapedVacancy):
            records.append(outcome)
        else:
            rejected.append(outcome)
    return records, rejected


def parse_entry(
    entry: feedparser.FeedParserDict, params: RssParams, source: SourceConfig
) -> ScrapedVacancy | RejectedRecord:
    """One feed entry as a record, or a rejection saying why not."""
    guid = clean_text(entry.get("id"))
    link = clean_text(entry.get("link"))
    title = clean_text(entry.get("title"))
    external_id = (link or guid) if params.id_from == "link" else (guid or link)
    if not link or not title:
        missing = [name for name, value in (("link", link), ("title", title)) if not value]
        return reject_missing(external_id, missing)
    if params.skip_title_regex and params.skip_title_regex.search(title):
        return RejectedRecord(
            external_id=external_id, reason=f"title {title!r} matches skip_title_regex"
        )
    description = entry_description(entry)
    return build_vacancy(
        {
            "external_id": external_id,
            "url": link,
            "title": title,
            "organization": params.organization or source.organization,
            "grade": grade_in_title(title) if params.grade_from_title else None,
            "duty_station": _duty_station(description, params),
            "country": None,
            "posted_at": parse_timestamp(entry.get("published") or entry.get("updated")),
            "deadline": None,
            "description_html": description,
            "extra": _extra(entry, guid, title, params),
        }
    )


def entry_description(entry: feedparser.FeedParserDict) -> str | None:
    """The entry's fullest body: Atom/RSS content, else the summary/description."""
    for content in entry.get("content") or []:
        value = content.get("value")
        if isinstance(value, str) and value.strip():
            return value.strip()
    summary = entry.get("summary")
    return summary.strip() if isinstance(summary, str) and summary.strip() else None


def grade_in_title(title: str) -> str | None:
    """The first UN grade written in ``title``, as written ("P-3", "P3", "N0-3")."""
    match = GRADE_IN_TITLE.search(title)
    return match.group(0) if match else None


def job_numbers_in_title(title: str) -> list[str]:
    """Job numbers written with a "#" in ``title``, as written ("00132723")."""
    return JOB_NUMBER_IN_TITLE.findall(title)


def _duty_station(description: str | None, params: RssParams) -> str | None:
    if not description or params.location_regex is None:
        return None
    match = params.location_regex.search(html_to_text(description))
    if match is None:
        return None
    groups = match.groupdict()
    if "duty_station" in groups:
        found = groups["duty_station"]
    else:
        found = match.group(1) if match.re.groups else match.group(0)
    return clean_text(found.strip(" .,;:") if found else None)


def html_to_text(fragment: str) -> str:
    """Markup removed and entities decoded: enough to search a description."""
    return html.unescape(_TAG.sub(" ", fragment))


def _extra(
    entry: feedparser.FeedParserDict, guid: str | None, title: str, params: RssParams
) -> dict[str, Any]:
    extra: dict[str, Any] = {"guid": guid}
    if params.job_number_from_title:
        extra["job_numbers"] = job_numbers_in_title(title)
    terms = (clean_text(tag.get("term")) for tag in entry.get("tags") or [])
    extra["categories"] = [term for term in terms if term]
    return {key: value for key, value in extra.items() if value}


def _describe(exception: BaseException | None) -> str:
    if isinstance(exception, xml.sax.SAXParseException):
        return f"{exception.getMessage()} at line {exception.getLineNumber()}"
    return str(exception) if exception else "unknown error"
