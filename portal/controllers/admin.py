"""The administration API under ``/api/admin``: users and roles, the audit log
(read only), sources (pause and resume) and organisations. Admins only.

Thin handlers over :mod:`candidates.administration` (every change audited with the
acting admin's id). Like every unsafe method of the portal, POST and PATCH need the
CSRF token in the ``X-CSRFToken`` header (the browser session is the credential).
A refused change (an admin's own admin role, the last active admin, an erased
account, a taken email) is a 409 whose ``detail`` says why.
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, get, patch, post
from litestar.exceptions import (
    NotFoundException,
    ValidationException,
)
from litestar.params import FromQuery, JSONBody, PathParameter, QueryParameter
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from candidates import accounts, administration, audit
from candidates.audit import AuditAction
from candidates.mail import MailError
from candidates.schemas import AuditEntry, UserOut
from candidates.tables import Role
from portal.clock import request_time
from portal.controllers.errors import Conflict
from portal.guards import REFUSALS, has_role
from portal.sessions import signed_in_user
from portal.web.account import mailer
from vacancies import catalogue_admin
from vacancies.schemas import MAX_ID, OrganizationEdit, OrganizationRecord, SourceOut
from vacancies.search import list_sources
from vacancies.tables import OrganizationKind

Id = Annotated[int, PathParameter(ge=1, le=MAX_ID)]


# --- models ---------------------------------------------------------------------------


class UserList(BaseModel):
    users: list[UserOut]
    total: int = Field(description="users matching the filter, on all pages")
    page: int
    per_page: int


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(max_length=320)
    roles: list[Role] = Field(min_length=1, max_length=len(Role))


class UserCreated(BaseModel):
    user: UserOut
    welcome_mail_sent: bool = Field(
        description="whether the mail with the set-password link went out"
    )


class UserChange(BaseModel):
    """What to change; a field left out stays as it is."""

    model_config = ConfigDict(extra="forbid")

    roles: list[Role] | None = Field(default=None, max_length=len(Role))
    disabled: bool | None = None


class AuditList(BaseModel):
    entries: list[AuditEntry] = Field(description="newest first")
    next_before: int | None = Field(
        description="pass as ``before`` for the next, older entries; null on the last page"
    )


class SourceChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    paused: bool


class OrganizationChange(BaseModel):
    """What to change; a field left out stays as it is."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=255)
    kind: OrganizationKind | None = None
    aliases: list[str] | None = Field(default=None, max_length=50)


# --- controller -----------------------------------------------------------------------


def invalid(message: str) -> ValidationException:
    return ValidationException(detail=message)


