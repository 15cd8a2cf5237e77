"""Run the exercise engine over a generated landmark sequence (no MediaPipe)."""

from __future__ import annotations

import numpy as np

from exercises.engine import ExerciseEngine
from exercises.library import get_exercise
from handcoach.synthetic.sequences import LandmarkSequence


def run_engine(seq: LandmarkSequence, exercise: str, program=None,
               pain: dict[float, int] | None = None, hands_in_view: np.ndarray | None = None,
               done_today: int = 0, prescribed_side: str | None = None) -> ExerciseEngine:
    """Every frame of `seq` through an engine; `pain` maps a time to a 0-10 rating."""
    engine = ExerciseEngine(get_exercise(exercise, program), prescribed_side=prescribed_side,
                            done_today=done_today)
    pending = dict(sorted((pain or {}).items()))
    for frame in seq.frames(hands_in_view):
        for when in [w for w in pending if w <= frame.t]:
            engine.rate_pain(frame.t, pending.pop(when))
        engine.update(frame)
    engine.finish(float(seq.times[-1]))
    return engine
