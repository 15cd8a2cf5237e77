"""Our per-frame path against MediaPipe Hands alone, on the same decoded frames, one run.

    .venv/bin/python benchmarks/pipeline_vs_mediapipe.py [VIDEO] [--repeat N]

Frames are decoded once into memory, then timed three ways for each model: MediaPipe
Hands alone (one hand, tracking mode, real timestamps); our HandPipeline (tracker with its
two-hand probe, smoothing, kinematics); and the whole live path (plus the exercise engine
and the overlay drawn on a copy of the frame). Prints frames per second and the ratio to
MediaPipe alone (1.0 = no cost on top of MediaPipe).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from app.overlay import OverlayInput, draw_overlay
from exercises.engine import ExerciseEngine
from exercises.library import get_exercise
from handcoach.pipeline import HandPipeline
from vision.sources import VideoFileSource

DEFAULT = Path(__file__).resolve().parent.parent.parent / "shared" / "footage" / \
    "phone_countdown_fist_1.mp4"


def decode(path: Path) -> tuple[list[float], list[np.ndarray]]:
    times, frames = [], []
    with VideoFileSource(path) as source:
        for f in source:
            times.append(f.t)
            frames.append(f.rgb)
    return times, frames


def raw_mediapipe(times: list[float], frames: list[np.ndarray], model: str) -> float:
    from mediapipe.python.solutions import hands

    graph = hands.Hands(static_image_mode=False, max_num_hands=1,
                        model_complexity=0 if model == "lite" else 1)
    start = time.perf_counter()
    for t, rgb in zip(times, frames, strict=True):
        graph._simulated_timestamp = int(t * 1e6) - 33333
        graph.process(rgb)
    elapsed = time.perf_counter() - start
    graph.close()
    return len(frames) / elapsed


def ours(times: list[float], frames: list[np.ndarray], model: str, live: bool) -> float:
    pipeline = HandPipeline(model=model)
    engine = ExerciseEngine(get_exercise("fist"))
    start = time.perf_counter()
    for t, rgb in zip(times, frames, strict=True):
        r = pipeline.process(t, rgb)
        if live:
            engine.update(t, r.measures, r.tracked.hands_in_view,
                          r.hand.side if r.hand else None, r.wrist_flexion)
            shown = rgb.copy()
            draw_overlay(shown, OverlayInput(
                engine.state(t), t, None if r.hand is None else r.hand.image[:, :2],
                None if r.measures is None else r.measures.flexion, ("pip",),
                engine.alerts[-1] if engine.alerts else None))
    elapsed = time.perf_counter() - start
    pipeline.close()
    return len(frames) / elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("video", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    times, frames = decode(args.video)
    h, w = frames[0].shape[:2]
    print(f"{args.video.name}: {len(frames)} frames {w}x{h}")
    for model in ("lite", "full"):
        for _ in range(args.repeat):
            base = raw_mediapipe(times, frames, model)
            pipe = ours(times, frames, model, live=False)
            live = ours(times, frames, model, live=True)
            print(f"{model:4s}  MediaPipe alone {base:6.1f} fps   pipeline {pipe:6.1f} fps "
                  f"(ratio {pipe / base:.2f})   + engine + overlay {live:6.1f} fps "
                  f"(ratio {live / base:.2f})")


if __name__ == "__main__":
    main()
