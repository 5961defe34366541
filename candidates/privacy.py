"""Privacy (GDPR): "download my data", "delete my account", and the purge of inactive
accounts. Plain async services, no HTTP.

Export (Art. 15 and 20): :func:`export_user_data` returns everything stored about a
person as JSON-ready data (times as ISO 8601 strings in UTC). Token hashes are never
exported: they are credentials, not information about the person.

Erasure (Art. 17): :func:`erase_user` keeps the ``portal_user`` row as a tombstone and
removes everything personal:

- The row stays because SQLite ids have no AUTOINCREMENT: deleting the highest id would
  let the next sign-up reuse it, and old audit entries would then point at a new
  person. The tombstone keeps only its id, ``created_at`` (sign-ups per period are a
  statistic) and ``erased_at``/``disabled_at`` (the erasure time); its email becomes
  ``erased-<id>@erased.invalid`` (unique, and ``.invalid`` can never be registered);
  password hash, verification, last activity and warning times are cleared.
- Deleted: emailed tokens (pending email changes hold an address), login failures and
  lockouts keyed by the hash of the account's email (failures recorded under earlier
  addresses are not linkable and expire with :func:`candidates.throttling.purge`), roles
  (a tombstone must authorise nothing), consents and web sessions (the ``sessions``
  section, registered below; exported as their expiry times only).
- Statistics need no extra table: the append-only audit log already holds, by id only,
  when the account signed up, which roles it held and when consents were given and
  withdrawn. Once the id names no one, those entries are anonymous counts. Erasure
  appends one ``user_erased`` entry whose detail holds the reason and the roles held
  (no personal data).
- Erasure is idempotent (erasing a tombstone does nothing and appends nothing) and
  refuses to erase the last active admin (:class:`LastAdmin`).

Issue 7's tables are registered below: ``profile`` (the profile row), ``cv`` (the CV's
filename, type, size, text, language and proposals), each a list of none or one,
``saved_vacancies`` and ``matches`` (the stored matches, best first); erasure deletes
their rows. Later tables (shortlists, alerts...) plug in with
:func:`register_section`: a name, an export function and an erase function. A table
with a foreign key to ``User`` is *not* emptied by cascade, since the user row stays:
it must register a section (``tests/candidates/test_privacy.py`` scans every table for
what is left after erasure and fails otherwise).

Inactivity purge (Art. 5(1)(e), storage limitation): :func:`purge_inactive_accounts`,
run daily by the scheduler, with ``P = PORTAL_INACTIVE_ACCOUNT_DAYS`` (1095) and
``W = PORTAL_PURGE_WARNING_DAYS`` (30). Inactivity counts from ``last_active_at``, or
``created_at`` for an account never signed in to. In order, each run:

1. cancels the warning of accounts active since they were warned;
2. erases (actor None, reason ``inactivity``) accounts warned more than W days ago;
3. mails a warning (Bokmål and English) to accounts inactive for more than P - W days
   and not yet warned, and records the time in ``purge_warned_at``.

So an account is erased no sooner than P days after its last activity and W days after
its warning. Every role is purged by the same rule, staff, ministry and admin
accounts included (an account unused for years is a risk, and an operator can create
it again), except the last active admin, who is neither warned nor erased. Disabled
accounts are purged like the others. A warning that cannot be mailed is not recorded,
so the next run tries again and the account is never erased unwarned.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from candidates import audit, throttling
from candidates.accounts import AccountError, UnknownUser, confirm_password
from candidates.audit import AuditAction
from candidates.clock import utc_now
from candidates.mail import Mailer, MailError, inactivity_warning_message
from candidates.sessions import end_user_sessions
from candidates.tables import (
    AuditLog,
    CandidateCv,
    CandidateProfile,
    Consent,
    EmailToken,
    LoginFailure,
    Role,
    SavedVacancy,
    StoredMatch,
    ThrottleScope,
    User,
    UserRole,
    UserSession,
)
from portal.settings import Settings, get_settings
from vacancies.db import write_transaction

log = logging.getLogger(__name__)

ERASED_EMAIL_DOMAIN = "erased.invalid"


class LastAdmin(AccountError):
    message = "This is the last active admin: give another account the admin role first."


# --- extension point ------------------------------------------------------------------


@dataclass(frozen=True)
class PersonalDataSection:
    """Personal data kept in another table, for export and erasure.

    ``export(user_id)`` returns JSON-ready data (it appears under ``name`` in the
    export); ``erase(user_id, now)`` deletes or blanks it and runs inside the erasure's
    transaction, before the user row becomes a tombstone.
    """

    name: str
    export: Callable[[int], Awaitable[Any]]
    erase: Callable[[int, datetime], Awaitable[None]]


_sections: dict[str, PersonalDataSection] = {}

CORE_SECTIONS = ("account", "consents", "email_tokens", "login_failures", "audit_log")


def register_section(section: PersonalDataSection) -> None:
    """Add a table's personal data to export and erasure (call at import of its module;
    registering the same name again replaces it)."""
    if section.name in CORE_SECTIONS:
        raise ValueError(f"{section.name!r} is a core section of the export")
    _sections[section.name] = section


def registered_sections() -> list[PersonalDataSection]:
    return list(_sections.values())


async def _export_sessions(user_id: int) -> list[dict[str, Any]]:
    rows = (
        await UserSession.select(UserSession.expires_at)
        .where(UserSession.user == user_id)
        .order_by(UserSession.expires_at)
    )
    return [{"expires_at": _iso(r["expires_at"])} for r in rows]


async def _erase_sessions(user_id: int, now: datetime) -> None:
    await end_user_sessions(user_id)


register_section(PersonalDataSection("sessions", _export_sessions, _erase_sessions))


# Issue 7's tables, read directly here (not through candidates.profiles or the matcher,
# which import this module's neighbours): the profile, the CV's text and proposals, the
# saved vacancies and the stored matches.


def _date(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return _iso(value)
    return value.isoformat()


async def _export_profile(user_id: int) -> list[dict[str, Any]]:
    row = (
        await CandidateProfile.select()
        .where(CandidateProfile.user == user_id)
        .output(load_json=True)
        .first()
    )
    if row is None:
        return []
    data = {k: v for k, v in row.items() if k not in ("id", "user")}
    for key in ("experience_years", "international_years"):
        data[key] = round(row[key], 2)  # as the profile shows them (profiles._profile)
    for key in ("created_at", "updated_at"):
        data[key] = _iso(row[key])
    data["available_from"] = _date(row["available_from"])
    return [data]


async def _erase_profile(user_id: int, now: datetime) -> None:
    await CandidateProfile.delete().where(CandidateProfile.user == user_id)


async def _export_cv(user_id: int) -> list[dict[str, Any]]:
    row = (
        await CandidateCv.select().where(CandidateCv.user == user_id).output(load_json=True).first()
    )
    if row is None:
        return []
    return [
        {
            "filename": row["filename"],
            "media_type": row["media_type"],
            "size": row["size"],
            "text": row["text"],
            "lang": row["lang"],
            "suggestions": row["suggestions"],
            "uploaded_at": _iso(row["uploaded_at"]),
            "reviewed_at": _iso(row["reviewed_at"]),
        }
    ]


async def _erase_cv(user_id: int, now: datetime) -> None:
    await CandidateCv.delete().where(CandidateCv.user == user_id)


async def _export_saved(user_id: int) -> list[dict[str, Any]]:
    rows = (
        await SavedVacancy.select(
            SavedVacancy.vacancy,
            SavedVacancy.vacancy.title.as_alias("title"),
            SavedVacancy.saved_at,
        )
        .where(SavedVacancy.user == user_id)
        .order_by(SavedVacancy.saved_at)
        .order_by(SavedVacancy.id)
    )
    return [
        {"vacancy_id": r["vacancy"], "title": r["title"], "saved_at": _iso(r["saved_at"])}
        for r in rows
    ]


async def _erase_saved(user_id: int, now: datetime) -> None:
    await SavedVacancy.delete().where(SavedVacancy.user == user_id)


async def _export_matches(user_id: int) -> list[dict[str, Any]]:
    rows = (
        await StoredMatch.select()
        .where(StoredMatch.user == user_id)
        .order_by(StoredMatch.score, ascending=False)
        .order_by(StoredMatch.vacancy)
        .output(load_json=True)
    )
    return [
        {
            "vacancy_id": r["vacancy"],
            "score": round(r["score"], 4),
            "eligible": r["eligible"],
            "components": r["components"],
            "computed_at": _iso(r["computed_at"]),
        }
        for r in rows
    ]


async def _erase_matches(user_id: int, now: datetime) -> None:
    await StoredMatch.delete().where(StoredMatch.user == user_id)


for _section in (
    PersonalDataSection("profile", _export_profile, _erase_profile),
    PersonalDataSection("cv", _export_cv, _erase_cv),
    PersonalDataSection("saved_vacancies", _export_saved, _erase_saved),
    PersonalDataSection("matches", _export_matches, _erase_matches),
):
    register_section(_section)


# --- export ---------------------------------------------------------------------------


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat()


async def _user_row(user_id: int) -> dict[str, Any]:
    row = await User.select().where(User.id == user_id).first()
    if row is None:
        raise UnknownUser(f"No user with id {user_id}.")
    return row


def _account(row: dict[str, Any], roles: list[str]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "email": row["email"],
        "created_at": _iso(row["created_at"]),
        "email_verified_at": _iso(row["email_verified_at"]),
        "last_active_at": _iso(row["last_active_at"]),
        "disabled_at": _iso(row["disabled_at"]),
        "purge_warned_at": _iso(row["purge_warned_at"]),
        "erased_at": _iso(row["erased_at"]),
        "has_password": row["password_hash"] is not None,
        "roles": roles,
    }


def _account_key(email: str) -> str:
    return throttling.key_hash(ThrottleScope.account, email)


async def export_user_data(user_id: int) -> dict[str, Any]:
    """Everything stored about the user, JSON-serialisable. Raises :class:`UnknownUser`.

    Keys: ``account``, ``consents`` (every giving and withdrawal, oldest first),
    ``email_tokens`` (no hashes), ``login_failures`` (times of failed sign-ins on the
    account), ``audit_log`` (entries where the user acted or was acted upon, oldest
    first), then one key per registered section. After erasure only the tombstone is
    left: ``account`` and empty lists.
    """
    row = await _user_row(user_id)
    roles = await UserRole.select(UserRole.role).where(UserRole.user == user_id)
    data: dict[str, Any] = {
        "account": _account(row, sorted(r["role"] for r in roles)),
        "consents": [],
        "email_tokens": [],
        "login_failures": [],
        "audit_log": [],
    }
    if row["erased_at"] is not None:
        return data | {section.name: [] for section in registered_sections()}

    consents = await Consent.select().where(Consent.user == user_id).order_by(Consent.id)
    data["consents"] = [
        {
            "purpose": c["purpose"],
            "given_at": _iso(c["given_at"]),
            "withdrawn_at": _iso(c["withdrawn_at"]),
        }
        for c in consents
    ]
    tokens = await EmailToken.select().where(EmailToken.user == user_id).order_by(EmailToken.id)
    data["email_tokens"] = [
        {
            "purpose": t["purpose"],
            "created_at": _iso(t["created_at"]),
            "expires_at": _iso(t["expires_at"]),
            "used_at": _iso(t["used_at"]),
            "new_email": t["new_email"],
        }
        for t in tokens
    ]
    failures = (
        await LoginFailure.select(LoginFailure.at)
        .where(
            (LoginFailure.scope == ThrottleScope.account.value)
            & (LoginFailure.key_hash == _account_key(row["email"]))
        )
        .order_by(LoginFailure.at)
    )
    data["login_failures"] = [{"at": _iso(f["at"])} for f in failures]
    entries = (
        await AuditLog.select()
        .where((AuditLog.actor_id == user_id) | (AuditLog.subject_id == user_id))
        .order_by(AuditLog.id)
    )
    data["audit_log"] = [
        {
            "at": _iso(e["at"]),
            "action": e["action"],
            "actor_id": e["actor_id"],
            "subject_id": e["subject_id"],
            "detail": json.loads(e["detail"]) if isinstance(e["detail"], str) else e["detail"],
        }
        for e in entries
    ]
    for section in registered_sections():
        data[section.name] = await section.export(user_id)
    return data


async def export_audited(
    user_id: int, *, actor_id: int | None, now: datetime | None = None
) -> dict[str, Any]:
    """:func:`export_user_data`, recorded in the audit log as ``personal_data_exported``
    (``actor_id``: the person themselves, or None for an operator's command line)."""
    data = await export_user_data(user_id)
    await audit.record(
        AuditAction.personal_data_exported, actor_id=actor_id, subject_id=user_id, now=now
    )
    return data


# --- erasure --------------------------------------------------------------------------


def erased_email(user_id: int) -> str:
    return f"erased-{user_id}@{ERASED_EMAIL_DOMAIN}"


async def active_admin_ids() -> set[int]:
    holders = UserRole.select(UserRole.user).where(UserRole.role == Role.admin.value)
    rows = await User.select(User.id).where(
        User.id.is_in(holders) & User.disabled_at.is_null() & User.erased_at.is_null()
    )
    return {r["id"] for r in rows}


@dataclass(frozen=True)
class Erasure:
    user_id: int
    erased_at: datetime
    erased_now: bool
    """False when the user had been erased before (nothing changed)."""


async def erase_user(
    user_id: int,
    actor_id: int | None = None,
    now: datetime | None = None,
    *,
    reason: str = "request",
) -> Erasure:
    """Erase the user's personal data, keeping a tombstone (see the module notes).

    Idempotent. Raises :class:`UnknownUser` or :class:`LastAdmin`. ``reason`` goes into
    the audit entry: ``request`` (the person or an operator asked) or ``inactivity``.
    """
    now = utc_now(now)
    async with write_transaction():
        row = await _user_row(user_id)
        if row["erased_at"] is not None:
            return Erasure(user_id, row["erased_at"], erased_now=False)
        admins = await active_admin_ids()
        if admins == {user_id}:
            raise LastAdmin()
        roles = await UserRole.select(UserRole.role).where(UserRole.user == user_id)
        for section in registered_sections():
            await section.erase(user_id, now)
        await EmailToken.delete().where(EmailToken.user == user_id)
        await Consent.delete().where(Consent.user == user_id)
        await UserRole.delete().where(UserRole.user == user_id)
        await throttling.forget_account(row["email"])
        await User.update(
            {
                User.email: erased_email(user_id),
                User.password_hash: None,
                User.email_verified_at: None,
                User.last_active_at: None,
                User.purge_warned_at: None,
                User.disabled_at: now,
                User.erased_at: now,
            }
        ).where(User.id == user_id)
        await audit.record(
            AuditAction.user_erased,
            actor_id=actor_id,
            subject_id=user_id,
            detail={"reason": reason, "roles": sorted(r["role"] for r in roles)},
            now=now,
        )
    return Erasure(user_id, now, erased_now=True)


async def erase_own_account(user_id: int, password: str, *, now: datetime | None = None) -> Erasure:
    """Delete my account: the person confirms with their password, then
    :func:`erase_user` acts on their behalf. Raises :class:`WrongPassword` or
    :class:`LastAdmin`."""
    await confirm_password(user_id, password)
    return await erase_user(user_id, actor_id=user_id, now=now)


# --- inactivity purge -----------------------------------------------------------------


@dataclass
class PurgeResult:
    cancelled: list[int] = field(default_factory=list)
    """Warnings withdrawn because the user was active again."""
    erased: list[int] = field(default_factory=list)
    warned: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    """Warnings that could not be mailed (retried on the next run)."""

    def as_dict(self) -> dict[str, int]:
        return {k: len(v) for k, v in self.__dict__.items()}


def purge_periods(settings: Settings) -> tuple[timedelta, timedelta]:
    """(inactive period, warning window); the window must be shorter than the period."""
    period = timedelta(days=settings.inactive_account_days)
    warning = timedelta(days=settings.purge_warning_days)
    if warning >= period:
        raise ValueError("PORTAL_PURGE_WARNING_DAYS must be less than PORTAL_INACTIVE_ACCOUNT_DAYS")
    return period, warning


async def purge_inactive_accounts(
    *,
    now: datetime | None = None,
    mailer: Mailer | None = None,
    settings: Settings | None = None,
) -> PurgeResult:
    """One run of the purge (see the module notes); never raises for one account's
    problem."""
    now = utc_now(now)
    settings = settings or get_settings()
    period, warning = purge_periods(settings)
    result = PurgeResult()
    rows = await User.select(
        User.id, User.email, User.created_at, User.last_active_at, User.purge_warned_at
    ).where(User.erased_at.is_null() & (User.created_at < now - (period - warning)))

    warned_rows = [r for r in rows if r["purge_warned_at"] is not None]
    for row in warned_rows:
        if row["last_active_at"] is not None and row["last_active_at"] > row["purge_warned_at"]:
            async with write_transaction():
                await User.update({User.purge_warned_at: None}).where(
                    (User.id == row["id"]) & (User.purge_warned_at == row["purge_warned_at"])
                )
                await audit.record(
                    AuditAction.inactivity_warning_cancelled,
                    actor_id=None,
                    subject_id=row["id"],
                    now=now,
                )
            result.cancelled.append(row["id"])
        elif row["purge_warned_at"] < now - warning:
            try:
                erasure = await erase_user(row["id"], None, now, reason="inactivity")
            except LastAdmin:
                log.info("purge: user %s is the last active admin, kept", row["id"])
                continue
            if erasure.erased_now:
                result.erased.append(row["id"])

    admins = await active_admin_ids()
    mailer = mailer or Mailer(settings)
    for row in rows:
        if row["purge_warned_at"] is not None:
            continue
        last = row["last_active_at"] or row["created_at"]
        if last >= now - (period - warning):
            continue
        if admins == {row["id"]}:
            continue
        try:
            await mailer.send(
                inactivity_warning_message(row["email"], now + warning, mailer.settings)
            )
        except (MailError, OSError) as exc:
            log.warning("purge: could not warn user %s: %s", row["id"], exc)
            result.failed.append(row["id"])
            continue
        async with write_transaction():
            await User.update({User.purge_warned_at: now}).where(User.id == row["id"])
            await audit.record(
                AuditAction.inactivity_warning_sent, actor_id=None, subject_id=row["id"], now=now
            )
        result.warned.append(row["id"])
    return result
