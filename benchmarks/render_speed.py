"""How long the studio takes to render: a whole clip end to end, and where a frame's time
goes.

The issue's bar is a 10 s clip at 640x480 in under 60 s on the 2-core machine, so that CI
can render what it tests. The clip is rendered as `handcoach render` does (motion blur,
camera model, H.264 through ffmpeg) and timed in wall-clock and CPU seconds (this process
and its children, ffmpeg and llvmpipe's threads included), scaled to 10 s of video; the
machine's load average is printed beside it, because on a shared machine the wall time
says more about the neighbours than about the renderer. Then one frame's stages on their
own: posing and skinning (NumPy), contact occlusion, the OpenGL passes (llvmpipe), the
webcam model.

    .venv/bin/python benchmarks/render_speed.py [--exercise fist] [--view little-side]
        [--width 640 --height 480] [--frames 60]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from handcoach.synthetic.motions import build_track  # noqa: E402
from handcoach.synthetic.skinning import pose_hand, skin  # noqa: E402
from handcoach.synthetic.studio import Studio, StudioOptions, render_exercise  # noqa: E402


def cpu_s() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def load() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def whole_clip(exercise: str, view: str, width: int, height: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        before = load()
        t0, c0 = time.perf_counter(), cpu_s()
        r = render_exercise(exercise, Path(tmp) / "clip.mp4", view=view, width=width,
                            height=height)
        wall, cpu = time.perf_counter() - t0, cpu_s() - c0
    k = 10.0 / r.duration_s
    print(f"{exercise}, {view}, {width}x{height}: {r.frames} frames = {r.duration_s:.1f} s of "
          f"video in {wall:.1f} s wall, {cpu:.1f} s CPU")
    print(f"per 10 s of video: wall {wall * k:.1f} s, CPU {cpu * k:.1f} s "
          f"(load average {before} before, {load()} after; {os.cpu_count()} cores)")


def stages(exercise: str, view: str, width: int, height: int, n: int) -> None:
    track = build_track(exercise)
    poses = track.poses[:: max(1, len(track.poses) // n)][:n]
    studio = Studio(StudioOptions(view=view, width=width, height=height)).start()
    times: dict[str, list[float]] = {k: [] for k in ("pose + skin", "occlusion", "OpenGL",
                                                     "camera model", "whole frame")}
    try:
        studio.frame(poses[0])                      # warm-up (shader compilation)
        for pose in poses:
            t = time.perf_counter()
            posed = pose_hand(pose, "right", studio.rig)
            pos, nrm = skin(studio.mesh, posed)
            times["pose + skin"].append(time.perf_counter() - t)
            t = time.perf_counter()
            ao = studio.occlusion(posed, pos, nrm)
            times["occlusion"].append(time.perf_counter() - t)
            t = time.perf_counter()
            img, _ = studio.render_linear(pose, ao)
            times["OpenGL"].append(time.perf_counter() - t - times["pose + skin"][-1])
            t = time.perf_counter()
            studio.camera(img)
            times["camera model"].append(time.perf_counter() - t)
            t = time.perf_counter()
            studio.frame(pose)
            times["whole frame"].append(time.perf_counter() - t)
    finally:
        studio.close()
    print(f"one frame's stages, median of {len(poses)} poses (ms; 'OpenGL' is render_linear "
          "less its own posing; a moving frame renders twice for motion blur):")
    for name, v in times.items():
        print(f"  {name:13s} {1000 * float(np.median(v)):7.1f}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--exercise", default="fist")
    ap.add_argument("--view", default="little-side")
    ap.add_argument("--width", type=int, default=640)
    ap.add_argument("--height", type=int, default=480)
    ap.add_argument("--frames", type=int, default=40)
    args = ap.parse_args(argv)
    whole_clip(args.exercise, args.view, args.width, args.height)
    stages(args.exercise, args.view, args.width, args.height, args.frames)
    return 0


if __name__ == "__main__":
    sys.exit(main())
