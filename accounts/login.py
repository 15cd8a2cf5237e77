"""Signing in and staying signed in: rate-limited passwords, expiring session tokens.

A browser that signs in gets a random token (kept in its Streamlit session); the database
keeps only the token's SHA-256 with its expiry, so every page run checks it again and an
account switched off, or a password changed, signs the browser out at its next click.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, func, select
from sqlalchemy.exc import SQLAlchemyError

from storage.db import Store
from storage.errors import StoreError, reason
from storage.models import LoginAttempt, LoginSession, User

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


def sign_in(store: Store, username: str, password: str, now: datetime | None = None
            ) -> tuple[Principal, str]:
    """Check a name and password; returns who it is and a new session token.

    Raises SignInRefused (wrong name or password, or a switched-off account: the message
    is the same) or TooManyAttempts (locked for a while, even with the right password).
    """
    now = now or _now()
    try:
        name = normalize_username(username)
    except ValueError:
        name = (username or "").strip().lower()[:80]
    try:
        with store.transaction() as s:
            since = now - WINDOW
            failures = list(s.scalars(
                select(LoginAttempt.at).where(LoginAttempt.username == name,
                                              LoginAttempt.at > since)
                .order_by(LoginAttempt.at)))
            if len(failures) >= MAX_FAILURES:
                raise TooManyAttempts((failures[-MAX_FAILURES] + WINDOW - now)
                                      .total_seconds())
            user = s.scalar(select(User).where(User.username == name))
            ok = verify_password(user.password_hash if user else None, password)
            if not ok or user is None or not user.active:
                s.add(LoginAttempt(username=name, at=now))
                failed = True
            else:
                failed = False
                if needs_rehash(user.password_hash):
                    user.password_hash = hash_password(password)
                s.execute(delete(LoginAttempt).where(LoginAttempt.username == name))
                token = secrets.token_urlsafe(32)
                s.add(LoginSession(token_hash=_digest(token), user_id=user.id, created_at=now,
                                   last_seen_at=now, expires_at=now + ABSOLUTE_LIMIT))
                who = _principal(user)
    except SQLAlchemyError as exc:
        raise _store_error(store, exc) from exc
    if failed:
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
            s.execute(delete(LoginAttempt).where(LoginAttempt.at < now - WINDOW))
    except SQLAlchemyError as exc:
        raise _store_error(store, exc) from exc


def active_sessions(store: Store) -> int:
    """How many browsers are signed in now (for the administrator)."""
    try:
        with store.transaction() as s:
            return int(s.scalar(select(func.count(LoginSession.id))
                                .where(LoginSession.expires_at > _now())) or 0)
    except SQLAlchemyError as exc:
        raise _store_error(store, exc) from exc
