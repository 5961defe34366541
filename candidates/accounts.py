"""Accounts: sign-up, email verification, sign-in with throttling, password reset and
change, email change, roles, disabling. Plain async services, no HTTP.

Rules the HTTP layer relies on:

- Emails are normalised (IDNA/Unicode checked by email-validator, then lower-cased) and
  unique.
- Sign-in refuses unknown emails, wrong passwords and accounts without a password with
  the same :class:`InvalidCredentials` (same message), after an Argon2 verification of
  the same cost, and counts the failure either way (see :mod:`candidates.throttling`).
  Only after the right password does it say :class:`AccountDisabled` or
  :class:`EmailNotVerified`: a person who knows the password learns nothing new.
- Unverified users may not sign in until they follow the emailed link
  (:class:`EmailNotVerified`: the caller can offer to send the link again with
  :func:`resend_verification`). A password reset also verifies the address, since the
  link proved the person reads that mailbox.
- Tokens are ``secrets.token_urlsafe(32)`` (256 bits). Only their SHA-256 is stored; a
  token is single-use, has an expiry, and issuing a new one of the same purpose for a
  user voids the older unused ones. Unknown, expired, used or voided tokens all raise
  :class:`InvalidToken` with one message.
- Mail quota: an account gets at most ``PORTAL_MAIL_TOKENS_PER_HOUR`` (5) links of each
  kind per hour. Past it, :func:`resend_verification` and :func:`request_password_reset`
  return None (logged; the caller answers as always, so the quota reveals nothing) and
  :func:`request_email_change` raises :class:`TooManyMails`. Without the quota anyone
  could make the portal flood a registered address with sign-up or reset mail.
- :func:`request_password_reset` returns None for unknown or disabled accounts: the
  caller must answer identically either way ("if the address is registered, we sent a
  link").
- Role changes, disabling and enabling, password and email changes are audited with
  the acting user's id (None for the command line); the log holds ids, not emails.
- Resetting or changing the password and disabling the account end every web session
  of the user (:func:`candidates.sessions.end_user_sessions`); the HTTP layer signs the
  person in again with a fresh session after a change they made themselves.
- All times are UTC; ``now`` is injectable for tests.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from email_validator import EmailNotValidError, validate_email

from candidates import audit, throttling
from candidates.audit import AuditAction
from candidates.clock import utc_now
from candidates.passwords import (
    PasswordPolicyError,
    check_policy,
    hash_password,
    needs_rehash,
    verify_dummy,
    verify_password,
)
from candidates.schemas import IssuedToken, UserOut
from candidates.sessions import end_user_sessions
from candidates.tables import (
    EmailToken,
    Role,
    TokenPurpose,
    User,
    UserRole,
)
from portal.settings import get_settings
from vacancies.db import write_transaction

log = logging.getLogger(__name__)
MAIL_QUOTA_WINDOW = timedelta(hours=1)

__all__ = [
    "AccountDisabled",
    "AccountError",
    "EmailNotVerified",
    "EmailTaken",
    "InvalidCredentials",
    "InvalidEmail",
    "InvalidToken",
    "LoginThrottled",
    "PasswordPolicyError",
    "TooManyMails",
    "UnknownUser",
    "WrongPassword",
]


# --- errors ---------------------------------------------------------------------------


class AccountError(Exception):
    """Base of the errors these services raise; ``str(error)`` is a message for people."""

    message = "The request could not be completed."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)


class InvalidEmail(AccountError, ValueError):
    message = "That is not a valid email address."


class EmailTaken(AccountError):
    message = "An account with that email address already exists."


class InvalidCredentials(AccountError):
    message = "The email address or the password is wrong."


class LoginThrottled(AccountError):
    """Too many failures on the account or from the address; ``until`` is when the
    lockout ends. Raised the same way for registered and unknown emails."""

    message = "Too many failed sign-in attempts. Wait a while and try again."

    def __init__(self, until: datetime) -> None:
        super().__init__(f"Too many failed sign-in attempts. Try again after {until:%H:%M} UTC.")
        self.until = until


class EmailNotVerified(AccountError):
    message = "Confirm your email address first: follow the link we sent you."


class AccountDisabled(AccountError):
    message = "This account is disabled. Contact Norec if you think this is a mistake."


class InvalidToken(AccountError):
    message = "This link is invalid, has expired or has already been used. Ask for a new one."


class WrongPassword(AccountError):
    message = "The current password is wrong."


class UnknownUser(AccountError, LookupError):
    message = "No such user."


class TooManyMails(AccountError):
    """The account was sent ``PORTAL_MAIL_TOKENS_PER_HOUR`` links of this kind in the past
    hour: no more, so nobody can use the portal to flood someone's mailbox."""

    message = "We have sent several links in the past hour. Wait a while before asking again."


