"""Test setup: one fresh database per run, on the engine named by PORTAL_TEST_DB.

``PORTAL_TEST_DB=sqlite`` (default): a temporary SQLite file.
``PORTAL_TEST_DB=postgres``: a new database created on ``PORTAL_TEST_POSTGRES_URL``
(default the CI server, postgresql://postgres@127.0.0.1:5432/test) and dropped after.

The environment is set in ``pytest_configure``, before any test module imports the
Piccolo tables (which bind to the engine from ``PORTAL_DATABASE_URL`` at import).
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import tempfile
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
pytest_plugins = ["tests.admin_helpers"]
"""Fixtures shared across test folders: ``admin``, ``shipped_organizations``."""
_state: dict[str, str] = {}


def _postgres_admin_url() -> str:
    return os.environ.get("PORTAL_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


async def _admin(sql: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(_postgres_admin_url())
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def pytest_configure(config: pytest.Config) -> None:
    engine = os.environ.get("PORTAL_TEST_DB", "sqlite")
    tmp = tempfile.mkdtemp(prefix="portal-tests-")
    _state["tmp"] = tmp
    os.environ["PORTAL_SOURCES_FILE"] = str(FIXTURES / "sources.toml")
    os.environ["PORTAL_HTTP_DELAY"] = "0"
    # The app refuses to start without a key outside development mode: a fresh one per run.
    os.environ["PORTAL_SECRET_KEY"] = secrets.token_urlsafe(48)
    if engine == "postgres":
        name = f"portal_test_{uuid.uuid4().hex[:12]}"
        asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
        _state["pg_database"] = name
        os.environ["PORTAL_DATABASE_URL"] = _with_database(_postgres_admin_url(), name)
    elif engine == "sqlite":
        os.environ["PORTAL_DATABASE_URL"] = f"sqlite:///{tmp}/portal.sqlite"
    else:
        raise pytest.UsageError(f"PORTAL_TEST_DB must be sqlite or postgres, not {engine!r}")
    _state["engine"] = engine
    from portal.settings import get_settings

    get_settings.cache_clear()


def pytest_unconfigure(config: pytest.Config) -> None:
    name = _state.get("pg_database")
    if name:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    if "tmp" in _state:
        shutil.rmtree(_state["tmp"], ignore_errors=True)


def pytest_report_header(config: pytest.Config) -> str:
    return f"portal test database: {_state.get('engine')} ({os.environ.get('PORTAL_DATABASE_URL')})"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    engine = _state.get("engine")
    for item in items:
        if "postgres_only" in item.keywords and engine != "postgres":
            item.add_marker(
                pytest.mark.skip(reason="PostgreSQL-only behaviour; suite runs on SQLite")
            )
        if "sqlite_only" in item.keywords and engine != "sqlite":
            item.add_marker(
                pytest.mark.skip(reason="SQLite-only behaviour; suite runs on PostgreSQL")
            )


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture
def smtp():
    """A real SMTP server on loopback for one test: (inbox, port)."""
    from tests.mail_server import mail_server

    with mail_server() as server:
        yield server


@pytest.fixture
def inbox(smtp):
    return smtp[0]


@pytest.fixture
def smtp_port(smtp) -> int:
    return smtp[1]


@pytest.fixture(scope="session")
async def database():
    """Schema migrated once per run (this exercises the migrations on the engine)."""
    from portal.database import close_database, open_database, upgrade_schema
    from vacancies.organizations import sync_organizations

    await open_database()
    await upgrade_schema()
    await sync_organizations()
    yield
    await close_database()


@pytest.fixture
async def db(database):
    """An empty database (organisations kept) for one test."""
    from candidates.tables import CandidateCv, CandidateProfile, SavedVacancy, StoredMatch
    from vacancies.tables import HarvestRun, Source, SourceLock, Vacancy

    for table in (StoredMatch, SavedVacancy, CandidateCv, CandidateProfile):
        await table.delete(force=True)
    for table in (Vacancy, HarvestRun, SourceLock, Source):
        await table.delete(force=True)
    await _clear_accounts()
    yield


async def _clear_accounts() -> None:
    """Empty the identity tables, the append-only audit log included.

    The log's triggers refuse DELETE (and TRUNCATE on PostgreSQL), as they should in the
    portal; the test database sets them aside for one transaction: PostgreSQL disables
    the table's triggers (an owner's right), SQLite drops them and re-creates them from
    their own stored SQL. So each test still runs against the real triggers.
    """
    from candidates.tables import (
        AuditLog,
        Consent,
        EmailToken,
        LoginFailure,
        LoginLockout,
        User,
        UserRole,
        UserSession,
    )
    from vacancies.db import is_postgres, write_transaction

    for table in (UserSession, Consent, EmailToken, UserRole, LoginFailure, LoginLockout, User):
        await table.delete(force=True)
    async with write_transaction():
        if is_postgres():
            await AuditLog.raw("ALTER TABLE audit_log DISABLE TRIGGER USER")
            await AuditLog.raw("DELETE FROM audit_log")
            await AuditLog.raw("ALTER TABLE audit_log ENABLE TRIGGER USER")
        else:
            triggers = await AuditLog.raw(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'audit_log'"
            )
            for trigger in triggers:
                await AuditLog.raw(f'DROP TRIGGER "{trigger["name"]}"')
            await AuditLog.raw("DELETE FROM audit_log")
            for trigger in triggers:
                await AuditLog.raw(trigger["sql"])
