"""`handcoach analyze` as a user runs it, against a bare MediaPipe loop, whole processes.

    .venv/bin/python benchmarks/analyze_speed.py [VIDEO ...] [--model lite|full]

Each video is analysed by `handcoach analyze VIDEO --exercise fist --json` in its own
process, and read by a minimal script (PyAV decode + MediaPipe Hands, one hand) in its
own process; both wall times include start-up (Python, imports, model loading), because
a user feels it. Prints each as a multiple of the video's real time, and their ratio.
Defaults to the real footage in ../shared/footage.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

import av

FOOTAGE = Path(__file__).resolve().parent.parent.parent / "shared" / "footage"
DEFAULT = ["webcam_fist_1.mp4", "phone_fist_1_then_close.mp4", "phone_countdown_fist_1.mp4",
           "selfie_pinch_5.mp4", "topdown_partial_closes.mp4", "control_open_hand.mp4",
           "control_thumbs_up.mp4"]

BARE = """
import sys, av
from mediapipe.python.solutions import hands
graph = hands.Hands(static_image_mode=False, max_num_hands=1, model_complexity={complexity})
with av.open(sys.argv[1]) as c:
    stream = c.streams.video[0]
    stream.thread_type = "AUTO"
    for i, frame in enumerate(c.decode(stream)):
        graph._simulated_timestamp = i * 33333
        graph.process(frame.to_ndarray(format="rgb24"))
"""


def duration_s(path: Path) -> float:
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        if s.duration is not None and s.time_base is not None:
            return float(s.duration * s.time_base)
        return c.duration / 1e6


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("videos", nargs="*", type=Path)
    ap.add_argument("--model", choices=("lite", "full"), default="lite")
    args = ap.parse_args()
    videos = args.videos or [FOOTAGE / name for name in DEFAULT]
    bare = BARE.format(complexity=0 if args.model == "lite" else 1)
    print(f"model {args.model}; x real time = video seconds / wall seconds, start-up included")
    total_video = total_ours = total_bare = 0.0
    for video in videos:
        seconds = duration_s(video)
        ours = timed([sys.executable, "-m", "handcoach.cli", "analyze", str(video),
                      "--exercise", "fist", "--model", args.model, "--json"])
        plain = timed([sys.executable, "-c", bare, str(video)])
        total_video += seconds
        total_ours += ours
        total_bare += plain
        print(f"{video.name:32s} {seconds:5.1f} s video | handcoach analyze {ours:5.2f} s "
              f"({seconds / ours:4.1f}x real time) | bare MediaPipe {plain:5.2f} s "
              f"({seconds / plain:4.1f}x) | ours/bare time {ours / plain:.2f}")
    print(f"{'all':32s} {total_video:5.1f} s video | handcoach analyze {total_ours:5.2f} s "
          f"({total_video / total_ours:4.1f}x real time) | bare MediaPipe {total_bare:5.2f} s "
          f"({total_video / total_bare:4.1f}x) | ours/bare time {total_ours / total_bare:.2f}")


if __name__ == "__main__":
    main()
