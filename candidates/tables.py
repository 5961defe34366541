"""Piccolo tables of the candidates app. Tables only: logic lives in the service modules.

Identity (issue 4): users and their roles, emailed tokens, login failures and lockouts,
consents and the audit log. Candidates (issue 7): profiles, the CV's text with what was
read from it, saved vacancies and stored matches. Shortlists and placements come later.
"""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import (
    JSON,
    Boolean,
    Date,
    DoublePrecision,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from vacancies.tables import Vacancy


class Role(StrEnum):
    candidate = "candidate"
    staff = "staff"
    """Norec staff."""
    ministry = "ministry"
    """Ministry of Foreign Affairs: aggregated statistics only."""
    admin = "admin"


class TokenPurpose(StrEnum):
    verify_email = "verify_email"
    reset_password = "reset_password"  # noqa: S105 (a purpose)
    change_email = "change_email"


class ThrottleScope(StrEnum):
    account = "account"
    address = "address"


class ConsentPurpose(StrEnum):
    visible_to_staff = "visible_to_staff"
    vacancy_alerts = "vacancy_alerts"
    career_follow_up = "career_follow_up"
    statistics = "statistics"


class User(Table, tablename="portal_user"):
    """A person who signs in. ``email`` is stored normalised (lower-case)."""

    email = Varchar(length=320, unique=True)
    password_hash = Varchar(length=255, null=True, default=None)
    """Argon2id PHC string; None until the user sets a password (created by an operator)."""
    email_verified_at = Timestamptz(null=True, default=None)
    disabled_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()
    last_active_at = Timestamptz(null=True, default=None)
    purge_warned_at = Timestamptz(null=True, default=None)
    """When the inactive-account purge mailed its warning (candidates/privacy.py); cleared
    when the person is active again."""
    erased_at = Timestamptz(null=True, default=None)
    """Set when the person's data was erased: the row stays as a tombstone (no personal
    data), so its id is never reused and audit entries never point at someone new."""


class UserRole(Table, tablename="user_role"):
    """One role held by one user; (user, role) is unique (an index in the migrations)."""

    user = ForeignKey(User, null=False, on_delete=OnDelete.cascade, index=True)
    role = Varchar(length=16, choices=Role)


class EmailToken(Table, tablename="email_token"):
    """A single-use emailed token. Only its SHA-256 is stored, never the token."""

    user = ForeignKey(User, null=False, on_delete=OnDelete.cascade, index=True)
    purpose = Varchar(length=16, choices=TokenPurpose)
    token_hash = Varchar(length=64, unique=True)
    new_email = Varchar(length=320, null=True, default=None)
    """The address being confirmed (purpose change_email)."""
    created_at = Timestamptz()
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)


class LoginFailure(Table, tablename="login_failure"):
    """A failed sign-in, counted per account (normalised email) and per client address.

    ``key_hash`` is the SHA-256 of the email or address, so throttling keeps no email
    address or IP in clear (and needs none erased). Unknown emails are counted too.
    """

    scope = Varchar(length=8, choices=ThrottleScope)
    key_hash = Varchar(length=64)
    at = Timestamptz()


class LoginLockout(Table, tablename="login_lockout"):
    """An account or address refused sign-in until ``until`` after too many failures."""

    scope = Varchar(length=8, choices=ThrottleScope)
    key_hash = Varchar(length=64)
    at = Timestamptz()
    until = Timestamptz()


class Consent(Table):
    """Consent to one purpose: withdrawing sets ``withdrawn_at``; giving again adds a row."""

    user = ForeignKey(User, null=False, on_delete=OnDelete.cascade, index=True)
    purpose = Varchar(length=32, choices=ConsentPurpose)
    given_at = Timestamptz()
    withdrawn_at = Timestamptz(null=True, default=None)


class AuditLog(Table, tablename="audit_log"):
    """Append-only (triggers refuse UPDATE and DELETE on both engines).

    Users are referred to by id only, never by a foreign key or personal data: erasing a
    user leaves entries that point at an anonymous id, and nothing personal is locked in
    a table that cannot be changed.
    """

    at = Timestamptz(index=True)
    actor_id = Integer(null=True, default=None)
    """The user who acted; None for the system or an operator at the command line."""
    action = Varchar(length=64)
    subject_id = Integer(null=True, default=None, index=True)
    """The user acted upon."""
    detail = JSON(default={})


