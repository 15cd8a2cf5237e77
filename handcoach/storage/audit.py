"""The audit log: who did what to whose data, and when.

HIPAA's audit controls (45 CFR 164.312(b)) and GDPR's records of processing (Art. 30)
ask a clinic to be able to say who looked at or changed a patient's data. Every such
action adds one `audit_log` row, in the same transaction as the action where there is
one (a prescription and its audit row are saved together, or neither is):

- `sign_in`, `sign_in_failed` (the account if the name exists, else "unknown user name";
  the typed name is never kept), `sign_out`;
- `view`: staff reading a patient's data (once per page run and patient: sessions, reps,
  frames, prescriptions); the patients list reads as one `view` without a patient;
- `export` (CSV, command line or app), `report` (PDF), `prescribe`;
- `account_add`, `account_password`, `account_disable`, `account_enable`, `patient_add`;
- `audit_export`: the log itself read out.

Patients' views of their own data are not logged (they are the data's subject). Rows are
only ever added; an administrator reads them on the Audit log page or with
`handcoach audit export`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from .db import Store
from .errors import StoreError, reason
from .models import AuditEntry

ACTIONS = ("sign_in", "sign_in_failed", "sign_out", "view", "export", "report", "prescribe",
           "account_add", "account_password", "account_disable", "account_enable",
           "patient_add", "audit_export")
COLUMNS = ("at", "username", "role", "action", "patient_id", "patient", "detail", "client")


@dataclass(frozen=True)
class AuditRecord:
    """One row of the log, as read back."""

    id: int
    at: datetime
    username: str | None
    role: str | None
    action: str
    patient_id: int | None
    patient: str | None
    detail: str | None
    client: str | None

    def row(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(timespec="seconds"), "username": self.username,
                "role": self.role, "action": self.action, "patient_id": self.patient_id,
                "patient": self.patient, "detail": self.detail, "client": self.client}


def add(s: Session, action: str, *, user: Any = None, patient_id: int | None = None,
        patient: str | None = None, detail: str | None = None, client: str | None = None,
        at: datetime | None = None) -> None:
    """One row, inside the caller's transaction. user: a users row or a Principal (the
    command line's administrator, id 0, is kept by name only)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    user_id = getattr(user, "user_id", None) if user is not None else None
    if user is not None and user_id is None:
        user_id = getattr(user, "id", None)
    s.add(AuditEntry(at=at or datetime.now(timezone.utc), user_id=user_id or None,
                     username=getattr(user, "username", None),
                     role=getattr(user, "role", None), action=action,
                     patient_id=patient_id, patient=patient,
                     detail=None if detail is None else detail[:2000],
                     client=None if client is None else client[:64]))


def record(store: Store, action: str, **fields: Any) -> None:
    """One row in a transaction of its own; StoreError (one line) if it cannot be
    written, so that an action which must be logged can refuse to go on."""
    try:
        with store.transaction() as s:
            add(s, action, **fields)
    except SQLAlchemyError as exc:
        raise StoreError(f"{reason(exc)} ({store.where})") from exc


def read(store: Store, since: datetime | None = None, until: datetime | None = None
         ) -> list[AuditRecord]:
    """Rows with since <= at < until, oldest first."""
    query = select(AuditEntry).order_by(AuditEntry.at, AuditEntry.id)
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    if until is not None:
        query = query.where(AuditEntry.at < until)
    try:
        with store.transaction() as s:
            return [AuditRecord(r.id, r.at, r.username, r.role, r.action, r.patient_id,
                                r.patient, r.detail, r.client) for r in s.scalars(query)]
    except SQLAlchemyError as exc:
        raise StoreError(f"{reason(exc)} ({store.where})") from exc
