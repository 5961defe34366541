"""Pydantic models the account services take and return (hand-written, see DESIGN.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from candidates.tables import ConsentPurpose, Role, TokenPurpose


class UserOut(BaseModel):
    """A user as services return it: no password hash."""

    model_config = ConfigDict(frozen=True)

    id: int
    email: str
    roles: list[Role] = Field(description="sorted by name")
    email_verified_at: datetime | None
    disabled_at: datetime | None
    created_at: datetime
    last_active_at: datetime | None
    has_password: bool
    erased_at: datetime | None = Field(
        default=None, description="the account was erased: an anonymous tombstone"
    )

    @property
    def verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def disabled(self) -> bool:
        return self.disabled_at is not None

    @property
    def erased(self) -> bool:
        return self.erased_at is not None

    def has_role(self, role: Role | str) -> bool:
        return Role(role) in self.roles


class SignUp(BaseModel):
    email: str = Field(max_length=320)
    password: str = Field(max_length=1024)


class IssuedToken(BaseModel):
    """A token just issued: ``token`` goes into the emailed link and is never stored."""

    user: UserOut
    purpose: TokenPurpose
    token: str
    expires_at: datetime
    email: str = Field(description="where to send it (the new address for change_email)")


class ConsentOut(BaseModel):
    purpose: ConsentPurpose
    given_at: datetime
    withdrawn_at: datetime | None = None


class AuditEntry(BaseModel):
    id: int
    at: datetime
    actor_id: int | None
    action: str
    subject_id: int | None
    detail: dict[str, Any]
