"""Recorded sites: every configured source's pages, answering like the live site.

Each adapter's fixture folder may hold a ``sites.toml`` describing, per source id, the
requests the live site answers and the recorded file each answer comes from::

    [sites.unhcr-workday]
    expected = { records = 45, rejected = 1 }   # what one harvest of this site yields

    [[sites.unhcr-workday.routes]]
    method = "POST"                              # default GET
    path = "/wday/cxs/unhcr/External/jobs"
    json = { offset = 0 }                        # these keys of the JSON body must match
    query = { page = "1" }                       # these query parameters must match
    file = "unhcr_jobs_0.json"                   # relative to the sites.toml
    content_type = "application/json"            # default: guessed from the file name
    status = 200                                 # default 200

The first route that matches answers; anything else is 404 (robots.txt included, which
the polite client reads as "no rules"). The same table serves the adapters' own tests (as
an httpx transport, ``RecordedSite.client()``) and the full-harvest test (as a real HTTP
server on 127.0.0.1, one port per site, ``serve_sites``), so both read the same pages.
"""

from __future__ import annotations

import json
import mimetypes
import re
import socket
import threading
import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote

import httpx

from scrapers.base import SourceConfig
from scrapers.http import PoliteClient

FIXTURES = Path(__file__).parent / "fixtures"
SHIPPED_SOURCES = Path(__file__).resolve().parents[1] / "sources.toml"
"""The catalogue the portal ships: tests that read a source's entry from it test the
entry as shipped."""

