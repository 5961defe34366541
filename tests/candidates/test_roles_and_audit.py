"""Roles, disabling, and the append-only audit log."""

from __future__ import annotations

import pytest

from candidates import accounts, audit
from candidates.accounts import EmailTaken, UnknownUser
from candidates.tables import AuditLog, Role, UserRole
from tests.candidates.conftest import NOW, PASSWORD


@pytest.fixture
async def admin(db):
    return await accounts.create_user("admin@norec.no", [Role.admin], now=NOW)


async def test_a_user_may_hold_several_roles(admin):
    kari = (await accounts.sign_up("kari@example.no", PASSWORD, now=NOW)).user
    user = await accounts.set_roles(
        kari.id, [Role.candidate, Role.staff, "ministry"], actor_id=admin.id, now=NOW
    )
    assert user.roles == [Role.candidate, Role.ministry, Role.staff]
    assert user.has_role("staff") and not user.has_role(Role.admin)
    staff = await accounts.list_users(role=Role.staff)
    assert [u.email for u in staff] == ["kari@example.no"]
    assert [u.email for u in await accounts.list_users()] == ["admin@norec.no", "kari@example.no"]


async def test_every_role_change_is_audited_with_its_actor(admin):
    kari = (await accounts.sign_up("kari@example.no", PASSWORD, now=NOW)).user
    await accounts.set_roles(kari.id, [Role.staff, Role.admin], actor_id=admin.id, now=NOW)
    assert await accounts.grant_role(kari.id, Role.ministry, actor_id=None, now=NOW)
    assert not await accounts.grant_role(kari.id, Role.ministry, actor_id=None, now=NOW)
    assert await accounts.revoke_role(kari.id, "admin", actor_id=admin.id, now=NOW)
    assert not await accounts.revoke_role(kari.id, "admin", actor_id=admin.id, now=NOW)

    changes = [
        (e.actor_id, e.action, e.detail)
        for e in reversed(await audit.entries(subject_id=kari.id))
        if e.action.startswith("role_")
    ]
    assert changes == [
        (admin.id, "role_revoked", {"role": "candidate"}),
        (admin.id, "role_granted", {"role": "admin"}),
        (admin.id, "role_granted", {"role": "staff"}),
        (None, "role_granted", {"role": "ministry"}),
        (admin.id, "role_revoked", {"role": "admin"}),
    ]
    assert (await accounts.get_user(kari.id)).roles == [Role.ministry, Role.staff]


async def test_a_role_is_held_once(admin):
    with pytest.raises(Exception, match=r"(?i)unique"):
        await UserRole.insert(UserRole(user=admin.id, role="admin"))


async def test_unknown_role_and_user_are_refused(admin):
    with pytest.raises(ValueError, match="'superuser' is not a valid Role"):
        await accounts.grant_role(admin.id, "superuser", actor_id=None)
    with pytest.raises(UnknownUser):
        await accounts.grant_role(admin.id + 1000, "staff", actor_id=None)


async def test_disabling_and_enabling_is_audited_once(admin):
    kari = (await accounts.sign_up("kari@example.no", PASSWORD, now=NOW)).user
    assert (await accounts.disable_user(kari.id, actor_id=admin.id, now=NOW)).disabled_at == NOW
    await accounts.disable_user(kari.id, actor_id=admin.id, now=NOW)
    assert not (await accounts.enable_user(kari.id, actor_id=admin.id, now=NOW)).disabled
    actions = [e.action for e in await audit.entries(subject_id=kari.id)]
    assert actions == ["user_enabled", "user_disabled", "user_signed_up"]


async def test_create_user_refuses_a_duplicate(admin):
    with pytest.raises(EmailTaken):
        await accounts.create_user("ADMIN@norec.no", [Role.staff])


async def test_audit_entries_hold_ids_not_personal_data(admin):
    entries = await audit.entries(subject_id=admin.id)
    assert [(e.action, e.actor_id, e.detail) for e in reversed(entries)] == [
        ("user_created", None, {}),
        ("role_granted", None, {"role": "admin"}),
    ]
    assert "norec.no" not in repr(await AuditLog.select())


async def test_audit_log_refuses_update(admin):
    with pytest.raises(Exception, match="audit_log is append-only: UPDATE refused"):
        await AuditLog.update({AuditLog.action: "nothing_happened"}, force=True)
    with pytest.raises(Exception, match="audit_log is append-only: UPDATE refused"):
        await AuditLog.raw("UPDATE audit_log SET actor_id = NULL")


async def test_audit_log_refuses_delete(admin):
    with pytest.raises(Exception, match="audit_log is append-only: DELETE refused"):
        await AuditLog.delete(force=True)
    assert await AuditLog.count() == 2


@pytest.mark.postgres_only
async def test_audit_log_refuses_truncate_on_postgres(admin):
    with pytest.raises(Exception, match="audit_log is append-only: TRUNCATE refused"):
        await AuditLog.raw("TRUNCATE audit_log")
    assert await AuditLog.count() == 2


async def test_erasing_a_user_leaves_the_audit_log_intact(admin):
    """Erasure (a later issue) deletes personal rows; the log only keeps the id."""
    from candidates.tables import User

    kari = (await accounts.sign_up("kari@example.no", PASSWORD, now=NOW)).user
    await User.delete().where(User.id == kari.id)
    assert [e.action for e in await audit.entries(subject_id=kari.id)] == ["user_signed_up"]
    assert await UserRole.count().where(UserRole.user == kari.id) == 0
