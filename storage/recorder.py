"""Saving a session as it happens, so that a crash or a dead database loses (almost) nothing.

    recorder = SessionRecorder(Store())
    recorder.start("Ann", "fist", "right", "live", pain_before=2)
    every frame:   recorder.add_frame(t, measures.flexion, hand.world)
    every rep:     recorder.add_rep(rep)            # written at once
    every warning: recorder.add_warning(alert)
    recorder.finish(pain_after=3)
    if recorder.problem: show it (one line), keep going

The session row is committed at `start` (status "open"); frames are buffered and written
in one transaction every `flush_s` seconds of frame time and at each rep, together with
the reps, warnings and an updated summary (reps, ROM, TAM) on the session row. A process
that dies keeps everything up to the last flush, and the session stays "open".

The recorder never raises into the frame loop because of the store: a failure (disk full,
database unreachable, locked) leaves what is not yet written in memory, sets `problem` to
a line the app can show, and is retried at the next flush. Bad arguments (a pain rating
of 12) are programming errors and do raise ValueError.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from sqlalchemy import Table, insert, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from exercises.alerts import Alert
from exercises.counter import Rep
from vision.kinematics import rom, total_active_motion
from vision.landmarks import FINGERS, N_ANGLES, angles_to_dict

from . import codec
from .db import Store
from .errors import StoreError, patient_message, reason
from .models import SIDES, SOURCES, ExerciseSession, FrameChunk, Patient, RepRow, WarningRow
from .records import RepRecord, WarningRecord

if TYPE_CHECKING:
    from handcoach.analysis import AnalysisResult

log = logging.getLogger(__name__)

#: a failing store is retried at most this far apart (s of frame time), so that a dead
#: network does not stall the frame loop every couple of seconds.
MAX_RETRY_S = 30.0
_UNSET: Any = object()


def _app_version() -> str | None:
    """Stored with each session: a therapist comparing numbers across updates needs it."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("handcoach")
    except PackageNotFoundError:   # run from a checkout that is not installed
        return None


