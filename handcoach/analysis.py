"""Analysis of a recorded video: the result that `handcoach analyze` prints.

    with VideoAnalysis("clip.mp4", exercise="fist") as analysis:   # the video is opened
        result = analysis.run(sink=recorder)                        # frames -> session
    result.to_json()

The frames take the live app's path (vision.pipeline, with MediaPipe one frame ahead on a
thread) into the same session loop (exercises.session); everything the session records
goes to its sinks as it happens: the result's own log, and with `analyze --save` the
results store's recorder. The JSON shape is a promise to scripts (docs/interfaces.md);
keys are only added.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from exercises.alerts import Alert
from exercises.catalog import check_exercise
from exercises.counter import Rep
from exercises.library import Exercise, get_exercise
from exercises.program import load_program
from exercises.session import ExerciseSession, SessionSink, Tee
from vision.accuracy import AccuracyTable
from vision.ahead import TrackAhead
from vision.landmarks import ANGLE_NAMES, N_ANGLES, angles_to_dict
from vision.pipeline import HandPipeline
from vision.rom import RomSummary
from vision.sources import VideoFileSource
from vision.tracker import HandChoice, Model

if TYPE_CHECKING:
    from handcoach.storage import Store

Progress = Callable[[float], None]


@dataclass(frozen=True)
class AnalysisResult:
    """Everything measured over one video.

    times: (frames,) s. angles: (frames, 14) deg, NaN rows without a hand. world: (frames,
    21, 3) metres, NaN without a hand. reps: every counted rep, extra ones included.
    warnings: everything the patient would have been told, by time. trusted: (frames, 14)
    bool, the readings ROM and TAM rest on (None: all); views: each frame's view (None
    without a hand), which gives each reading its measured error (vision.accuracy).
    """

    video: str
    exercise: str | None
    model: str
    fps: float
    duration_s: float
    times: np.ndarray
    angles: np.ndarray
    world: np.ndarray
    reps: tuple[Rep, ...] = ()
    warnings: tuple[Alert, ...] = ()
    ended_early: str | None = None
    reps_by_position: dict[str, int] = field(default_factory=dict)
    #: movements of the exercise's main feature the pace watch saw, held or not (the
    #: day's load, exercises.pace); None for an exercise without one or without --exercise.
    movements: int | None = None
    #: why some frames were timed at the frame rate instead of by the file (None: none).
    retimed: str | None = None
    trusted: np.ndarray | None = None
    views: tuple[str | None, ...] = ()

    @property
    def notes(self) -> tuple[str, ...]:
        """What the user is warned about: a file that ends early, frames retimed."""
        return tuple(n for n in (self.ended_early, self.retimed) if n)

    @property
    def frames(self) -> int:
        return len(self.times)

    @property
    def frames_with_hand(self) -> int:
        return int(np.sum(~np.isnan(self.angles[:, 0]))) if self.frames else 0

    @property
    def extra_reps(self) -> int:
        """Reps beyond the prescription (they are in `reps` too)."""
        return sum(r.extra for r in self.reps)

    def rom(self) -> RomSummary:
        """ROM and TAM from the trusted readings only."""
        return RomSummary.of(self.times, self.angles, self.trusted)

    def to_json(self, frames: bool = False) -> dict[str, object]:
        summary = self.rom()
        out: dict[str, object] = {
            "video": self.video,
            "exercise": self.exercise,
            "model": self.model,
            "fps": round(self.fps, 3),
            "duration_s": round(self.duration_s, 3),
            "frames": self.frames,
            "frames_with_hand": self.frames_with_hand,
            "reps": len(self.reps),
            "rom": summary.rom_json(),
            "tam": summary.tam_json(),
            "warnings": [w.to_json() for w in self.warnings],
        }
        if self.exercise is not None:
            # Extensions of the promised shape: reps beyond the prescription (counted in
            # `reps` too, never dropped) and each rep's timing, holds, peaks and flags.
            out["extra_reps"] = self.extra_reps
            out["reps_by_position"] = self.reps_by_position
            out["rep_details"] = [r.to_json() for r in self.reps]
            # Movements seen whether or not they were held long enough to be reps (too
            # fast, short of a target): the load the day's maximum counts.
            out["movements"] = self.movements
        if self.notes:
            # Only when there is something to say: the video ended before its container
            # said, or frames were retimed (docs/interfaces.md).
            out["notes"] = list(self.notes)
        if frames:
            table = AccuracyTable.load() if self.views else None
            out["per_frame"] = [self._frame_json(k, table) for k in range(self.frames)]
        return out

    def _frame_json(self, k: int, table: AccuracyTable | None) -> dict[str, object]:
        a = self.angles[k]
        seen = not np.isnan(a[0])
        out: dict[str, object] = {"t": round(float(self.times[k]), 3), "hand": seen,
                                  "angles": angles_to_dict(a) if seen else None}
        if seen and table is not None:
            # Extensions: the view, each reading's measured error in it, and the readings
            # not trusted (left out of ROM and TAM), as "finger.joint".
            out["view"] = self.views[k]
            out["error_deg"] = angles_to_dict(table.error(self.views[k]), 0)
            if self.trusted is not None:
                out["untrusted"] = [f"{f}.{j}" for (f, j), ok
                                    in zip(ANGLE_NAMES, self.trusted[k], strict=True) if not ok]
        return out

    def replay(self, sink: SessionSink) -> None:
        """Hand the whole record to a sink, as the session loop did while it ran."""
        trusted = self.trusted if self.trusted is not None else [None] * self.frames
        for t, a, w, ok in zip(self.times, self.angles, self.world, trusted, strict=True):
            seen = not np.isnan(a).all()
            sink.add_frame(float(t), a if seen else None, w if seen else None,
                           ok if seen else None)
        for rep in self.reps:
            sink.add_rep(rep)
        for alert in self.warnings:
            sink.add_warning(alert)


class FrameLog:
    """A sink that keeps every frame in memory: an analysis's own record."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self.angles: list[np.ndarray] = []
        self.world: list[np.ndarray] = []
        self.trusted: list[np.ndarray] = []
        self._no_angles = np.full(N_ANGLES, np.nan)
        self._no_world = np.full((21, 3), np.nan)
        self._all = np.ones(N_ANGLES, dtype=bool)

    def add_frame(self, t: float, angles: np.ndarray | None,
                  world: np.ndarray | None = None, trusted: np.ndarray | None = None
                  ) -> None:
        self.times.append(t)
        self.angles.append(self._no_angles if angles is None else angles)
        self.world.append(self._no_world if world is None else world)
        self.trusted.append(self._all if trusted is None else trusted)

    def add_rep(self, rep: Rep) -> None:
        """Reps are the session's own (ExerciseSession.reps)."""

    def add_warning(self, alert: Alert) -> None:
        """So are warnings."""


