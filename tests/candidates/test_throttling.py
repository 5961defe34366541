"""Sign-in throttling: 5 failures per account and 20 per address within 15 minutes lock
out for 15 minutes, without revealing whether an email is registered."""

from __future__ import annotations

from datetime import timedelta

import pytest

from candidates import accounts
from candidates.accounts import InvalidCredentials, LoginThrottled
from candidates.tables import LoginFailure, LoginLockout, Role
from tests.candidates.conftest import NOW, PASSWORD

HOME = "203.0.113.7"


@pytest.fixture
async def kari(db):
    return await accounts.create_user(
        "kari@example.no", [Role.candidate], password=PASSWORD, now=NOW
    )


async def fail(email, address, at, times=1):
    for i in range(times):
        with pytest.raises(InvalidCredentials):
            await accounts.authenticate(email, f"wrong guess {i}", address, now=at)


async def refused(email, password, address, at) -> LoginThrottled:
    with pytest.raises(LoginThrottled) as caught:
        await accounts.authenticate(email, password, address, now=at)
    return caught.value


async def test_account_locks_after_five_failures_even_for_the_right_password(kari):
    await fail("kari@example.no", HOME, NOW, times=5)
    error = await refused("kari@example.no", PASSWORD, "198.51.100.1", NOW + timedelta(minutes=1))
    assert error.until == NOW + timedelta(minutes=15)
    assert str(error) == "Too many failed sign-in attempts. Try again after 09:45 UTC."


async def test_four_failures_do_not_lock(kari):
    await fail("kari@example.no", HOME, NOW, times=4)
    await accounts.authenticate("kari@example.no", PASSWORD, HOME, now=NOW)


async def test_lockout_ends_after_fifteen_minutes_with_a_fresh_count(kari):
    await fail("kari@example.no", HOME, NOW, times=5)
    await refused("kari@example.no", PASSWORD, HOME, NOW + timedelta(minutes=14, seconds=59))
    after = NOW + timedelta(minutes=15)
    # The failures before the lockout no longer count: one more does not lock again.
    await fail("kari@example.no", HOME, after)
    await accounts.authenticate("kari@example.no", PASSWORD, HOME, now=after)


async def test_failures_outside_the_window_do_not_add_up(kari):
    for minute in (0, 4, 8, 12, 16, 20):  # never five within 15 minutes
        await fail("kari@example.no", HOME, NOW + timedelta(minutes=minute))
    await accounts.authenticate("kari@example.no", PASSWORD, HOME, now=NOW + timedelta(minutes=21))


async def test_success_clears_the_account_failures(kari):
    await fail("kari@example.no", HOME, NOW, times=4)
    await accounts.authenticate("kari@example.no", PASSWORD, HOME, now=NOW)
    await fail("kari@example.no", HOME, NOW, times=4)
    await accounts.authenticate("kari@example.no", PASSWORD, HOME, now=NOW)


async def test_unknown_email_is_indistinguishable_from_a_registered_one(kari):
    answers = {}
    for email in ("kari@example.no", "nobody@example.no"):
        with pytest.raises(InvalidCredentials) as caught:
            await accounts.authenticate(email, "wrong guess", HOME, now=NOW)
        answers[email] = (type(caught.value), str(caught.value))
    expected = (InvalidCredentials, "The email address or the password is wrong.")
    assert answers["kari@example.no"] == answers["nobody@example.no"] == expected
    # Failures are counted for unknown emails too, and they lock out the same way.
    await fail("kari@example.no", HOME, NOW, times=4)
    await fail("nobody@example.no", HOME, NOW, times=4)
    known = await refused("kari@example.no", PASSWORD, HOME, NOW)
    unknown = await refused("nobody@example.no", PASSWORD, HOME, NOW)
    assert (type(known), str(known), known.until) == (type(unknown), str(unknown), unknown.until)


async def test_address_locks_after_twenty_failures_across_accounts(kari):
    for n in range(19):
        await fail(f"guess{n}@example.no", HOME, NOW)
    await accounts.authenticate("kari@example.no", PASSWORD, HOME, now=NOW)
    await fail("guess19@example.no", HOME, NOW)
    error = await refused("kari@example.no", PASSWORD, HOME, NOW + timedelta(minutes=1))
    assert error.until == NOW + timedelta(minutes=15)
    # Kari from another address is not affected by the locked-out one.
    await accounts.authenticate("kari@example.no", PASSWORD, "198.51.100.1", now=NOW)


async def test_ipv6_addresses_count_per_64_network(kari):
    for n in range(20):
        await fail(f"guess{n}@example.no", f"2001:db8:1:2::{n + 1:x}", NOW)
    await refused("kari@example.no", PASSWORD, "2001:db8:1:2:ffff::1", NOW)
    await accounts.authenticate("kari@example.no", PASSWORD, "2001:db8:1:3::1", now=NOW)


async def test_a_password_reset_lifts_the_account_lockout(kari):
    await fail("kari@example.no", HOME, NOW, times=5)
    issued = await accounts.request_password_reset("kari@example.no", now=NOW)
    await accounts.reset_password(issued.token, "a brand new passphrase", now=NOW)
    await accounts.authenticate("kari@example.no", "a brand new passphrase", "192.0.2.1", now=NOW)


async def test_throttling_stores_no_email_or_address_in_clear(kari):
    await fail("kari@example.no", HOME, NOW, times=5)
    stored = [*await LoginFailure.select(), *await LoginLockout.select()]
    assert {row["scope"] for row in stored} == {"account", "address"}
    assert all(len(row["key_hash"]) == 64 for row in stored)
    text = repr(stored)
    assert "kari" not in text and HOME not in text
