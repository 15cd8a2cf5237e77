"""Real MediaPipe over a clip once, then any number of exercise engines over its frames."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from exercises.engine import ExerciseEngine
from exercises.library import get_exercise
from handcoach.pipeline import HandPipeline
from vision.kinematics import HandMeasures
from vision.sources import VideoFileSource


@dataclass(frozen=True)
class Frame:
    t: float
    measures: HandMeasures | None
    hands_in_view: int
    side: str | None


@lru_cache(maxsize=16)
def tracked_frames(path: Path, model: str = "lite") -> tuple[Frame, ...]:
    out = []
    with VideoFileSource(path) as source, HandPipeline(model=model) as pipeline:
        for frame in source:
            r = pipeline.process(frame.t, frame.rgb)
            out.append(Frame(frame.t, r.measures, r.tracked.hands_in_view,
                             r.hand.side if r.hand else None))
    return tuple(out)


def run_on_frames(frames: tuple[Frame, ...], exercise: str, program=None) -> ExerciseEngine:
    engine = ExerciseEngine(get_exercise(exercise, program))
    for f in frames:
        engine.update(f.t, f.measures, f.hands_in_view, f.side)
    engine.finish(frames[-1].t if frames else 0.0)
    return engine