class VideoAnalysis:
    """One recorded video through the live app's path: `open()` (or `with`) opens the
    video, `run()` analyses it.

    Raises vision.sources.SourceError (unreadable video) and ValueError (bad option or
    program file), each with a one-line message. A video that is damaged part-way is
    analysed up to the damage; `ended_early` of the result says where.
    """

    def __init__(self, path: str | Path, exercise: str | None = None,
                 hand: HandChoice = "auto", model: Model = "lite", mirrored: bool = False,
                 smoothing: dict[str, float] | None = None,
                 program: str | Path | dict[str, Any] | None = None) -> None:
        self.path = path
        self.exercise_id = exercise
        self.hand = hand
        self.model = model
        self.mirrored = mirrored
        self.smoothing = smoothing
        self.program = program
        self._source: VideoFileSource | None = None
        self._exercise: Exercise | None = None

    def open(self) -> VideoAnalysis:
        overrides = self.program
        if isinstance(overrides, str | Path):
            # The whole file is checked ([program] too), with or without --exercise.
            overrides = dict(load_program(overrides).overrides)
        if self.exercise_id is not None:
            check_exercise(self.exercise_id)
            self._exercise = get_exercise(self.exercise_id, overrides)
        if self._source is None:
            self._source = VideoFileSource(self.path, mirror=self.mirrored)
        return self

    @property
    def exercise(self) -> Exercise | None:
        """The exercise with the program's dose (None: measuring only)."""
        return self._exercise

    @property
    def fps(self) -> float:
        return self._opened().fps

    @property
    def expected_duration_s(self) -> float:
        """The container's duration (0 when it does not say)."""
        return self._opened().duration_s or 0.0

    def _opened(self) -> VideoFileSource:
        if self._source is None:
            self.open()
        assert self._source is not None
        return self._source

    def run(self, sink: SessionSink | None = None,
            progress: Progress | None = None) -> AnalysisResult:
        source = self._opened()
        side = None if self.hand == "auto" else self.hand
        log = FrameLog()
        views: list[str | None] = []
        session = ExerciseSession(self._exercise, side=side,
                                  sink=log if sink is None else Tee((log, sink)))
        wrist = self._exercise is not None and self._exercise.needs_forearm
        expected = self.expected_duration_s
        with HandPipeline(model=self.model, hand=self.hand, mirrored=self.mirrored,
                          smoothing=self.smoothing, track_arm=wrist,
                          track_forearm=wrist) as pipeline, \
                TrackAhead(pipeline, separate_process=False) as ahead:
            # A thread, not a process: a whole video keeps MediaPipe busy, and starting a
            # second Python with MediaPipe (~0.8 s) does not pay off on short clips
            # (benchmarks/README.md, analyze_speed).
            for rgb, frame in ahead.run((f.t, f.rgb, f.rgb) for f in source):
                measured = pipeline.finish(frame, rgb)
                session.update(measured)
                m = measured.measures
                views.append(None if m is None else m.view)
                if progress is not None and expected > 0:
                    progress(min(frame.t / expected, 1.0))
        t_end = log.times[-1] if log.times else 0.0
        session.finish(t_end)
        # What decoded, never what the container promised: a file cut short is stored
        # as the seconds it holds, and marked interrupted (ended_early).
        duration = t_end + 1.0 / source.fps if log.times else 0.0
        engine = session.engine
        return AnalysisResult(
            video=str(self.path), exercise=self.exercise_id, model=self.model,
            fps=source.fps, duration_s=duration, times=np.asarray(log.times),
            angles=np.asarray(log.angles).reshape(-1, N_ANGLES),
            world=np.asarray(log.world).reshape(-1, 21, 3),
            reps=tuple(session.reps),
            warnings=tuple(sorted(session.alerts, key=lambda a: a.t)),
            ended_early=source.ended_early, retimed=source.retimed,
            reps_by_position=engine.reps_by_position() if engine is not None else {},
            trusted=np.asarray(log.trusted, dtype=bool).reshape(-1, N_ANGLES),
            views=tuple(views),
            movements=(engine.pace.excursions if engine is not None and engine.pace is not None
                       else None))

    def close(self) -> None:
        if self._source is not None:
            self._source.close()

    def __enter__(self) -> VideoAnalysis:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()


