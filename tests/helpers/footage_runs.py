"""Real MediaPipe over a clip once, then any number of exercise engines over its frames.

`tracked_frames(path)` is what `handcoach analyze --exercise ID` feeds a finger exercise;
`tracked_frames(path, wrist=True)` what it feeds a wrist exercise (MediaPipe Pose for the
elbow and the forearm found in the image, vision.wrist). Each clip is analysed once per
test session (an LRU cache keyed by path and mode), whichever tests read it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from exercises.engine import ExerciseEngine
from exercises.library import get_exercise
from vision.frame import HandFrame
from vision.pipeline import HandPipeline
from vision.sources import VideoFileSource


@lru_cache(maxsize=32)
def tracked_frames(path: Path, model: str = "lite", wrist: bool = False
                   ) -> tuple[HandFrame, ...]:
    """Every frame of the clip, tracked and measured as the live path does (with `wrist`,
    as for a wrist exercise: Pose and the forearm in the image)."""
    with VideoFileSource(path) as source, \
            HandPipeline(model=model, track_arm=wrist, track_forearm=wrist) as pipeline:
        return tuple(pipeline.process(frame.t, frame.rgb) for frame in source)


def frames_for(path: Path, exercise: str, model: str = "lite") -> tuple[HandFrame, ...]:
    """The frames `handcoach analyze --exercise EXERCISE` would give its engine."""
    return tracked_frames(path, model, wrist=get_exercise(exercise).needs_forearm)


def run_on_frames(frames: tuple[HandFrame, ...], exercise: str, program=None,
                  done_today: int = 0) -> ExerciseEngine:
    engine = ExerciseEngine(get_exercise(exercise, program), done_today=done_today)
    for f in frames:
        engine.update(f)
    engine.finish(frames[-1].t if frames else 0.0)
    return engine
