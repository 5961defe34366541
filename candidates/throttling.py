"""Sign-in throttling per account and per client address.

The rule, for each key (an account's normalised email, a client's address) separately:

- every failed sign-in is recorded, for unknown emails as for registered ones;
- when a failure brings the key's failures within the window (default 15 minutes) to
  its limit (5 per account, 20 per address by default), the key is locked out for the
  lockout period (default 15 minutes) from that failure;
- while locked out, sign-in attempts are refused before the password is checked and
  are not counted; failures before a lockout ended no longer count after it;
- a successful sign-in clears the account's failures (not the address's).

Keys are stored as SHA-256 hashes: the tables hold no email address or IP in clear.
IPv6 addresses are counted per /64 network, since one host usually holds a whole /64.
"""

from __future__ import annotations

import hashlib
import ipaddress
from datetime import datetime, timedelta

from candidates.tables import LoginFailure, LoginLockout, ThrottleScope
from portal.settings import get_settings


def key_hash(scope: ThrottleScope, value: str) -> str:
    if scope is ThrottleScope.address:
        value = _address_key(value)
    return hashlib.sha256(f"{scope.value}:{value}".encode()).hexdigest()


def _address_key(address: str) -> str:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address.strip().lower()
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{ip}/64", strict=False))
    return str(ip)


def _limit(scope: ThrottleScope) -> int:
    settings = get_settings()
    if scope is ThrottleScope.account:
        return settings.login_failure_limit_account
    return settings.login_failure_limit_address


def _keys(email: str, client_address: str | None) -> list[tuple[ThrottleScope, str]]:
    keys = [(ThrottleScope.account, key_hash(ThrottleScope.account, email))]
    if client_address:
        keys.append((ThrottleScope.address, key_hash(ThrottleScope.address, client_address)))
    return keys


async def locked_until(email: str, client_address: str | None, now: datetime) -> datetime | None:
    """The end of the latest lockout on the account or the address, if one is running."""
    latest: datetime | None = None
    for scope, key in _keys(email, client_address):
        row = (
            await LoginLockout.select(LoginLockout.until)
            .where(
                (LoginLockout.scope == scope.value)
                & (LoginLockout.key_hash == key)
                & (LoginLockout.until > now)
            )
            .order_by(LoginLockout.until, ascending=False)
            .first()
        )
        if row and (latest is None or row["until"] > latest):
            latest = row["until"]
    return latest


async def record_failure(email: str, client_address: str | None, now: datetime) -> None:
    """Count one failure on the account and the address; start a lockout on a key that
    reaches its limit."""
    settings = get_settings()
    window_start = now - timedelta(minutes=settings.login_failure_window_minutes)
    for scope, key in _keys(email, client_address):
        await LoginFailure.insert(LoginFailure(scope=scope.value, key_hash=key, at=now))
        since = window_start
        last = (
            await LoginLockout.select(LoginLockout.until)
            .where((LoginLockout.scope == scope.value) & (LoginLockout.key_hash == key))
            .order_by(LoginLockout.until, ascending=False)
            .first()
        )
        if last and last["until"] > since:
            since = last["until"]
        count = await LoginFailure.count().where(
            (LoginFailure.scope == scope.value)
            & (LoginFailure.key_hash == key)
            & (LoginFailure.at > since)
        )
        if count >= _limit(scope):
            until = now + timedelta(minutes=settings.login_lockout_minutes)
            await LoginLockout.insert(
                LoginLockout(scope=scope.value, key_hash=key, at=now, until=until)
            )


async def clear_account(email: str) -> None:
    """After a successful sign-in: the account's failures no longer count."""
    await LoginFailure.delete().where(
        (LoginFailure.scope == ThrottleScope.account.value)
        & (LoginFailure.key_hash == key_hash(ThrottleScope.account, email))
    )


async def forget_account(email: str) -> None:
    """The account's failures and lockouts, gone: after a password reset (the person
    proved the mailbox is theirs) and at erasure."""
    account = ThrottleScope.account.value
    key = key_hash(ThrottleScope.account, email)
    await LoginFailure.delete().where(
        (LoginFailure.scope == account) & (LoginFailure.key_hash == key)
    )
    await LoginLockout.delete().where(
        (LoginLockout.scope == account) & (LoginLockout.key_hash == key)
    )


async def purge(now: datetime) -> int:
    """Delete failures and lockouts too old to matter (for a housekeeping job)."""
    settings = get_settings()
    horizon = now - timedelta(
        minutes=settings.login_failure_window_minutes + settings.login_lockout_minutes
    )
    old = await LoginFailure.count().where(LoginFailure.at < horizon)
    await LoginFailure.delete().where(LoginFailure.at < horizon)
    await LoginLockout.delete().where(LoginLockout.until < horizon)
    return old
