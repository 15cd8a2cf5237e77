"""An analysis of a generated landmark sequence: what VideoAnalysis.run returns for a
video of it, made by the same session loop without the video and MediaPipe."""

from __future__ import annotations

import numpy as np

from exercises.library import get_exercise
from exercises.session import ExerciseSession
from handcoach.analysis import AnalysisResult, FrameLog
from handcoach.synthetic.sequences import LandmarkSequence


def analysed(seq: LandmarkSequence, exercise: str | None, video: str,
             side: str | None = None) -> AnalysisResult:
    log = FrameLog()
    session = ExerciseSession(None if exercise is None else get_exercise(exercise),
                              side=side, sink=log)
    for frame in seq.frames():
        session.update(frame)
    session.finish(float(seq.times[-1]))
    return AnalysisResult(video=video, exercise=exercise, model="lite", fps=30.0,
                          duration_s=len(seq.times) / 30.0, times=np.asarray(log.times),
                          angles=np.asarray(log.angles), world=np.asarray(log.world),
                          reps=tuple(session.reps), warnings=tuple(session.alerts))
