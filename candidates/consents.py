"""Consent per purpose, with its history (GDPR Art. 7: given freely, withdrawable as
easily as given, and provable).

Each giving is a row with ``given_at``; withdrawing sets that row's ``withdrawn_at``;
giving again adds a new row, so the history shows every period of consent. Both are
audited (ids and the purpose only).
"""

from __future__ import annotations

from datetime import datetime

from candidates import audit
from candidates.audit import AuditAction
from candidates.clock import utc_now
from candidates.schemas import ConsentOut
from candidates.tables import Consent, ConsentPurpose
from vacancies.db import write_transaction


def _current(user_id: int, purpose: ConsentPurpose):
    return (
        (Consent.user == user_id)
        & (Consent.purpose == purpose.value)
        & Consent.withdrawn_at.is_null()
    )


async def give_consent(
    user_id: int, purpose: ConsentPurpose | str, *, now: datetime | None = None
) -> ConsentOut:
    """Consent to ``purpose``; if it is already given, the standing consent is returned."""
    now, purpose = utc_now(now), ConsentPurpose(purpose)
    async with write_transaction():
        row = await Consent.select().where(_current(user_id, purpose)).first()
        if row is None:
            await Consent.insert(Consent(user=user_id, purpose=purpose.value, given_at=now))
            await audit.record(
                AuditAction.consent_given,
                actor_id=user_id,
                subject_id=user_id,
                detail={"purpose": purpose.value},
                now=now,
            )
            return ConsentOut(purpose=purpose, given_at=now)
    return ConsentOut(purpose=purpose, given_at=row["given_at"])


async def withdraw_consent(
    user_id: int, purpose: ConsentPurpose | str, *, now: datetime | None = None
) -> bool:
    """Withdraw consent to ``purpose`` in one call; False if none was standing."""
    now, purpose = utc_now(now), ConsentPurpose(purpose)
    async with write_transaction():
        if not await Consent.exists().where(_current(user_id, purpose)):
            return False
        await Consent.update({Consent.withdrawn_at: now}).where(_current(user_id, purpose))
        await audit.record(
            AuditAction.consent_withdrawn,
            actor_id=user_id,
            subject_id=user_id,
            detail={"purpose": purpose.value},
            now=now,
        )
    return True


async def current_consents(user_id: int) -> dict[ConsentPurpose, datetime]:
    """The purposes the user consents to now, each with the time it was given."""
    rows = await Consent.select(Consent.purpose, Consent.given_at).where(
        (Consent.user == user_id) & Consent.withdrawn_at.is_null()
    )
    return {ConsentPurpose(row["purpose"]): row["given_at"] for row in rows}


async def has_consent(user_id: int, purpose: ConsentPurpose | str) -> bool:
    return await Consent.exists().where(_current(user_id, ConsentPurpose(purpose)))


async def consent_history(user_id: int) -> list[ConsentOut]:
    """Every giving and withdrawal, oldest first (for "download my data")."""
    rows = await Consent.select().where(Consent.user == user_id).order_by(Consent.id)
    return [
        ConsentOut(
            purpose=ConsentPurpose(row["purpose"]),
            given_at=row["given_at"],
            withdrawn_at=row["withdrawn_at"],
        )
        for row in rows
    ]


async def users_consenting(purpose: ConsentPurpose | str) -> list[int]:
    """Ids of users who consent to ``purpose`` now (e.g. candidates visible to staff)."""
    rows = await Consent.select(Consent.user).where(
        (Consent.purpose == ConsentPurpose(purpose).value) & Consent.withdrawn_at.is_null()
    )
    return sorted({row["user"] for row in rows})