def analyze_video(path: str | Path, exercise: str | None = None, hand: HandChoice = "auto",
                  model: Model = "lite", mirrored: bool = False,
                  progress: Progress | None = None,
                  smoothing: dict[str, float] | None = None,
                  program: str | Path | dict[str, Any] | None = None) -> AnalysisResult:
    """A video analysed with nothing saved (see VideoAnalysis)."""
    with VideoAnalysis(path, exercise, hand, model, mirrored, smoothing, program) as analysis:
        return analysis.run(progress=progress)


def save_analysis(result: AnalysisResult, patient: str, store: Store | None = None,
                  pain_before: int | None = None, pain_after: int | None = None, *,
                  side: str | None = None, prescribed_reps: int | None = None,
                  prescribed_sets: int | None = None, started_at: datetime | None = None,
                  prescription_id: int | None = None) -> int:
    """Store an analysis already made (the app's "Save as a session"): the same rows as if
    it had been recorded as it ran, written in one transaction.

    Raises StoreError (one line) when it cannot be saved. When the video was filmed is not
    known here: without `started_at` the session is dated as ending now. side: the hand
    prescribed, None for either.
    """
    from handcoach.storage import SessionRecorder, StoreError

    duration = timedelta(seconds=float(result.duration_s))
    if started_at is None:
        started_at = datetime.now(timezone.utc) - duration
    rec = SessionRecorder(store, write_at_end=True)
    rec.start(patient, result.exercise, side, "video", video_name=result.video,
              model=result.model, pain_before=pain_before, prescribed_reps=prescribed_reps,
              prescribed_sets=prescribed_sets, fps=result.fps, started_at=started_at,
              prescription_id=prescription_id)
    result.replay(rec)
    status = "interrupted" if result.ended_early else "complete"
    if not rec.finish(status, pain_after=pain_after, duration_s=result.duration_s,
                      ended_at=started_at + duration, note="; ".join(result.notes) or None):
        raise StoreError(f"could not save: {rec.last_error} ({rec.store.where})")
    assert rec.session_id is not None
    return rec.session_id
