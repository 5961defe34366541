"""``portal users ...`` as an operator runs it: real processes on the test database,
mail through a real local SMTP server."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from candidates import accounts, audit
from candidates.tables import Role

PORTAL = [sys.executable, "-m", "portal.cli"]


def portal(*args: str, stdin: str | None = None, env: dict[str, str] | None = None):
    return subprocess.run(
        [*PORTAL, *args],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
        env={**os.environ, "PORTAL_BASE_URL": "https://portal.norec.no", **(env or {})},
        check=False,
    )


def test_role_choices_are_the_roles():
    from portal.cli import ROLES

    assert tuple(r.value for r in Role) == ROLES


async def test_create_with_password_from_stdin(db):
    result = portal(
        "users", "create", "--email", "Ola@Norec.no", "--role", "staff", "--role", "admin",
        "--password-stdin", "--json", stdin="staff passphrase 2026\n",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    created = json.loads(result.stdout)
    assert created["email"] == "ola@norec.no"
    assert created["roles"] == ["admin", "staff"]
    assert created["has_password"] is True
    assert created["email_verified_at"] is not None
    user = await accounts.authenticate("ola@norec.no", "staff passphrase 2026", None)
    actions = [(e.actor_id, e.action, e.detail) for e in reversed(await audit.entries())]
    assert actions == [
        (None, "user_created", {}),
        (None, "role_granted", {"role": "admin"}),
        (None, "role_granted", {"role": "staff"}),
    ]
    assert user.roles == [Role.admin, Role.staff]


async def test_create_without_password_prints_a_set_password_link(db):
    result = portal("users", "create", "--email", "ola@norec.no", "--role", "staff")
    assert result.returncode == 0, result.stderr
    url = result.stdout.strip()
    assert url.startswith("https://portal.norec.no/account/reset-password?token=")
    assert "created user" in result.stderr and "valid until" in result.stderr
    token = url.rpartition("token=")[2]
    user = await accounts.reset_password(token, "my own passphrase!")
    assert user.has_password


async def test_create_mails_the_link_with_mail(db, smtp):
    inbox, port = smtp
    result = portal(
        "users", "create", "--email", "ola@norec.no", "--role", "ministry", "--mail",
        "--link-hours", "24", "--json",
        env={"PORTAL_SMTP_HOST": "127.0.0.1", "PORTAL_SMTP_PORT": str(port)},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    created = json.loads(result.stdout)
    message = inbox.last("ola@norec.no")
    assert message["Subject"].startswith("Din konto i Norecs rekrutteringsportal")
    assert created["set_password_url"] in message.get_content()
    token = inbox.token("ola@norec.no")
    assert not (await accounts.get_user(created["id"])).has_password
    await accounts.reset_password(token, "my own passphrase!")


def test_create_refuses_a_duplicate_email(db):
    assert portal("users", "create", "--email", "ola@norec.no", "--role", "staff").returncode == 0
    result = portal("users", "create", "--email", "OLA@norec.no", "--role", "admin")
    assert result.returncode == 1
    assert "An account with that email address already exists." in result.stderr


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--email", "ola@norec.no", "--role", "root"], None, "'root' is not one of"),
        (["--email", "ola@norec.no"], None, "Missing option '--role'"),
        (["--email", "not-an-email", "--role", "staff"], None, "@-sign"),
        (
            ["--email", "ola@norec.no", "--role", "staff", "--password-stdin"],
            "short\n",
            "at least 12 characters",
        ),
    ],
)
def test_create_refuses_bad_input(db, args, stdin, message):
    result = portal("users", "create", *args, stdin=stdin)
    assert result.returncode != 0
    assert message in result.stderr


async def test_list_json(db):
    await accounts.create_user("b@norec.no", [Role.staff])
    await accounts.sign_up("a@example.no", "candidate passphrase")
    result = portal("users", "list", "--json")
    assert result.returncode == 0, result.stderr
    listed = [(u["email"], u["roles"], u["email_verified_at"] is not None) for u in
              json.loads(result.stdout)]  # fmt: skip
    assert listed == [("a@example.no", ["candidate"], False), ("b@norec.no", ["staff"], True)]
    table = portal("users", "list", "--role", "staff")
    assert "b@norec.no" in table.stdout and "a@example.no" not in table.stdout


async def test_disable_and_enable(db):
    user = await accounts.create_user("ola@norec.no", [Role.staff], password="staff passphrase")
    result = portal("users", "disable", "OLA@norec.no")
    assert result.returncode == 0, result.stderr
    assert "ola@norec.no is disabled" in result.stderr
    assert (await accounts.get_user(user.id)).disabled
    assert portal("users", "enable", "ola@norec.no").returncode == 0
    assert not (await accounts.get_user(user.id)).disabled
    missing = portal("users", "disable", "nobody@norec.no")
    assert missing.returncode == 1
    assert "no user with email nobody@norec.no" in missing.stderr


async def test_roles_add_and_remove_are_audited(db):
    user = (await accounts.sign_up("kari@example.no", "candidate passphrase")).user
    result = portal("users", "roles", "kari@example.no", "--add", "staff", "--remove", "candidate")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "kari@example.no: staff"
    changes = [
        (e.actor_id, e.action, e.detail)
        for e in reversed(await audit.entries(subject_id=user.id))
        if e.action.startswith("role_")
    ]
    assert changes == [
        (None, "role_revoked", {"role": "candidate"}),
        (None, "role_granted", {"role": "staff"}),
    ]
    assert portal("users", "roles", "kari@example.no").stdout.strip() == "kari@example.no: staff"
    bad = portal("users", "roles", "kari@example.no", "--add", "staff", "--remove", "staff")
    assert bad.returncode == 1 and "both added and removed: staff" in bad.stderr


async def test_the_last_admin_keeps_the_role_and_cannot_be_disabled(db):
    admin = await accounts.create_user("admin@norec.no", [Role.admin, Role.staff])
    removed = portal("users", "roles", "admin@norec.no", "--remove", "admin")
    disabled = portal("users", "disable", "admin@norec.no")
    for result in (removed, disabled):
        assert result.returncode == 1
        assert "last active admin" in result.stderr
    kept = await accounts.get_user(admin.id)
    assert (kept.roles, kept.disabled) == ([Role.admin, Role.staff], False)
