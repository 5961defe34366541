"""Argon2id hashing and the NIST-style password policy."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from candidates.passwords import (
    PasswordPolicyError,
    check_policy,
    hash_password,
    needs_rehash,
    verify_password,
)


def test_hash_is_argon2id_with_the_library_defaults():
    hashed = hash_password("correct horse battery staple")
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert verify_password(hashed, "correct horse battery staple")
    assert not verify_password(hashed, "correct horse battery stapler")
    assert not needs_rehash(hashed)


def test_same_password_hashes_differently_each_time():
    assert hash_password("correct horse battery staple") != hash_password(
        "correct horse battery staple"
    )


def test_weaker_parameters_need_a_rehash():
    old = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash("a long passphrase")
    assert verify_password(old, "a long passphrase")
    assert needs_rehash(old)


def test_unreadable_hash_never_verifies():
    assert not verify_password("not-a-hash", "anything at all")
    assert needs_rehash("not-a-hash")


def test_unicode_is_normalised_before_hashing():
    composed, decomposed = "blåbærsyltetøy på brødskiva", "bla\u030abærsyltetøy på brødskiva"
    assert composed != decomposed
    assert verify_password(hash_password(composed), decomposed)


@pytest.mark.parametrize(
    "password",
    ["twelve chars", "aaaaaaaaaaaa", "Ærlig talt, ingen regler", "x" * 256, "1234 5678 9012"],
)
def test_accepted_passwords(password):
    check_policy(password, email="kari.nordmann@example.no")


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short pass", "The password must be at least 12 characters long (it has 10)."),
        ("x" * 257, "The password must be at most 256 characters long."),
        (" " * 12, "The password cannot be only spaces."),
        ("kari.nordmann@example.no", "The password cannot be your email address."),
        ("KARI.NORDMANN@EXAMPLE.NO", "The password cannot be your email address."),
        ("kari.nordmann", "The password cannot be your email address."),
    ],
)
def test_refused_passwords_say_why(password, message):
    with pytest.raises(PasswordPolicyError) as caught:
        check_policy(password, email="kari.nordmann@example.no")
    assert str(caught.value).startswith(message)
