"""Signing in and staying signed in: throttled passwords, expiring session tokens.

Wrong passwords slow down the computer that types them (per name, and across names),
never the name itself: someone guessing from elsewhere cannot lock its owner out. The
client is the browser's address as the app sees it (app/auth.client_address).

A browser that signs in gets a random token (kept in its Streamlit session); the database
keeps only the token's SHA-256 with its expiry, so every page run checks it again and an
account switched off, or a password changed, signs the browser out at its next click.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from handcoach.storage import audit
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
#: how long a wrong password is remembered for throttling.
WINDOW = timedelta(minutes=15)
#: wrong passwords for one name from one computer before each next try must wait, and
#: for any names from one computer (password spraying). After that the wait doubles
#: with every failure (2 s, 4 s, 8 s ... up to MAX_DELAY): about a dozen guesses per name
#: per WINDOW from one computer, and never a lock on the name itself, so a guesser
#: elsewhere cannot keep its owner out.
FREE_PER_NAME = 3
FREE_PER_CLIENT = 10
MAX_DELAY = timedelta(minutes=15)
#: the client of a sign-in that does not say where it comes from (the command line, a
#: test): one shared "computer".
UNKNOWN_CLIENT = "unknown"
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


def _attempt_keys(name: str, client: str) -> tuple[str, str]:
    """What the attempts table keeps: SHA-256 of (name, client) and of the client alone,
    never the typed name (a password typed into the name field by mistake) in clear."""
    return (hashlib.sha256(f"name\0{name}\0{client}".encode()).hexdigest(),
            hashlib.sha256(f"client\0{client}".encode()).hexdigest())


def delay_after(failures: int, free: int) -> timedelta:
    """The wait before the next try after `failures` recent wrong passwords."""
    if failures < free:
        return timedelta(0)
    doublings = min(failures - free + 1, 20)       # 2**20 s is far past MAX_DELAY
    return min(MAX_DELAY, timedelta(seconds=2 ** doublings))


def _wait(s: Session, key: str, own_id: int, free: int, now: datetime) -> float:
    """Seconds still to wait for `key` (0: go ahead), counting the attempts before this
    one (parallel ones included: they are written before any is checked)."""
    earlier = list(s.scalars(select(LoginAttempt.at)
                             .where(LoginAttempt.username == key, LoginAttempt.at > now - WINDOW,
                                    LoginAttempt.id < own_id)
                             .order_by(LoginAttempt.at)))
    gap = delay_after(len(earlier), free)
    if not earlier or not gap:
        return 0.0
    return max(0.0, (earlier[-1] + gap - now).total_seconds())


def sign_in(store: Store, username: str, password: str, now: datetime | None = None,
            client: str | None = None) -> tuple[Principal, str]:
    """Check a name and password from `client` (the browser's address); returns who it is
    and a new session token.

    Raises SignInRefused (wrong name or password, or a switched-off account: the message
    is the same), TooManyAttempts (this client must wait a little: its recent wrong
    passwords for this name, or for any name), SignInBusy (no password-checking slot).
    Every attempt is written (and committed) before the password is checked, and counted
    with the others, so that guesses sent in parallel are limited as strictly as guesses
    sent one after the other. The password is checked outside any transaction.
    """
    now = now or _now()
    client = client or UNKNOWN_CLIENT
    try:
        name = normalize_username(username)
    except ValueError:
        name = unicodedata.normalize("NFKC", username or "").strip().lower()[:80]
    name_key, client_key = _attempt_keys(name, client)
    try:
        with store.transaction() as s:
            s.execute(delete(LoginAttempt).where(LoginAttempt.at <= now - WINDOW))
            mine = [LoginAttempt(username=name_key, at=now),
                    LoginAttempt(username=client_key, at=now)]
            s.add_all(mine)
        ids = [a.id for a in mine]
        with store.transaction() as s:
            wait = max(_wait(s, name_key, ids[0], FREE_PER_NAME, now),
                       _wait(s, client_key, ids[1], FREE_PER_CLIENT, now))
            if wait > 0:
                # Not counted: a waiting client's tries do not make its wait longer.
                s.execute(delete(LoginAttempt).where(LoginAttempt.id.in_(ids)))
            user = s.scalar(select(User).where(User.username == name))
            stored = user.password_hash if user is not None else None
    except SQLAlchemyError as exc:
        raise _store_error(store, exc) from exc
    if wait > 0:
        raise TooManyAttempts(wait)
    ok = verify_password(stored, password)
    try:
        with store.transaction() as s:
            user = s.scalar(select(User).where(User.username == name))
            if not (ok and user is not None and user.active and user.password_hash == stored):
                audit.add(s, "sign_in_failed", user=user, client=client,
                          detail=None if user is not None else "unknown user name")
                who = None
            else:
                if needs_rehash(user.password_hash):
                    user.password_hash = hash_password(password)
                # A right password is no failure: this computer's count for the name goes,
                # and this try leaves the count across names as it was.
                s.execute(delete(LoginAttempt).where(
                    (LoginAttempt.username == name_key) | (LoginAttempt.id == ids[1])))
                token = secrets.token_urlsafe(32)
                s.add(LoginSession(token_hash=_digest(token), user_id=user.id,
                                   created_at=now, last_seen_at=now,
                                   expires_at=now + ABSOLUTE_LIMIT))
                audit.add(s, "sign_in", user=user, client=client)
                who = _principal(user)
    except SQLAlchemyError as exc:
        raise _store_error(store, exc) from exc
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


def sign_out(store: Store, token: str, client: str | None = None) -> None:
    """End a token's session (and clear expired ones, which nobody else removes)."""
    now = _now()
    try:
        with store.transaction() as s:
            row = s.scalar(select(LoginSession).where(LoginSession.token_hash == _digest(token)))
            if row is not None:
                audit.add(s, "sign_out", user=s.get(User, row.user_id), client=client)
            s.execute(delete(LoginSession).where(LoginSession.token_hash == _digest(token)))
            s.execute(delete(LoginSession).where(LoginSession.expires_at < now))
    except SQLAlchemyError as exc:
        raise _store_error(store, exc) from exc