# --- helpers --------------------------------------------------------------------------


def normalise_email(email: str) -> str:
    """The stored form of an address: validated, Unicode-normalised, lower-cased.

    Raises :class:`InvalidEmail` with email-validator's explanation."""
    try:
        checked = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidEmail(str(exc)) from exc
    return checked.normalized.lower()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def _roles_of(user_ids: Iterable[int]) -> dict[int, list[Role]]:
    ids = list(user_ids)
    roles: dict[int, list[Role]] = {i: [] for i in ids}
    if not ids:
        return roles
    rows = await UserRole.select(UserRole.user, UserRole.role).where(UserRole.user.is_in(ids))
    for row in rows:
        roles[row["user"]].append(Role(row["role"]))
    return {i: sorted(r, key=lambda role: role.value) for i, r in roles.items()}


def _user_out(row: dict[str, Any], roles: list[Role]) -> UserOut:
    return UserOut(
        id=row["id"],
        email=row["email"],
        roles=roles,
        email_verified_at=row["email_verified_at"],
        disabled_at=row["disabled_at"],
        created_at=row["created_at"],
        last_active_at=row["last_active_at"],
        has_password=row["password_hash"] is not None,
        erased_at=row["erased_at"],
    )


async def _user_row(user_id: int) -> dict[str, Any]:
    row = await User.select().where(User.id == user_id).first()
    if row is None:
        raise UnknownUser(f"No user with id {user_id}.")
    return row


async def get_user(user_id: int) -> UserOut:
    """The user with ``user_id``; :class:`UnknownUser` if there is none."""
    row = await _user_row(user_id)
    return _user_out(row, (await _roles_of([user_id]))[user_id])


async def find_user_by_email(email: str) -> UserOut | None:
    try:
        key = normalise_email(email)
    except InvalidEmail:
        return None
    row = await User.select().where(User.email == key).first()
    if row is None:
        return None
    return _user_out(row, (await _roles_of([row["id"]]))[row["id"]])


def _holders(role: Role | str):
    return User.id.is_in(UserRole.select(UserRole.user).where(UserRole.role == Role(role).value))


async def list_users(
    *, role: Role | str | None = None, limit: int | None = None, offset: int = 0
) -> list[UserOut]:
    """Every user (disabled ones included), by email; only holders of ``role`` if given;
    ``limit`` users from ``offset`` on (a page) if given."""
    query = User.select().order_by(User.email)
    if role is not None:
        query = query.where(_holders(role))
    if limit is not None:
        query = query.limit(limit).offset(offset)
    rows = await query
    roles = await _roles_of(row["id"] for row in rows)
    return [_user_out(row, roles[row["id"]]) for row in rows]


async def count_users(*, role: Role | str | None = None) -> int:
    """How many users :func:`list_users` lists (without ``limit``)."""
    query = User.count()
    if role is not None:
        query = query.where(_holders(role))
    return await query


async def _hash(password: str) -> str:
    # Argon2 takes tens of milliseconds of CPU: off the event loop.
    return await asyncio.to_thread(hash_password, password)


async def _verify(password_hash: str, password: str) -> bool:
    return await asyncio.to_thread(verify_password, password_hash, password)


def _lifetime(purpose: TokenPurpose) -> timedelta:
    settings = get_settings()
    if purpose is TokenPurpose.verify_email:
        return timedelta(hours=settings.email_verify_token_hours)
    if purpose is TokenPurpose.reset_password:
        return timedelta(minutes=settings.password_reset_token_minutes)
    return timedelta(hours=settings.email_change_token_hours)


