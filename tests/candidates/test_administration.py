"""Admins' services: creating accounts, changing roles, disabling; the rules that keep
an admin in charge, and the audit entries naming the acting admin."""

from __future__ import annotations

from datetime import timedelta

import pytest

from candidates import accounts, administration, audit
from candidates.administration import ErasedAccount, LastAdmin, OwnAccount
from candidates.privacy import erase_user
from candidates.tables import Role
from tests.candidates.conftest import NOW, PASSWORD


async def make(email: str, *roles: Role, disabled: bool = False) -> int:
    user = await accounts.create_user(email, roles, password=PASSWORD, now=NOW)
    if disabled:
        await accounts.disable_user(user.id, actor_id=None, now=NOW)
    return user.id


async def test_create_account_issues_a_set_password_link_and_mails_the_welcome(db, mailer, inbox):
    created = await administration.create_account(
        "New.Staff@Example.no", [Role.staff], actor_id=7, now=NOW
    )
    assert created.user.email == "new.staff@example.no"
    assert created.user.roles == [Role.staff]
    assert created.user.verified and not created.user.has_password
    assert created.issued.expires_at == NOW + timedelta(hours=72)
    assert created.set_password_url.endswith(
        f"/account/reset-password?token={created.issued.token}"
    )

    await administration.mail_welcome(created.issued, mailer)
    assert inbox.token("new.staff@example.no") == created.issued.token
    logged = [
        (e.action, e.actor_id, e.detail) for e in await audit.entries(subject_id=created.user.id)
    ]
    assert logged == [("role_granted", 7, {"role": "staff"}), ("user_created", 7, {})]


async def test_create_account_with_a_password_issues_no_link(db):
    created = await administration.create_account(
        "ops@example.no", ["admin"], actor_id=None, password=PASSWORD, now=NOW
    )
    assert created.issued is None and created.set_password_url is None
    assert created.user.has_password


async def test_changing_roles_audits_each_grant_and_revocation_with_the_actor(db):
    admin = await make("admin@example.no", Role.admin)
    person = await make("person@example.no", Role.candidate)

    changed = await administration.change_roles(
        person, [Role.staff, Role.ministry], actor_id=admin, now=NOW
    )

    assert changed.roles == [Role.ministry, Role.staff]
    entries = await audit.entries(subject_id=person, limit=3)
    assert [(e.action, e.actor_id, e.detail) for e in entries] == [
        ("role_granted", admin, {"role": "staff"}),
        ("role_granted", admin, {"role": "ministry"}),
        ("role_revoked", admin, {"role": "candidate"}),
    ]


async def test_an_admin_cannot_take_away_their_own_admin_role(db):
    me = await make("me@example.no", Role.admin)
    await make("other-admin@example.no", Role.admin)

    with pytest.raises(OwnAccount):
        await administration.change_roles(me, [Role.staff], actor_id=me, now=NOW)

    assert (await accounts.get_user(me)).roles == [Role.admin]
    # Other roles of their own they may change.
    assert (await administration.change_roles(me, [Role.admin, Role.staff], actor_id=me)).roles == [
        Role.admin,
        Role.staff,
    ]


async def test_an_admin_cannot_disable_themselves(db):
    me = await make("me@example.no", Role.admin)
    await make("other-admin@example.no", Role.admin)
    with pytest.raises(OwnAccount):
        await administration.set_disabled(me, True, actor_id=me, now=NOW)
    assert not (await accounts.get_user(me)).disabled


async def test_the_last_active_admin_keeps_the_role_and_stays_enabled(db):
    last = await make("last@example.no", Role.admin)
    await make("gone@example.no", Role.admin, disabled=True)  # a disabled admin does not count

    with pytest.raises(LastAdmin):
        await administration.change_roles(last, [Role.staff], actor_id=None, now=NOW)
    with pytest.raises(LastAdmin):
        await administration.set_disabled(last, True, actor_id=None, now=NOW)

    user = await accounts.get_user(last)
    assert (user.roles, user.disabled) == ([Role.admin], False)
    assert await audit.entries(action="role_revoked") == []


async def test_with_a_second_admin_one_admin_may_disable_the_other(db):
    first = await make("first@example.no", Role.admin)
    second = await make("second@example.no", Role.admin)

    user = await administration.set_disabled(second, True, actor_id=first, now=NOW)
    assert user.disabled_at == NOW
    assert [(e.action, e.actor_id) for e in await audit.entries(subject_id=second, limit=1)] == [
        ("user_disabled", first)
    ]
    user = await administration.set_disabled(second, False, actor_id=first, now=NOW)
    assert not user.disabled


async def test_an_erased_account_cannot_be_changed(db):
    admin = await make("admin@example.no", Role.admin)
    person = await make("person@example.no", Role.candidate)
    await erase_user(person, now=NOW)

    with pytest.raises(ErasedAccount):
        await administration.change_roles(person, [Role.staff], actor_id=admin)
    with pytest.raises(ErasedAccount):
        await administration.set_disabled(person, False, actor_id=admin)
    user = await accounts.get_user(person)
    assert (user.roles, user.erased_at, user.disabled) == ([], NOW, True)


async def test_audit_entries_filter_by_user_and_continue_below_a_cursor(db):
    for n in range(5):
        await audit.record("source_changed", actor_id=1, subject_id=None, detail={"n": n}, now=NOW)
    await audit.record("role_granted", actor_id=None, subject_id=1, now=NOW)
    await audit.record("role_granted", actor_id=2, subject_id=3, now=NOW)

    for_one = await audit.entries(user_id=1)
    assert [(e.action, e.actor_id, e.subject_id) for e in for_one][:2] == [
        ("role_granted", None, 1),
        ("source_changed", 1, None),
    ]
    assert len(for_one) == 6
    first_page = await audit.entries(action="source_changed", limit=2)
    assert [e.detail["n"] for e in first_page] == [4, 3]
    next_page = await audit.entries(action="source_changed", limit=2, before_id=first_page[-1].id)
    assert [e.detail["n"] for e in next_page] == [2, 1]
