"""Administration pages under ``/admin``: users and their roles, sources (pause and
resume), organisations (name, kind, aliases) and the audit log (read only).

Admins only (``has_role(Role.admin)`` on the controller). Thin handlers over
:mod:`candidates.administration`, :mod:`candidates.accounts`, :mod:`candidates.audit`
and :mod:`vacancies.catalogue_admin`; every change is audited there with the acting
admin's id. Forms are plain POST forms with the CSRF token; a refused change comes back
as the page with the reason (status 400), a done one redirects with ``?done=``.
"""

from __future__ import annotations

import json
import logging
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.datastructures import FormMultiDict
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery, PathParameter, QueryParameter
from litestar.response import Redirect, Template
from pydantic import ValidationError

from candidates import accounts, administration, audit
from candidates.audit import AuditAction
from candidates.mail import MailError
from candidates.schemas import UserOut
from candidates.tables import Role
from portal.guards import has_role
from portal.sessions import signed_in_user
from portal.web.account import (
    MAX_FIELD,
    FieldErrors,
    invalid_email_message,
    mailer,
    redirect,
    role_label,
)
from portal.web.i18n import gettext as _
from portal.web.pages import Now, PageController
from portal.web.setup import render
from vacancies import catalogue_admin
from vacancies.schemas import MAX_ID, OrganizationEdit
from vacancies.search import list_sources
from vacancies.tables import OrganizationKind

log = logging.getLogger(__name__)

USERS_PER_PAGE = 50
AUDIT_PER_PAGE = 50
MAX_ALIASES_TEXT = 20_000

Id = Annotated[int, PathParameter(ge=1, le=MAX_ID)]


async def form_fields(request: Request) -> FormMultiDict:
    return await request.form()


def chosen_roles(form: FormMultiDict) -> set[Role] | None:
    """The checked role boxes; None if one is not a role (a forged form)."""
    try:
        return {Role(value) for value in form.getall("roles", [])}
    except ValueError:
        return None


def refusal_message(error: Exception) -> str:
    if isinstance(error, administration.OwnAccount):
        return _("You cannot take away your own admin role or disable yourself: ask another admin.")
    if isinstance(error, administration.LastAdmin):
        return _(
            "This is the last active administrator. Give another account the admin role first."
        )
    return _("This account was erased: it cannot be changed.")


async def user_or_404(user_id: int) -> UserOut:
    try:
        return await accounts.get_user(user_id)
    except accounts.UnknownUser as exc:
        raise NotFoundException(detail=f"no user {user_id}") from exc


def role_choices() -> list[dict[str, str]]:
    return [{"value": role.value, "label": role_label(role.value)} for role in Role]


def admin_page(request: Request, template: str, *, status_code: int = 200, **context: Any):
    return render(request, template, status_code=status_code, active="admin", **context)


