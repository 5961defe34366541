"""``portal users export`` and ``portal users erase`` as an operator runs them."""

from __future__ import annotations

import json

from candidates import accounts, audit, consents
from candidates.privacy import export_user_data
from candidates.tables import ConsentPurpose, Role
from tests.candidates.conftest import NOW, PASSWORD
from tests.candidates.test_cli_users import portal


async def test_export_prints_the_persons_data_as_json_and_is_audited(db):
    kari = (await accounts.sign_up("kari@example.no", PASSWORD, now=NOW)).user
    await consents.give_consent(kari.id, ConsentPurpose.statistics, now=NOW)

    result = portal("users", "export", "KARI@example.no")

    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    assert printed["account"]["email"] == "kari@example.no"
    assert printed["consents"] == [
        {"purpose": "statistics", "given_at": NOW.isoformat(), "withdrawn_at": None}
    ]
    assert printed == {**(await export_user_data(kari.id)), "audit_log": printed["audit_log"]}
    [entry] = await audit.entries(subject_id=kari.id, limit=1)
    assert (entry.actor_id, entry.action, entry.detail) == (None, "personal_data_exported", {})


async def test_erase_with_confirmation_leaves_a_tombstone(db):
    kari = (await accounts.sign_up("kari@example.no", PASSWORD, now=NOW)).user

    refused = portal("users", "erase", "kari@example.no", stdin="n\n")
    assert refused.returncode == 1 and "Aborted" in refused.stderr
    assert (await accounts.get_user(kari.id)).email == "kari@example.no"

    result = portal("users", "erase", "kari@example.no", stdin="y\n")
    assert result.returncode == 0, result.stderr
    assert f"erased user {kari.id}" in result.stderr
    tombstone = await accounts.get_user(kari.id)
    assert (tombstone.email, tombstone.roles) == (f"erased-{kari.id}@erased.invalid", [])
    [entry] = await audit.entries(subject_id=kari.id, limit=1)
    assert (entry.actor_id, entry.action) == (None, "user_erased")

    again = portal("users", "erase", "kari@example.no", "--yes")
    assert again.returncode == 1
    assert "no user with email kari@example.no" in again.stderr


async def test_erase_refuses_the_last_admin(db):
    admin = await accounts.create_user("admin@norec.no", [Role.admin], now=NOW)
    result = portal("users", "erase", "admin@norec.no", "--yes")
    assert result.returncode == 1
    assert "last active admin" in result.stderr
    assert (await accounts.get_user(admin.id)).email == "admin@norec.no"
