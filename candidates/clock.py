"""The time the candidate services act at: injectable, always aware UTC."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now(now: datetime | None = None) -> datetime:
    """``now`` in UTC (tests pass a fixed time), or the current time; a naive ``now`` is
    a mistake, not local time."""
    if now is None:
        return datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(UTC)
