"""Tune the One Euro filter on real footage: jitter at rest versus lag in a fast fist.

    .venv/bin/python benchmarks/smoothing.py

Runs MediaPipe once per clip, then replays the raw world landmarks through filters with
different settings. Jitter: mean |frame-to-frame change| of the 14 flexion angles (deg)
while the hand is still (control_thumbs_up). Lag: the shift (ms) that best aligns the
filtered mean PIP flexion with the raw one through the fist of webcam_fist_1, and the
share of the fist's peak flexion that survives.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from handcoach.pipeline import SMOOTHING
from vision.kinematics import flexion_angles
from vision.smoothing import OneEuroFilter
from vision.sources import VideoFileSource
from vision.tracker import HandTracker

FOOTAGE = Path(__file__).resolve().parent.parent.parent / "shared" / "footage"
PIPS = [1, 4, 7, 10]


def raw_track(name: str) -> tuple[np.ndarray, list[np.ndarray], str]:
    times, worlds, chirality = [], [], "right"
    with VideoFileSource(FOOTAGE / name) as source, HandTracker() as tracker:
        for frame in source:
            hand = tracker.process(frame.t, frame.rgb).hand
            if hand is not None:
                times.append(frame.t)
                worlds.append(hand.world)
                chirality = hand.chirality
    return np.array(times), worlds, chirality


def angles(times, worlds, chirality, settings) -> np.ndarray:
    f = OneEuroFilter(**settings) if settings else None
    return np.array([flexion_angles(f(t, w) if f else w, chirality)
                     for t, w in zip(times, worlds, strict=True)])


def lag_ms(t: np.ndarray, raw: np.ndarray, smooth: np.ndarray) -> float:
    dt = float(np.median(np.diff(t)))
    shifts = range(0, 8)
    errs = [np.mean(np.abs(raw[: len(raw) - s] - smooth[s:])) for s in shifts]
    return 1000 * dt * int(np.argmin(errs))


def main() -> int:
    if not FOOTAGE.exists():
        print(f"footage not found: {FOOTAGE}")
        return 1
    still = raw_track("control_thumbs_up.mp4")
    fist = raw_track("webcam_fist_1.mp4")
    grid = [None] + [{"min_cutoff": mc, "beta": b, "d_cutoff": 1.0}
                     for mc in (0.3, 0.5, 1.0, 1.5) for b in (5.0, 10.0, 20.0, 40.0)]
    print(f"{'min_cutoff':>10} {'beta':>6} {'jitter deg/frame':>17} {'fist lag ms':>12} "
          f"{'fist peak kept':>15}")
    raw_fist = angles(*fist, None)[:, PIPS].mean(axis=1)
    for settings in grid:
        a_still = angles(*still, settings)
        a_fist = angles(*fist, settings)[:, PIPS].mean(axis=1)
        jitter = np.mean(np.abs(np.diff(a_still[20:], axis=0)))
        lag = lag_ms(fist[0], raw_fist, a_fist)
        kept = a_fist.max() / raw_fist.max()
        label = ("raw", "") if settings is None else (settings["min_cutoff"], settings["beta"])
        mark = "  <- default" if settings == SMOOTHING else ""
        print(f"{label[0]!s:>10} {label[1]!s:>6} {jitter:17.2f} {lag:12.0f} {kept:15.1%}{mark}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
