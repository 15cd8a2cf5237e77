"""Run the exercise engine over a generated landmark sequence (no MediaPipe)."""

from __future__ import annotations

import numpy as np

from exercises.engine import ExerciseEngine
from exercises.library import get_exercise
from synthetic.sequences import LandmarkSequence
from vision.kinematics import measure, wrist_flexion


def run_engine(seq: LandmarkSequence, exercise: str, program=None,
               pain: dict[float, int] | None = None, hands_in_view: np.ndarray | None = None,
               done_today: int = 0, prescribed_side: str | None = None) -> ExerciseEngine:
    """Every frame of `seq` through an engine; `pain` maps a time to a 0-10 rating."""
    engine = ExerciseEngine(get_exercise(exercise, program), prescribed_side=prescribed_side,
                            done_today=done_today)
    pending = dict(sorted((pain or {}).items()))
    for i, t in enumerate(seq.times):
        for when in [w for w in pending if w <= t]:
            engine.rate_pain(float(t), pending.pop(when))
        world = seq.world[i]
        if np.isnan(world).any():
            engine.update(float(t), None, 0)
            continue
        flex = None
        if seq.elbow is not None and not np.isnan(seq.elbow[i]).any():
            flex = wrist_flexion(world[0] - seq.elbow[i], world, seq.chirality)
        n = 1 if hands_in_view is None else int(hands_in_view[i])
        engine.update(float(t), measure(world, seq.chirality), n, seq.chirality, flex)
    engine.finish(float(seq.times[-1]))
    return engine
