"""Sign-up, verification, sign-in, password reset and change, email change: the account
services end to end, with mail going through a real local SMTP server."""

from __future__ import annotations

from datetime import timedelta

import pytest

from candidates import accounts, audit
from candidates.accounts import (
    AccountDisabled,
    EmailNotVerified,
    EmailTaken,
    InvalidCredentials,
    InvalidEmail,
    InvalidToken,
    PasswordPolicyError,
    WrongPassword,
)
from candidates.mail import message_for
from candidates.passwords import hash_password
from candidates.tables import EmailToken, Role, TokenPurpose, User
from tests.candidates.conftest import NOW, PASSWORD

ADDRESS = "192.0.2.10"


async def signed_up_and_mailed(email, mailer, inbox, *, now=NOW):
    issued = await accounts.sign_up(email, PASSWORD, now=now)
    await mailer.send(message_for(issued, mailer.settings))
    return issued, inbox.token(issued.email)


async def verified_user(email, mailer, inbox):
    _, token = await signed_up_and_mailed(email, mailer, inbox)
    return await accounts.verify_email(token, now=NOW + timedelta(minutes=5))


async def test_sign_up_mails_a_link_that_verifies_the_address(db, mailer, inbox):
    issued, token = await signed_up_and_mailed("  Kari.Nordmann@Example.NO ", mailer, inbox)

    message = inbox.last("kari.nordmann@example.no")
    assert message["From"] == "Norec <no-reply@norec.no>"
    assert message["To"] == "kari.nordmann@example.no"
    assert message["Subject"] == "Bekreft e-postadressen din / Confirm your email address – Norec"
    body = message.get_content()
    assert f"https://portal.norec.no/account/verify-email?token={token}" in body
    assert "Lenken gjelder til 04.03.2026 10:30 (norsk tid)" in body
    assert "The link is valid until 04.03.2026 10:30 (Norwegian time)" in body
    assert token == issued.token
    assert issued.user.email == "kari.nordmann@example.no"
    assert issued.user.roles == [Role.candidate]
    assert not issued.user.verified

    user = await accounts.verify_email(token, now=NOW + timedelta(hours=1))
    assert user.email_verified_at == NOW + timedelta(hours=1)
    assert [e.action for e in await audit.entries(subject_id=user.id)] == [
        "email_verified",
        "user_signed_up",
    ]


async def test_only_the_token_hash_is_stored(db, mailer, inbox):
    _, token = await signed_up_and_mailed("kari@example.no", mailer, inbox)
    rows = await EmailToken.select(EmailToken.token_hash)
    assert [r["token_hash"] for r in rows] == [accounts.hash_token(token)]
    assert len(token) == 43  # 32 random bytes, URL-safe base64


async def test_verify_link_works_once_and_until_it_expires(db, mailer, inbox):
    _, token = await signed_up_and_mailed("kari@example.no", mailer, inbox)
    with pytest.raises(InvalidToken) as expired:
        await accounts.verify_email(token, now=NOW + timedelta(hours=48))
    assert str(expired.value) == (
        "This link is invalid, has expired or has already been used. Ask for a new one."
    )
    await accounts.verify_email(token, now=NOW + timedelta(hours=47, minutes=59))
    with pytest.raises(InvalidToken):
        await accounts.verify_email(token, now=NOW + timedelta(hours=48))
    with pytest.raises(InvalidToken):
        await accounts.verify_email("made-up-token", now=NOW)


async def test_a_resent_link_voids_the_first(db, mailer, inbox):
    _, first = await signed_up_and_mailed("kari@example.no", mailer, inbox)
    again = await accounts.resend_verification("KARI@example.no", now=NOW + timedelta(hours=1))
    assert again is not None and again.token != first
    with pytest.raises(InvalidToken):
        await accounts.verify_email(first, now=NOW + timedelta(hours=2))
    user = await accounts.verify_email(again.token, now=NOW + timedelta(hours=2))
    assert user.verified
    assert await accounts.resend_verification("kari@example.no", now=NOW) is None
    assert await accounts.resend_verification("nobody@example.no", now=NOW) is None


async def test_sign_up_refuses_a_registered_email_in_any_case(db):
    await accounts.sign_up("kari@example.no", PASSWORD, now=NOW)
    with pytest.raises(EmailTaken, match="already exists"):
        await accounts.sign_up("KARI@EXAMPLE.NO", "another long password", now=NOW)
    assert await User.count() == 1


async def test_sign_up_validates_email_and_password(db):
    with pytest.raises(InvalidEmail, match="@-sign"):
        await accounts.sign_up("kari.example.no", PASSWORD, now=NOW)
    with pytest.raises(PasswordPolicyError, match="at least 12 characters"):
        await accounts.sign_up("kari@example.no", "hunter2", now=NOW)
    with pytest.raises(PasswordPolicyError, match="cannot be your email"):
        await accounts.sign_up("kari.nordmann@example.no", "Kari.Nordmann@example.no", now=NOW)
    assert await User.count() == 0


