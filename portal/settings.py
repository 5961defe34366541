"""Settings read once from the environment (``PORTAL_*``).

A leaf module: any layer may import it. Tests set the environment before the first call
to :func:`get_settings` and clear the cache when they change it.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PORTAL_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///var/portal.sqlite",
        description="sqlite:///relative/or/absolute/path or postgresql://user@host:port/db",
    )
    sources_file: Path = Field(default=REPO_ROOT / "sources.toml")
    secret_key: str | None = None
    dev_mode: bool = False

    # Harvesting
    user_agent: str = "NorecPortalBot/0.1 (+https://www.norec.no; vacancy harvester)"
    http_delay: float = Field(default=2.0, ge=0, description="seconds between requests per host")
    http_timeout: float = Field(default=30.0, gt=0)
    http_max_bytes: int = Field(default=20 * 1024 * 1024, gt=0)
    http_max_retries: int = Field(default=3, ge=0)

    # Vacancy understanding (vacancies.nlp)
    nlp_model: str | None = Field(
        default=None,
        description="an installed spaCy package (e.g. en_core_web_md) to read English "
        "vacancies with instead of the blank pipeline; empty: blank en",
    )
    taxonomy_dir: Path = Field(
        default=Path("var/taxonomy"),
        description="skills imported by `portal taxonomy import-esco`: every *.toml here "
        "joins the shipped taxonomy",
    )

    # Scheduler
    scheduler_misfire_grace_seconds: int = Field(default=900, ge=1)
    housekeeping_cron: str = "17 * * * *"
    analysis_cron: str = Field(
        default="*/10 * * * *",
        description="when the scheduler analyses vacancies whose requirements are missing "
        "or were made by an older pipeline",
    )
    scheduler_shutdown_grace_seconds: float = Field(default=120.0, ge=0)
    lock_ttl_seconds: int = Field(default=3 * 3600, ge=60)
    harvest_workers: int = Field(
        default_factory=lambda: min(4, os.cpu_count() or 1),
        ge=1,
        description="processes that harvest sources at once (portal harvest)",
    )

    # Web
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = Field(default=1, ge=1, description="web server processes (portal serve)")
    search_cache_seconds: float = Field(
        default=120.0,
        ge=0,
        description="how long a search answer is reused while no vacancy changes (0: never)",
    )
    https: bool = Field(
        default=False, description="served over HTTPS: send Strict-Transport-Security"
    )
    max_body_bytes: int = Field(
        default=1024 * 1024, ge=1, description="larger request bodies are refused with 413"
    )
    session_days: int = Field(
        default=7,
        ge=1,
        description="a sign-in lasts this long (absolute, not renewed by activity)",
    )

    # Accounts (candidates/accounts.py)
    login_failure_limit_account: int = Field(
        default=5, ge=1, description="failed sign-ins per account within the window before lockout"
    )
    login_failure_limit_address: int = Field(
        default=20, ge=1, description="failed sign-ins per client address within the window"
    )
    login_failure_window_minutes: int = Field(default=15, ge=1)
    login_lockout_minutes: int = Field(default=15, ge=1)
    email_verify_token_hours: int = Field(default=48, ge=1)
    password_reset_token_minutes: int = Field(default=60, ge=1)
    email_change_token_hours: int = Field(default=24, ge=1)
    mail_tokens_per_hour: int = Field(
        default=5, ge=1, description="emailed links of one kind an account gets per hour at most"
    )

    # Privacy (candidates/privacy.py): the inactive-account purge
    inactive_account_days: int = Field(
        default=3 * 365,
        ge=2,
        description="accounts inactive this long (since the last sign-in, or creation) are erased",
    )
    purge_warning_days: int = Field(
        default=30,
        ge=1,
        description="the warning is mailed this many days before an inactive account is erased",
    )
    purge_cron: str = Field(default="43 3 * * *", description="when the purge job runs (UTC)")

    # Candidates (issue 7): CV upload, eligibility rules, stored matches
    cv_max_bytes: int = Field(
        default=5 * 1024 * 1024, ge=1024, description="largest CV file accepted (PDF or DOCX)"
    )
    eligibility_file: Path | None = Field(
        default=None,
        description="programme and grade rules replacing candidates/data/eligibility.toml",
    )
    matches_kept: int = Field(
        default=50, ge=1, le=500, description="best matches stored per candidate and per vacancy"
    )
    match_cron: str = Field(
        default="25 */6 * * *", description="when all stored matches are recomputed (UTC)"
    )

    # Mail (candidates/mail.py)
    smtp_host: str = "localhost"
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_tls: Literal["none", "starttls", "tls"] = Field(
        default="none", description="none, starttls (upgrade after connecting) or tls (implicit)"
    )
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout: float = Field(default=30.0, gt=0)
    mail_sender: str = "Norec <no-reply@norec.no>"
    base_url: str = Field(
        default="http://127.0.0.1:8000", description="public address of the portal, for links"
    )

    @field_validator("database_url")
    @classmethod
    def _known_scheme(cls, value: str) -> str:
        scheme = urlsplit(value).scheme
        if scheme not in {"sqlite", "postgresql", "postgres"}:
            raise ValueError(
                f"PORTAL_DATABASE_URL must start with sqlite:/// or postgresql://, got {scheme!r}"
            )
        return value

    @property
    def engine(self) -> str:
        return "sqlite" if self.database_url.startswith("sqlite") else "postgres"

    @property
    def sqlite_path(self) -> Path:
        """Path of the SQLite file (``sqlite:///var/x.db`` is relative to the working dir,
        ``sqlite:////abs/x.db`` absolute)."""
        if self.engine != "sqlite":
            raise ValueError("not an SQLite database URL")
        return Path(unquote(self.database_url.removeprefix("sqlite:///")))


@lru_cache
def get_settings() -> Settings:
    return Settings()


SENSITIVE = ("url", "password", "secret", "token", "key")
"""Settings whose values an error message does not repeat (a database URL may carry a
password)."""


def describe_invalid(error: ValidationError) -> str:
    """One line per invalid setting, named as it is set: ``PORTAL_HARVEST_WORKERS: Input
    should be greater than or equal to 1 (got '0')``."""
    lines = []
    for problem in error.errors():
        field = "_".join(str(part) for part in problem["loc"])
        line = f"PORTAL_{field.upper()}: {problem['msg']}"
        if not any(word in field.lower() for word in SENSITIVE):
            line += f" (got {problem.get('input')!r})"
        lines.append(line)
    return "\n".join(lines)
