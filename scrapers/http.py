"""A polite asynchronous HTTP client for harvesting: the only way adapters touch the network.

Polite by default, as Scrapy's template is: an identifying User-Agent, robots.txt obeyed
(protego, fetched once per host and day), one request at a time per host with a minimum delay
between requests, conditional GET from stored validators, retries with exponential
backoff on 408/429/5xx and transport failures honouring ``Retry-After``, a timeout and a
cap on the response size.

Every wait goes through the injected ``sleep`` and every time reading through the injected
``clock``, so tests can record the exact waits without waiting.
"""

from __future__ import annotations

import asyncio
import json as jsonlib
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from protego import Protego

from scrapers.records import NotModified, SourceError

DEFAULT_USER_AGENT = "NorecPortalBot/0.1 (+https://www.norec.no; vacancy harvester)"

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
"""Statuses worth asking again for: the server is busy, slow or briefly broken."""

RETRY_EXCEPTIONS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError)
"""Transport failures worth retrying: timeouts, dropped connections, truncated bodies."""

ERROR_EXCERPT_BYTES = 2048
"""How much of an error response's body is read to quote in the error message."""

Sleep = Callable[[float], Awaitable[Any]]
Clock = Callable[[], float]


@dataclass(frozen=True)
class FetchResult:
    """A successful (2xx) response whose body was read in full and within the size cap."""

    url: str
    """Final URL, after redirects."""
    status: int
    headers: httpx.Headers = field(compare=False)
    content: bytes = field(repr=False)
    etag: str | None = None
    last_modified: str | None = None

    @property
    def content_type(self) -> str:
        """Media type without parameters, lower case (``""`` when the server sent none)."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def text(self) -> str:
        """Body decoded with the charset the server declared, UTF-8 otherwise."""
        charset = _charset(self.headers.get("content-type", ""))
        try:
            return self.content.decode(charset or "utf-8", errors="replace")
        except LookupError:
            return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """Body parsed as JSON; raises ``ValueError`` when it is not JSON."""
        return jsonlib.loads(self.content)

    def looks_like_html(self) -> bool:
        """True when the body is an HTML page (an error or login page, a portal's front)."""
        head = self.content[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        if head.startswith((b"<!doctype html", b"<html")):
            return True
        if self.content_type not in ("text/html", "application/xhtml+xml"):
            return False
        return head.startswith(b"<") and not head.startswith((b"<?xml", b"<rss", b"<feed", b"<rdf"))


class HTTPStatusError(SourceError):
    """The server answered with a status that is neither success nor worth retrying."""

    def __init__(self, message: str, *, status: int, url: str) -> None:
        super().__init__(message)
        self.status = status
        self.url = url


class _RetryableFailure(Exception):
    """One attempt failed in a way that another attempt may fix."""

    def __init__(self, problem: str, *, retry_after: float | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.retry_after = retry_after


@dataclass
class _HostState:
    """What the client remembers about one scheme://host:port."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    last_request_at: float | None = None
    """Clock reading when the previous request to this host finished."""
    robots: Protego | None = None
    """The host's parsed robots.txt, once fetched."""
    robots_fetched_at: float = 0.0
    crawl_delay: float = 0.0


class PoliteClient:
    """Fetches URLs the way a well-behaved harvester should. Use one per harvest run.

    ``delay`` is the minimum number of seconds between two requests to the same host
    (a robots.txt ``Crawl-delay`` raises it for that host); requests to one host are
    serialised by a per-host lock. ``max_retries`` counts the attempts after the first.
    robots.txt is read once per host and re-read after ``robots_max_age`` seconds (a day,
    as Google caches it), so a long-lived client notices changes.
    """

    def __init__(
        self,
        *,
        user_agent: str = DEFAULT_USER_AGENT,
        transport: httpx.AsyncBaseTransport | None = None,
        delay: float = 2.0,
        timeout: float = 30.0,
        max_bytes: int = 10 * 1024 * 1024,
        max_retries: int = 3,
        backoff: float = 1.0,
        max_retry_after: float = 300.0,
        obey_robots: bool = True,
        robots_max_age: float = 24 * 3600.0,
        sleep: Sleep = asyncio.sleep,
        clock: Clock = time.monotonic,
    ) -> None:
        self.user_agent = user_agent
        self.delay = delay
        self.max_bytes = max_bytes
        self.max_retries = max_retries
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self.obey_robots = obey_robots
        self.robots_max_age = robots_max_age
        self._sleep = sleep
        self._clock = clock
        self._hosts: dict[str, _HostState] = {}
        self._client = httpx.AsyncClient(
            transport=transport,
            timeout=httpx.Timeout(timeout),
            headers={"User-Agent": user_agent},
            follow_redirects=True,
        )

    async def __aenter__(self) -> PoliteClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._client.aclose()

    async def fetch(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> FetchResult:
        """Fetch ``url`` politely and return the complete body.

        Raises ``NotModified`` on 304 (send ``etag``/``last_modified`` from the previous
        response to ask for it) and ``SourceError`` when robots.txt disallows the URL, the
        server refuses it, the retries are exhausted or the body exceeds ``max_bytes``.
        """
        request = self._client.build_request(
            method,
            url,
            params=params,
            json=json,
            headers=_conditional_headers(headers, etag, last_modified),
        )
        host = self._host_state(request.url)
        async with host.lock:
            if self.obey_robots:
                await self._ensure_robots_allow(request.url, host)
            return await self._send_with_retries(request, host)

    def _host_state(self, url: httpx.URL) -> _HostState:
        return self._hosts.setdefault(origin(url), _HostState())

    async def _ensure_robots_allow(self, url: httpx.URL, host: _HostState) -> None:
        if host.robots is None or self._clock() - host.robots_fetched_at >= self.robots_max_age:
            host.robots = await self._load_robots(url, host)
            host.robots_fetched_at = self._clock()
            host.crawl_delay = self._crawl_delay(host.robots)
        if not host.robots.can_fetch(str(url), self.user_agent):
            raise SourceError(f"robots.txt of {origin(url)} disallows {url} for {self.user_agent}")

    async def _load_robots(self, url: httpx.URL, host: _HostState) -> Protego:
        """Google's rules: 2xx = obey it, 4xx = no rules, 5xx or unreachable = keep off."""
        robots_url = f"{origin(url)}/robots.txt"
        request = self._client.build_request("GET", robots_url)
        try:
            result = await self._send_with_retries(request, host)
        except SourceError as exc:
            if isinstance(exc, HTTPStatusError) and 400 <= exc.status < 500:
                return Protego.parse("")
            raise SourceError(
                f"robots.txt of {origin(url)} could not be read ({exc}); not fetching {url}"
            ) from exc
        return Protego.parse(result.text())

    def _crawl_delay(self, robots: Protego) -> float:
        declared = robots.crawl_delay(self.user_agent)
        return min(float(declared), self.max_retry_after) if declared else 0.0

    async def _send_with_retries(self, request: httpx.Request, host: _HostState) -> FetchResult:
        attempts = self.max_retries + 1
        wait = 0.0
        problem = ""
        for attempt in range(1, attempts + 1):
            await self._wait_for_turn(host, at_least=wait)
            try:
                return await self._send_once(request)
            except _RetryableFailure as failure:
                problem = failure.problem
                backoff = self.backoff * 2 ** (attempt - 1)
                wait = backoff if failure.retry_after is None else failure.retry_after
            finally:
                host.last_request_at = self._clock()
        raise SourceError(
            f"{request.method} {request.url} failed after {attempts} attempts: {problem}"
        )

    async def _wait_for_turn(self, host: _HostState, *, at_least: float) -> None:
        """Sleep until the host's delay has passed since its previous request, and at
        least ``at_least`` seconds (a backoff or a Retry-After)."""
        wait = at_least
        if host.last_request_at is not None:
            spacing = max(self.delay, host.crawl_delay)
            wait = max(wait, spacing - (self._clock() - host.last_request_at))
        if wait > 0:
            await self._sleep(wait)

    async def _send_once(self, request: httpx.Request) -> FetchResult:
        try:
            response = await self._client.send(request, stream=True)
            try:
                return await self._read_response(request, response)
            finally:
                await response.aclose()
        except RETRY_EXCEPTIONS as exc:
            raise _RetryableFailure(_describe_exception(exc)) from exc
        except httpx.HTTPError as exc:
            raise SourceError(
                f"{request.method} {request.url} failed: {_describe_exception(exc)}"
            ) from exc

    async def _read_response(self, request: httpx.Request, response: httpx.Response) -> FetchResult:
        status = response.status_code
        if status == 304:
            raise NotModified(f"{request.url} not modified since the stored validators")
        if status in RETRY_STATUSES:
            raise _RetryableFailure(
                f"status {status} {response.reason_phrase}".rstrip(),
                retry_after=self._retry_after(response),
            )
        if not 200 <= status < 300:
            excerpt = await _body_excerpt(response)
            raise HTTPStatusError(
                f"{request.method} {request.url} returned status {status} "
                f"{response.reason_phrase}{excerpt}",
                status=status,
                url=str(request.url),
            )
        content = await self._read_capped(response)
        return FetchResult(
            url=str(response.url),
            status=status,
            headers=httpx.Headers(response.headers),
            content=content,
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
        )

    async def _read_capped(self, response: httpx.Response) -> bytes:
        """Read the body, giving up as soon as it is known to exceed ``max_bytes``."""
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise self._too_large(response)
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > self.max_bytes:
                raise self._too_large(response)
            chunks.append(chunk)
        return b"".join(chunks)

    def _too_large(self, response: httpx.Response) -> SourceError:
        return SourceError(f"response from {response.url} exceeds {self.max_bytes} bytes")

    def _retry_after(self, response: httpx.Response) -> float | None:
        """Seconds the server asked us to wait, capped at ``max_retry_after``."""
        seconds = parse_retry_after(
            response.headers.get("Retry-After"), response.headers.get("Date")
        )
        return None if seconds is None else min(seconds, self.max_retry_after)


def parse_retry_after(value: str | None, server_date: str | None = None) -> float | None:
    """Parse a Retry-After header: delta-seconds or an HTTP-date.

    An HTTP-date is measured from the response's own ``Date`` header when there is one
    (that keeps clock skew out), from the local clock otherwise. ``None`` if absent or
    unreadable; never negative.
    """
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    retry_at = _parse_http_date(value)
    if retry_at is None:
        return None
    now = _parse_http_date(server_date) if server_date else None
    return max(0.0, (retry_at - (now or datetime.now(UTC))).total_seconds())


def _parse_http_date(value: str) -> datetime | None:
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _conditional_headers(
    headers: Mapping[str, str] | None, etag: str | None, last_modified: str | None
) -> dict[str, str]:
    merged = dict(headers or {})
    if etag:
        merged["If-None-Match"] = etag
    if last_modified:
        merged["If-Modified-Since"] = last_modified
    return merged


async def _body_excerpt(response: httpx.Response) -> str:
    """The start of an error response's body on one line (APIs explain refusals there);
    nothing for HTML pages, whose markup would drown the message."""
    if "html" in response.headers.get("content-type", "").lower():
        return ""
    head = b""
    async for chunk in response.aiter_bytes():
        head += chunk
        if len(head) >= ERROR_EXCERPT_BYTES:
            break
    text = " ".join(head[:ERROR_EXCERPT_BYTES].decode("utf-8", errors="replace").split())
    return f": {text[:200]}" if text else ""


def _charset(content_type: str) -> str | None:
    message = Message()
    message["content-type"] = content_type
    return message.get_content_charset()


def origin(url: httpx.URL | str) -> str:
    """``scheme://host[:port]``: what robots.txt and the per-host delay apply to."""
    url = httpx.URL(url)
    default_port = {"http": 80, "https": 443}.get(url.scheme)
    port = f":{url.port}" if url.port and url.port != default_port else ""
    return f"{url.scheme}://{url.host}{port}"


def _describe_exception(exc: Exception) -> str:
    detail = str(exc)
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
