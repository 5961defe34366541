"""Small helpers over the Piccolo engine shared by the service modules."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from piccolo.columns import JSON
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.table import Table

from vacancies.tables import Vacancy


def engine() -> PostgresEngine | SQLiteEngine:
    return Vacancy._meta.db


def is_postgres() -> bool:
    return isinstance(engine(), PostgresEngine)


def write_transaction():
    """A transaction for writes: on SQLite it takes the write lock up front
    (``BEGIN IMMEDIATE``) so two writers queue instead of failing mid-way."""
    db = engine()
    if isinstance(db, SQLiteEngine):
        return db.transaction(transaction_type=TransactionType.immediate)
    return db.transaction()


@asynccontextmanager
async def ranked_text_plan(active: bool) -> AsyncIterator[None]:
    """Around a full-text search ordered by relevance on PostgreSQL: a transaction whose
    statements are planned for their actual words, without whole-table scans.

    The planner does not count the cost of unpacking each row's search vector (5 KB on
    average, stored out of line) for the ``@@`` filter: planned for a word most
    vacancies contain, it chose a scan that unpacked them all. The prepared statement's
    generic plan avoids that but ranks every match in one process. Measured with
    benchmarks/web.py on 50,000 vacancies, 20 searches: the relevance-ordered page took
    946 ms in all (worst 210 ms) with the generic plan and 635 ms with this one. Counts
    and facet counts are better off with the generic plan (which reads the GIN index),
    so only the ranked select runs in here."""
    if not (active and is_postgres()):
        yield
        return
    async with engine().transaction():
        await Vacancy.raw("SET LOCAL enable_seqscan = off")
        await Vacancy.raw("SET LOCAL plan_cache_mode = force_custom_plan")
        yield


async def bulk_insert(transaction, table: type[Table], rows: list[dict[str, Any]]) -> None:
    """Insert many rows with the driver's ``executemany`` on the transaction's connection.

    Piccolo's ``insert(*instances)`` builds a Table object and a query string per row,
    which dominated the harvest's time; this keeps the SQL to one prepared statement.
    JSON columns are serialised here; other values go to the driver as Piccolo would
    (on SQLite through the adapters Piccolo registers).
    """
    if not rows:
        return
    columns = [c for c in table._meta.columns if c._meta.db_column_name in rows[0]]
    names = [c._meta.db_column_name for c in columns]
    json_columns = {c._meta.db_column_name for c in columns if isinstance(c, JSON)}
    values = [
        tuple(
            json.dumps(row[name]) if name in json_columns and row[name] is not None else row[name]
            for name in names
        )
        for row in rows
    ]
    tablename = table._meta.tablename
    if isinstance(transaction.engine, PostgresEngine):
        # Binary COPY: the fastest way into PostgreSQL, still inside the transaction.
        await transaction.connection.copy_records_to_table(tablename, records=values, columns=names)
        return
    quoted = ", ".join(f'"{name}"' for name in names)
    placeholders = ", ".join("?" for _ in names)
    sql = f'INSERT INTO "{tablename}" ({quoted}) VALUES ({placeholders})'  # noqa: S608 (names from the table definition)
    await transaction.connection.executemany(sql, values)


def chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]
