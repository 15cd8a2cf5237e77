"""The accounts themselves: create, list, change a password, switch off.

Used by `handcoach users ...` (whoever can reach the database is its administrator) and,
through storage.access, by therapists adding their own patients in the app.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from handcoach.storage import audit
from handcoach.storage.db import Store
from handcoach.storage.errors import StoreError, reason
from handcoach.storage.models import ROLES, LoginSession, Patient, User
from handcoach.text import BadName, person_name

from .errors import AccountError
from .passwords import check_new_password, hash_password
from .principal import COMMAND_LINE, Principal

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,79}$")


@dataclass(frozen=True)
class UserInfo:
    """An account as listed: for a patient, their patient record and therapist."""

    id: int
    username: str
    name: str
    role: str
    active: bool
    created_at: datetime
    patient_id: int | None = None
    patient: str | None = None
    therapist: str | None = None


def normalize_username(username: str) -> str:
    """User names are case-insensitive: kept lowercase, letters, digits and . _ @ -."""
    name = (username or "").strip().lower()
    if not _USERNAME.match(name):
        raise AccountError("a user name is 2-80 characters: letters, digits and . _ @ - "
                           f"(got {username!r})")
    return name


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _write_error(store: Store, exc: SQLAlchemyError) -> StoreError:
    return StoreError(f"{reason(exc)} ({store.where})")


def find_therapist(s: Session, username: str) -> User:
    user = s.scalar(select(User).where(User.username == normalize_username(username)))
    if user is None or user.role not in ("therapist", "admin"):
        raise AccountError(f"no therapist with the user name {username!r}")
    return user


def create_user(s: Session, username: str, password: str, role: str, name: str | None,
                patient: str | None = None, therapist_id: int | None = None,
                take_over: bool = True) -> User:
    """Add an account inside an open transaction (see add_user for the rules).

    take_over=False (a therapist adding a patient in the app): an existing patient record
    is never taken, whoever's it is; the message does not say whose."""
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}")
    username = normalize_username(username)
    check_new_password(password, username)
    try:
        display = person_name(name or username)
        record = person_name(patient or display, "a patient name") if role == "patient" \
            else None
    except BadName as exc:
        raise AccountError(str(exc)) from None
    if s.scalar(select(User.id).where(User.username == username)) is not None:
        raise AccountError(f"the user name {username!r} is taken")
    patient_row = None
    if record is not None:
        patient_row = s.scalar(select(Patient).where(Patient.name == record))
        if patient_row is not None and not take_over:
            raise AccountError(f"a patient named {record!r} cannot be added here; the "
                               "clinic's administrator can add them")
        if patient_row is None:
            patient_row = Patient(name=record, created_at=_now())
            s.add(patient_row)
            s.flush()
        elif s.scalar(select(User.id).where(User.patient_id == patient_row.id)) is not None:
            raise AccountError(f"patient {record!r} already has an account")
        if therapist_id is not None:
            patient_row.therapist_id = therapist_id
    elif patient is not None:
        raise AccountError("only a patient account has a patient record")
    now = _now()
    user = User(username=username, name=display, role=role,
                password_hash=hash_password(password), active=True,
                patient_id=patient_row.id if patient_row else None, created_at=now,
                password_changed_at=now)
    s.add(user)
    s.flush()
    return user


def add_user(store: Store, username: str, password: str, role: str, *,
             name: str | None = None, patient: str | None = None,
             therapist: str | None = None, by: Principal = COMMAND_LINE) -> UserInfo:
    """Create an account. A patient account gets a patient record named `patient` (default:
    its name); an existing record of that name without an account is taken over, so
    sessions saved before accounts existed stay the patient's. `therapist`: the user name
    of the therapist who will see the patient. Raises AccountError (one line)."""
    if therapist is not None and role != "patient":
        raise AccountError("only a patient account has a therapist")
    try:
        with store.transaction() as s:
            therapist_id = find_therapist(s, therapist).id if therapist else None
            user = create_user(s, username, password, role, name, patient, therapist_id)
            info = _info(s, user)
            audit.add(s, "account_add", user=by, patient_id=info.patient_id,
                      patient=info.patient, detail=f"{info.role} {info.username}")
            return info
    except IntegrityError as exc:
        raise AccountError(f"the user name {username!r} is taken") from exc
    except SQLAlchemyError as exc:
        raise _write_error(store, exc) from exc


def _info(s: Session, user: User) -> UserInfo:
    patient = therapist = None
    if user.patient_id is not None:
        row = s.get(Patient, user.patient_id)
        patient = row.name if row else None
        if row is not None and row.therapist_id is not None:
            therapist = s.scalar(select(User.username).where(User.id == row.therapist_id))
    return UserInfo(user.id, user.username, user.name, user.role, user.active,
                    user.created_at, user.patient_id, patient, therapist)


def list_users(store: Store) -> list[UserInfo]:
    try:
        with store.transaction() as s:
            return [_info(s, u) for u in s.scalars(select(User).order_by(User.username))]
    except SQLAlchemyError as exc:
        raise _write_error(store, exc) from exc


def any_accounts(store: Store) -> bool:
    """False on a fresh install: the app then runs for one person without signing in."""
    try:
        with store.transaction() as s:
            return bool(s.scalar(select(func.count(User.id))))
    except SQLAlchemyError as exc:
        raise _write_error(store, exc) from exc


def _user(s: Session, username: str) -> User:
    user = s.scalar(select(User).where(User.username == normalize_username(username)))
    if user is None:
        raise AccountError(f"no user named {username!r}")
    return user


def set_password(store: Store, username: str, password: str,
                 by: Principal = COMMAND_LINE) -> None:
    """A new password; every browser signed in as this user is signed out."""
    try:
        with store.transaction() as s:
            user = _user(s, username)
            check_new_password(password, user.username)
            user.password_hash = hash_password(password)
            user.password_changed_at = _now()
            s.execute(LoginSession.__table__.delete().where(LoginSession.user_id == user.id))
            audit.add(s, "account_password", user=by, detail=f"{user.role} {user.username}")
    except SQLAlchemyError as exc:
        raise _write_error(store, exc) from exc


def set_active(store: Store, username: str, active: bool,
               by: Principal = COMMAND_LINE) -> None:
    """Switch an account off (its sign-ins end now) or back on; nothing is deleted."""
    try:
        with store.transaction() as s:
            user = _user(s, username)
            user.active = active
            audit.add(s, "account_enable" if active else "account_disable", user=by,
                      detail=f"{user.role} {user.username}")
            if not active:
                s.execute(LoginSession.__table__.delete()
                          .where(LoginSession.user_id == user.id))
    except SQLAlchemyError as exc:
        raise _write_error(store, exc) from exc