class UserSession(Table, tablename="user_session"):
    """A server-side web session (the portal's session store, portal/sessions.py).

    ``key_hash`` is the SHA-256 of the session id the browser holds in its cookie, so a
    copy of this table cannot be replayed as live sessions. ``user`` is the signed-in
    user, if any: every session of a user ends when their password is reset or changed,
    they are disabled, or their row is deleted (cascade).
    """

    key_hash = Varchar(length=64, unique=True)
    data = Text()
    """The session's content as Litestar serialised it (JSON)."""
    user = ForeignKey(User, null=True, default=None, on_delete=OnDelete.cascade, index=True)
    expires_at = Timestamptz(index=True)


class CandidateProfile(Table, tablename="candidate_profile"):
    """A candidate's structured profile: one row per user, written through
    ``candidates.profiles`` (validated by :class:`candidates.profile_models.ProfileIn`).

    List columns hold codes, never free text: ISO 3166 alpha-2 citizenships, ISO 639-1
    languages with CEFR levels, taxonomy skill and job-family ids, organisation acronyms,
    region slugs (``vacancies/data/regions.toml``), ISO alpha-3 duty-station countries,
    grade codes and contract categories.
    """

    user = ForeignKey(User, null=False, unique=True, on_delete=OnDelete.cascade)
    citizenships = JSON(default=[])
    birth_year = Integer(null=True, default=None)
    """Used only for programmes' published age limits (eligibility), never in a score."""
    education_level = Varchar(length=16, null=True, default=None)
    education_field = Varchar(length=200, default="")
    education_year = Integer(null=True, default=None)
    languages = JSON(default=[])
    """``[{"code": "en", "level": "C1"}, ...]``; level A1..C2 or "native"."""
    experience_years = DoublePrecision(default=0.0)
    international_years = DoublePrecision(default=0.0)
    skills = JSON(default=[])
    job_families = JSON(default=[])
    organizations = JSON(default=[])
    regions = JSON(default=[])
    duty_stations = JSON(default=[])
    grades = JSON(default=[])
    contract_types = JSON(default=[])
    available_from = Date(null=True, default=None)
    summary = Text(default="")
    created_at = Timestamptz()
    updated_at = Timestamptz()


class CandidateCv(Table, tablename="candidate_cv"):
    """The text of a candidate's latest CV and what the pipeline proposed from it.

    The uploaded file itself is not kept: only its extracted text (shown to the candidate,
    to staff when the candidate is visible, and in the data export) and the proposals,
    which change nothing until the candidate confirms them.
    """

    user = ForeignKey(User, null=False, unique=True, on_delete=OnDelete.cascade)
    filename = Varchar(length=255)
    media_type = Varchar(length=100)
    size = Integer()
    text = Text(default="")
    lang = Varchar(length=8, default="en")
    suggestions = JSON(default={})
    uploaded_at = Timestamptz()
    reviewed_at = Timestamptz(null=True, default=None)
    """When the candidate confirmed or dismissed the proposals."""


class SavedVacancy(Table, tablename="saved_vacancy"):
    """A vacancy a candidate saved; (user, vacancy) is unique (an index in the migrations)."""

    user = ForeignKey(User, null=False, on_delete=OnDelete.cascade, index=True)
    vacancy = ForeignKey(Vacancy, null=False, on_delete=OnDelete.cascade, index=True)
    saved_at = Timestamptz()


class StoredMatch(Table, tablename="candidate_match"):
    """A precomputed match between a candidate and an open vacancy (``candidates.matching``).

    Holds each candidate's best vacancies and each vacancy's best candidates from the last
    full or partial recompute; (user, vacancy) is unique. ``components`` maps component
    name to its score in [0, 1]; the reasons are rebuilt from the profile and the vacancy
    when shown, so stored rows stay small.
    """

    user = ForeignKey(User, null=False, on_delete=OnDelete.cascade, index=True)
    vacancy = ForeignKey(Vacancy, null=False, on_delete=OnDelete.cascade, index=True)
    score = DoublePrecision()
    eligible = Boolean(default=True)
    components = JSON(default={})
    computed_at = Timestamptz()
