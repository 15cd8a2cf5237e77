"""Analysis of a recorded video: the result that `handcoach analyze` prints.

The JSON shape is a promise to scripts (../shared/INTERFACES.md); keys are only added.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from exercises.alerts import Alert
from exercises.catalog import check_exercise
from exercises.engine import ExerciseEngine
from exercises.library import get_exercise
from exercises.visibility import VisibilityMonitor
from vision.kinematics import rom, total_active_motion
from vision.landmarks import FINGERS, N_ANGLES, angles_to_dict
from vision.sources import VideoFileSource
from vision.tracker import HandChoice, Model

from .pipeline import HandPipeline, TrackAhead

Progress = Callable[[float], None]


@dataclass
class AnalysisResult:
    """Everything measured over one video. angles: (frames, 14) deg, NaN rows without a hand."""

    video: str
    exercise: str | None
    model: str
    fps: float
    duration_s: float
    times: np.ndarray
    angles: np.ndarray
    reps: int = 0
    warnings: list[Alert] = field(default_factory=list)
    ended_early: str | None = None
    extra_reps: int = 0
    rep_details: list[dict[str, object]] = field(default_factory=list)
    reps_by_position: dict[str, int] = field(default_factory=dict)

    @property
    def frames(self) -> int:
        return len(self.times)

    @property
    def frames_with_hand(self) -> int:
        return int(np.sum(~np.isnan(self.angles[:, 0]))) if self.frames else 0

    def rom(self) -> tuple[np.ndarray, np.ndarray]:
        return rom(self.angles)

    def to_json(self, frames: bool = False) -> dict[str, object]:
        lo, hi = self.rom()
        low, high = angles_to_dict(lo, 0), angles_to_dict(hi, 0)
        rom_json = {finger: {joint: {"min": low[finger][joint], "max": high[finger][joint]}
                             for joint in joints} for finger, joints in low.items()}
        tam = total_active_motion(lo, hi)
        out: dict[str, object] = {
            "video": self.video,
            "exercise": self.exercise,
            "model": self.model,
            "fps": round(self.fps, 3),
            "duration_s": round(self.duration_s, 3),
            "frames": self.frames,
            "frames_with_hand": self.frames_with_hand,
            "reps": self.reps,
            "rom": rom_json,
            "tam": {f: None if np.isnan(v) else round(float(v)) for f, v in zip(FINGERS, tam,
                                                                             strict=True)},
            "warnings": [w.to_json() for w in self.warnings],
        }
        if self.exercise is not None:
            # Extensions of INTERFACES.md: reps beyond the prescription (counted in
            # `reps` too, never dropped) and each rep's timing, holds, peaks and flags.
            out["extra_reps"] = self.extra_reps
            out["reps_by_position"] = self.reps_by_position
            out["rep_details"] = self.rep_details
        if frames:
            out["per_frame"] = [
                {"t": round(float(t), 3), "hand": not np.isnan(a[0]),
                 "angles": None if np.isnan(a[0]) else angles_to_dict(a)}
                for t, a in zip(self.times, self.angles, strict=True)
            ]
        return out


def analyze_video(path: str | Path, exercise: str | None = None, hand: HandChoice = "auto",
                  model: Model = "lite", mirrored: bool = False,
                  progress: Progress | None = None,
                  smoothing: dict[str, float] | None = None,
                  program: str | Path | None = None) -> AnalysisResult:
    """Run the live pipeline (and, with `exercise`, the exercise engine) over a video.

    Raises vision.sources.SourceError (unreadable video) and ValueError (bad option or
    program file), each with a one-line message. A video that is damaged part-way is
    analysed up to the damage; `ended_early` says where.
    """
    side = None if hand == "auto" else hand
    engine = None
    if exercise is not None:
        check_exercise(exercise)
        engine = ExerciseEngine(get_exercise(exercise, program), prescribed_side=side)
    times: list[float] = []
    angles: list[np.ndarray] = []
    missing = np.full(N_ANGLES, np.nan)
    monitor = VisibilityMonitor(prescribed_side=side) if engine is None else None
    alerts: list[Alert] = []
    track_arm = engine is not None and engine.exercise.needs_elbow
    with VideoFileSource(path, mirror=mirrored) as source, \
            HandPipeline(model=model, hand=hand, mirrored=mirrored, smoothing=smoothing,
                         track_arm=track_arm) as pipeline:
        expected = source.duration_s or 0.0
        # A thread, not a process: a whole video keeps MediaPipe busy, and starting a
        # second Python with MediaPipe (~0.8 s) would not pay off on short clips
        # (benchmarks/analyze_speed.py: 1.29x a bare loop's time with it, 0.96 without).
        with TrackAhead(pipeline, separate_process=False) as ahead:
            for frame, tracked in ahead.run((f.t, f.rgb, f) for f in source):
                result = pipeline.finish(tracked)
                times.append(frame.t)
                angles.append(result.measures.flexion if result.measures else missing)
                hand_side = result.hand.side if result.hand else None
                if engine is not None:
                    engine.update(frame.t, result.measures, result.tracked.hands_in_view,
                                  hand_side, result.wrist_flexion)
                else:
                    alerts += monitor.update(frame.t, result.tracked.hands_in_view, hand_side)
                if progress is not None and expected > 0:
                    progress(min(frame.t / expected, 1.0))
        t_end = times[-1] if times else 0.0
        if engine is not None:
            engine.finish(t_end)
            alerts = list(engine.alerts)
        else:
            alerts += monitor.finish(t_end)
        fps = source.fps
        duration = t_end + 1.0 / fps if times else 0.0
        if source.duration_s:
            duration = max(duration, source.duration_s) if not source.ended_early else duration
    alerts.sort(key=lambda a: a.t)
    result = AnalysisResult(video=str(path), exercise=exercise, model=model, fps=fps,
                            duration_s=duration, times=np.asarray(times),
                            angles=np.asarray(angles).reshape(-1, N_ANGLES),
                            warnings=alerts, ended_early=source.ended_early)
    if engine is not None:
        result.reps = len(engine.reps)
        result.extra_reps = len(engine.reps) - engine.counted
        result.rep_details = engine.rep_summaries()
        result.reps_by_position = engine.reps_by_position()
    return result

