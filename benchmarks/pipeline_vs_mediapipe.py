"""Our per-frame path against MediaPipe Hands alone, on the same decoded frames, one run.

    .venv/bin/python benchmarks/pipeline_vs_mediapipe.py [VIDEO] [--repeat N]

Frames are decoded once into memory, then, for each model, timed as:
- MediaPipe alone: Hands tracking one hand (max_num_hands=1), real timestamps;
- pipeline: our HandPipeline.process (tracker with its two-hand probe, smoothing,
  kinematics), one frame after the other;
- live, in series: pipeline + exercise engine + overlay drawn on a mirrored copy, one
  after the other (what the live path cost before it was overlapped);
- live: app.coach.LiveCoach.process, exactly what the webrtc callback runs (MediaPipe in
  a process of its own, mirror, kinematics, engine, overlay, the session recorder writing
  to an SQLite file from its own thread). Frames are handed over back to back, so the
  coach sees it is behind the "camera" and returns each frame one call later (see
  vision.ahead.LiveSchedule);
- live, thread: the same with MediaPipe on a second thread instead (how it ran before);
- live at 30 fps: frames handed over in real time, as a webcam does, for the callback's
  time from frame in to overlay out (the same frame) and how much of it is not spent
  waiting for MediaPipe.
Prints frames per second and the ratio to MediaPipe alone (1.0 = nothing added).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

from app.coach import LiveCoach
from app.overlay import OverlayInput, draw_overlay
from exercises.engine import ExerciseEngine
from exercises.library import get_exercise
from handcoach.storage import BackgroundRecorder, Store
from vision.pipeline import HandPipeline
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


def pipeline_only(times: list[float], frames: list[np.ndarray], model: str) -> float:
    pipeline = HandPipeline(model=model)
    pipeline.process(times[0] - 1.0, frames[0])  # graphs built before the clock starts
    start = time.perf_counter()
    for t, rgb in zip(times, frames, strict=True):
        pipeline.process(t, rgb)
    elapsed = time.perf_counter() - start
    pipeline.close()
    return len(frames) / elapsed


def live_in_series(times: list[float], frames: list[np.ndarray], model: str) -> float:
    pipeline = HandPipeline(model=model, mirrored=True)
    engine = ExerciseEngine(get_exercise("fist"))
    pipeline.process(times[0] - 1.0, frames[0])
    start = time.perf_counter()
    for t, rgb in zip(times, frames, strict=True):
        shown = cv2.flip(rgb, 1)
        r = pipeline.process(t, shown)
        engine.update(r)
        draw_overlay(shown, OverlayInput(
            engine.state(t), t, None if r.hand is None else r.hand.image[:, :2],
            None if r.measures is None else r.measures.flexion, ("mcp", "pip", "dip"),
            engine.alerts[-1] if engine.alerts else None))
    elapsed = time.perf_counter() - start
    pipeline.close()
    return len(frames) / elapsed


class _Timed:
    """A submitted frame whose wait for MediaPipe's answer is timed."""

    def __init__(self, future, waits: list[float]) -> None:
        self.future, self.waits = future, waits

    def result(self):
        t0 = time.perf_counter()
        out = self.future.result()
        self.waits.append((time.perf_counter() - t0) * 1e3)
        return out


def live(times: list[float], frames: list[np.ndarray], model: str,
         separate_process: bool = True, real_time: bool = False
         ) -> tuple[float, np.ndarray, np.ndarray]:
    """fps, per-frame callback time (ms), and the time within it spent waiting for
    MediaPipe (ms). real_time: hand frames over at 30 fps, not back to back."""
    with tempfile.TemporaryDirectory() as tmp:
        recorder = BackgroundRecorder(Store(f"sqlite:///{Path(tmp) / 'bench.db'}"))
        recorder.start("benchmark", "fist", None)
        coach = LiveCoach(get_exercise("fist"), recorder, model=model)
        coach._ahead.separate_process = separate_process
        coach.process(frames[0], times[0] - 1.0)   # MediaPipe started before the clock
        time.sleep(0.1)
        submit = coach._ahead.submit
        mp_ms: list[float] = []
        coach._ahead.submit = lambda t, rgb: _Timed(submit(t, rgb), mp_ms)
        each = np.empty(len(frames))
        start = time.perf_counter()
        for i, (t, rgb) in enumerate(zip(times, frames, strict=True)):
            if real_time:
                time.sleep(max(0.0, start + i / 30.0 - time.perf_counter()))
            t0 = time.perf_counter()
            coach.process(rgb, t)
            each[i] = (time.perf_counter() - t0) * 1e3
        elapsed = time.perf_counter() - start
        coach.stream_ended()
        coach.close()
        recorder.finish()
        recorder.close()
        recorder.recorder.store.close()
    return len(frames) / elapsed, each, np.asarray(mp_ms)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("video", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--repeat", type=int, default=5,
                    help="interleaved runs per model; the medians are printed")
    args = ap.parse_args()
    times, frames = decode(args.video)
    h, w = frames[0].shape[:2]
    print(f"{args.video.name}: {len(frames)} frames {w}x{h}, {args.repeat} interleaved runs, "
          "medians (ratio = fps / MediaPipe alone's fps in the same round)")
    for model in ("lite", "full"):
        rows: dict[str, list[float]] = {k: [] for k in ("base", "pipe", "series", "live",
                                                         "thread")}
        each_all, ours_all = [], []
        for _ in range(args.repeat):
            base = raw_mediapipe(times, frames, model)
            rows["base"].append(base)
            rows["pipe"].append(pipeline_only(times, frames, model) / base)
            rows["series"].append(live_in_series(times, frames, model) / base)
            rows["live"].append(live(times, frames, model)[0] / base)
            rows["thread"].append(live(times, frames, model, separate_process=False)[0]
                                  / base)
        for _ in range(2):
            _, each, mp = live(times, frames, model, real_time=True)
            each_all.append(each)
            ours_all.append(each - mp[: len(each)])
        med = {k: float(np.median(v)) for k, v in rows.items()}
        each, ours = np.concatenate(each_all), np.concatenate(ours_all)
        print(f"{model:4s}  MediaPipe alone {med['base']:6.1f} fps | pipeline "
              f"{med['pipe']:.2f} | live in series {med['series']:.2f} | live "
              f"{med['live']:.2f} (range {min(rows['live']):.2f}-{max(rows['live']):.2f}) | "
              f"live, MediaPipe on a thread {med['thread']:.2f}")
        print(f"      live at 30 fps, callback frame in -> overlay out: p50 "
              f"{np.percentile(each, 50):.2f} ms, p95 {np.percentile(each, 95):.2f} ms; not "
              "waiting for MediaPipe: p50 "
              f"{np.percentile(ours, 50):.2f} ms, p95 {np.percentile(ours, 95):.2f} ms")


if __name__ == "__main__":
    main()
