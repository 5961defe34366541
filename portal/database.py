"""Database lifecycle for long-running processes and the schema upgrade."""

from __future__ import annotations

import contextlib
import io

import aiosqlite
from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.engine.postgres import PostgresEngine

from vacancies.db import engine


async def open_database() -> None:
    db = engine()
    if isinstance(db, PostgresEngine):
        await db.start_connection_pool(min_size=1, max_size=10)
    else:
        await use_write_ahead_log(db.connection_kwargs["database"])


async def use_write_ahead_log(path: str) -> None:
    """Put an SQLite database in WAL mode (kept in the file): the web process reads while
    a harvest writes instead of waiting for it, and a commit syncs the disk once instead
    of three times (measured: the harvest benchmark's mixed workload, new records 501/s
    in rollback-journal mode, see BENCHMARKS.md)."""
    async with aiosqlite.connect(path, timeout=30) as connection:
        await connection.execute("PRAGMA journal_mode=WAL")


async def close_database() -> None:
    db = engine()
    if isinstance(db, PostgresEngine):
        await db.close_connection_pool()


class MigrationError(RuntimeError):
    """A migration failed; the message carries Piccolo's output."""


async def upgrade_schema(*, quiet: bool = True) -> None:
    """Apply pending migrations of every app (idempotent)."""
    output = io.StringIO()
    with contextlib.redirect_stdout(output) if quiet else contextlib.nullcontext():
        result = await run_forwards(app_name="all")
    if not result.success:
        raise MigrationError(f"migration failed: {result.message}\n{output.getvalue()}")
