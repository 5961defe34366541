"""Shared pieces for the scraper tests: a fake clock that records sleeps, recorded
payloads, and polite clients whose transport never leaves the process."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from scrapers.http import PoliteClient

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


class FakeTime:
    """A monotonic clock that only moves when someone sleeps; every sleep is recorded."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def fixture_bytes() -> Callable[[str], bytes]:
    """Read a recorded payload, e.g. ``fixture_bytes("reliefweb/jobs_page_1.json")``."""

    def read(relative_path: str) -> bytes:
        return (FIXTURES / relative_path).read_bytes()

    return read


ClientFactory = Callable[..., PoliteClient]


@pytest.fixture
async def make_client(fake_time: FakeTime) -> AsyncIterator[ClientFactory]:
    """Build a ``PoliteClient`` over a handler (a ``respx.Router`` or a plain function).

    Robots are off and the delay is zero unless a test asks otherwise, so each test sees
    only the behaviour it is about. Clients are closed after the test.
    """
    clients: list[PoliteClient] = []

    def build(handler: Callable[[httpx.Request], Any], **options: Any) -> PoliteClient:
        options.setdefault("obey_robots", False)
        options.setdefault("delay", 0.0)
        client = PoliteClient(
            transport=httpx.MockTransport(getattr(handler, "async_handler", handler)),
            sleep=fake_time.sleep,
            clock=fake_time.clock,
            **options,
        )
        clients.append(client)
        return client

    yield build
    for client in clients:
        await client.aclose()
