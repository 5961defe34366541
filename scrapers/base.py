"""What every adapter is and receives, plus the small helpers adapters share.

An adapter reads one kind of source (the ReliefWeb API, an RSS feed...) and yields
``ScrapedPage`` objects. It knows nothing of the database: the engine hands it a
``SourceConfig`` (one entry of sources.toml, with the stored validators) and a
``PoliteClient``, and stores what comes out.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, ClassVar, Protocol, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from dateutil import parser as dateutil_parser
from pydantic import BaseModel, ValidationError
from selectolax.lexbor import LexborHTMLParser

from scrapers.http import FetchResult, PoliteClient
from scrapers.records import RejectedRecord, ScrapedPage, ScrapedVacancy, SourceError


@dataclass(frozen=True)
class SourceConfig:
    """One source as configured: which adapter reads it, where, and with what options."""

    id: str
    adapter: str
    base_url: str
    organization: str | None = None
    """Default organisation for records that do not name one."""
    params: Mapping[str, Any] = field(default_factory=dict)
    """Adapter-specific options; each adapter validates its own and rejects unknown keys."""
    etag: str | None = None
    last_modified: str | None = None
    """Validators stored from the previous complete run, sent for a conditional GET."""
    known: Mapping[str, str] = field(default_factory=dict)
    """External id -> fingerprint of its listing entry at the last harvest, for stored
    vacancies whose detail page need not be fetched again while that entry is unchanged
    (see ``ListingMemo``). Empty: fetch every detail (what a check or a test asks)."""
    listing_salt: str = ""
    """Mixed into every listing fingerprint: the engine passes the normalisation
    fingerprint, so a change of the normalisation rules re-reads every detail."""


class Adapter(Protocol):
    """Reads one kind of source into pages of records.

    ``pages`` is an async generator. It raises ``NotModified`` when the first request is
    answered 304, and ``SourceError`` when a fetch fails or the payload's shape changed
    (the message names the adapter and what is missing, e.g. "reliefweb: response has
    no 'data' list"). Records that cannot be read become ``RejectedRecord``s on their
    page; the other records go on.
    """

    name: ClassVar[str]

    def pages(self, source: SourceConfig, client: PoliteClient) -> AsyncIterator[ScrapedPage]:
        """Yield the source's pages in order; the last one of a complete listing has
        ``is_last=True``."""
        ...


ParamsModel = TypeVar("ParamsModel", bound=BaseModel)


def parse_params(adapter: str, model: type[ParamsModel], source: SourceConfig) -> ParamsModel:
    """Validate ``source.params`` against the adapter's options model.

    A missing required option, a wrong type or an unknown key (a typo in sources.toml)
    raises ``SourceError`` naming the adapter, the source and the offending keys.
    """
    try:
        return model.model_validate(dict(source.params))
    except ValidationError as exc:
        problems = "; ".join(_describe_error(error) for error in exc.errors())
        raise SourceError(
            f"{adapter}: invalid params for source {source.id!r}: {problems}"
        ) from exc


def build_vacancy(fields: dict[str, Any]) -> ScrapedVacancy | RejectedRecord:
    """Turn the fields an adapter read into a record, or a rejection saying why not."""
    try:
        return ScrapedVacancy(**fields)
    except ValidationError as exc:
        problems = "; ".join(_describe_error(error) for error in exc.errors())
        external_id = fields.get("external_id") or None
        return RejectedRecord(external_id=external_id, reason=problems)


def reject_missing(external_id: str | None, missing: list[str]) -> RejectedRecord:
    """A rejection for a record that lacks required fields."""
    return RejectedRecord(external_id=external_id, reason=f"missing {', '.join(missing)}")


def is_count(value: Any) -> bool:
    """Whether a JSON value is a count of records: a non-negative integer (not a bool)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def clean_text(value: Any) -> str | None:
    """A string with its whitespace collapsed, or ``None`` when empty or not a string."""
    if not isinstance(value, str):
        return None
    cleaned = " ".join(value.split())
    return cleaned or None


def parse_timestamp(value: Any, *, assume_utc: bool = False) -> datetime | None:
    """Parse an ISO 8601, RFC 822 (RSS) or other common timestamp.

    Aware results are converted to UTC. A timestamp that names no zone stays naive
    ("the source did not say") unless ``assume_utc`` says the source documents UTC.
    Returns ``None`` for missing or unreadable values; absurd years pass through, for
    the engine to judge.
    """
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        return None
    parsed = _parse_iso(text) or _parse_rfc822(text) or _parse_loosely(text)
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC) if assume_utc else parsed
    return parsed.astimezone(UTC)


