"""Tune the One Euro filter on real footage: jitter at rest versus lag in a fast fist.

    .venv/bin/python benchmarks/smoothing.py

Runs MediaPipe once per clip, then replays the raw landmarks through the angle estimator
with different filter settings, smoothing either the landmarks (the pipeline's own
LandmarkSmoother: world in metres, image in pixels scaled by the hand's size) or the 14
flexion angles (deg). Jitter: mean |frame-to-frame change| of the 14
angles (deg) while the hand is still (control_thumbs_up, control_open_hand). Lag: the
shift (ms) that best aligns the filtered mean PIP flexion with the raw one through the
fist of webcam_fist_1, and the share of the fist's peak flexion that survives.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from vision.frame import HandFrame
from vision.kinematics import hand_flexion
from vision.smoothing import SMOOTHING, LandmarkSmoother, OneEuroFilter
from vision.sources import VideoFileSource
from vision.tracker import HandTracker

FOOTAGE = Path(__file__).resolve().parent.parent.parent / "shared" / "footage"
PIPS = [1, 4, 7, 10]


def raw_track(name: str) -> tuple[np.ndarray, list[HandFrame], str]:
    times, frames, chirality = [], [], "right"
    with VideoFileSource(FOOTAGE / name) as source, HandTracker() as tracker:
        for frame in source:
            tracked = tracker.process(frame.t, frame.rgb)
            if tracked.hand is not None:
                times.append(frame.t)
                frames.append(tracked)
                chirality = tracked.hand.chirality
    return np.array(times), frames, chirality


def angles(track, mode: str, settings: dict | None) -> np.ndarray:
    times, frames, chirality = track
    if settings is None:
        return np.array([hand_flexion(f.hand.world, f.hand.image, chirality) for f in frames])
    if mode == "angles":
        filt = OneEuroFilter(**settings)
        return np.array([filt(f.t, hand_flexion(f.hand.world, f.hand.image, chirality)).copy()
                         for f in frames])
    smoother = LandmarkSmoother(settings)
    smoothed = [smoother.update(f).hand for f in frames]
    return np.array([hand_flexion(h.world, h.image, chirality) for h in smoothed])


def lag_ms(t: np.ndarray, raw: np.ndarray, smooth: np.ndarray) -> float:
    dt = float(np.median(np.diff(t)))
    errs = [np.mean(np.abs(raw[: len(raw) - s] - smooth[s:])) for s in range(8)]
    return 1000 * dt * int(np.argmin(errs))


def main() -> int:
    if not FOOTAGE.exists():
        print(f"footage not found: {FOOTAGE}")
        return 1
    still = [raw_track("control_thumbs_up.mp4"), raw_track("control_open_hand.mp4")]
    fist = raw_track("webcam_fist_1.mp4")
    raw_fist = angles(fist, "angles", None)[:, PIPS].mean(axis=1)
    grid: list[tuple[str, dict | None]] = [("raw", None)]
    grid += [("landmarks", {"min_cutoff": mc, "beta": b, "d_cutoff": 1.0})
             for mc in (0.5, 1.0) for b in (5.0, 10.0, 20.0)]
    grid += [("angles", {"min_cutoff": mc, "beta": b, "d_cutoff": 1.0})
             for mc in (0.3, 0.5, 1.0) for b in (0.005, 0.01, 0.02, 0.05)]
    print(f"{'smoothed':>9} {'min_cutoff':>10} {'beta':>6} {'jitter thumbs-up':>17} "
          f"{'jitter open':>12} {'fist lag ms':>12} {'fist peak kept':>15}")
    for mode, settings in grid:
        jitter = [np.mean(np.abs(np.diff(angles(s, mode, settings)[20:], axis=0)))
                  for s in still]
        smooth_fist = angles(fist, mode, settings)[:, PIPS].mean(axis=1)
        lag = lag_ms(fist[0], raw_fist, smooth_fist)
        kept = smooth_fist.max() / raw_fist.max()
        mc, b = ("", "") if settings is None else (settings["min_cutoff"], settings["beta"])
        mark = "  <- default" if (mode, settings) == ("landmarks", SMOOTHING) else ""
        print(f"{mode:>9} {mc!s:>10} {b!s:>6} {jitter[0]:17.2f} {jitter[1]:12.2f} "
              f"{lag:12.0f} {kept:15.1%}{mark}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