_CONTENT_TYPES = {
    ".json": "application/json",
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    file: Path | None
    query: dict[str, str] = field(default_factory=dict)
    json: dict[str, Any] = field(default_factory=dict)
    status: int = 200
    content_type: str | None = None
    body: str | None = None
    """Inline answer instead of a file (e.g. a short error page)."""

    def matches(self, method: str, path: str, query: dict[str, list[str]], body: bytes) -> bool:
        if method != self.method or path != self.path:
            return False
        for name, value in self.query.items():
            if str(value) not in query.get(name, []):
                return False
        if self.json:
            try:
                sent = json.loads(body or b"null")
            except ValueError:
                return False
            if not isinstance(sent, dict):
                return False
            for name, value in self.json.items():
                if sent.get(name) != value:
                    return False
        return True

    def answer(self) -> tuple[int, str, bytes]:
        if self.file is not None:
            content = self.file.read_bytes()
            guessed = _CONTENT_TYPES.get(self.file.suffix) or (
                mimetypes.guess_type(self.file.name)[0] or "application/octet-stream"
            )
        else:
            content = (self.body or "").encode()
            guessed = "text/plain; charset=utf-8"
        return self.status, self.content_type or guessed, content


@dataclass(frozen=True)
class RecordedSite:
    """One source's recorded pages and what a harvest of them should yield."""

    source_id: str
    routes: tuple[Route, ...]
    expected: dict[str, int]

    def answer(
        self, method: str, path: str, query: dict[str, list[str]], body: bytes
    ) -> tuple[int, str, bytes]:
        for route in self.routes:
            if route.matches(method.upper(), path, query, body):
                return route.answer()
        return 404, "text/plain; charset=utf-8", b"not recorded"

    def handle(self, request: httpx.Request) -> httpx.Response:
        """Answer an httpx request (any host: only path, query and body count)."""
        status, content_type, content = self.answer(
            request.method,
            request.url.path,
            parse_qs(request.url.query.decode(), keep_blank_values=True),
            request.read(),
        )
        return httpx.Response(status, content=content, headers={"content-type": content_type})

    def client(self) -> PoliteClient:
        """A polite client (no pauses) whose every request this site answers."""
        return PoliteClient(
            user_agent="NorecPortalTests/1.0 (+https://www.norec.no)",
            transport=httpx.MockTransport(self.handle),
            delay=0,
            backoff=0,
            sleep=_no_sleep,
        )


async def _no_sleep(seconds: float) -> None:
    return None


class CountingSite:
    """A recorded site that notes the path and (unquoted) query of every request it
    answers, robots.txt aside: what a test of skipped requests counts."""

    def __init__(self, site: RecordedSite) -> None:
        self.site = site
        self.requests: list[str] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.path != "/robots.txt":
            self.requests.append(f"{request.url.path}?{unquote(request.url.query.decode())}")
        return self.site.handle(request)

    def client(self) -> PoliteClient:
        return PoliteClient(transport=httpx.MockTransport(self.handle), delay=0, backoff=0)

    def matching(self, pattern: str) -> list[str]:
        """Group 1 of ``pattern`` in each request line (``re.MULTILINE``), in order."""
        return re.findall(pattern, "\n".join(self.requests), re.MULTILINE)


def load_sites(root: Path = FIXTURES) -> dict[str, RecordedSite]:
    """Every ``sites.toml`` under ``root``, by source id; a source described twice is an
    error."""
    sites: dict[str, RecordedSite] = {}
    for path in sorted(root.glob("*/sites.toml")):
        with path.open("rb") as handle:
            declared = tomllib.load(handle).get("sites", {})
        for source_id, spec in declared.items():
            if source_id in sites:
                raise ValueError(f"{path}: site {source_id!r} is described twice")
            sites[source_id] = _site(path.parent, source_id, spec)
    return sites


def load_site(source_id: str, root: Path = FIXTURES) -> RecordedSite:
    return load_sites(root)[source_id]


def shipped_config(source_id: str, **params: Any) -> SourceConfig:
    """The adapter's view of a source as sources.toml ships it, ``params`` overriding."""
    with SHIPPED_SOURCES.open("rb") as handle:
        entries = {entry["id"]: entry for entry in tomllib.load(handle)["source"]}
    entry = entries[source_id]
    return SourceConfig(
        id=source_id,
        adapter=entry["adapter"],
        base_url=entry["base_url"],
        organization=entry.get("organization"),
        params={**entry.get("params", {}), **params},
    )


def _site(folder: Path, source_id: str, spec: dict[str, Any]) -> RecordedSite:
    routes = []
    for entry in spec.get("routes", []):
        file = folder / entry["file"] if "file" in entry else None
        if file is not None and not file.is_file():
            raise ValueError(f"site {source_id!r}: no recorded file {file}")
        routes.append(
            Route(
                method=entry.get("method", "GET").upper(),
                path=entry["path"],
                file=file,
                query={k: str(v) for k, v in entry.get("query", {}).items()},
                json=dict(entry.get("json", {})),
                status=int(entry.get("status", 200)),
                content_type=entry.get("content_type"),
                body=entry.get("body"),
            )
        )
    return RecordedSite(source_id, tuple(routes), dict(spec.get("expected", {})))


# --- A real HTTP server ----------------------------------------------------------------


@contextmanager
def serve_sites(sites: dict[str, RecordedSite]) -> Iterator[dict[str, str]]:
    """Serve every site on its own port of 127.0.0.1 (uvicorn in a thread); yields the
    origin (``http://127.0.0.1:PORT``) of each source id."""
    import asyncio

    import uvicorn

    sockets: dict[int, tuple[socket.socket, RecordedSite]] = {}
    for site in sites.values():
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        sockets[sock.getsockname()[1]] = (sock, site)

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        site = sockets[scope["server"][1]][1]
        query = parse_qs(scope["query_string"].decode(), keep_blank_values=True)
        status, content_type, content = site.answer(scope["method"], scope["path"], query, body)
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", content_type.encode())],
            }
        )
        await send({"type": "http.response.body", "body": content})

    config = uvicorn.Config(app, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=lambda: asyncio.run(server.serve(sockets=[s for s, _ in sockets.values()])),
        daemon=True,
    )
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the recorded sites' server did not start")
            threading.Event().wait(0.02)
        yield {site.source_id: f"http://127.0.0.1:{port}" for port, (_, site) in sockets.items()}
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        for sock, _ in sockets.values():
            sock.close()
