"""Passwords: argon2id hashes (argon2-cffi, RFC 9106 parameters), at most a few at once,
and the rules a new password must meet.

A password is compared in Unicode NFKC form, so that "é" typed as one code point or as
"e" plus an accent, or a full-width digit, is the same password on every keyboard.

Each argon2 hash takes 64 MiB and most of a core for a moment: `HASH_SLOTS` of them run
at once at most, so a flood of sign-ins cannot take the machine's memory, and a sign-in
waits at most `HASH_WAIT_S` for a slot before it is told to try again.
"""

from __future__ import annotations

import threading
import unicodedata

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from .errors import AccountError, SignInBusy

#: NIST SP 800-63B asks for at least 8 characters; we ask for 10 because patients'
#: health data sits behind it, and no upper bound below 128 (passphrases are welcome).
MIN_LENGTH = 10
MAX_LENGTH = 128
#: zxcvbn's score (0-4) a new password needs: 3 is "safely unguessable: moderate
#: protection from an offline attack" (its bundled lists of common passwords, names and
#: words, keyboard patterns, repeats and sequences).
MIN_STRENGTH = 3
#: argon2 hashes at once (each 64 MiB), and how long a sign-in waits for a slot (s).
HASH_SLOTS = 2
HASH_WAIT_S = 10.0

_hasher = PasswordHasher()
_slots = threading.BoundedSemaphore(HASH_SLOTS)
#: a hash to verify against when the name is unknown, so that a wrong name takes as long
#: as a wrong password (no timing hint of who has an account).
_DUMMY = _hasher.hash("handcoach-no-such-user")


def normalize_password(password: str) -> str:
    return unicodedata.normalize("NFKC", password)


def check_new_password(password: str, username: str) -> None:
    """Refuse a password that is too short, too long, built from the user name, or easy
    to guess (common passwords, repeats like aaaaaaaaaa, sequences like 1234567890)."""
    password = normalize_password(password)
    if len(password) < MIN_LENGTH:
        raise AccountError(f"a password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise AccountError(f"a password has at most {MAX_LENGTH} characters")
    name = username.strip().lower()
    if password.lower() == name or (len(name) >= 3 and name in password.lower()):
        raise AccountError("a password cannot contain the user name")
    from zxcvbn import zxcvbn

    judged = zxcvbn(password, user_inputs=[name], max_length=MAX_LENGTH)
    if judged["score"] < MIN_STRENGTH:
        why = (judged.get("feedback") or {}).get("warning") or "it is too easy to guess"
        raise AccountError(f"please choose a harder password: {why.rstrip('.').lower()}")


class _Slot:
    """One of the HASH_SLOTS, or SignInBusy after HASH_WAIT_S."""

    def __enter__(self) -> None:
        if not _slots.acquire(timeout=HASH_WAIT_S):
            raise SignInBusy()

    def __exit__(self, *exc: object) -> None:
        _slots.release()


def hash_password(password: str) -> str:
    with _Slot():
        return _hasher.hash(normalize_password(password))


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when `password` matches; an unknown user (None) costs the same time.

    A hash made before passwords were normalised is also tried with the password as
    typed (then needs_rehash stores the normalised form)."""
    typed = [normalize_password(password)]
    if typed[0] != password and stored_hash is not None:
        typed.append(password)
    for candidate in typed:
        try:
            with _Slot():
                if _hasher.verify(stored_hash or _DUMMY, candidate):
                    return stored_hash is not None
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            continue
    return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's defaults."""
    return _hasher.check_needs_rehash(stored_hash)
