"""A long live session, simulated: memory growth and what is stored.

    .venv/bin/python benchmarks/long_session.py [--minutes 30] [--fps 30]

Frames looped from real footage (../shared/footage/webcam_fist_1.mp4) and the rendered
fist sample, stamped at `fps` as a webcam would, go through app.coach.LiveCoach with the
session recorder saving to a fresh SQLite file, exactly as in the app, as fast as the
machine allows. Every simulated minute it prints the process's resident memory, and at the
end the growth from the first minute and the stored bytes per 10 minutes.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import numpy as np

from app.coach import LiveCoach
from exercises.library import get_exercise
from handcoach.storage import BackgroundRecorder, Store, list_sessions
from vision.sources import VideoFileSource

ROOT = Path(__file__).resolve().parent.parent
CLIPS = [ROOT.parent / "shared" / "footage" / "webcam_fist_1.mp4",
         ROOT / "sample_videos" / "fist.mp4"]


def rss_mb(pid: int | str = "self") -> float:
    """Resident set size of a process (Linux /proc), MB."""
    with open(f"/proc/{pid}/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * resource.getpagesize() / 1e6


def total_rss_mb(coach: LiveCoach) -> float:
    """This process and the coach's MediaPipe process (vision.track_process), MB."""
    worker = coach.worker_pid
    return rss_mb() + (rss_mb(worker) if worker is not None else 0.0)


def load_frames() -> list[np.ndarray]:
    frames = []
    for clip in CLIPS:
        if not clip.exists():
            print(f"(skipping {clip}: not found)")
            continue
        with VideoFileSource(clip) as source:
            frames += [f.rgb for f in source]
    if not frames:
        raise SystemExit("no footage found")
    return frames


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=30.0)
    ap.add_argument("--fps", type=float, default=30.0)
    args = ap.parse_args()
    frames = load_frames()
    n = int(args.minutes * 60 * args.fps)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "long.db"
        recorder = BackgroundRecorder(Store(f"sqlite:///{db}"))
        recorder.start("long session", "fist", None)
        coach = LiveCoach(get_exercise("fist"), recorder).start()
        start = time.perf_counter()
        first_minute = None
        last_minute = total_rss_mb(coach)
        for i in range(n):
            t = i / args.fps
            coach.process(frames[i % len(frames)], t)
            if (i + 1) % int(60 * args.fps) == 0:
                minute = (i + 1) / (60 * args.fps)
                mb = last_minute = total_rss_mb(coach)
                first_minute = first_minute or mb
                print(f"minute {minute:4.0f}: RSS, MediaPipe's process included {mb:7.1f} MB "
                      f"(+{mb - first_minute:5.1f}), "
                      f"reps {coach.status().state.reps + coach.status().state.extra_reps}, "
                      f"{(i + 1) / (time.perf_counter() - start):5.0f} fps")
        coach.stream_ended()
        coach.close()
        assert recorder.finish(timeout_s=120), recorder.problem
        recorder.close()
        (info,) = list_sessions("long session", store=recorder.recorder.store)
        size = db.stat().st_size
        print(f"{args.minutes:g} simulated minutes, {info.frames} frames stored, "
              f"{info.reps} reps; SQLite file {size / 1e6:.2f} MB = "
              f"{size / 1e6 / (args.minutes / 10):.2f} MB per 10 minutes; RSS grew "
              f"{last_minute - (first_minute or last_minute):.1f} MB from minute 1 to the end")


if __name__ == "__main__":
    main()