class AdminController(Controller):
    path = "/api/admin"
    tags = ["admin"]
    guards = [has_role(Role.admin)]

    # --- users ------------------------------------------------------------------------

    @get("/users", operation_id="adminListUsers", raises=REFUSALS)
    async def list_users(
        self,
        role: FromQuery[Role | None] = None,
        page: Annotated[int, QueryParameter(ge=1, le=100_000)] = 1,
        per_page: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
    ) -> UserList:
        """Accounts by email (erased ones as tombstones), optionally holders of one role."""
        users = await accounts.list_users(role=role, limit=per_page, offset=(page - 1) * per_page)
        total = await accounts.count_users(role=role)
        return UserList(users=users, total=total, page=page, per_page=per_page)

    @post("/users", operation_id="adminCreateUser", raises=[*REFUSALS, Conflict])
    async def create_user(self, request: Request, data: JSONBody[UserCreate]) -> UserCreated:
        """A verified account with these roles; the person is mailed a link to choose a
        password. 409 if the address is taken."""
        try:
            created = await administration.create_account(
                data.email,
                data.roles,
                actor_id=signed_in_user(request).id,
                now=request_time(request),
            )
        except accounts.InvalidEmail as exc:
            raise invalid(str(exc)) from exc
        except accounts.EmailTaken as exc:
            raise Conflict(detail=str(exc)) from exc
        assert created.issued is not None
        try:
            await administration.mail_welcome(created.issued, mailer(request))
        except MailError:
            sent = False
        else:
            sent = True
        return UserCreated(user=created.user, welcome_mail_sent=sent)

    @patch(
        "/users/{user_id:int}",
        operation_id="adminChangeUser",
        raises=[*REFUSALS, NotFoundException, Conflict],
    )
    async def change_user(
        self, request: Request, user_id: Id, data: JSONBody[UserChange]
    ) -> UserOut:
        """Set the user's roles (exactly those given) and/or disable or enable them."""
        try:
            return await administration.change_user(
                user_id,
                roles=data.roles,
                disabled=data.disabled,
                actor_id=signed_in_user(request).id,
                now=request_time(request),
            )
        except accounts.UnknownUser as exc:
            raise NotFoundException(detail=f"no user {user_id}") from exc
        except administration.REFUSALS as exc:
            raise Conflict(detail=str(exc)) from exc

    # --- audit log --------------------------------------------------------------------

    @get("/audit", operation_id="adminListAuditEntries", raises=REFUSALS)
    async def list_audit(
        self,
        action: FromQuery[AuditAction | None] = None,
        user_id: Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)] = None,
        before: Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=500)] = 100,
    ) -> AuditList:
        """Entries newest first; ``user_id`` matches the one who acted or was acted upon;
        ``before`` continues below an entry id."""
        found = await audit.entries(
            action=action, user_id=user_id, before_id=before, limit=limit + 1
        )
        shown = found[:limit]
        return AuditList(entries=shown, next_before=shown[-1].id if len(found) > limit else None)

    # --- sources ----------------------------------------------------------------------

    @get("/sources", operation_id="adminListSources", raises=REFUSALS)
    async def list_sources(self) -> list[SourceOut]:
        """Every source with its harvest health and whether an admin paused it."""
        return await list_sources()

    @patch(
        "/sources/{source_id:str}",
        operation_id="adminChangeSource",
        raises=[*REFUSALS, NotFoundException],
    )
    async def change_source(
        self,
        request: Request,
        source_id: Annotated[str, PathParameter(max_length=64)],
        data: JSONBody[SourceChange],
    ) -> SourceOut:
        """Pause (harvests skip it) or resume a source."""
        try:
            await administration.pause_source(
                source_id,
                data.paused,
                actor_id=signed_in_user(request).id,
                now=request_time(request),
            )
        except catalogue_admin.UnknownSource as exc:
            raise NotFoundException(detail=f"no source {source_id!r}") from exc
        return next(s for s in await list_sources() if s.id == source_id)

    # --- organisations ----------------------------------------------------------------

    @get("/organizations", operation_id="adminListOrganizations", raises=REFUSALS)
    async def list_organizations(self) -> list[OrganizationRecord]:
        """Every organisation by name, with its aliases."""
        return await catalogue_admin.list_organization_records()

    @patch(
        "/organizations/{organization_id:int}",
        operation_id="adminChangeOrganization",
        raises=[*REFUSALS, NotFoundException],
    )
    async def change_organization(
        self, request: Request, organization_id: Id, data: JSONBody[OrganizationChange]
    ) -> OrganizationRecord:
        """Change name, kind and/or aliases (the shipped alias table no longer overrides
        an edited organisation); searches show the change at once."""
        try:
            current = await catalogue_admin.get_organization_record(organization_id)
            try:
                edit = OrganizationEdit.model_validate(
                    current.model_dump(include={"name", "kind", "aliases"})
                    | data.model_dump(exclude_none=True)
                )
            except ValidationError as exc:
                raise invalid(f"invalid organisation: {exc.errors()[0]['msg']}") from exc
            record, _ = await administration.edit_organization(
                organization_id,
                edit,
                actor_id=signed_in_user(request).id,
                now=request_time(request),
            )
        except catalogue_admin.UnknownOrganization as exc:
            raise NotFoundException(detail=f"no organisation {organization_id}") from exc
        return record
