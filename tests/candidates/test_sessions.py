"""The session rows behind the portal's session store: found by the hash of the id,
never past their expiry, ended per user."""

from __future__ import annotations

from datetime import timedelta

from candidates import accounts, sessions
from candidates.tables import UserSession
from tests.candidates.conftest import NOW, PASSWORD


async def test_a_session_is_kept_under_the_hash_of_its_id(db):
    await sessions.save_session(
        "abc", '{"x": 1}', user_id=None, expires_at=NOW + timedelta(hours=1)
    )
    assert await sessions.load_session("abc", now=NOW) == ('{"x": 1}', NOW + timedelta(hours=1))
    row = await UserSession.select().first()
    assert row["key_hash"] == sessions.session_key_hash("abc") != "abc"


async def test_saving_again_replaces_the_session(db):
    until = NOW + timedelta(hours=1)
    await sessions.save_session("abc", "{}", user_id=None, expires_at=until)
    await sessions.save_session("abc", '{"y": 2}', user_id=None, expires_at=until)
    assert await UserSession.count() == 1
    assert (await sessions.load_session("abc", now=NOW))[0] == '{"y": 2}'


async def test_an_expired_session_is_not_found_and_is_deleted(db):
    await sessions.save_session("old", "{}", user_id=None, expires_at=NOW - timedelta(seconds=1))
    assert await sessions.load_session("old", now=NOW) is None
    assert await UserSession.count() == 0


async def test_purge_removes_only_expired_sessions(db):
    await sessions.save_session("old", "{}", user_id=None, expires_at=NOW - timedelta(days=1))
    await sessions.save_session("new", "{}", user_id=None, expires_at=NOW + timedelta(days=1))
    assert await sessions.purge_expired(now=NOW) == 1
    assert await sessions.load_session("new", now=NOW) is not None


async def test_every_session_of_a_user_ends_on_password_change(db):
    user = await accounts.create_user("ola@example.no", ["candidate"], password=PASSWORD)
    other = await accounts.create_user("kari@example.no", ["candidate"], password=PASSWORD)
    until = NOW + timedelta(days=1)
    for sid in ("a", "b"):
        await sessions.save_session(sid, "{}", user_id=user.id, expires_at=until)
    await sessions.save_session("c", "{}", user_id=other.id, expires_at=until)
    await accounts.change_password(user.id, PASSWORD, "another long passphrase here")
    assert await sessions.count_user_sessions(user.id, now=NOW) == 0
    assert await sessions.count_user_sessions(other.id, now=NOW) == 1


async def test_the_store_interface_ends_every_session_at_once(db):
    from portal.sessions import DatabaseSessionStore

    store = DatabaseSessionStore()
    await store.set("a", '{"user_id": null}', expires_in=3600)
    await store.set("b", b"{}", expires_in=timedelta(hours=1))
    assert await store.exists("a") and await store.exists("b")
    await store.delete_all()
    assert await UserSession.count() == 0
    assert not await store.exists("a")
