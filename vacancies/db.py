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

SQLITE_VARIABLES = 32_766
"""Bound parameters per SQLite statement: the library's limit since 3.32 (the
standard library's SQLite is 3.40 or later)."""


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
    json_positions = [i for i, c in enumerate(columns) if isinstance(c, JSON)]
    values = []
    for row in rows:
        value = [row[name] for name in names]
        for i in json_positions:
            if value[i] is not None:
                value[i] = json.dumps(value[i])
        values.append(tuple(value))
    tablename = table._meta.tablename
    if isinstance(transaction.engine, PostgresEngine):
        # Binary COPY: the fastest way into PostgreSQL, still inside the transaction.
        await transaction.connection.copy_records_to_table(tablename, records=values, columns=names)
        return
    # Many rows per statement rather than ``executemany``: the sqlite3 module lets go of
    # the GIL only while a statement runs, and between rows the writing thread waited
    # for the harvest's main thread to give the GIL back (up to 5 ms each time), which
    # made writing in the background slower than writing in the foreground.
    quoted = ", ".join(f'"{name}"' for name in names)
    row_placeholders = "(" + ", ".join("?" for _ in names) + ")"
    per_statement = max(1, SQLITE_VARIABLES // len(names))
    for batch in chunks(values, per_statement):
        sql = f'INSERT INTO "{tablename}" ({quoted}) VALUES ' + ", ".join(  # noqa: S608 (names from the table definition)
            [row_placeholders] * len(batch)
        )
        await transaction.connection.execute(sql, [value for row in batch for value in row])


def chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]
