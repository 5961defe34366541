"""The hourly housekeeping job for security records: expired sessions, login failures
and lockouts too old to count, and emailed tokens dead for more than a day go; live
ones stay."""

from __future__ import annotations

from datetime import timedelta

import pytest

from candidates import accounts, sessions, throttling
from candidates.tables import EmailToken, LoginFailure, LoginLockout, Role, UserSession
from portal.settings import Settings
from scheduler import jobs
from scheduler.runner import declared_jobs
from tests.candidates.conftest import NOW, PASSWORD


async def test_the_job_purges_only_what_is_dead(db, monkeypatch):
    kari = await accounts.create_user("kari@example.no", [Role.candidate], password=PASSWORD)
    # Tokens: one superseded two days ago, one used two days ago, one superseded five
    # minutes ago, one live.
    await accounts.request_password_reset("kari@example.no", now=NOW - timedelta(days=2, hours=1))
    used = await accounts.request_password_reset("kari@example.no", now=NOW - timedelta(days=2))
    await accounts.reset_password(
        used.token, "a brand new long passphrase", now=NOW - timedelta(days=2)
    )
    await accounts.request_password_reset("kari@example.no", now=NOW - timedelta(hours=2))
    live = await accounts.request_password_reset("kari@example.no", now=NOW - timedelta(minutes=5))
    # (the reset above ended the account's sessions and cleared its failures)
    # Sessions: one expired, one live.
    await sessions.save_session("old", "{}", user_id=kari.id, expires_at=NOW - timedelta(minutes=1))
    await sessions.save_session("live", "{}", user_id=kari.id, expires_at=NOW + timedelta(days=1))
    # Login failures: 5 two hours ago (the account was locked then), 1 a minute ago.
    for attempt in range(5):
        with pytest.raises(accounts.InvalidCredentials):
            await accounts.authenticate(
                "kari@example.no", f"guess {attempt}", "203.0.113.7", now=NOW - timedelta(hours=2)
            )
    await throttling.record_failure("kari@example.no", "203.0.113.7", NOW - timedelta(minutes=1))
    assert await EmailToken.count() == 4
    assert await LoginLockout.count() == 1

    monkeypatch.setattr(jobs, "utcnow", lambda: NOW)
    await jobs.purge_expired_records_job()

    assert [r["expires_at"] for r in await UserSession.select(UserSession.expires_at)] == [
        NOW + timedelta(days=1)
    ]
    assert [
        r["at"]
        for r in await LoginFailure.select(LoginFailure.at).where(LoginFailure.scope == "account")
    ] == [NOW - timedelta(minutes=1)]
    assert await LoginLockout.count() == 0
    remaining = await EmailToken.select(EmailToken.created_at).order_by(EmailToken.created_at)
    # The one superseded two hours ago stays a day (it counts for the mail quota).
    assert [r["created_at"] for r in remaining] == [
        NOW - timedelta(hours=2),
        NOW - timedelta(minutes=5),
    ]
    assert await accounts.reset_password(live.token, "yet another long passphrase", now=NOW)


def test_the_job_runs_with_housekeeping():
    [spec] = [j for j in declared_jobs([], Settings()) if j.id == "purge-expired-records"]
    assert (spec.func, spec.cron) == ("scheduler.jobs:purge_expired_records_job", "17 * * * *")
