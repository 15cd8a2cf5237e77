"""Every read and write the app makes for a signed-in user, scoped by who they are.

The scope is part of each query's WHERE, taken from the Principal (built by
handcoach.accounts.login from the database), never from what a page or URL asks for: a patient
reaches only their own record, a therapist only the patients assigned to them, an
administrator everyone. Asking for anything outside the scope raises NotVisible, with
the same words as for something that does not exist, so ids cannot be probed.

Staff reading a patient's data leave one `view` row in the audit log per Access (one
page run) and patient, written in the same transaction as the read: no read without its
row. Exports, reports, prescriptions and new patients are logged too (storage/audit.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import ColumnElement, func, select, true
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from exercises.counter import Rep
from handcoach.storage import audit, codec, queries
from handcoach.storage.db import Store
from handcoach.storage.errors import StoreError, reason
from handcoach.storage.models import ExerciseSession, Patient, Prescription, User
from handcoach.storage.prescriptions import check_prescription, check_tasks, prescription_info
from handcoach.storage.records import PrescriptionInfo, SessionInfo, WarningRecord

from .errors import AccountError, NotVisible
from .messaging import MessageAccess
from .principal import Principal
from .tasks import TaskAccess
from .users import create_user, find_therapist


@dataclass(frozen=True)
class PatientInfo:
    """A patient as their therapist's list shows them."""

    id: int
    name: str
    created_at: datetime
    therapist: str | None
    username: str | None


