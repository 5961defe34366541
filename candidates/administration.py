"""What admins do: create accounts, change roles, disable and enable them, pause
sources, edit organisations. Every change is audited with the acting admin's id.
Plain async services, no HTTP; the admin pages, the admin API and ``portal users
create`` call them.

Rules that keep the portal administrable:

- An admin cannot take their own admin role away or disable themselves
  (:class:`OwnAccount`): another admin must do it.
- Nobody can leave the portal without an active admin: taking the admin role from, or
  disabling, the last active (enabled, not erased) admin raises
  :class:`~candidates.privacy.LastAdmin`.
- An erased account (a tombstone) is never changed (:class:`ErasedAccount`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from candidates import accounts, audit
from candidates.accounts import AccountError
from candidates.audit import AuditAction
from candidates.clock import utc_now
from candidates.mail import RESET_PASSWORD_PATH, Mailer, link, welcome_message
from candidates.privacy import LastAdmin, active_admin_ids
from candidates.schemas import IssuedToken, UserOut
from candidates.tables import Role
from vacancies import catalogue_admin
from vacancies.db import write_transaction
from vacancies.schemas import OrganizationEdit, OrganizationRecord

__all__ = ["REFUSALS", "ErasedAccount", "LastAdmin", "OwnAccount"]

SET_PASSWORD_LINK = timedelta(hours=72)


class OwnAccount(AccountError):
    message = "You cannot take away your own admin role or disable yourself: ask another admin."


class ErasedAccount(AccountError):
    message = "This account was erased: it cannot be changed."


REFUSALS = (OwnAccount, LastAdmin, ErasedAccount)
"""What an admin's change of an account can be refused with."""


# --- accounts -------------------------------------------------------------------------


@dataclass(frozen=True)
class NewAccount:
    user: UserOut
    issued: IssuedToken | None
    """The set-password token, for an account created without a password."""

    @property
    def set_password_url(self) -> str | None:
        return link(RESET_PASSWORD_PATH, self.issued.token) if self.issued else None


async def create_account(
    email: str,
    roles: Iterable[Role | str],
    *,
    actor_id: int | None,
    password: str | None = None,
    link_lifetime: timedelta = SET_PASSWORD_LINK,
    now: datetime | None = None,
) -> NewAccount:
    """A verified account with ``roles``; without ``password``, with a single-use
    set-password token valid for ``link_lifetime`` (mail it with :func:`mail_welcome`).

    Raises :class:`~candidates.accounts.InvalidEmail`,
    :class:`~candidates.passwords.PasswordPolicyError` or
    :class:`~candidates.accounts.EmailTaken`."""
    now = utc_now(now)
    user = await accounts.create_user(email, roles, password=password, actor_id=actor_id, now=now)
    if password is not None:
        return NewAccount(user, None)
    issued = await accounts.issue_set_password_token(user.id, lifetime=link_lifetime, now=now)
    return NewAccount(user, issued)


async def mail_welcome(issued: IssuedToken, mailer: Mailer | None = None) -> None:
    """The welcome mail with the set-password link. Raises
    :class:`~candidates.mail.MailError`."""
    mailer = mailer or Mailer()
    await mailer.send(welcome_message(issued, mailer.settings))


async def _editable(user_id: int) -> UserOut:
    user = await accounts.get_user(user_id)
    if user.erased:
        raise ErasedAccount()
    return user


async def change_roles(
    user_id: int, roles: Iterable[Role | str], *, actor_id: int | None, now: datetime | None = None
) -> UserOut:
    """Make the user hold exactly ``roles`` (one audit entry per role granted or
    revoked). Raises :class:`OwnAccount`, :class:`LastAdmin`, :class:`ErasedAccount`
    or :class:`~candidates.accounts.UnknownUser`."""
    wanted = {Role(r) for r in roles}
    async with write_transaction():
        user = await _editable(user_id)
        if user.has_role(Role.admin) and Role.admin not in wanted:
            if user_id == actor_id:
                raise OwnAccount()
            if await active_admin_ids() == {user_id}:
                raise LastAdmin()
        return await accounts.set_roles(user_id, wanted, actor_id=actor_id, now=now)


async def set_disabled(
    user_id: int, disabled: bool, *, actor_id: int | None, now: datetime | None = None
) -> UserOut:
    """Disable (ending the person's sessions) or enable an account; audited when it
    changes. Raises :class:`OwnAccount`, :class:`LastAdmin`, :class:`ErasedAccount` or
    :class:`~candidates.accounts.UnknownUser`."""
    async with write_transaction():
        await _editable(user_id)
        if not disabled:
            return await accounts.enable_user(user_id, actor_id=actor_id, now=now)
        if user_id == actor_id:
            raise OwnAccount()
        if await active_admin_ids() == {user_id}:
            raise LastAdmin()
        return await accounts.disable_user(user_id, actor_id=actor_id, now=now)


async def change_user(
    user_id: int,
    *,
    roles: Iterable[Role | str] | None = None,
    disabled: bool | None = None,
    actor_id: int | None,
    now: datetime | None = None,
) -> UserOut:
    """:func:`change_roles` and/or :func:`set_disabled` (None: leave as is), all or
    nothing: a refusal of either leaves the account unchanged."""
    async with write_transaction():
        user = await _editable(user_id)
        if roles is not None:
            user = await change_roles(user_id, roles, actor_id=actor_id, now=now)
        if disabled is not None:
            user = await set_disabled(user_id, disabled, actor_id=actor_id, now=now)
    return user


# --- catalogue ------------------------------------------------------------------------


async def pause_source(
    source_id: str, paused: bool, *, actor_id: int | None, now: datetime | None = None
) -> bool:
    """Pause or resume a source's harvests; True (and audited) if that changed
    anything. Raises :class:`~vacancies.catalogue_admin.UnknownSource`."""
    now = utc_now(now)
    async with write_transaction():
        changed = await catalogue_admin.set_source_paused(source_id, paused, now=now)
        if changed:
            await audit.record(
                AuditAction.source_changed,
                actor_id=actor_id,
                subject_id=None,
                detail={"source_id": source_id, "changed": {"paused": paused}},
                now=now,
            )
    return changed


async def edit_organization(
    organization_id: int,
    edit: OrganizationEdit,
    *,
    actor_id: int | None,
    now: datetime | None = None,
) -> tuple[OrganizationRecord, list[str]]:
    """Set an organisation's name, kind and aliases; audited with the names of the
    fields that changed (nothing is written or audited when none did). Raises
    :class:`~vacancies.catalogue_admin.UnknownOrganization`."""
    now = utc_now(now)
    async with write_transaction():
        record, changed = await catalogue_admin.edit_organization(organization_id, edit, now=now)
        if changed:
            await audit.record(
                AuditAction.organization_changed,
                actor_id=actor_id,
                subject_id=None,
                detail={"organization_id": organization_id, "fields": changed},
                now=now,
            )
    return record, changed
