"""The signed-in person's own account through the API: who am I, my consents, "download
my data" and "delete my account". The same services as the account pages
(:mod:`portal.web.account`); the session cookie signs the request in, and unsafe
methods carry the CSRF token in the ``X-CSRFToken`` header.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from litestar import Controller, Request, delete, get, post, put
from litestar.exceptions import (
    NotAuthorizedException,
    PermissionDeniedException,
)
from litestar.params import FromPath, JSONBody
from pydantic import BaseModel, Field

from candidates import accounts, consents, privacy
from candidates.tables import ConsentPurpose, Role
from portal.clock import request_time
from portal.controllers.errors import Conflict
from portal.guards import REFUSALS, signed_in
from portal.sessions import sign_out, signed_in_user


class Me(BaseModel):
    """The signed-in account, with the consents it gives now."""

    id: int
    email: str
    roles: list[Role]
    email_verified_at: datetime | None
    created_at: datetime
    consents: dict[ConsentPurpose, datetime] = Field(
        description="each purpose consented to now, with the time it was given"
    )


class ErasureRequest(BaseModel):
    password: str = Field(min_length=1, max_length=1024, description="the account's password")


class ErasureOut(BaseModel):
    erased_at: datetime


async def _me(user_id: int) -> Me:
    user = await accounts.get_user(user_id)
    return Me(
        id=user.id,
        email=user.email,
        roles=user.roles,
        email_verified_at=user.email_verified_at,
        created_at=user.created_at,
        consents=await consents.current_consents(user.id),
    )


class MeController(Controller):
    path = "/api/me"
    tags = ["my account"]
    guards = [signed_in]

    @get("/", operation_id="getMe", raises=[NotAuthorizedException])
    async def me(self, request: Request) -> Me:
        """The signed-in account and its current consents."""
        return await _me(signed_in_user(request).id)

    @get("/data", operation_id="exportMyData", raises=[NotAuthorizedException])
    async def my_data(self, request: Request) -> dict[str, Any]:
        """Everything stored about me (GDPR art. 15 and 20); recorded in the audit log."""
        user = signed_in_user(request)
        return await privacy.export_audited(user.id, actor_id=user.id, now=request_time(request))

    @put(
        "/consents/{purpose:str}",
        operation_id="giveConsent",
        raises=REFUSALS,
    )
    async def give(self, request: Request, purpose: FromPath[ConsentPurpose]) -> Me:
        """Consent to one purpose (nothing changes if it is given already)."""
        user = signed_in_user(request)
        await consents.give_consent(user.id, purpose, now=request_time(request))
        return await _me(user.id)

    @delete(
        "/consents/{purpose:str}",
        operation_id="withdrawConsent",
        status_code=200,
        raises=REFUSALS,
    )
    async def withdraw(self, request: Request, purpose: FromPath[ConsentPurpose]) -> Me:
        """Withdraw consent to one purpose, effective at once."""
        user = signed_in_user(request)
        await consents.withdraw_consent(user.id, purpose, now=request_time(request))
        return await _me(user.id)

    @post(
        "/erasure",
        operation_id="deleteMyAccount",
        status_code=200,
        raises=[*REFUSALS, Conflict],
    )
    async def erase(self, request: Request, data: JSONBody[ErasureRequest]) -> ErasureOut:
        """Delete my account: personal data erased for good, every session ended. Needs
        the password; 403 if it is wrong, 409 for the last administrator."""
        user = signed_in_user(request)
        try:
            erasure = await privacy.erase_own_account(
                user.id, data.password, now=request_time(request)
            )
        except accounts.WrongPassword as exc:
            raise PermissionDeniedException(detail="the password is wrong") from exc
        except privacy.LastAdmin as exc:
            raise Conflict(detail=str(exc)) from exc
        sign_out(request)
        return ErasureOut(erased_at=erasure.erased_at)
