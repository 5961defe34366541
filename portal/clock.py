"""The time a request is answered at."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from litestar import Request


def request_time(request: Request) -> datetime:
    """Dependency: the current time, from ``app.state.clock`` when one is set (tests
    freeze it there), else the system clock."""
    clock: Callable[[], datetime] | None = request.app.state.get("clock")
    return clock() if clock else datetime.now(UTC)
