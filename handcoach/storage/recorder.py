"""Saving a session as it happens, so that a crash or a dead database loses (almost) nothing.

    recorder = SessionRecorder(Store())
    recorder.start("Ann", "fist", "right", "live", pain_before=2)
    every frame:   recorder.add_frame(t, flexion, world)
    every rep:     recorder.add_rep(rep)            # written at once
    every warning: recorder.add_warning(alert)
    recorder.finish(pain_after=3)
    if recorder.problem: show it (one line), keep going

A recorder is an exercises.session.SessionSink: the session loop hands it everything as
it happens. The session row is committed at `start` (status "open"); frames are buffered
(storage.buffer) and written (storage.writer) in one transaction every `flush_s` seconds
of frame time and at each rep, together with the reps, warnings and an updated summary
(reps, ROM, TAM) on the session row. A process that dies keeps everything up to the last
write, and the session stays "open". With `write_at_end`, nothing is written before
`finish` (an analysis saved in one go: all of it or nothing).

The recorder never raises into the frame loop because of the store: a failure (disk full,
database unreachable, locked) leaves what is not yet written in memory, sets `problem` to
a line the app can show, and is retried at the next flush. Bad arguments (a pain rating
of 12) are programming errors and do raise ValueError.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy.exc import SQLAlchemyError

from exercises.alerts import Alert
from exercises.counter import Rep
from handcoach.text import person_name
from vision.rom import RomTracker

from .buffer import Chunk, FlushPolicy, FrameBuffer
from .db import Store
from .errors import StoreError, patient_message, reason
from .models import SIDES, SOURCES
from .pain import pain_rating
from .records import WarningRecord
from .writer import PendingRows, SessionWriter

log = logging.getLogger(__name__)

_UNSET: Any = object()


def _app_version() -> str | None:
    """Stored with each session: a therapist comparing numbers across updates needs it."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("handcoach")
    except PackageNotFoundError:   # run from a checkout that is not installed
        return None


class SessionRecorder:
    """Save-as-you-go for one session. Thread-safe: the app's frame callback and its
    buttons may call it from different threads.

    flush_s: how often (s of frame time) what is pending is written. write_at_end: keep
    everything in memory until `finish` (chunks are still sealed every `flush_s`).
    """

    def __init__(self, store: Store | None = None, flush_s: float = 2.0,
                 write_at_end: bool = False) -> None:
        self.store = store if store is not None else Store()
        self.flush_s = float(flush_s)
        self.write_at_end = write_at_end
        self.session_id: int | None = None
        #: one line for the UI when the last save failed, None when all is saved.
        self.problem: str | None = None
        #: the same failure as a short clause ("the disk is full"), for logs and the CLI.
        self.last_error: str | None = None
        self._policy = FlushPolicy(flush_s)
        self._writer = SessionWriter(self.store)
        self._buffer = FrameBuffer()
        self._rom = RomTracker()
        self._lock = threading.RLock()
        self._patient = ""
        self._info: dict[str, Any] = {}
        self._started = False
        self._finished = False
        self._chunks: list[Chunk] = []
        self._reps: list[Rep] = []
        self._warnings: list[tuple[int, WarningRecord]] = []
        self._warning_seq = 0
        self._rep_count = 0
        self._extra_count = 0
        self._frames = 0
        self._dirty = False

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
        name = person_name(patient, "a patient name")
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
                "status": "open", "pain_before": pain_rating(pain_before, "before"),
                "pain_after": None, "prescribed_reps": prescribed_reps,
                "prescribed_sets": prescribed_sets, "fps": fps,
                "prescription_id": prescription_id,
                "ended_at": None, "duration_s": None, "note": None,
            }
            self._dirty = True
            if not self.write_at_end:
                self.flush()
            return self.session_id

    def add_frame(self, t: float, angles: np.ndarray | None,
                  world: np.ndarray | None = None, trusted: np.ndarray | None = None
                  ) -> None:
        """One frame: t in s from the session start, angles (14,) deg or None (no hand),
        world (21, 3) metres or None; trusted (14,) bool: the readings the session's ROM
        may rest on (None: all). Cheap; writes every `flush_s` seconds of t."""
        with self._lock:
            self._require_open()
            self._buffer.add(t, angles, world)
            self._frames += 1
            self._rom.update(float(t), angles, trusted)
            self._dirty = True
            if self._policy.due(float(t)):
                if self.write_at_end:
                    self._seal()
                    self._policy.done(float(t), True)
                else:
                    self.flush(now=float(t))

    def add_rep(self, rep: Rep) -> None:
        """A counted rep: written at once with the frames so far."""
        with self._lock:
            self._require_open()
            self._reps.append(rep)
            self._rep_count += 1
            self._extra_count += rep.extra
            self._dirty = True
            if not self.write_at_end:
                self.flush(now=self._buffer.last_t)

    def add_warning(self, alert: Alert) -> None:
        """A warning the patient was shown; written with the next flush."""
        code = alert.code.value
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
                self._info["pain_before"] = pain_rating(before, "before")
            if after is not _UNSET:
                self._info["pain_after"] = pain_rating(after, "after")
            self._dirty = True
            if not self.write_at_end:
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
                self._info["pain_after"] = pain_rating(pain_after, "after")
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
            return len(self._buffer) + sum(c.n_frames for c in self._chunks)

    # -- writing -----------------------------------------------------------------------
    def flush(self, now: float | None = None) -> bool:
        """Write everything pending in one transaction. True when nothing is left unsaved.

        `now` (frame time) schedules the next automatic flush; a failure schedules it
        later each time (up to buffer.MAX_RETRY_S) and sets `problem`.
        """
        with self._lock:
            if not self._started:
                return True
            self._seal()
            ok = True
            if self._dirty or self.session_id is None:
                try:
                    self.session_id = self._writer.write(self.session_id, self._patient,
                                                         self._rows())
                except (SQLAlchemyError, StoreError, OSError) as exc:
                    ok = False
                    self.problem = patient_message(exc)
                    self.last_error = reason(exc)
                    log.warning("results store: %s (%s)", self.problem,
                                str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
                else:
                    self._chunks.clear()
                    self._reps.clear()
                    self._warnings.clear()
                    self._dirty = False
                    self.problem = None
                    self.last_error = None
            self._policy.done(now, ok)
            return ok

    def _seal(self) -> None:
        chunk = self._buffer.seal()
        if chunk is not None:
            self._chunks.append(chunk)

    def _rows(self) -> PendingRows:
        rom = self._rom.summary()
        summary = {**self._info, "reps": self._rep_count, "extra_reps": self._extra_count,
                   "frames": self._frames, "frames_with_hand": rom.frames,
                   "rom": rom.rom_json(), "tam": rom.tam_json()}
        return PendingRows(summary, list(self._chunks), list(self._reps),
                           list(self._warnings))

    def _require_open(self) -> None:
        if not self._started:
            raise ValueError("start the session before adding to it")
        if self._finished:
            raise ValueError("this session is finished")