async def test_verified_user_signs_in_and_activity_is_recorded(db, mailer, inbox):
    await verified_user("kari@example.no", mailer, inbox)
    later = NOW + timedelta(days=1)
    user = await accounts.authenticate("Kari@Example.no", PASSWORD, ADDRESS, now=later)
    assert user.email == "kari@example.no"
    assert user.last_active_at == later


async def test_unverified_user_cannot_sign_in_until_verified(db, mailer, inbox):
    _, token = await signed_up_and_mailed("kari@example.no", mailer, inbox)
    with pytest.raises(EmailNotVerified, match="Confirm your email address first"):
        await accounts.authenticate("kari@example.no", PASSWORD, ADDRESS, now=NOW)
    # The wrong password still gets the generic answer: nothing learnt about the account.
    with pytest.raises(InvalidCredentials):
        await accounts.authenticate("kari@example.no", "wrong password!", ADDRESS, now=NOW)
    await accounts.verify_email(token, now=NOW)
    assert (await accounts.authenticate("kari@example.no", PASSWORD, ADDRESS, now=NOW)).verified


async def test_disabled_user_cannot_sign_in(db, mailer, inbox):
    user = await verified_user("kari@example.no", mailer, inbox)
    await accounts.disable_user(user.id, actor_id=None, now=NOW)
    with pytest.raises(AccountDisabled, match="This account is disabled"):
        await accounts.authenticate("kari@example.no", PASSWORD, ADDRESS, now=NOW)
    await accounts.enable_user(user.id, actor_id=None, now=NOW)
    await accounts.authenticate("kari@example.no", PASSWORD, ADDRESS, now=NOW)


async def test_sign_in_upgrades_an_old_hash(db, mailer, inbox):
    from argon2 import PasswordHasher

    user = await verified_user("kari@example.no", mailer, inbox)
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    await User.update({User.password_hash: weak}).where(User.id == user.id)
    await accounts.authenticate("kari@example.no", PASSWORD, ADDRESS, now=NOW)
    stored = await User.select(User.password_hash).where(User.id == user.id).first()
    assert stored["password_hash"].startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    await accounts.authenticate("kari@example.no", PASSWORD, ADDRESS, now=NOW)


async def test_password_reset_through_mail_is_single_use(db, mailer, inbox):
    user = await verified_user("kari@example.no", mailer, inbox)
    issued = await accounts.request_password_reset("KARI@example.no", now=NOW)
    assert issued is not None
    await mailer.send(message_for(issued, mailer.settings))
    message = inbox.last("kari@example.no")
    assert message["Subject"] == "Velg nytt passord / Choose a new password – Norec"
    token = inbox.token("kari@example.no")
    assert f"https://portal.norec.no/account/reset-password?token={token}" in message.get_content()

    await accounts.reset_password(token, "a brand new passphrase", now=NOW + timedelta(minutes=5))
    with pytest.raises(InvalidToken):
        await accounts.reset_password(token, "yet another passphrase", now=NOW)
    with pytest.raises(InvalidCredentials):
        await accounts.authenticate("kari@example.no", PASSWORD, ADDRESS, now=NOW)
    await accounts.authenticate("kari@example.no", "a brand new passphrase", ADDRESS, now=NOW)
    assert [e.action for e in await audit.entries(subject_id=user.id, action="password_reset")]


async def test_password_reset_link_expires_after_an_hour(db, mailer, inbox):
    await verified_user("kari@example.no", mailer, inbox)
    issued = await accounts.request_password_reset("kari@example.no", now=NOW)
    await mailer.send(message_for(issued, mailer.settings))
    token = inbox.token("kari@example.no")
    assert issued.expires_at == NOW + timedelta(hours=1)
    with pytest.raises(InvalidToken):
        await accounts.reset_password(token, "a brand new passphrase", now=NOW + timedelta(hours=1))
    await accounts.reset_password(token, "a brand new passphrase", now=NOW + timedelta(minutes=59))


async def test_a_refused_new_password_leaves_the_reset_link_usable(db):
    await accounts.sign_up("kari@example.no", PASSWORD, now=NOW)
    issued = await accounts.request_password_reset("kari@example.no", now=NOW)
    with pytest.raises(PasswordPolicyError):
        await accounts.reset_password(issued.token, "too short", now=NOW)
    user = await accounts.reset_password(issued.token, "now long enough!", now=NOW)
    # Following the mailed link proved the address: the account is verified.
    assert user.email_verified_at == NOW


async def test_reset_is_not_offered_to_unknown_or_disabled_accounts(db):
    assert await accounts.request_password_reset("nobody@example.no", now=NOW) is None
    assert await accounts.request_password_reset("not an email", now=NOW) is None
    issued = await accounts.sign_up("kari@example.no", PASSWORD, now=NOW)
    await accounts.disable_user(issued.user.id, actor_id=None, now=NOW)
    assert await accounts.request_password_reset("kari@example.no", now=NOW) is None


