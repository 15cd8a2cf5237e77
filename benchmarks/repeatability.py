"""How much a session's range of motion changes when nothing about the hand has changed.

    .venv/bin/python benchmarks/repeatability.py [--model lite]

The "ROM falling" flag (handcoach/review/flags.py, ROM_DROP_DEG) must not fire on noise.
The noise is measured here as a therapist meets it: the same hand doing the same
exercise in different recordings (as on different days) reads a different most-flexion
per joint. For each person of ../shared/footage/exercises filmed doing fists in several
clips, every clip goes through `analyze` (the app's path, trusted readings only), and
for every pair of clips the difference of each joint's greatest flexion is taken. It
prints, per joint group, the mean and the 90th and 95th percentiles of those differences;
the flag's threshold is the 95th percentile over all joints, rounded up to 5 degrees.
The clips differ in view too (palm, back, thumb side), so this is the spread a patient
who turns the hand differently from one day to the next would show: an upper bound.
"""

from __future__ import annotations

import argparse
import itertools
import math
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from handcoach.analysis import analyze_video  # noqa: E402
from vision.accuracy import GROUPS  # noqa: E402

EXERCISES = ROOT.parent / "shared" / "footage" / "exercises"
#: clips of one person's hand doing the same exercise (README of the footage).
SAME_HAND = {"fists, one person, three views": ("palmar_fist_2.mp4", "dorsal_fist_2.mp4",
                                                 "radial_fist_2.mp4")}


def session_peaks(path: Path, model: str) -> np.ndarray:
    """(14,) the greatest trusted flexion of each joint over the session (NaN: none)."""
    return analyze_video(path, exercise="fist", model=model).rom().hi


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", choices=("lite", "full"), default="lite")
    args = ap.parse_args()
    diffs: list[np.ndarray] = []
    for name, clips in SAME_HAND.items():
        paths = [EXERCISES / c for c in clips]
        if not all(p.exists() for p in paths):
            print(f"{name}: footage not found in {EXERCISES}")
            continue
        peaks = [session_peaks(p, args.model) for p in paths]
        for (a, pa), (b, pb) in itertools.combinations(zip(clips, peaks, strict=True), 2):
            d = np.abs(pa - pb)
            diffs.append(d)
            print(f"{name}: {a} vs {b}: " + "  ".join(
                f"{g} {np.nanmean(d[list(i)]):.1f}" for g, i in GROUPS.items()))
    if not diffs:
        return 1
    d = np.array(diffs)
    print(f"\n{len(d)} pairs of sessions, |difference of greatest flexion| (deg):")
    for g, idx in GROUPS.items():
        v = d[:, list(idx)].ravel()
        v = v[~np.isnan(v)]
        print(f"  {g:<6} mean {v.mean():5.1f}  p90 {np.percentile(v, 90):5.1f}  "
              f"p95 {np.percentile(v, 95):5.1f}  ({v.size} joint pairs)")
    every = d[~np.isnan(d)]
    p95 = float(np.percentile(every, 95))
    print(f"  all    mean {every.mean():5.1f}  p95 {p95:5.1f}  -> a drop of at least "
          f"{5 * math.ceil(p95 / 5)} deg is more than this noise")
    return 0


if __name__ == "__main__":
    sys.exit(main())
