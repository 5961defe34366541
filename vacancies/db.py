"""Small helpers over the Piccolo engine shared by the service modules."""

from __future__ import annotations

from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

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


def chunks(items: list, size: int):
    for start in range(0, len(items), size):
        yield items[start : start + size]
