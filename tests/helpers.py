"""Shared test helpers: recorded transports, clients, database fingerprints."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import httpx

from scrapers.http import PoliteClient

FIXTURES = Path(__file__).parent / "fixtures"

Route = bytes | httpx.Response | Callable[[httpx.Request], httpx.Response]


class Recorded:
    """An httpx transport answering from a table of URL -> response; robots.txt is
    absent (404) unless routed; every request is kept in ``requests``."""

    def __init__(self, routes: dict[str, Route]) -> None:
        self.routes = dict(routes)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        key = str(request.url).split("?")[0]
        route = self.routes.get(str(request.url), self.routes.get(key))
        if route is None:
            return httpx.Response(404, text="not recorded")
        if callable(route):
            return route(request)
        if isinstance(route, httpx.Response):
            return route
        return httpx.Response(200, content=route, headers={"content-type": "application/rss+xml"})

    def client(self) -> PoliteClient:
        return PoliteClient(
            user_agent="NorecPortalTests/1.0 (+https://www.norec.no)",
            transport=httpx.MockTransport(self),
            delay=0,
            backoff=0,
            sleep=_no_sleep,
        )


async def _no_sleep(seconds: float) -> None:
    return None


def fixture_bytes(relative: str) -> bytes:
    return (FIXTURES / relative).read_bytes()


async def vacancy_write_marks() -> object:
    """Something that changes whenever a vacancy row is written: the rows' ``xmin``
    on PostgreSQL, the bytes of the database file and its write-ahead log on SQLite
    (in WAL mode a write appends to the log; the file changes only at checkpoints)."""
    from portal.settings import get_settings
    from vacancies.db import is_postgres
    from vacancies.tables import Vacancy

    if is_postgres():
        rows = await Vacancy.raw("SELECT id, xmin::text AS xmin FROM vacancy ORDER BY id")
        return [(r["id"], r["xmin"]) for r in rows]
    path = get_settings().sqlite_path
    wal = path.with_name(path.name + "-wal")
    digest = hashlib.sha256(path.read_bytes())
    digest.update(wal.read_bytes() if wal.exists() else b"")
    return digest.hexdigest()