async def _issue_token(
    user: UserOut,
    purpose: TokenPurpose,
    now: datetime,
    *,
    new_email: str | None = None,
    lifetime: timedelta | None = None,
    rate_limited: bool = True,
) -> IssuedToken:
    """A new token for ``user``; older unused tokens of the same purpose stop working
    (they expire now, and stay as a count for the quota until :func:`purge_tokens`).

    Raises :class:`TooManyMails` when ``rate_limited`` and the account already got
    ``PORTAL_MAIL_TOKENS_PER_HOUR`` tokens of this purpose in the past hour.
    """
    if rate_limited:
        recent = await EmailToken.count().where(
            (EmailToken.user == user.id)
            & (EmailToken.purpose == purpose.value)
            & (EmailToken.created_at > now - MAIL_QUOTA_WINDOW)
        )
        if recent >= get_settings().mail_tokens_per_hour:
            raise TooManyMails()
    token = secrets.token_urlsafe(32)
    expires_at = now + (lifetime or _lifetime(purpose))
    await EmailToken.update({EmailToken.expires_at: now}).where(
        (EmailToken.user == user.id)
        & (EmailToken.purpose == purpose.value)
        & EmailToken.used_at.is_null()
        & (EmailToken.expires_at > now)
    )
    await EmailToken.insert(
        EmailToken(
            user=user.id,
            purpose=purpose.value,
            token_hash=hash_token(token),
            new_email=new_email,
            created_at=now,
            expires_at=expires_at,
        )
    )
    return IssuedToken(
        user=user,
        purpose=purpose,
        token=token,
        expires_at=expires_at,
        email=new_email or user.email,
    )


async def purge_tokens(now: datetime) -> int:
    """Delete tokens that expired or were used more than a day ago (for the housekeeping
    job): pending email changes hold an address, and a dead token is of no use."""
    horizon = now - timedelta(days=1)
    rows = (
        await EmailToken.delete()
        .where((EmailToken.expires_at < horizon) | (EmailToken.used_at < horizon))
        .returning(EmailToken.id)
    )
    return len(rows)


async def _valid_token(token: str, purpose: TokenPurpose, now: datetime) -> dict[str, Any]:
    row = (
        await EmailToken.select()
        .where(
            (EmailToken.token_hash == hash_token(token))
            & (EmailToken.purpose == purpose.value)
            & EmailToken.used_at.is_null()
            & (EmailToken.expires_at > now)
        )
        .first()
    )
    if row is None:
        raise InvalidToken()
    return row


async def _consume_token(token: str, purpose: TokenPurpose, now: datetime) -> dict[str, Any]:
    """Mark the token used (inside the caller's transaction); at most one caller wins."""
    row = await _valid_token(token, purpose, now)
    won = (
        await EmailToken.update({EmailToken.used_at: now})
        .where((EmailToken.id == row["id"]) & EmailToken.used_at.is_null())
        .returning(EmailToken.id)
    )
    if not won:
        raise InvalidToken()
    return row


def _is_unique_violation(exc: Exception) -> bool:
    name = type(exc).__name__
    return name in {"UniqueViolationError", "IntegrityError"} and "unique" in str(exc).lower()


# --- sign-up and verification ---------------------------------------------------------


async def sign_up(email: str, password: str, *, now: datetime | None = None) -> IssuedToken:
    """Register a candidate; returns the verify-email token for the caller to mail.

    Raises :class:`InvalidEmail`, :class:`PasswordPolicyError` or :class:`EmailTaken`.
    (The HTTP layer may prefer to show the same "check your mail" page for a taken
    address and mail the owner instead, so sign-up does not reveal who is registered.)
    """
    now = utc_now(now)
    email = normalise_email(email)
    check_policy(password, email=email)
    password_hash = await _hash(password)
    async with write_transaction():
        if await User.exists().where(User.email == email):
            raise EmailTaken()
        try:
            user_id = await _insert_user(email, password_hash, now, verified_at=None)
        except Exception as exc:
            if _is_unique_violation(exc):
                raise EmailTaken() from exc
            raise
        await UserRole.insert(UserRole(user=user_id, role=Role.candidate.value))
        await audit.record(
            AuditAction.user_signed_up,
            actor_id=user_id,
            subject_id=user_id,
            detail={"roles": [Role.candidate.value]},
            now=now,
        )
        user = await get_user(user_id)
        return await _issue_token(user, TokenPurpose.verify_email, now)