class Access(MessageAccess, TaskAccess):
    """The results store as one signed-in user may see it (messages: accounts/messaging.py,
    home tasks: accounts/tasks.py)."""

    def __init__(self, store: Store, principal: Principal, client: str | None = None) -> None:
        self.store = store
        self.principal = principal
        self.client = client
        self._viewed: set[object] = set()

    # -- scope ----------------------------------------------------------------------------
    def _scope(self) -> ColumnElement[bool]:
        p = self.principal
        if p.role == "admin":
            return true()
        if p.role == "therapist":
            return Patient.therapist_id == p.user_id
        return Patient.id == p.patient_id

    def _error(self, exc: SQLAlchemyError) -> StoreError:
        return StoreError(f"{reason(exc)} ({self.store.where})")

    def _visible_patient(self, s: Session, patient_id: int, viewed: bool = True) -> Patient:
        row = s.scalar(select(Patient).where(Patient.id == patient_id, self._scope()))
        if row is None:
            raise NotVisible("No such patient.")
        if viewed:
            self._view(s, row.id, row.name)
        return row

    def _visible_session(self, s: Session, session_id: int) -> None:
        found = s.execute(select(Patient.id, Patient.name)
                          .join(ExerciseSession, Patient.id == ExerciseSession.patient_id)
                          .where(ExerciseSession.id == session_id, self._scope())).first()
        if found is None:
            raise NotVisible("No such session.")
        self._view(s, found[0], found[1], f"session {session_id}")

    def _view(self, s: Session, patient_id: int | None, patient: str | None,
              detail: str | None = None, key: object = None) -> None:
        """The audit row of a staff member's first read of this patient's data (or of
        the patients list: patient None) through this Access; `key` keeps a kind of read
        apart (a patient's messages: its own row)."""
        key = patient_id if key is None else key
        if not self.principal.is_staff or key in self._viewed:
            return
        self._viewed.add(key)
        audit.add(s, "view", user=self.principal, patient_id=patient_id, patient=patient,
                  detail=detail, client=self.client)

    def log(self, action: str, patient_id: int | None = None, detail: str | None = None
            ) -> None:
        """An audit row for something done with data already read (an export, a report);
        StoreError when it cannot be written, and the caller does not hand the data out."""
        name = None
        if patient_id is not None:
            try:
                with self.store.transaction() as s:
                    name = self._visible_patient(s, patient_id, viewed=False).name
            except SQLAlchemyError as exc:
                raise self._error(exc) from exc
        audit.record(self.store, action, user=self.principal, patient_id=patient_id,
                     patient=name, detail=detail, client=self.client)

    def _need_staff(self) -> None:
        if not self.principal.is_staff:
            raise NotVisible("Only a therapist can do this.")

    # -- patients -------------------------------------------------------------------------
    def patients(self) -> list[PatientInfo]:
        """The patients this user may see, by name (a patient: only themselves)."""
        therapist = User.__table__.alias("therapist")
        account = User.__table__.alias("account")
        query = (select(Patient, therapist.c.name, account.c.username)
                 .outerjoin(therapist, therapist.c.id == Patient.therapist_id)
                 .outerjoin(account, account.c.patient_id == Patient.id)
                 .where(self._scope()).order_by(Patient.name))
        try:
            with self.store.transaction() as s:
                self._view(s, None, None, "patients list")
                return [PatientInfo(p.id, p.name, p.created_at, t, u)
                        for p, t, u in s.execute(query)]
        except SQLAlchemyError as exc:
            raise self._error(exc) from exc

    def patient(self, patient_id: int) -> PatientInfo:
        for info in self.patients():
            if info.id == patient_id:
                return info
        raise NotVisible("No such patient.")

    def add_patient(self, name: str, username: str, password: str,
                    therapist: str | None = None) -> PatientInfo:
        """A patient and their account. A therapist's new patient is theirs; an
        administrator names the therapist (or none)."""
        self._need_staff()
        try:
            with self.store.transaction() as s:
                if self.principal.role == "therapist":
                    therapist_id: int | None = self.principal.user_id
                else:
                    therapist_id = find_therapist(s, therapist).id if therapist else None
                # Only an administrator may attach an account to an existing record
                # (sessions saved before accounts); a therapist could otherwise claim
                # another therapist's patient by typing their name.
                user = create_user(s, username, password, "patient", name, name,
                                   therapist_id, take_over=self.principal.role == "admin")
                patient_id = user.patient_id
                audit.add(s, "patient_add", user=self.principal, patient_id=patient_id,
                          patient=user.name, detail=f"account {user.username}",
                          client=self.client)
        except IntegrityError as exc:
            raise AccountError(f"the user name {username!r} is taken") from exc
        except SQLAlchemyError as exc:
            raise self._error(exc) from exc
        assert patient_id is not None
        return self.patient(patient_id)

    # -- sessions -------------------------------------------------------------------------
    def sessions(self, patient_id: int | None = None, since: datetime | None = None,
                 until: datetime | None = None) -> list[SessionInfo]:
        """Sessions oldest first: one visible patient's, or every visible patient's;
        started in [since, until) when given."""
        query = queries.session_query().where(self._scope())
        if since is not None:
            query = query.where(ExerciseSession.started_at >= since)
        if until is not None:
            query = query.where(ExerciseSession.started_at < until)
        try:
            with self.store.transaction() as s:
                if patient_id is not None:
                    self._visible_patient(s, patient_id)
                    query = query.where(ExerciseSession.patient_id == patient_id)
                else:
                    self._view(s, None, None, "patients list")
                return queries.session_infos(s, query)
        except SQLAlchemyError as exc:
            raise self._error(exc) from exc

    def session(self, session_id: int) -> SessionInfo:
        query = queries.session_query().where(self._scope(),
                                              ExerciseSession.id == session_id)
        try:
            with self.store.transaction() as s:
                found = queries.session_infos(s, query)
                if found:
                    self._visible_session(s, session_id)
        except SQLAlchemyError as exc:
            raise self._error(exc) from exc
        if not found:
            raise NotVisible("No such session.")
        return found[0]

    def _check_session(self, session_id: int) -> None:
        try:
            with self.store.transaction() as s:
                self._visible_session(s, session_id)
        except SQLAlchemyError as exc:
            raise self._error(exc) from exc

    def reps(self, session_id: int) -> list[Rep]:
        self._check_session(session_id)
        return queries.load_reps(session_id, self.store)

    def warnings(self, session_id: int) -> list[WarningRecord]:
        self._check_session(session_id)
        return queries.load_warnings(session_id, self.store)

    def frames(self, session_id: int, t_from: float | None = None,
               t_to: float | None = None) -> codec.FrameSeries:
        self._check_session(session_id)
        return queries.load_frames(session_id, t_from, t_to, self.store)

    # -- prescriptions ----------------------------------------------------------------------
    def prescriptions(self, patient_id: int, hand: str | None = None
                      ) -> list[PrescriptionInfo]:
        """Every version, oldest first (one hand, or both)."""
        query = select(Prescription).where(Prescription.patient_id == patient_id)
        if hand is not None:
            query = query.where(Prescription.hand == hand)
        try:
            with self.store.transaction() as s:
                patient = self._visible_patient(s, patient_id)
                rows = s.scalars(query.order_by(Prescription.created_at,
                                                Prescription.version))
                return [prescription_info(r, patient.name) for r in rows]
        except SQLAlchemyError as exc:
            raise self._error(exc) from exc

    def current(self, patient_id: int) -> dict[str, PrescriptionInfo]:
        """The version in force for each prescribed hand: {"left"|"right": version}."""
        out: dict[str, PrescriptionInfo] = {}
        for info in self.prescriptions(patient_id):
            if info.hand not in out or info.version > out[info.hand].version:
                out[info.hand] = info
        return out

    def prescribe(self, patient_id: int, hand: str, exercises: list[str],
                  doses: dict[str, dict[str, Any]],
                  rom_targets: dict[str, dict[str, Any]] | None = None,
                  note: str | None = None,
                  tasks: dict[str, dict[str, Any]] | None = None) -> PrescriptionInfo:
        """Save a new version for one hand (the old ones stay, with who and when).
        tasks: home tasks the camera does not judge ({id: {"amount", "sessions_per_day"}}).
        Raises LibraryError for a prescription that cannot be used."""
        self._need_staff()
        exercises, doses, targets, note = check_prescription(
            hand, exercises, doses, rom_targets or {}, note)
        checked_tasks = check_tasks(tasks or {})
        for attempt in range(2):   # two therapists saving at once: the second retries
            try:
                with self.store.transaction() as s:
                    patient = self._visible_patient(s, patient_id, viewed=False)
                    latest = s.scalar(select(func.max(Prescription.version))
                                      .where(Prescription.patient_id == patient_id,
                                             Prescription.hand == hand)) or 0
                    row = Prescription(
                        patient_id=patient_id, hand=hand, version=latest + 1,
                        created_at=datetime.now(timezone.utc),
                        created_by_id=self.principal.user_id or None,
                        created_by=self.principal.name, exercises=exercises, doses=doses,
                        rom_targets=targets, note=note, tasks=checked_tasks or None)
                    s.add(row)
                    s.flush()
                    audit.add(s, "prescribe", user=self.principal, patient_id=patient_id,
                              patient=patient.name,
                              detail=f"{hand} hand version {row.version}: "
                                     + ", ".join([*exercises, *checked_tasks]),
                              client=self.client)
                    return prescription_info(row, patient.name)
            except IntegrityError as exc:
                if attempt:
                    raise self._error(exc) from exc
            except SQLAlchemyError as exc:
                raise self._error(exc) from exc
        raise AssertionError("unreachable")