def _parse_iso(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def _parse_rfc822(text: str) -> datetime | None:
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def _parse_loosely(text: str) -> datetime | None:
    try:
        return dateutil_parser.parse(text)
    except (ValueError, OverflowError):
        return None


def _describe_error(error: Mapping[str, Any]) -> str:
    location = ".".join(str(part) for part in error.get("loc", ())) or "value"
    if error.get("type") == "missing":
        return f"missing {location}"
    if error.get("type") == "extra_forbidden":
        return f"unknown key {location}"
    return f"{location}: {error.get('msg', 'invalid')}"


# --- Listing entries seen before (detail-page adapters) --------------------------------


def listing_fingerprint(source: SourceConfig, entry: Any) -> str:
    """A short digest of one listing entry (a JSON value or a piece of HTML text)."""
    if isinstance(entry, str | bytes):
        data = entry.encode() if isinstance(entry, str) else entry
    else:
        data = json.dumps(entry, sort_keys=True, ensure_ascii=False, default=str).encode()
    return hashlib.sha256(source.listing_salt.encode() + b"\0" + data).hexdigest()[:32]


class ListingMemo:
    """Per listing page: which listed vacancies are the same as at the last harvest.

    Adapters that complete each listed vacancy with a detail request ask
    ``unchanged(listed_id, entry)`` before that request. ``entry`` is what the listing
    says of the vacancy, without parts that change by themselves ("Posted 3 days ago").
    When the stored fingerprint of that id equals this one, the detail is not fetched
    again: the id goes to the page's ``unchanged`` list and the engine counts the stored
    vacancy as seen and unchanged. Otherwise the fingerprint travels with the page and is
    stored with the record (only under the id the listing gave, so a record that comes
    back under another id is simply read in full next time).
    """

    def __init__(self, source: SourceConfig) -> None:
        self.source = source
        self.unchanged_ids: list[str] = []
        self._fingerprints: dict[str, str] = {}

    def unchanged(self, listed_id: str | None, entry: Any) -> bool:
        if not listed_id:
            return False
        fingerprint = listing_fingerprint(self.source, entry)
        if self.source.known.get(listed_id) == fingerprint:
            self.unchanged_ids.append(listed_id)
            return True
        self._fingerprints[listed_id] = fingerprint
        return False

    def page_fields(self, records: list[ScrapedVacancy]) -> dict[str, Any]:
        """``unchanged`` and ``listing_fingerprints`` for the ``ScrapedPage`` of these records."""
        fingerprints = {
            record.external_id: self._fingerprints[record.external_id]
            for record in records
            if record.external_id in self._fingerprints
        }
        return {"unchanged": list(self.unchanged_ids), "listing_fingerprints": fingerprints}


_SESSION_PATH = re.compile(r";jsessionid=[^/?#]*", re.IGNORECASE)
_SESSION_PARAMS = frozenset({"jsessionid", "sessionid", "phpsessid", "sid"})


def stable_link(href: str) -> str:
    """``href`` without session ids (``;jsessionid=...``, ``?jsessionid=``, ``sid=``), which
    change by themselves: for the listing entries of ``ListingMemo``."""
    parts = urlsplit(_SESSION_PATH.sub("", href.strip()))
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if name.lower() not in _SESSION_PARAMS
    ]
    return urlunsplit(parts._replace(query=urlencode(query)))


# --- Pages and links (HTML adapters) ---------------------------------------------------


def origin(base_url: str) -> str:
    """scheme://host[:port] of the source: every fetch is built on it."""
    parts = urlsplit(base_url)
    return f"{parts.scheme}://{parts.netloc}"


def source_origin(adapter: str, source: SourceConfig) -> str:
    """``origin`` of the source's base_url, or ``SourceError`` when it has none."""
    parts = urlsplit(source.base_url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SourceError(
            f"{adapter}: source {source.id!r} has no usable base_url ({source.base_url!r})"
        )
    return f"{parts.scheme}://{parts.netloc}"


def json_object(adapter: str, result: FetchResult) -> dict[str, Any]:
    """The JSON object a response holds, or ``SourceError`` naming what came instead: an
    HTML page (a login or maintenance page), invalid JSON, or another JSON value."""
    if result.looks_like_html():
        raise SourceError(
            f"{adapter}: expected JSON from {result.url} but got an HTML page "
            f"(status {result.status}, content-type {result.content_type or 'none'})"
        )
    try:
        payload = result.json()
    except ValueError as exc:
        raise SourceError(
            f"{adapter}: response from {result.url} is not valid JSON ({exc})"
        ) from exc
    if not isinstance(payload, dict):
        raise SourceError(f"{adapter}: response from {result.url} is not a JSON object")
    return payload


def on_origin(base_url: str, link: str) -> str:
    """The path and query of ``link`` joined onto the source's origin (never another host)."""
    parts = urlsplit(link)
    path = parts.path if parts.path.startswith("/") else "/" + parts.path
    return origin(base_url) + path + (f"?{parts.query}" if parts.query else "")


def html_problem(result: FetchResult) -> str | None:
    """Why this response is not a complete HTML page, or ``None``."""
    head = result.content[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if result.content_type.endswith("json") or head.startswith((b"{", b"[")):
        return "JSON, not the expected HTML page"
    if head.startswith((b"<?xml", b"<rss", b"<feed")):
        return "XML, not the expected HTML page"
    text = result.text()
    if "<" not in text:
        return "not HTML"
    tree = LexborHTMLParser(text)
    if tree.css_first("input[type=password]") is not None:
        return "a login page, not the expected page"
    if "</html>" not in text[-4096:].lower():
        return "cut short (no closing </html>)"
    return None


def regex_value(pattern: re.Pattern[str] | None, text: str) -> str | None:
    """Group ``value`` (else group 1, else the match) of the first match, cleaned."""
    if pattern is None:
        return None
    match = pattern.search(text)
    if match is None:
        return None
    if "value" in pattern.groupindex:
        value = match.group("value")
    elif pattern.groups:
        value = match.group(1)
    else:
        value = match.group(0)
    return clean_text(value)