async def _insert_user(
    email: str, password_hash: str | None, now: datetime, *, verified_at: datetime | None
) -> int:
    rows = await User.insert(
        User(
            email=email,
            password_hash=password_hash,
            email_verified_at=verified_at,
            created_at=now,
        )
    ).returning(User.id)
    return rows[0]["id"]


async def _quota_or_none(user: UserOut, purpose: TokenPurpose, now: datetime) -> IssuedToken | None:
    """A token, or None past the mail quota (logged: the caller answers the same)."""
    try:
        async with write_transaction():
            return await _issue_token(user, purpose, now)
    except TooManyMails:
        log.warning("mail quota reached: no %s link for user %d", purpose.value, user.id)
        return None


async def resend_verification(email: str, *, now: datetime | None = None) -> IssuedToken | None:
    """A fresh verify-email token for an unverified, enabled account; None otherwise (the
    caller answers identically either way)."""
    now = utc_now(now)
    user = await find_user_by_email(email)
    if user is None or user.verified or user.disabled:
        return None
    return await _quota_or_none(user, TokenPurpose.verify_email, now)


async def verify_email(token: str, *, now: datetime | None = None) -> UserOut:
    """Confirm the address the token was mailed to. Raises :class:`InvalidToken`."""
    now = utc_now(now)
    async with write_transaction():
        row = await _consume_token(token, TokenPurpose.verify_email, now)
        user_id = row["user"]
        await User.update({User.email_verified_at: now}).where(
            (User.id == user_id) & User.email_verified_at.is_null()
        )
        await audit.record(
            AuditAction.email_verified, actor_id=user_id, subject_id=user_id, now=now
        )
    return await get_user(user_id)


# --- sign-in --------------------------------------------------------------------------


async def authenticate(
    email: str,
    password: str,
    client_address: str | None,
    *,
    now: datetime | None = None,
) -> UserOut:
    """The user whose email and password these are, or an error (see the module notes).

    Raises :class:`LoginThrottled`, :class:`InvalidCredentials`, :class:`AccountDisabled`
    or :class:`EmailNotVerified`. On success the account's failures are cleared, the hash
    is upgraded if the hashing parameters changed, and ``last_active_at`` is set.
    """
    now = utc_now(now)
    try:
        key = normalise_email(email)
    except InvalidEmail:
        key = email.strip().lower()
    until = await throttling.locked_until(key, client_address, now)
    if until is not None:
        raise LoginThrottled(until)
    row = await User.select().where(User.email == key).first()
    if row is None or row["password_hash"] is None:
        await asyncio.to_thread(verify_dummy, password)
        ok = False
    else:
        ok = await _verify(row["password_hash"], password)
    if not ok:
        async with write_transaction():
            await throttling.record_failure(key, client_address, now)
        raise InvalidCredentials()
    assert row is not None
    if row["disabled_at"] is not None:
        raise AccountDisabled()
    if row["email_verified_at"] is None:
        raise EmailNotVerified()
    changes: dict[Any, Any] = {User.last_active_at: now}
    if needs_rehash(row["password_hash"]):
        changes[User.password_hash] = await _hash(password)
    async with write_transaction():
        await throttling.clear_account(key)
        await User.update(changes).where(User.id == row["id"])
    return await get_user(row["id"])


async def touch(user_id: int, *, now: datetime | None = None) -> None:
    """Record activity (the session layer calls this now and then): the inactivity purge
    counts from ``last_active_at``."""
    await User.update({User.last_active_at: utc_now(now)}).where(User.id == user_id)


# --- passwords ------------------------------------------------------------------------


async def request_password_reset(email: str, *, now: datetime | None = None) -> IssuedToken | None:
    """A reset token to mail, or None when no enabled account has this email. The caller
    must answer the same either way."""
    now = utc_now(now)
    user = await find_user_by_email(email)
    if user is None or user.disabled:
        return None
    return await _quota_or_none(user, TokenPurpose.reset_password, now)


