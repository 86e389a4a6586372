"""Argon2id hashing of passwords and client secrets, and the password policy."""

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from halfsky_common.problems import Problem, field_error

_hasher = PasswordHasher()
# A hash of nothing anyone knows: verifying against it keeps "no such user" as slow as "wrong password".
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; always spends the same effort, even with no hash."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def check_policy(password: str, *, min_length: int, username: str = "", field: str = "password") -> None:
    """At least `min_length` characters, not all one kind, not the username."""
    problems = []
    if len(password) < min_length:
        problems.append(f"at least {min_length} characters")
    kinds = sum(
        [any(c.isdigit() for c in password), any(c.isalpha() for c in password), any(not c.isalnum() for c in password)]
    )
    if kinds < 2:
        problems.append("mix letters with digits or symbols")
    if username and username.lower() in password.lower():
        problems.append("must not contain the username")
    if problems:
        raise Problem(
            422,
            "The password is too weak: " + "; ".join(problems) + ".",
            errors=[field_error(field, "; ".join(problems))],
        )


def new_secret() -> str:
    """A random secret for refresh tokens and client secrets."""
    return secrets.token_urlsafe(32)


def fingerprint(token: str) -> str:
    """SHA-256 of a high-entropy token: what we store instead of the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()
