"""Reading the results back: session lists and exports, a rep's frames for replay.

Each function takes an open Store (or opens the default one: HANDCOACH_DB_URL, else the
user's SQLite file) and returns plain dataclasses and dicts, never ORM rows.
"""

from __future__ import annotations

import numpy as np
from sqlalchemy import Select, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from exercises.counter import Rep
from handcoach.text import BadName, person_name

from . import codec
from .db import Store
from .errors import StoreError, reason
from .models import ExerciseSession, FrameChunk, Patient, RepRow, WarningRow
from .records import SessionInfo, WarningRecord, rep_from_row


def _store(store: Store | None) -> Store:
    return store if store is not None else Store.open()


def _read_error(store: Store, exc: SQLAlchemyError) -> StoreError:
    return StoreError(f"{reason(exc)} ({store.where})")


def patient_names(store: Store | None = None) -> list[str]:
    """Every patient with a saved session or not, alphabetically."""
    store = _store(store)
    try:
        with store.transaction() as s:
            return list(s.scalars(select(Patient.name).order_by(Patient.name)))
    except SQLAlchemyError as exc:
        raise _read_error(store, exc) from exc


def session_query() -> Select:
    """Sessions with their patient's name and warning count, oldest first; callers add
    their WHERE (a patient, or the signed-in user's scope: storage/access.py)."""
    warnings = (select(func.count(WarningRow.id))
                .where(WarningRow.session_id == ExerciseSession.id)
                .correlate(ExerciseSession).scalar_subquery())
    return (select(ExerciseSession, Patient.name, warnings)
            .join(Patient, Patient.id == ExerciseSession.patient_id)
            .order_by(ExerciseSession.started_at, ExerciseSession.id))


def session_infos(s: Session, query: Select) -> list[SessionInfo]:
    """Run a session_query() and return SessionInfo, warning counts per code included."""
    rows = s.execute(query).all()
    codes: dict[int, dict[str, int]] = {}
    ids = [row.id for row, _, _ in rows]
    for start in range(0, len(ids), 500):   # bounded IN lists
        for sid, code, n in s.execute(
                select(WarningRow.session_id, WarningRow.code, func.count(WarningRow.id))
                .where(WarningRow.session_id.in_(ids[start:start + 500]))
                .group_by(WarningRow.session_id, WarningRow.code)):
            codes.setdefault(sid, {})[code] = int(n)
    return [SessionInfo(
        id=row.id, patient=who, exercise=row.exercise, hand_side=row.hand_side,
        source=row.source, video_name=row.video_name, model=row.model,
        started_at=row.started_at, ended_at=row.ended_at, duration_s=row.duration_s,
        status=row.status, reps=row.reps, extra_reps=row.extra_reps,
        prescribed_reps=row.prescribed_reps, prescribed_sets=row.prescribed_sets,
        warnings=int(n_warnings), pain_before=row.pain_before, pain_after=row.pain_after,
        frames=row.frames, frames_with_hand=row.frames_with_hand, rom=row.rom, tam=row.tam,
        note=row.note, warning_codes=codes.get(row.id, {}),
        prescription_id=row.prescription_id) for row, who, n_warnings in rows]


def list_sessions(patient: str | None = None, store: Store | None = None
                  ) -> list[SessionInfo]:
    """Saved sessions, oldest first (all patients, or one). Raises StoreError when the
    store cannot be read, and for a patient name that has never been saved (a typo
    must not look like a patient without sessions)."""
    store = _store(store)
    query = session_query()
    try:
        with store.transaction() as s:
            if patient is not None:
                try:
                    name = person_name(patient, "a patient name")
                except BadName as exc:
                    raise StoreError(str(exc)) from None
                if s.scalar(select(Patient.id).where(Patient.name == name)) is None:
                    raise StoreError(f"no patient named {name!r} in {store.where}")
                query = query.where(Patient.name == name)
            return session_infos(s, query)
    except SQLAlchemyError as exc:
        raise _read_error(store, exc) from exc


def export_rows(patient: str | None = None, store: Store | None = None
                ) -> list[dict[str, object]]:
    """One flat dict per session (`SessionInfo.export_row`): what `handcoach sessions
    export` prints as CSV or JSON."""
    return [info.export_row() for info in list_sessions(patient, store)]


def load_reps(session_id: int, store: Store | None = None) -> list[Rep]:
    store = _store(store)
    try:
        with store.transaction() as s:
            rows = s.scalars(select(RepRow).where(RepRow.session_id == session_id)
                             .order_by(RepRow.number)).all()
            return [rep_from_row(r) for r in rows]
    except SQLAlchemyError as exc:
        raise _read_error(store, exc) from exc


def load_warnings(session_id: int, store: Store | None = None) -> list[WarningRecord]:
    store = _store(store)
    try:
        with store.transaction() as s:
            rows = s.scalars(select(WarningRow).where(WarningRow.session_id == session_id)
                             .order_by(WarningRow.seq)).all()
            return [WarningRecord(r.t, r.code, r.message) for r in rows]
    except SQLAlchemyError as exc:
        raise _read_error(store, exc) from exc


def load_frames(session_id: int, t_from: float | None = None, t_to: float | None = None,
                store: Store | None = None) -> codec.FrameSeries:
    """A session's frames, or those with t_from <= t <= t_to (a rep's, for replay).

    Only the chunks overlapping the window are read and decoded.
    """
    store = _store(store)
    query = select(FrameChunk).where(FrameChunk.session_id == session_id)
    if t_from is not None:
        query = query.where(FrameChunk.t_end >= t_from)
    if t_to is not None:
        query = query.where(FrameChunk.t_start <= t_to)
    try:
        with store.transaction() as s:
            chunks = s.scalars(query.order_by(FrameChunk.seq)).all()
    except SQLAlchemyError as exc:
        raise _read_error(store, exc) from exc
    times, angles, worlds = [], [], []
    for c in chunks:
        if c.codec != codec.CODEC_VERSION:
            raise StoreError(f"frames of session {session_id} use storage format {c.codec}, "
                             "which this HandCoach cannot read")
        times.append(codec.decode_times(c.times, c.n_frames, c.t_start))
        angles.append(codec.decode_angles(c.angles, c.n_frames))
        worlds.append(None if c.world is None else codec.decode_world(c.world, c.n_frames))
    if not chunks:
        return codec.FrameSeries(np.empty(0), np.empty((0, codec.N_ANGLES)), None)
    t = np.concatenate(times)
    a = np.concatenate(angles)
    w = None
    if any(x is not None for x in worlds):
        w = np.concatenate([np.full((len(tt), 21, 3), np.nan) if x is None else x
                            for tt, x in zip(times, worlds, strict=True)])
    keep = np.ones(len(t), dtype=bool)
    if t_from is not None:
        keep &= t >= t_from
    if t_to is not None:
        keep &= t <= t_to
    return codec.FrameSeries(t[keep], a[keep], None if w is None else w[keep])