async def issue_set_password_token(
    user_id: int, *, lifetime: timedelta, now: datetime | None = None
) -> IssuedToken:
    """A reset-password token with a chosen lifetime (for operators creating accounts)."""
    now = utc_now(now)
    user = await get_user(user_id)
    async with write_transaction():
        return await _issue_token(
            user, TokenPurpose.reset_password, now, lifetime=lifetime, rate_limited=False
        )


async def reset_password(token: str, new_password: str, *, now: datetime | None = None) -> UserOut:
    """Set a new password with an emailed token (single-use). Also verifies the email
    and lifts the account's sign-in lockout: the token proved the mailbox is theirs.

    Raises :class:`InvalidToken`, :class:`PasswordPolicyError` (the token stays usable)
    or :class:`AccountDisabled`.
    """
    now = utc_now(now)
    row = await _valid_token(token, TokenPurpose.reset_password, now)
    user = await get_user(row["user"])
    if user.disabled:
        raise AccountDisabled()
    check_policy(new_password, email=user.email)
    password_hash = await _hash(new_password)
    async with write_transaction():
        await _consume_token(token, TokenPurpose.reset_password, now)
        await User.update(
            {
                User.password_hash: password_hash,
                User.email_verified_at: user.email_verified_at or now,
            }
        ).where(User.id == user.id)
        await throttling.forget_account(user.email)
        await audit.record(
            AuditAction.password_reset, actor_id=user.id, subject_id=user.id, now=now
        )
        await end_user_sessions(user.id)
    return await get_user(user.id)


async def confirm_password(user_id: int, password: str) -> None:
    """Ask for the password again before a grave step (erasing the account). Raises
    :class:`WrongPassword`."""
    row = await _user_row(user_id)
    if row["password_hash"] is None or not await _verify(row["password_hash"], password):
        raise WrongPassword()


async def change_password(
    user_id: int, old_password: str, new_password: str, *, now: datetime | None = None
) -> None:
    """Raises :class:`WrongPassword` or :class:`PasswordPolicyError`."""
    now = utc_now(now)
    await confirm_password(user_id, old_password)
    row = await _user_row(user_id)
    check_policy(new_password, email=row["email"])
    password_hash = await _hash(new_password)
    async with write_transaction():
        await User.update({User.password_hash: password_hash}).where(User.id == user_id)
        await audit.record(
            AuditAction.password_changed, actor_id=user_id, subject_id=user_id, now=now
        )
        await end_user_sessions(user_id)


# --- email change ---------------------------------------------------------------------


async def request_email_change(
    user_id: int, new_email: str, *, now: datetime | None = None
) -> IssuedToken:
    """A token to mail to the new address (``IssuedToken.email``); the address changes
    when it is confirmed. Raises :class:`InvalidEmail`, :class:`EmailTaken` or
    :class:`TooManyMails`."""
    now = utc_now(now)
    user = await get_user(user_id)
    new_email = normalise_email(new_email)
    if new_email == user.email:
        raise InvalidEmail("That is already your email address.")
    if await User.exists().where(User.email == new_email):
        raise EmailTaken()
    async with write_transaction():
        return await _issue_token(user, TokenPurpose.change_email, now, new_email=new_email)


async def confirm_email_change(token: str, *, now: datetime | None = None) -> UserOut:
    """Switch to the confirmed address (it counts as verified). Raises
    :class:`InvalidToken`, or :class:`EmailTaken` if someone registered it meanwhile."""
    now = utc_now(now)
    async with write_transaction():
        row = await _consume_token(token, TokenPurpose.change_email, now)
        user_id, new_email = row["user"], row["new_email"]
        if await User.exists().where((User.email == new_email) & (User.id != user_id)):
            raise EmailTaken()
        await User.update({User.email: new_email, User.email_verified_at: now}).where(
            User.id == user_id
        )
        await audit.record(AuditAction.email_changed, actor_id=user_id, subject_id=user_id, now=now)
    return await get_user(user_id)


# --- operators: creating users, roles, disabling --------------------------------------


