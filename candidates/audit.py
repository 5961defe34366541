"""The audit log: append and read, nothing else.

There is deliberately no function to change or remove an entry, and the database
refuses UPDATE and DELETE on ``audit_log`` (triggers, see the candidates migrations).
Entries name users by id only and ``detail`` must hold no personal data (no emails, no
names, no free text typed by a candidate), so erasing a user never touches the log.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from candidates.schemas import AuditEntry
from candidates.tables import AuditLog


class AuditAction(StrEnum):
    user_signed_up = "user_signed_up"
    user_created = "user_created"
    email_verified = "email_verified"
    email_changed = "email_changed"
    password_changed = "password_changed"  # noqa: S105 (an action name)
    password_reset = "password_reset"  # noqa: S105 (an action name)
    role_granted = "role_granted"
    role_revoked = "role_revoked"
    user_disabled = "user_disabled"
    user_enabled = "user_enabled"
    consent_given = "consent_given"
    consent_withdrawn = "consent_withdrawn"
    user_erased = "user_erased"
    inactivity_warning_sent = "inactivity_warning_sent"
    inactivity_warning_cancelled = "inactivity_warning_cancelled"
    personal_data_exported = "personal_data_exported"
    candidate_viewed = "candidate_viewed"
    """A staff member saw a candidate's personal data."""
    candidate_exported = "candidate_exported"
    """A staff member downloaded a candidate's personal data."""
    source_changed = "source_changed"
    organization_changed = "organization_changed"
    roster_imported = "roster_imported"
    """``portal candidates import``: counts only (rows, created, updated, rejected)."""


async def record(
    action: AuditAction | str,
    *,
    actor_id: int | None,
    subject_id: int | None,
    detail: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> None:
    """Append one entry. ``actor_id`` None means the system or an operator's CLI."""
    await AuditLog.insert(
        AuditLog(
            at=now or datetime.now(UTC),
            actor_id=actor_id,
            action=str(action),
            subject_id=subject_id,
            detail=detail or {},
        )
    )


async def entries(
    *,
    subject_id: int | None = None,
    action: str | None = None,
    limit: int = 100,
    user_id: int | None = None,
    before_id: int | None = None,
) -> list[AuditEntry]:
    """Newest first, optionally for one subject, one action, one user (as actor or
    subject) and only entries older than ``before_id`` (the cursor of the next page)."""
    query = AuditLog.select().order_by(AuditLog.id, ascending=False).limit(limit)
    if subject_id is not None:
        query = query.where(AuditLog.subject_id == subject_id)
    if action is not None:
        query = query.where(AuditLog.action == str(action))
    if user_id is not None:
        query = query.where((AuditLog.actor_id == user_id) | (AuditLog.subject_id == user_id))
    if before_id is not None:
        query = query.where(AuditLog.id < before_id)
    rows = await query
    return [AuditEntry.model_validate(_decoded(row)) for row in rows]


def _decoded(row: dict[str, Any]) -> dict[str, Any]:
    detail = row["detail"]
    if isinstance(detail, str):
        detail = json.loads(detail)
    return {**row, "detail": detail}
