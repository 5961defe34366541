"""Password hashing (Argon2id) and the password policy.

Hashing: argon2-cffi's ``PasswordHasher`` with its defaults, which are RFC 9106's
"second recommended" profile: Argon2id, t=3 iterations, m=64 MiB, p=4 lanes, 16-byte
salt, 32-byte hash. That is stronger than OWASP's minimum for Argon2id (m=19 MiB, t=2,
p=1). Hashes are PHC strings (``$argon2id$v=19$m=65536,t=3,p=4$...``) that carry their
parameters, so raising them later only needs :func:`needs_rehash` on the next sign-in.

Policy (NIST SP 800-63B, 5.1.1): at least 12 characters, at most 256, any characters
(spaces and Unicode included, normalised to NFC), no composition rules, and not the
email address (or its local part) itself.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 256

_hasher = PasswordHasher()


class PasswordPolicyError(ValueError):
    """A new password breaks the policy; the message says why, for the person typing it,
    and ``reason`` (too_short, too_long, blank, is_email) with ``length`` lets another
    layer say it in another language."""

    def __init__(self, message: str, *, reason: str, length: int) -> None:
        super().__init__(message)
        self.reason = reason
        self.length = length


def normalise(password: str) -> str:
    """NFC, so the same password typed on different keyboards hashes the same."""
    return unicodedata.normalize("NFC", password)


def check_policy(password: str, *, email: str | None = None) -> None:
    """Raise :class:`PasswordPolicyError` with a clear message if ``password`` is refused."""
    password = normalise(password)
    length = len(password)
    if length < MIN_LENGTH:
        raise PasswordPolicyError(
            f"The password must be at least {MIN_LENGTH} characters long "
            f"(it has {length}). A few unrelated words make a good one.",
            reason="too_short",
            length=length,
        )
    if length > MAX_LENGTH:
        raise PasswordPolicyError(
            f"The password must be at most {MAX_LENGTH} characters long.",
            reason="too_long",
            length=length,
        )
    if not password.strip():
        raise PasswordPolicyError(
            "The password cannot be only spaces.", reason="blank", length=length
        )
    if email:
        folded = password.strip().casefold()
        address = email.strip().casefold()
        if folded in {address, address.partition("@")[0]}:
            raise PasswordPolicyError(
                "The password cannot be your email address.", reason="is_email", length=length
            )


def hash_password(password: str) -> str:
    return _hasher.hash(normalise(password))


def verify_password(password_hash: str, password: str) -> bool:
    """True when ``password`` matches; False for a wrong password or an unreadable hash."""
    try:
        return _hasher.verify(password_hash, normalise(password))
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with other parameters than the current ones."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher.hash("not a password: compared against for unknown accounts")


def verify_dummy(password: str) -> None:
    """Spend the time of one verification, for accounts that do not exist (or have no
    password), so that a refusal takes as long whether or not the email is registered."""
    verify_password(_dummy_hash(), password)