class AdminPages(PageController):
    path = "/admin"
    guards = [has_role(Role.admin)]

    @get("/", name="admin")
    async def overview(self, request: Request) -> Template:
        return admin_page(request, "pages/admin/overview.html")

    # --- users ------------------------------------------------------------------------

    async def _users_page(
        self,
        request: Request,
        *,
        role: Role | None = None,
        page: int = 1,
        errors: FieldErrors | None = None,
        values: dict[str, Any] | None = None,
    ) -> Template:
        total = await accounts.count_users(role=role)
        users = await accounts.list_users(
            role=role, limit=USERS_PER_PAGE, offset=(page - 1) * USERS_PER_PAGE
        )
        return admin_page(
            request,
            "pages/admin/users.html",
            status_code=400 if errors else 200,
            users=users,
            total=total,
            page=page,
            last_page=max(1, -(-total // USERS_PER_PAGE)),
            role=role.value if role else "",
            roles=role_choices(),
            role_label=role_label,
            errors=errors or {},
            values=values or {"roles": []},
        )

    @get("/users", name="admin_users")
    async def users(
        self,
        request: Request,
        role: FromQuery[Role | None] = None,
        page: Annotated[int, QueryParameter(ge=1, le=100_000)] = 1,
    ) -> Template:
        return await self._users_page(request, role=role, page=page)

    @post("/users", name="admin_create_user")
    async def create_user(self, request: Request, now: Now) -> Template | Redirect:
        """Create an account with roles; the person gets the welcome mail with a
        set-password link."""
        form = await form_fields(request)
        email = str(form.get("email", ""))[:MAX_FIELD].strip()
        roles = chosen_roles(form)
        errors: FieldErrors = {}
        if not roles:
            errors["roles"] = _("Choose at least one role.")
        try:
            accounts.normalise_email(email)
        except accounts.InvalidEmail:
            errors["email"] = invalid_email_message()
        if not errors:
            try:
                created = await administration.create_account(
                    email, roles or (), actor_id=signed_in_user(request).id, now=now
                )
            except accounts.InvalidEmail:
                errors["email"] = invalid_email_message()
            except accounts.EmailTaken:
                errors["email"] = _("An account with that email address already exists.")
        if errors:
            values = {"email": email, "roles": [r.value for r in roles or ()]}
            return await self._users_page(request, errors=errors, values=values)
        assert created.issued is not None
        done = "created"
        try:
            await administration.mail_welcome(created.issued, mailer(request))
        except MailError:
            log.exception("welcome mail for user %d could not be sent", created.user.id)
            done = "created-unmailed"
        return redirect(f"/admin/users/{created.user.id}?done={done}")

    async def _user_page(
        self, request: Request, user: UserOut, *, error: str | None = None
    ) -> Template:
        notice = {
            "created": _("The account is created. We sent the person a link to choose a password."),
            "created-unmailed": _(
                "The account is created, but the mail with the link could not be sent. "
                "Ask the person to use “Forgot your password?” on the log-in page."
            ),
            "roles": _("The roles are saved."),
            "disabled": _("The account is disabled and its sessions are ended."),
            "enabled": _("The account is enabled."),
        }.get(request.query_params.get("done", ""))
        return admin_page(
            request,
            "pages/admin/user.html",
            status_code=400 if error else 200,
            account=user,
            is_self=user.id == signed_in_user(request).id,
            roles=role_choices(),
            role_label=role_label,
            notice=None if error else notice,
            error=error,
        )

    @get("/users/{user_id:int}", name="admin_user")
    async def user(self, request: Request, user_id: Id) -> Template:
        return await self._user_page(request, await user_or_404(user_id))

    @post("/users/{user_id:int}/roles", name="admin_user_roles")
    async def user_roles(self, request: Request, user_id: Id, now: Now) -> Template | Redirect:
        user = await user_or_404(user_id)
        roles = chosen_roles(await form_fields(request))
        if roles is None:
            return await self._user_page(request, user, error=_("Choose roles from the list."))
        try:
            await administration.change_roles(
                user_id, roles, actor_id=signed_in_user(request).id, now=now
            )
        except administration.REFUSALS as refusal:
            return await self._user_page(request, user, error=refusal_message(refusal))
        return redirect(f"/admin/users/{user_id}?done=roles")

    @post("/users/{user_id:int}/state", name="admin_user_state")
    async def user_state(self, request: Request, user_id: Id, now: Now) -> Template | Redirect:
        """``action`` = disable / enable."""
        user = await user_or_404(user_id)
        disable = (await form_fields(request)).get("action") == "disable"
        try:
            await administration.set_disabled(
                user_id, disable, actor_id=signed_in_user(request).id, now=now
            )
        except administration.REFUSALS as refusal:
            return await self._user_page(request, user, error=refusal_message(refusal))
        return redirect(f"/admin/users/{user_id}?done={'disabled' if disable else 'enabled'}")

    # --- sources ----------------------------------------------------------------------

    @get("/sources", name="admin_sources")
    async def sources(self, request: Request) -> Template:
        notice = {
            "paused": _("The source is paused: harvests skip it until you resume it."),
            "resumed": _("The source is resumed: it is harvested on its schedule again."),
        }.get(request.query_params.get("done", ""))
        return admin_page(
            request, "pages/admin/sources.html", sources=await list_sources(), notice=notice
        )

    @post("/sources/{source_id:str}/paused", name="admin_source_paused")
    async def source_paused(self, request: Request, source_id: FromPath[str], now: Now) -> Redirect:
        """``action`` = pause / resume."""
        pause = (await form_fields(request)).get("action") == "pause"
        try:
            await administration.pause_source(
                source_id, pause, actor_id=signed_in_user(request).id, now=now
            )
        except catalogue_admin.UnknownSource as exc:
            raise NotFoundException(detail=f"no source {source_id!r}") from exc
        done = "paused" if pause else "resumed"
        return redirect(f"/admin/sources?done={done}#source-{source_id}")

    # --- organisations ----------------------------------------------------------------

    @get("/organizations", name="admin_organizations")
    async def organizations(self, request: Request) -> Template:
        return admin_page(
            request,
            "pages/admin/organizations.html",
            organizations=await catalogue_admin.list_organization_records(),
        )

    async def _organization_page(
        self,
        request: Request,
        organization_id: int,
        *,
        errors: FieldErrors | None = None,
        values: dict[str, str] | None = None,
    ) -> Template:
        try:
            organization = await catalogue_admin.get_organization_record(organization_id)
        except catalogue_admin.UnknownOrganization as exc:
            raise NotFoundException(detail=f"no organisation {organization_id}") from exc
        if values is None:
            values = {
                "name": organization.name,
                "kind": organization.kind.value,
                "aliases": "\n".join(organization.aliases),
            }
        notice = _("The organisation is saved.") if request.query_params.get("done") else None
        return admin_page(
            request,
            "pages/admin/organization.html",
            status_code=400 if errors else 200,
            organization=organization,
            values=values,
            errors=errors or {},
            kinds=[kind.value for kind in OrganizationKind],
            notice=None if errors else notice,
        )

    @get("/organizations/{organization_id:int}", name="admin_organization")
    async def organization(self, request: Request, organization_id: Id) -> Template:
        return await self._organization_page(request, organization_id)

    @post("/organizations/{organization_id:int}", name="admin_organization_save")
    async def save_organization(
        self, request: Request, organization_id: Id, now: Now
    ) -> Template | Redirect:
        form = await form_fields(request)
        values = {
            "name": str(form.get("name", ""))[:MAX_FIELD],
            "kind": str(form.get("kind", ""))[:64],
            "aliases": str(form.get("aliases", ""))[:MAX_ALIASES_TEXT],
        }
        try:
            edit = OrganizationEdit(
                name=values["name"],
                kind=values["kind"],
                aliases=values["aliases"].splitlines(),
            )
        except ValidationError as invalid:
            errors = {
                str(e["loc"][0]): organization_field_message(str(e["loc"][0]))
                for e in invalid.errors()
            }
            return await self._organization_page(
                request, organization_id, errors=errors, values=values
            )
        try:
            await administration.edit_organization(
                organization_id, edit, actor_id=signed_in_user(request).id, now=now
            )
        except catalogue_admin.UnknownOrganization as exc:
            raise NotFoundException(detail=f"no organisation {organization_id}") from exc
        return redirect(f"/admin/organizations/{organization_id}?done=saved")

    # --- audit log --------------------------------------------------------------------

    @get("/audit", name="admin_audit")
    async def audit_log(
        self,
        request: Request,
        action: FromQuery[AuditAction | None] = None,
        user: Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)] = None,
        before: Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)] = None,
    ) -> Template:
        """Newest first, ``AUDIT_PER_PAGE`` at a time; "Older" continues below the last
        entry shown (``before`` = its id)."""
        found = await audit.entries(
            action=action, user_id=user, before_id=before, limit=AUDIT_PER_PAGE + 1
        )
        shown = found[:AUDIT_PER_PAGE]
        return admin_page(
            request,
            "pages/admin/audit.html",
            entries=[
                {**entry.model_dump(), "detail_text": json.dumps(entry.detail, sort_keys=True)}
                for entry in shown
            ],
            older=shown[-1].id if len(found) > AUDIT_PER_PAGE else None,
            actions=[a.value for a in AuditAction],
            action=action.value if action else "",
            user_filter=user,
            before=before,
        )


def organization_field_message(field: str) -> str:
    return {
        "name": _("Enter a name of at most 255 characters."),
        "kind": _("Choose a type from the list."),
        "aliases": _("Enter at most 50 aliases, one per line, each at most 255 characters."),
    }.get(field, _("Check this field."))