async def test_a_verify_token_cannot_reset_a_password(db):
    issued = await accounts.sign_up("kari@example.no", PASSWORD, now=NOW)
    with pytest.raises(InvalidToken):
        await accounts.reset_password(issued.token, "a brand new passphrase", now=NOW)
    assert (await accounts.verify_email(issued.token, now=NOW)).verified


async def test_change_password_needs_the_current_one(db, mailer, inbox):
    user = await verified_user("kari@example.no", mailer, inbox)
    with pytest.raises(WrongPassword, match=r"^The current password is wrong\.$"):
        await accounts.change_password(user.id, "not my password", "a brand new passphrase")
    with pytest.raises(PasswordPolicyError):
        await accounts.change_password(user.id, PASSWORD, "short")
    await accounts.change_password(user.id, PASSWORD, "a brand new passphrase", now=NOW)
    await accounts.authenticate("kari@example.no", "a brand new passphrase", ADDRESS, now=NOW)
    entries = await audit.entries(subject_id=user.id, action="password_changed")
    assert [(e.actor_id, e.at) for e in entries] == [(user.id, NOW)]


async def test_email_change_is_confirmed_from_the_new_address(db, mailer, inbox):
    user = await verified_user("kari@example.no", mailer, inbox)
    issued = await accounts.request_email_change(user.id, "Kari@Norec.NO", now=NOW)
    assert issued.email == "kari@norec.no"
    await mailer.send(message_for(issued, mailer.settings))
    token = inbox.token("kari@norec.no")
    assert "/account/confirm-email?token=" in inbox.last("kari@norec.no").get_content()
    # Until confirmed, the old address stays.
    await accounts.authenticate("kari@example.no", PASSWORD, ADDRESS, now=NOW)

    changed = await accounts.confirm_email_change(token, now=NOW + timedelta(hours=2))
    assert changed.email == "kari@norec.no"
    assert changed.email_verified_at == NOW + timedelta(hours=2)
    await accounts.authenticate("kari@norec.no", PASSWORD, ADDRESS, now=NOW)
    with pytest.raises(InvalidCredentials):
        await accounts.authenticate("kari@example.no", PASSWORD, ADDRESS, now=NOW)
    with pytest.raises(InvalidToken):
        await accounts.confirm_email_change(token, now=NOW + timedelta(hours=2))
    entry = (await audit.entries(subject_id=user.id, action="email_changed"))[0]
    assert entry.detail == {}  # no addresses in the audit log


async def test_email_change_refuses_taken_or_same_addresses(db):
    kari = (await accounts.sign_up("kari@example.no", PASSWORD, now=NOW)).user
    await accounts.sign_up("ola@example.no", PASSWORD, now=NOW)
    with pytest.raises(EmailTaken):
        await accounts.request_email_change(kari.id, "OLA@example.no", now=NOW)
    with pytest.raises(InvalidEmail, match="already your email address"):
        await accounts.request_email_change(kari.id, "kari@example.no", now=NOW)


async def test_email_change_fails_if_the_address_was_registered_meanwhile(db):
    kari = (await accounts.sign_up("kari@example.no", PASSWORD, now=NOW)).user
    issued = await accounts.request_email_change(kari.id, "new@example.no", now=NOW)
    await accounts.sign_up("new@example.no", PASSWORD, now=NOW)
    with pytest.raises(EmailTaken):
        await accounts.confirm_email_change(issued.token, now=NOW)
    assert (await accounts.get_user(kari.id)).email == "kari@example.no"


async def test_a_user_created_without_password_cannot_sign_in_until_set(db):
    user = await accounts.create_user("staff@norec.no", [Role.staff], now=NOW)
    assert user.verified and not user.has_password
    with pytest.raises(InvalidCredentials):
        await accounts.authenticate("staff@norec.no", "", ADDRESS, now=NOW)
    issued = await accounts.issue_set_password_token(user.id, lifetime=timedelta(days=3), now=NOW)
    assert issued.expires_at == NOW + timedelta(days=3)
    await accounts.reset_password(issued.token, "staff passphrase 2026", now=NOW)
    signed_in = await accounts.authenticate("staff@norec.no", "staff passphrase 2026", None)
    assert signed_in.roles == [Role.staff]


async def test_stored_hash_is_argon2id(db):
    await accounts.sign_up("kari@example.no", PASSWORD, now=NOW)
    row = await User.select(User.password_hash).first()
    assert row["password_hash"].startswith("$argon2id$")
    assert row["password_hash"] != hash_password(PASSWORD)


async def test_token_purposes_are_kept_apart(db):
    issued = await accounts.sign_up("kari@example.no", PASSWORD, now=NOW)
    assert issued.purpose is TokenPurpose.verify_email
    with pytest.raises(InvalidToken):
        await accounts.confirm_email_change(issued.token, now=NOW)
