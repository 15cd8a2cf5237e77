"""Password hashing with argon2id (argon2-cffi, RFC 9106 parameters)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from .errors import AccountError

#: NIST SP 800-63B asks for at least 8 characters; we ask for 10 because patients'
#: health data sits behind it, and no upper bound below 128 (passphrases are welcome).
MIN_LENGTH = 10
MAX_LENGTH = 128

_hasher = PasswordHasher()
#: a hash to verify against when the name is unknown, so that a wrong name takes as long
#: as a wrong password (no timing hint of who has an account).
_DUMMY = _hasher.hash("handcoach-no-such-user")


def check_new_password(password: str, username: str) -> None:
    """Refuse a password that is too short, too long or the user name itself."""
    if len(password) < MIN_LENGTH:
        raise AccountError(f"a password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise AccountError(f"a password has at most {MAX_LENGTH} characters")
    if password.strip().lower() == username.strip().lower():
        raise AccountError("a password cannot be the user name")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when `password` matches; an unknown user (None) costs the same time."""
    try:
        return _hasher.verify(stored_hash or _DUMMY, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's defaults."""
    return _hasher.check_needs_rehash(stored_hash)
