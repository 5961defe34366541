"""The inactive-account purge: warned by mail through a real SMTP server, then erased;
activity after a warning cancels it; the last admin stays."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from candidates import accounts, audit
from candidates.privacy import erase_user, purge_inactive_accounts, purge_periods
from candidates.tables import Role, User
from portal.settings import Settings, get_settings
from scheduler import jobs
from scheduler.runner import build_scheduler, declared_jobs

NOW = datetime(2029, 6, 1, 3, 43, tzinfo=UTC)
DAY = timedelta(days=1)
LONG_AGO = datetime(2024, 1, 15, 12, 0, tzinfo=UTC)
WARN_AFTER = timedelta(days=1095 - 30)


async def user(email: str, *, last_active=None, warned=None, created=LONG_AGO, roles=None):
    made = await accounts.create_user(email, roles or [Role.candidate], now=created)
    await User.update({User.last_active_at: last_active, User.purge_warned_at: warned}).where(
        User.id == made.id
    )
    return made.id


@pytest.fixture
async def people(db):
    """One account in each situation the purge distinguishes, by name."""
    ids = {
        "admin": await user("admin@norec.no", roles=[Role.admin]),  # the only admin
        "fresh": await user("fresh@example.no", created=NOW - 10 * DAY),
        "due": await user("due@example.no", last_active=NOW - WARN_AFTER - DAY),
        "almost": await user("almost@example.no", last_active=NOW - WARN_AFTER + DAY),
        "never": await user("never@example.no"),  # never signed in: counts from creation
        "warned_long_ago": await user("gone@example.no", warned=NOW - 31 * DAY),
        "warned_lately": await user("waiting@example.no", warned=NOW - 29 * DAY),
        "came_back": await user(
            "back@example.no", warned=NOW - 40 * DAY, last_active=NOW - 10 * DAY
        ),
        "old_staff": await user("staff@norec.no", roles=[Role.staff], warned=NOW - 31 * DAY),
        "erased": await user("erased@example.no"),
    }
    await erase_user(ids["erased"], now=LONG_AGO + DAY)
    return ids


def inactivity(roles: list[str]) -> dict:
    return {"reason": "inactivity", "roles": roles}


async def state(user_id: int) -> tuple[datetime | None, datetime | None]:
    row = await User.select(User.purge_warned_at, User.erased_at).where(User.id == user_id).first()
    return row["purge_warned_at"], row["erased_at"]


async def test_one_run_cancels_erases_and_warns_exactly_the_right_accounts(people, mailer, inbox):
    result = await purge_inactive_accounts(now=NOW, mailer=mailer)

    assert result.cancelled == [people["came_back"]]
    assert sorted(result.erased) == sorted([people["warned_long_ago"], people["old_staff"]])
    assert sorted(result.warned) == sorted([people["due"], people["never"]])
    assert result.failed == []
    assert sorted(r for rs, _ in inbox.messages for r in rs) == [
        "due@example.no",
        "never@example.no",
    ]
    assert {name: await state(i) for name, i in people.items()} == {
        "admin": (None, None),
        "fresh": (None, None),
        "due": (NOW, None),
        "almost": (None, None),
        "never": (NOW, None),
        "warned_long_ago": (None, NOW),
        "warned_lately": (NOW - 29 * DAY, None),
        "came_back": (None, None),
        "old_staff": (None, NOW),
        "erased": (None, LONG_AGO + DAY),
    }
    system = [
        (e.subject_id, e.action, e.detail)
        for e in reversed(await audit.entries(limit=20))
        if e.at == NOW and e.actor_id is None
    ]
    assert sorted(system) == sorted(
        [
            (people["came_back"], "inactivity_warning_cancelled", {}),
            (people["warned_long_ago"], "user_erased", inactivity(["candidate"])),
            (people["old_staff"], "user_erased", inactivity(["staff"])),
            (people["due"], "inactivity_warning_sent", {}),
            (people["never"], "inactivity_warning_sent", {}),
        ]
    )  # fmt: skip


async def test_the_warning_says_when_in_both_languages(people, mailer, inbox):
    await purge_inactive_accounts(now=NOW, mailer=mailer)
    message = inbox.last("due@example.no")
    assert message["Subject"].startswith("Kontoen din slettes snart / Your account will soon")
    assert message["From"] == "Norec <no-reply@norec.no>"
    body = message.get_content()
    assert "blir slettet etter 01.07.2029" in body
    assert "will be deleted after 01.07.2029" in body
    assert "https://portal.norec.no/" in body


async def test_a_second_run_the_same_day_does_nothing(people, mailer, inbox):
    await purge_inactive_accounts(now=NOW, mailer=mailer)
    again = await purge_inactive_accounts(now=NOW + timedelta(hours=1), mailer=mailer)
    assert again.as_dict() == {"cancelled": 0, "erased": 0, "warned": 0, "failed": 0}
    assert len(inbox.messages) == 2


async def test_a_warned_account_is_erased_after_the_window_unless_used(people, mailer, inbox):
    await purge_inactive_accounts(now=NOW, mailer=mailer)
    await accounts.touch(people["never"], now=NOW + 5 * DAY)

    later = await purge_inactive_accounts(now=NOW + 30 * DAY + timedelta(minutes=1), mailer=mailer)

    assert later.cancelled == [people["never"]]
    assert sorted(later.erased) == sorted([people["due"], people["warned_lately"]])
    assert await state(people["never"]) == (None, None)
    assert (await accounts.get_user(people["admin"])).email == "admin@norec.no"


async def test_a_warning_that_cannot_be_mailed_is_not_recorded(people):
    from candidates.mail import Mailer

    nowhere = Mailer(
        get_settings().model_copy(
            update={"smtp_host": "127.0.0.1", "smtp_port": 9, "smtp_timeout": 2}
        )
    )
    result = await purge_inactive_accounts(now=NOW, mailer=nowhere)
    assert sorted(result.failed) == sorted([people["due"], people["never"]])
    assert result.warned == []
    assert await state(people["due"]) == (None, None)


def test_the_warning_window_must_be_shorter_than_the_period():
    assert purge_periods(Settings()) == (timedelta(days=1095), timedelta(days=30))
    with pytest.raises(ValueError, match="PORTAL_PURGE_WARNING_DAYS"):
        purge_periods(Settings(inactive_account_days=30, purge_warning_days=30))


async def test_the_purge_job_is_declared_daily_with_one_instance(db):
    settings = Settings()
    [spec] = [j for j in declared_jobs([], settings) if j.id == "purge-inactive-accounts"]
    assert (spec.func, spec.cron, spec.kwargs) == (
        "scheduler.jobs:purge_inactive_accounts_job",
        "43 3 * * *",
        {},
    )
    scheduler = build_scheduler(declared_jobs([], Settings(purge_cron="5 2 * * *")), settings)
    scheduler.start(paused=True)
    try:
        job = scheduler.get_job("purge-inactive-accounts")
        assert (job.max_instances, job.coalesce) == (1, True)
        assert job.trigger.get_next_fire_time(None, NOW) == datetime(2029, 6, 2, 2, 5, tzinfo=UTC)
    finally:
        scheduler.shutdown(wait=False)


@pytest.fixture
def smtp_settings(smtp, monkeypatch):
    monkeypatch.setenv("PORTAL_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("PORTAL_SMTP_PORT", str(smtp[1]))
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


async def test_the_job_runs_the_purge_with_the_clock(people, smtp_settings, inbox, monkeypatch):
    monkeypatch.setattr(jobs, "utcnow", lambda: NOW)
    await jobs.purge_inactive_accounts_job()
    assert sorted(r for rs, _ in inbox.messages for r in rs) == [
        "due@example.no",
        "never@example.no",
    ]
    assert await state(people["old_staff"]) == (None, NOW)
