"""Server-side web sessions kept in the database (the rows behind the portal's session
store, ``portal/sessions.py``), and ending a user's sessions.

A session is found by the SHA-256 of its id (the browser's cookie value): the table
holds no usable session id. A session expires at an absolute time set when it is
written; expired rows are never returned and are deleted when met, and
:func:`purge_expired` removes the rest. Every session of a user ends
(:func:`end_user_sessions`) when their password is reset or changed or they are
disabled; the account services call it.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from candidates.clock import utc_now
from candidates.tables import UserSession
from vacancies.db import write_transaction


def session_key_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


async def load_session(
    session_id: str, *, now: datetime | None = None
) -> tuple[str, datetime] | None:
    """The session's data and expiry, or None if there is none or it expired."""
    now = utc_now(now)
    key = session_key_hash(session_id)
    row = (
        await UserSession.select(UserSession.data, UserSession.expires_at)
        .where(UserSession.key_hash == key)
        .first()
    )
    if row is None:
        return None
    if row["expires_at"] <= now:
        await UserSession.delete().where(UserSession.key_hash == key)
        return None
    return row["data"], row["expires_at"]


async def save_session(
    session_id: str,
    data: str,
    *,
    user_id: int | None,
    expires_at: datetime,
) -> None:
    """Create or replace the session ``session_id``."""
    key = session_key_hash(session_id)
    async with write_transaction():
        updated = (
            await UserSession.update(
                {
                    UserSession.data: data,
                    UserSession.user: user_id,
                    UserSession.expires_at: expires_at,
                }
            )
            .where(UserSession.key_hash == key)
            .returning(UserSession.id)
        )
        if not updated:
            await UserSession.insert(
                UserSession(key_hash=key, data=data, user=user_id, expires_at=expires_at)
            )


async def end_session(session_id: str) -> None:
    await UserSession.delete().where(UserSession.key_hash == session_key_hash(session_id))


async def end_user_sessions(user_id: int) -> int:
    """End every session of the user (in the caller's transaction, if any); returns how
    many there were."""
    rows = await UserSession.delete().where(UserSession.user == user_id).returning(UserSession.id)
    return len(rows)


async def end_all_sessions() -> None:
    """Sign everybody out (an operator's measure, e.g. after a leaked secret key)."""
    await UserSession.delete(force=True)


async def count_user_sessions(user_id: int, *, now: datetime | None = None) -> int:
    return await UserSession.count().where(
        (UserSession.user == user_id) & (UserSession.expires_at > utc_now(now))
    )


async def purge_expired(*, now: datetime | None = None) -> int:
    rows = (
        await UserSession.delete()
        .where(UserSession.expires_at <= utc_now(now))
        .returning(UserSession.id)
    )
    return len(rows)


def expiry(seconds: int, *, now: datetime | None = None) -> datetime:
    return utc_now(now) + timedelta(seconds=seconds)