def _pain(value: int | None, which: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or int(value) != value or not 0 <= value <= 10:
        raise ValueError(f"pain {which} must be a whole number from 0 to 10, got {value!r}")
    return int(value)


def rom_json(lo: np.ndarray, hi: np.ndarray) -> dict[str, Any]:
    """Min/max per joint as `analyze --json` shows them: {finger: {joint: {min, max}}}."""
    low, high = angles_to_dict(lo, 1), angles_to_dict(hi, 1)
    return {f: {j: {"min": low[f][j], "max": high[f][j]} for j in joints}
            for f, joints in low.items()}


def tam_json(lo: np.ndarray, hi: np.ndarray) -> dict[str, float | None]:
    tam = total_active_motion(lo, hi)
    return {f: None if np.isnan(v) else round(float(v), 1)
            for f, v in zip(FINGERS, tam, strict=True)}


@dataclass
class _Chunk:
    """Frames already encoded, waiting to be written (kept across failed flushes)."""

    seq: int
    t_start: float
    t_end: float
    n_frames: int
    times: bytes
    angles: bytes
    world: bytes | None

    def columns(self) -> dict[str, Any]:
        return {"seq": self.seq, "t_start": self.t_start, "t_end": self.t_end,
                "n_frames": self.n_frames, "codec": codec.CODEC_VERSION,
                "times": self.times, "angles": self.angles, "world": self.world}


def _insert_new(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert rows, skipping any already there (same unique key).

    A commit whose acknowledgement was lost (the connection died just after it) is
    retried; skipping duplicates makes that retry harmless instead of failing forever.
    """
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    elif dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    else:
        session.execute(insert(table), rows)
        return
    session.execute(dialect_insert(table).on_conflict_do_nothing(), rows)


class SessionRecorder:
    """Save-as-you-go for one session. Thread-safe: the app's frame callback and its
    buttons may call it from different threads."""

    def __init__(self, store: Store | None = None, flush_s: float = 2.0) -> None:
        if flush_s <= 0:
            raise ValueError(f"flush_s must be positive, got {flush_s}")
        self.store = store if store is not None else Store()
        self.flush_s = float(flush_s)
        self.session_id: int | None = None
        #: one line for the UI when the last save failed, None when all is saved.
        self.problem: str | None = None
        #: the same failure as a short clause ("the disk is full"), for logs and the CLI.
        self.last_error: str | None = None
        self._lock = threading.RLock()
        self._patient = ""
        self._info: dict[str, Any] = {}
        self._started = False
        self._finished = False
        self._t: list[float] = []
        self._angles: list[np.ndarray] = []
        self._world: list[np.ndarray | None] = []
        self._chunks: list[_Chunk] = []
        self._reps: list[RepRecord] = []
        self._warnings: list[tuple[int, WarningRecord]] = []
        self._chunk_seq = 0
        self._warning_seq = 0
        self._rep_count = 0
        self._extra_count = 0
        self._frames = 0
        self._frames_with_hand = 0
        self._lo = np.full(N_ANGLES, np.nan)
        self._hi = np.full(N_ANGLES, np.nan)
        self._dirty = False
        self._next_flush: float | None = None
        self._failures = 0
        #: save_analysis: encode chunks as usual but write only once, at finish.
        self._hold = False

    # -- the session -----------------------------------------------------------------
    def start(self, patient: str, exercise: str | None, side: str | None, source: str = "live",
              *, video_name: str | Path | None = None, model: str | None = None,
              pain_before: int | None = None, prescribed_reps: int | None = None,
              prescribed_sets: int | None = None, fps: float | None = None,
              started_at: datetime | None = None,
              prescription_id: int | None = None) -> int | None:
        """Begin the session and commit its row (status "open").

        Returns the session id, or None when the store cannot be written yet: `problem`
        then says why, and the session is created at the next successful flush.
        video_name: only the file's name is kept, never the video.
        """
        name = (patient or "").strip()
        if not name:
            raise ValueError("a session needs a patient name")
        if len(name) > 200:
            raise ValueError("a patient name has at most 200 characters")
        if source not in SOURCES:
            raise ValueError(f"source must be one of {SOURCES}, got {source!r}")
        if side is not None and side not in SIDES:
            raise ValueError(f"side must be one of {SIDES} or None, got {side!r}")
        when = started_at or datetime.now(timezone.utc)
        if when.tzinfo is None:
            raise ValueError("started_at must be timezone-aware")
        with self._lock:
            if self._started:
                raise ValueError("this recorder already started a session")
            self._started = True
            self._patient = name
            self._info = {
                "exercise": exercise, "hand_side": side, "source": source,
                "video_name": Path(video_name).name if video_name else None,
                "model": model, "app_version": _app_version(), "started_at": when,
                "status": "open", "pain_before": _pain(pain_before, "before"),
                "pain_after": None, "prescribed_reps": prescribed_reps,
                "prescribed_sets": prescribed_sets, "fps": fps,
                "prescription_id": prescription_id,
                "ended_at": None, "duration_s": None, "note": None,
            }
            self._dirty = True
            if not self._hold:
                self.flush()
            return self.session_id

    def add_frame(self, t: float, angles: np.ndarray | None,
                  world: np.ndarray | None = None) -> None:
        """One frame: t in s from the session start, angles (14,) deg or None (no hand),
        world (21, 3) metres or None. Cheap; writes every `flush_s` seconds of t."""
        with self._lock:
            self._require_open()
            a = np.full(N_ANGLES, np.nan) if angles is None \
                else np.asarray(angles, dtype=np.float64).reshape(N_ANGLES)
            w = None if world is None else np.asarray(world, dtype=np.float64).reshape(21, 3)
            self._t.append(float(t))
            self._angles.append(a)
            self._world.append(w)
            self._frames += 1
            if not np.isnan(a).all():
                self._frames_with_hand += 1
                np.fmin(self._lo, a, out=self._lo)
                np.fmax(self._hi, a, out=self._hi)
            self._dirty = True
            if self._next_flush is None:
                self._next_flush = float(t) + self.flush_s
            elif t >= self._next_flush:
                if self._hold:
                    self._encode_buffer()
                    self._next_flush = float(t) + self.flush_s
                else:
                    self.flush(now=float(t))

    def add_rep(self, rep: Rep | RepRecord) -> None:
        """A counted rep (the engine's Rep): written at once with the frames so far."""
        record = rep if isinstance(rep, RepRecord) else RepRecord.from_rep(rep)
        with self._lock:
            self._require_open()
            self._reps.append(record)
            self._rep_count += 1
            self._extra_count += record.extra
            self._dirty = True
            if not self._hold:
                self.flush(now=self._t[-1] if self._t else None)

    def add_warning(self, alert: Alert | WarningRecord) -> None:
        """A warning the patient was shown; written with the next flush."""
        code = alert.code.value if isinstance(alert, Alert) else alert.code
        with self._lock:
            self._require_open()
            self._warnings.append((self._warning_seq,
                                   WarningRecord(float(alert.t), str(code), alert.message)))
            self._warning_seq += 1
            self._dirty = True

    def set_pain(self, before: int | None = _UNSET, after: int | None = _UNSET) -> None:
        """Pain ratings 0-10 (None clears one); written at once."""
        with self._lock:
            if not self._started:
                raise ValueError("start the session before rating pain")
            if before is not _UNSET:
                self._info["pain_before"] = _pain(before, "before")
            if after is not _UNSET:
                self._info["pain_after"] = _pain(after, "after")
            self._dirty = True
            if not self._hold:
                self.flush()

    def finish(self, status: str = "complete", *, pain_after: int | None = _UNSET,
               duration_s: float | None = None, ended_at: datetime | None = None,
               note: str | None = None) -> bool:
        """Close the session ("complete" or "interrupted") and write everything.

        Returns True when all is saved; False leaves it in memory with `problem` set,
        and `flush()` may be called again later.
        """
        if status not in ("complete", "interrupted"):
            raise ValueError(f"status must be 'complete' or 'interrupted', got {status!r}")
        with self._lock:
            if not self._started:
                raise ValueError("start the session before finishing it")
            end = ended_at or datetime.now(timezone.utc)
            if pain_after is not _UNSET:
                self._info["pain_after"] = _pain(pain_after, "after")
            if duration_s is None:
                duration_s = (end - self._info["started_at"]).total_seconds()
            self._info.update(status=status, ended_at=end, duration_s=float(duration_s))
            if note is not None:
                self._info["note"] = note
            self._finished = True
            self._dirty = True
            return self.flush()

    @property
    def pending(self) -> int:
        """Frames not yet written (in memory)."""
        with self._lock:
            return len(self._t) + sum(c.n_frames for c in self._chunks)

    # -- writing -----------------------------------------------------------------------
    def flush(self, now: float | None = None) -> bool:
        """Write everything pending in one transaction. True when nothing is left unsaved.

        `now` (frame time) schedules the next automatic flush; a failure schedules it
        later each time (up to MAX_RETRY_S) and sets `problem`.
        """
        with self._lock:
            if not self._started:
                return True
            self._encode_buffer()
            ok = True
            if self._dirty or self.session_id is None:
                try:
                    self._write()
                except (SQLAlchemyError, StoreError, OSError) as exc:
                    ok = False
                    self._failures += 1
                    self.problem = patient_message(exc)
                    self.last_error = reason(exc)
                    log.warning("results store: %s (%s)", self.problem,
                                str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
                else:
                    self._chunks.clear()
                    self._reps.clear()
                    self._warnings.clear()
                    self._dirty = False
                    self._failures = 0
                    self.problem = None
                    self.last_error = None
            if now is not None:
                wait = self.flush_s if ok else min(self.flush_s * 2 ** self._failures,
                                                   MAX_RETRY_S)
                self._next_flush = now + wait
            return ok

    def _encode_buffer(self) -> None:
        """Move buffered frames into a pending chunk (encoded once, kept until written)."""
        if not self._t:
            return
        times = np.asarray(self._t)
        angles = np.stack(self._angles)
        world = None
        if any(w is not None for w in self._world):
            nan = np.full((21, 3), np.nan)
            world = codec.encode_world(np.stack([nan if w is None else w
                                                 for w in self._world]))
        self._chunks.append(_Chunk(seq=self._chunk_seq, t_start=float(times[0]),
                                   t_end=float(times[-1]), n_frames=len(times),
                                   times=codec.encode_times(times, float(times[0])),
                                   angles=codec.encode_angles(angles), world=world))
        self._chunk_seq += 1
        self._t, self._angles, self._world = [], [], []

    def _summary(self) -> dict[str, Any]:
        return {**self._info, "reps": self._rep_count, "extra_reps": self._extra_count,
                "frames": self._frames, "frames_with_hand": self._frames_with_hand,
                "rom": rom_json(self._lo, self._hi), "tam": tam_json(self._lo, self._hi)}

    def _write(self) -> None:
        with self.store.transaction() as s:
            sid = self.session_id
            if sid is None:
                patient = s.scalar(select(Patient).where(Patient.name == self._patient))
                if patient is None:
                    patient = Patient(name=self._patient, created_at=datetime.now(timezone.utc))
                    s.add(patient)
                    s.flush()
                row = ExerciseSession(patient_id=patient.id, **self._summary())
                s.add(row)
                s.flush()
                sid = row.id
            else:
                s.execute(update(ExerciseSession).where(ExerciseSession.id == sid)
                          .values(**self._summary()))
            _insert_new(s, FrameChunk.__table__,
                        [{"session_id": sid, **c.columns()} for c in self._chunks])
            _insert_new(s, RepRow.__table__,
                        [{"session_id": sid, **r.columns()} for r in self._reps])
            _insert_new(s, WarningRow.__table__,
                        [{"session_id": sid, "seq": seq, "t": w.t, "code": w.code,
                          "message": w.message} for seq, w in self._warnings])
        self.session_id = sid

    def _require_open(self) -> None:
        if not self._started:
            raise ValueError("start the session before adding to it")
        if self._finished:
            raise ValueError("this session is finished")


def _rep_from_summary(d: dict[str, Any], times: np.ndarray, angles: np.ndarray
                      ) -> RepRecord:
    """A rep of `analyze` (ExerciseEngine.rep_summaries) as the app would store it.

    The summary keeps peak flexion rounded and no lowest flexion, so both come from the
    result's own angles over the rep's frames (AnalysisResult keeps no Rep objects).
    """
    start, end = float(d["start"]), float(d["end"])
    inside = (times >= start - 0.006) & (times <= end + 0.006)   # start/end are rounded
    lo, hi = rom(angles[inside]) if inside.any() else rom(np.empty((0, N_ANGLES)))
    return RepRecord(number=int(d["number"]), start=start, end=end,
                     positions=[str(p) for p in d.get("positions", [])],
                     holds_s=[float(h) for h in d.get("holds_s", [])],
                     peak_flexion=hi, min_flexion=lo,
                     flags=[str(f) for f in d.get("flags", [])],
                     set_number=int(d.get("set", 1)))


def save_analysis(result: AnalysisResult, patient: str, store: Store | None = None,
                  pain_before: int | None = None, pain_after: int | None = None, *,
                  side: str | None = None, prescribed_reps: int | None = None,
                  prescribed_sets: int | None = None, started_at: datetime | None = None,
                  prescription_id: int | None = None) -> int:
    """Store an analysed video as a session of `patient`: the rows the app would write.

    All or nothing, in one transaction; raises StoreError (one line) when it cannot be
    saved. Angles of every frame are kept; landmarks are not (AnalysisResult has none).
    When the video was filmed is not known here: without `started_at` the session is
    dated as ending now. side: the hand prescribed (`analyze --hand`), None for auto.
    """
    duration = timedelta(seconds=float(result.duration_s))
    if started_at is None:
        started_at = datetime.now(timezone.utc) - duration
    rec = SessionRecorder(store)
    rec._hold = True
    rec.start(patient, result.exercise, side, "video", video_name=result.video,
              model=result.model, pain_before=pain_before, prescribed_reps=prescribed_reps,
              prescribed_sets=prescribed_sets, fps=result.fps, started_at=started_at,
              prescription_id=prescription_id)
    times = np.asarray(result.times, dtype=np.float64)
    angles = np.asarray(result.angles, dtype=np.float64).reshape(-1, N_ANGLES)
    for t, a in zip(times, angles, strict=True):
        rec.add_frame(float(t), a)
    for d in result.rep_details:
        rec.add_rep(_rep_from_summary(d, times, angles))
    for alert in result.warnings:
        rec.add_warning(alert)
    status = "interrupted" if result.ended_early else "complete"
    if not rec.finish(status, pain_after=pain_after, duration_s=result.duration_s,
                      ended_at=started_at + duration, note=result.ended_early):
        raise StoreError(f"could not save: {rec.last_error} ({rec.store.where})")
    assert rec.session_id is not None
    return rec.session_id