async def create_user(
    email: str,
    roles: Iterable[Role | str],
    *,
    password: str | None = None,
    actor_id: int | None = None,
    now: datetime | None = None,
) -> UserOut:
    """An account created by an operator or admin: verified, with ``roles``, and either a
    password or none (then the person sets one through :func:`issue_set_password_token`).

    Raises :class:`InvalidEmail`, :class:`PasswordPolicyError` or :class:`EmailTaken`.
    """
    now = utc_now(now)
    email = normalise_email(email)
    wanted = sorted({Role(r) for r in roles}, key=lambda r: r.value)
    password_hash = None
    if password is not None:
        check_policy(password, email=email)
        password_hash = await _hash(password)
    async with write_transaction():
        if await User.exists().where(User.email == email):
            raise EmailTaken()
        user_id = await _insert_user(email, password_hash, now, verified_at=now)
        await audit.record(AuditAction.user_created, actor_id=actor_id, subject_id=user_id, now=now)
        for role in wanted:
            await _grant(user_id, role, actor_id=actor_id, now=now)
    return await get_user(user_id)


async def _grant(user_id: int, role: Role, *, actor_id: int | None, now: datetime) -> bool:
    if await UserRole.exists().where((UserRole.user == user_id) & (UserRole.role == role.value)):
        return False
    await UserRole.insert(UserRole(user=user_id, role=role.value))
    await audit.record(
        AuditAction.role_granted,
        actor_id=actor_id,
        subject_id=user_id,
        detail={"role": role.value},
        now=now,
    )
    return True


async def _revoke(user_id: int, role: Role, *, actor_id: int | None, now: datetime) -> bool:
    held = (UserRole.user == user_id) & (UserRole.role == role.value)
    if not await UserRole.exists().where(held):
        return False
    await UserRole.delete().where(held)
    await audit.record(
        AuditAction.role_revoked,
        actor_id=actor_id,
        subject_id=user_id,
        detail={"role": role.value},
        now=now,
    )
    return True


async def grant_role(
    user_id: int, role: Role | str, *, actor_id: int | None, now: datetime | None = None
) -> bool:
    """Give ``role``; False if the user already held it (nothing audited then)."""
    await _user_row(user_id)
    async with write_transaction():
        return await _grant(user_id, Role(role), actor_id=actor_id, now=utc_now(now))


async def revoke_role(
    user_id: int, role: Role | str, *, actor_id: int | None, now: datetime | None = None
) -> bool:
    """Take ``role`` away; False if the user did not hold it (nothing audited then)."""
    await _user_row(user_id)
    async with write_transaction():
        return await _revoke(user_id, Role(role), actor_id=actor_id, now=utc_now(now))


async def set_roles(
    user_id: int,
    roles: Iterable[Role | str],
    *,
    actor_id: int | None,
    now: datetime | None = None,
) -> UserOut:
    """Make the user hold exactly ``roles``: one audit entry per role granted or revoked."""
    now = utc_now(now)
    wanted = {Role(r) for r in roles}
    held = set((await _roles_of([user_id])).get(user_id, []))
    await _user_row(user_id)
    async with write_transaction():
        for role in sorted(held - wanted, key=lambda r: r.value):
            await _revoke(user_id, role, actor_id=actor_id, now=now)
        for role in sorted(wanted - held, key=lambda r: r.value):
            await _grant(user_id, role, actor_id=actor_id, now=now)
    return await get_user(user_id)


async def disable_user(
    user_id: int, *, actor_id: int | None, now: datetime | None = None
) -> UserOut:
    """Refuse the user's sign-ins from now on (idempotent: audited when it changes)."""
    now = utc_now(now)
    row = await _user_row(user_id)
    if row["disabled_at"] is None:
        async with write_transaction():
            await User.update({User.disabled_at: now}).where(User.id == user_id)
            await end_user_sessions(user_id)
            await audit.record(
                AuditAction.user_disabled, actor_id=actor_id, subject_id=user_id, now=now
            )
    return await get_user(user_id)


async def enable_user(
    user_id: int, *, actor_id: int | None, now: datetime | None = None
) -> UserOut:
    """Undo :func:`disable_user` (idempotent: audited when it changes)."""
    now = utc_now(now)
    row = await _user_row(user_id)
    if row["disabled_at"] is not None:
        async with write_transaction():
            await User.update({User.disabled_at: None}).where(User.id == user_id)
            await audit.record(
                AuditAction.user_enabled, actor_id=actor_id, subject_id=user_id, now=now
            )
    return await get_user(user_id)
