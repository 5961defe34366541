"""Stored matches (``candidate_match``): written in bulk, read per candidate or vacancy.

A replace is one transaction (delete, then insert), so a reader sees the previous set
or the new one, never a mix: PostgreSQL's snapshots and SQLite's WAL readers both keep
the old rows visible until the commit. Rows go in with the driver's bulk path: binary
COPY on PostgreSQL, one prepared ``executemany`` on SQLite.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable, Sequence
from datetime import datetime

from piccolo.engine.postgres import PostgresEngine
from pydantic import BaseModel

from candidates.matching.engine import Scored
from candidates.matching.models import VacancySummary
from candidates.tables import StoredMatch
from vacancies.db import write_transaction
from vacancies.tables import VacancyStatus

CHUNK = 50_000
"""Rows handed to the driver at once."""
COLUMNS = ("user", "vacancy", "score", "eligible", "components", "computed_at")


class StoredVacancyMatch(BaseModel):
    """A stored match of one candidate, with the vacancy to list it by."""

    vacancy: VacancySummary
    score: float
    eligible: bool
    components: dict[str, float]
    """Component name -> score, for the components that apply."""
    computed_at: datetime


def _records(rows: Iterable[Scored], now: datetime) -> list[tuple]:
    dumps = json.dumps
    return [
        (r.candidate_id, r.vacancy_id, r.score, r.eligible, dumps(r.components), now) for r in rows
    ]


async def _insert(transaction, records: Sequence[tuple]) -> None:
    table = StoredMatch._meta.tablename
    if isinstance(transaction.engine, PostgresEngine):
        for start in range(0, len(records), CHUNK):
            await transaction.connection.copy_records_to_table(
                table, records=records[start : start + CHUNK], columns=list(COLUMNS)
            )
        return
    names = ", ".join(f'"{name}"' for name in COLUMNS)
    sql = f'INSERT INTO "{table}" ({names}) VALUES (?, ?, ?, ?, ?, ?)'  # noqa: S608 (fixed names)
    for start in range(0, len(records), CHUNK):
        await transaction.connection.executemany(sql, records[start : start + CHUNK])


async def replace_all(chunks: AsyncIterator[list[tuple]]) -> int:
    """Every stored match replaced by the records of ``chunks`` (user, vacancy, score,
    eligible, components JSON text, computed_at); returns how many were stored."""
    stored = 0
    async with write_transaction() as transaction:
        indexes = await _drop_sqlite_indexes(transaction)
        await StoredMatch.delete(force=True)
        async for records in chunks:
            await _insert(transaction, records)
            stored += len(records)
        for sql in indexes:
            await transaction.connection.execute(sql)
    return stored


async def _drop_sqlite_indexes(transaction) -> list[str]:
    """On SQLite, the table's indexes are dropped for the bulk replace and created again
    from their own stored SQL before the commit (sorting once beats a million random
    B-tree inserts; readers see neither: it is one transaction). The CREATE statements
    are returned. PostgreSQL keeps its indexes: dropping one would lock out readers."""
    if isinstance(transaction.engine, PostgresEngine):
        return []
    cursor = await transaction.connection.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL",
        (StoredMatch._meta.tablename,),
    )
    rows = await cursor.fetchall()  # Piccolo's connections return rows as dicts
    indexes = [(row["name"], row["sql"]) for row in rows]
    for name, _sql in indexes:
        await transaction.connection.execute(f'DROP INDEX "{name}"')
    return [sql for _name, sql in indexes]


async def replace_candidate(user_id: int, rows: Iterable[Scored], *, now: datetime) -> int:
    """One candidate's stored matches replaced by ``rows`` (all of this candidate)."""
    records = _records(rows, now)
    if any(record[0] != user_id for record in records):
        raise ValueError("rows of another candidate")
    async with write_transaction() as transaction:
        await StoredMatch.delete().where(StoredMatch.user == user_id)
        await _insert(transaction, records)
    return len(records)


async def stored_matches_for_candidate(user_id: int, top: int = 20) -> list[StoredVacancyMatch]:
    """The candidate's stored matches with open vacancies: eligible first, then by score."""
    rows = (
        await StoredMatch.select(
            StoredMatch.score,
            StoredMatch.eligible,
            StoredMatch.components,
            StoredMatch.computed_at,
            *_vacancy_columns(),
        )
        .where(
            (StoredMatch.user == user_id) & (StoredMatch.vacancy.status == VacancyStatus.open.value)
        )
        .order_by(StoredMatch.eligible, ascending=False)
        .order_by(StoredMatch.score, ascending=False)
        .order_by(StoredMatch.vacancy)
        .limit(top)
        .output(load_json=True)
    )
    return [
        StoredVacancyMatch(
            vacancy=VacancySummary(
                id=row["vacancy.id"],
                title=row["vacancy.title"],
                organization=row["vacancy.organization_acronym"],
                grade=row["vacancy.grade"],
                duty_station=row["vacancy.duty_station"],
                country=row["vacancy.country"],
                deadline=row["vacancy.deadline"],
                is_jpo=bool(row["vacancy.is_jpo"]),
            ),
            score=row["score"],
            eligible=bool(row["eligible"]),
            components=row["components"] or {},
            computed_at=row["computed_at"],
        )
        for row in rows
    ]


def _vacancy_columns():
    v = StoredMatch.vacancy
    return (
        v.id,
        v.title,
        v.organization_acronym,
        v.grade,
        v.duty_station,
        v.country,
        v.deadline,
        v.is_jpo,
    )
