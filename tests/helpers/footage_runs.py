"""Real MediaPipe over a clip once, then any number of exercise engines over its frames."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from exercises.engine import ExerciseEngine
from exercises.library import get_exercise
from vision.frame import HandFrame
from vision.pipeline import HandPipeline
from vision.sources import VideoFileSource


@lru_cache(maxsize=16)
def tracked_frames(path: Path, model: str = "lite") -> tuple[HandFrame, ...]:
    """Every frame of the clip, tracked and measured as the live path does."""
    with VideoFileSource(path) as source, HandPipeline(model=model) as pipeline:
        return tuple(pipeline.process(frame.t, frame.rgb) for frame in source)


def run_on_frames(frames: tuple[HandFrame, ...], exercise: str, program=None
                  ) -> ExerciseEngine:
    engine = ExerciseEngine(get_exercise(exercise, program))
    for f in frames:
        engine.update(f)
    engine.finish(frames[-1].t if frames else 0.0)
    return engine
