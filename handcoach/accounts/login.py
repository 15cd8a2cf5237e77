"""Signing in and staying signed in: rate-limited passwords, expiring session tokens.

A browser that signs in gets a random token (kept in its Streamlit session); the database
keeps only the token's SHA-256 with its expiry, so every page run checks it again and an
account switched off, or a password changed, signs the browser out at its next click.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, select
from sqlalchemy.exc import SQLAlchemyError

from handcoach.storage.db import Store
from handcoach.storage.errors import StoreError, reason
from handcoach.storage.models import LoginAttempt, LoginSession, User

from .errors import SignInRefused, TooManyAttempts
from .passwords import hash_password, needs_rehash, verify_password
from .principal import Principal
from .users import normalize_username

#: signed out after this long without a click (OWASP session guidance: 15-30 min idle for
#: applications holding health data), and after this long whatever happens.
IDLE_LIMIT = timedelta(minutes=30)
ABSOLUTE_LIMIT = timedelta(hours=12)
#: wrong passwords allowed per user name within WINDOW before it is locked until the
#: oldest of them is WINDOW old (slows a guesser to 5 tries per 15 minutes per name).
MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)
#: how stale last_seen_at may get before a page run writes it again (one write a minute
#: at most, instead of one per click).
_TOUCH_EVERY = timedelta(minutes=1)


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _store_error(store: Store, exc: SQLAlchemyError) -> StoreError:
    return StoreError(f"{reason(exc)} ({store.where})")


def _principal(user: User) -> Principal:
    return Principal(user.id, user.username, user.name, user.role, user.patient_id)


def _attempt_key(name: str) -> str:
    """What the attempts table keeps of a typed name: its SHA-256, so a password typed into
    the name field by mistake is not kept in clear."""
    return hashlib.sha256(name.encode()).hexdigest()


def sign_in(store: Store, username: str, password: str, now: datetime | None = None
            ) -> tuple[Principal, str]:
    """Check a name and password; returns who it is and a new session token.

    Raises SignInRefused (wrong name or password, or a switched-off account: the message
    is the same) or TooManyAttempts (locked for a while, even with the right password).
    Every attempt is written (and committed) before the password is checked, and counted
    with the others, so that guesses sent in parallel are limited as strictly as guesses
    sent one after the other.
    """
    now = now or _now()
    try:
        name = normalize_username(username)
    except ValueError:
        name = (username or "").strip().lower()[:80]
    key = _attempt_key(name)
    try:
        with store.transaction() as s:
            s.execute(delete(LoginAttempt).where(LoginAttempt.at <= now - WINDOW))
            attempt = LoginAttempt(username=key, at=now)
            s.add(attempt)
        with store.transaction() as s:
            recent = list(s.scalars(
                select(LoginAttempt.at).where(LoginAttempt.username == key,
                                              LoginAttempt.at > now - WINDOW,
                                              LoginAttempt.id < attempt.id)
                .order_by(LoginAttempt.at)))
            if len(recent) >= MAX_FAILURES:
                # Not counted against the name: a locked name stays locked only until
                # its earlier failures age out.
                s.execute(delete(LoginAttempt).where(LoginAttempt.id == attempt.id))
                wait = (recent[-MAX_FAILURES] + WINDOW - now).total_seconds()
                who = None
            else:
                user = s.scalar(select(User).where(User.username == name))
                ok = verify_password(user.password_hash if user else None, password)
                who = None
                if ok and user is not None and user.active:
                    if needs_rehash(user.password_hash):
                        user.password_hash = hash_password(password)
                    s.execute(delete(LoginAttempt).where(LoginAttempt.username == key))
                    token = secrets.token_urlsafe(32)
                    s.add(LoginSession(token_hash=_digest(token), user_id=user.id,
                                       created_at=now, last_seen_at=now,
                                       expires_at=now + ABSOLUTE_LIMIT))
                    who = _principal(user)
                wait = None
    except SQLAlchemyError as exc:
        raise _store_error(store, exc) from exc
    if wait is not None:
        raise TooManyAttempts(wait)
    if who is None:
        raise SignInRefused()
    return who, token


def resume(store: Store, token: str, now: datetime | None = None) -> Principal | None:
    """The user a token signs in, or None when it is unknown, expired, idle too long, or
    its account was switched off. Raises StoreError when the database cannot be read."""
    now = now or _now()
    try:
        with store.transaction() as s:
            row = s.scalar(select(LoginSession).where(LoginSession.token_hash == _digest(token)))
            if row is None:
                return None
            user = s.get(User, row.user_id)
            if (user is None or not user.active or now >= row.expires_at
                    or now - row.last_seen_at >= IDLE_LIMIT):
                s.delete(row)
                return None
            if now - row.last_seen_at >= _TOUCH_EVERY:
                row.last_seen_at = now
            return _principal(user)
    except SQLAlchemyError as exc:
        raise _store_error(store, exc) from exc


def sign_out(store: Store, token: str) -> None:
    """End a token's session (and clear expired ones, which nobody else removes)."""
    now = _now()
    try:
        with store.transaction() as s:
            s.execute(delete(LoginSession).where(LoginSession.token_hash == _digest(token)))
            s.execute(delete(LoginSession).where(LoginSession.expires_at < now))
    except SQLAlchemyError as exc:
        raise _store_error(store, exc) from exc
