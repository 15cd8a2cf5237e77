"""Several live streams on one machine: how many 30 fps patients one server sustains.

    .venv/bin/python benchmarks/streams.py [--min 1] [--max 12] [--seconds 26]

Each stream is a thread that plays the rendered fist sample (3 reps, true count known)
as a 30 fps webcam, in real time, into its own app.coach.LiveCoach, the way
streamlit-webrtc does: a frame that arrives while the coach is still busy replaces the
one waiting (latest frame wins), and the rest are dropped. For 1, 2, ... streams it
prints the frames each stream processed per second, the share dropped, the callback
time p95, and whether every stream still counted the 3 reps.
"""

from __future__ import annotations

import argparse
import threading
import time
from pathlib import Path

import numpy as np

from app.coach import LiveCoach
from exercises.library import get_exercise
from vision.sources import VideoFileSource

SAMPLE = Path(__file__).resolve().parent.parent / "sample_videos" / "fist.mp4"
TRUE_REPS = 3


class Stream(threading.Thread):
    def __init__(self, frames: list[np.ndarray], fps: float, seconds: float) -> None:
        super().__init__(daemon=True)
        self.frames, self.fps, self.seconds = frames, fps, seconds
        self.coach = LiveCoach(get_exercise("fist")).start()
        self.latest: tuple[float, np.ndarray] | None = None
        self.cond = threading.Condition()
        self.done = False
        self.processed = 0
        self.offered = 0
        self.times: list[float] = []

    def camera(self) -> None:
        """Delivers frames in real time; an unprocessed frame is replaced."""
        start = time.perf_counter()
        for i in range(int(self.seconds * self.fps)):
            due = start + i / self.fps
            time.sleep(max(0.0, due - time.perf_counter()))
            with self.cond:
                self.latest = (i / self.fps, self.frames[i % len(self.frames)])
                self.offered += 1
                self.cond.notify()
        with self.cond:
            self.done = True
            self.cond.notify()

    def run(self) -> None:
        cam = threading.Thread(target=self.camera, daemon=True)
        cam.start()
        while True:
            with self.cond:
                while self.latest is None and not self.done:
                    self.cond.wait()
                if self.latest is None:
                    break
                t, rgb = self.latest
                self.latest = None
            t0 = time.perf_counter()
            self.coach.process(rgb, t)
            self.times.append((time.perf_counter() - t0) * 1e3)
            self.processed += 1
        self.coach.stream_ended()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--min", type=int, default=1)
    ap.add_argument("--max", type=int, default=12)
    ap.add_argument("--fps", type=float, default=30.0)
    ap.add_argument("--seconds", type=float, default=26.0)
    args = ap.parse_args()
    with VideoFileSource(SAMPLE) as source:
        frames = [f.rgb for f in source]
    print(f"{SAMPLE.name}: {frames[0].shape[1]}x{frames[0].shape[0]}, "
          f"{args.fps:g} fps per stream, {args.seconds:g} s")
    for n in range(args.min, args.max + 1):
        streams = [Stream(frames, args.fps, args.seconds) for _ in range(n)]
        for s in streams:
            # Each patient's MediaPipe is up before their camera starts, as on the
            # exercise page (the coach is made at "Start session", the video comes later).
            s.coach.wait_ready()
        for s in streams:
            s.start()
        for s in streams:
            s.join()
        fps = [s.processed / args.seconds for s in streams]
        dropped = [1 - s.processed / max(s.offered, 1) for s in streams]
        p95 = max(float(np.percentile(s.times, 95)) for s in streams)
        reps = [s.coach.status().state.reps for s in streams]
        ok = all(r == TRUE_REPS for r in reps)
        print(f"{n} stream(s): processed {min(fps):5.1f}-{max(fps):5.1f} fps each, dropped "
              f"{max(dropped):4.0%} at most, callback p95 {p95:6.1f} ms, reps {reps} "
              f"{'all correct' if ok else 'WRONG'}")
        for s in streams:
            s.coach.close()
        if not ok or min(fps) < 15:
            print("stops here: " + ("a count went wrong" if not ok else
                                    "a stream fell under 15 fps"))
            break


if __name__ == "__main__":
    main()
