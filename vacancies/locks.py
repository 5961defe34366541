"""Per-source harvest locks shared by every process that harvests.

APScheduler 3 cannot share a job store between processes, so two scheduler processes
(or a scheduler and an operator's ``portal harvest``) could harvest one source at once.
PostgreSQL: a session-level advisory lock, held on a dedicated connection for the run.
SQLite: a lock row with an expiry, so a crashed holder does not block forever.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

from piccolo.engine.postgres import PostgresEngine

from vacancies.db import engine, write_transaction
from vacancies.tables import SourceLock

LOCK_NAMESPACE = "portal-harvest:"


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@asynccontextmanager
async def source_lock(source_id: str, *, ttl_seconds: int = 3 * 3600) -> AsyncIterator[bool]:
    """Yields True when this process holds the lock for ``source_id``, else False."""
    db = engine()
    if isinstance(db, PostgresEngine):
        async with _advisory_lock(db, source_id) as acquired:
            yield acquired
    else:
        async with _row_lock(source_id, ttl_seconds) as acquired:
            yield acquired


@asynccontextmanager
async def _advisory_lock(db: PostgresEngine, source_id: str) -> AsyncIterator[bool]:
    key = LOCK_NAMESPACE + source_id
    connection = await db.get_new_connection()
    try:
        acquired = await connection.fetchval("SELECT pg_try_advisory_lock(hashtext($1))", key)
        try:
            yield bool(acquired)
        finally:
            if acquired:
                await connection.execute("SELECT pg_advisory_unlock(hashtext($1))", key)
    finally:
        await connection.close()


@asynccontextmanager
async def _row_lock(source_id: str, ttl_seconds: int) -> AsyncIterator[bool]:
    holder = holder_name()
    now = datetime.now(UTC)
    async with write_transaction():
        await SourceLock.delete().where(
            SourceLock.source_id == source_id, SourceLock.expires_at < now
        )
        await SourceLock.insert(
            SourceLock(
                source_id=source_id, holder=holder, expires_at=now + timedelta(seconds=ttl_seconds)
            )
        ).on_conflict(action="DO NOTHING")
        row = (
            await SourceLock.select(SourceLock.holder)
            .where(SourceLock.source_id == source_id)
            .first()
        )
    acquired = row is not None and row["holder"] == holder
    try:
        yield acquired
    finally:
        if acquired:
            await SourceLock.delete().where(
                SourceLock.source_id == source_id, SourceLock.holder == holder
            )
