"""How much a range of motion changes when nothing about the hand has changed.

    .venv/bin/python benchmarks/repeatability.py [--model lite]

The "ROM falling" flag (handcoach/review/flags.py, ROM_DROP_DEG) must not fire on noise.
Here the noise is the difference between two sessions of the same hand doing the same
exercise in the same view: every real clip of ../shared/footage with at least two fist
reps goes through `analyze` (the app's path, trusted readings only) and is cut between
its reps into sessions of one rep each; for every pair of sessions of one clip, the
difference of each joint's greatest flexion is taken (joints measured in both). It
prints, per joint group, the mean and the 95th percentile of those differences, and the
threshold it implies: the 95th percentile over all joints rounded up to 5 degrees.
Sessions on different days differ more (the hand placed differently, other light): this
is a lower bound, and the flag's threshold is not set below it.
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
from vision.rom import RomSummary  # noqa: E402

FOOTAGE = ROOT.parent / "shared" / "footage"
#: clips with at least two fist reps by their labels (the footage READMEs).
CLIPS = ("exercises/palmar_fist_2.mp4", "exercises/dorsal_fist_2.mp4",
         "exercises/radial_fist_2.mp4", "exercises/three_views_fist_spread.mp4")


def rep_sessions(path: Path, model: str) -> list[np.ndarray]:
    """(14,) greatest trusted flexion per one-rep session of the clip (NaN: no range)."""
    r = analyze_video(path, exercise="fist", model=model)
    cuts = [-np.inf, *((a.end + b.start) / 2 for a, b in itertools.pairwise(r.reps)), np.inf]
    out = []
    for lo, hi in itertools.pairwise(cuts):
        sel = (r.times >= lo) & (r.times < hi)
        trusted = None if r.trusted is None else r.trusted[sel]
        out.append(RomSummary.of(r.times[sel], r.angles[sel], trusted).hi)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", choices=("lite", "full"), default="lite")
    args = ap.parse_args()
    diffs: list[np.ndarray] = []
    for clip in CLIPS:
        path = FOOTAGE / clip
        if not path.exists():
            print(f"{clip}: not found in {FOOTAGE}")
            continue
        sessions = rep_sessions(path, args.model)
        pairs = [np.abs(a - b) for a, b in itertools.combinations(sessions, 2)]
        diffs += pairs
        measured = [int(np.sum(~np.isnan(p))) for p in pairs]
        print(f"{clip}: {len(sessions)} one-rep sessions, joints measured in both per pair "
              f"{measured}")
    d = np.array(diffs)
    every = d[~np.isnan(d)] if d.size else d
    if every.size == 0:
        print("no pair of sessions with a joint measured in both")
        return 1
    print(f"\n{len(d)} pairs of sessions, |difference of greatest flexion| (deg):")
    for g, idx in GROUPS.items():
        v = d[:, list(idx)].ravel()
        v = v[~np.isnan(v)]
        if v.size:
            print(f"  {g:<6} mean {v.mean():5.1f}  p95 {np.percentile(v, 95):5.1f}  "
                  f"({v.size} joint pairs)")
    p95 = float(np.percentile(every, 95))
    print(f"  all    mean {every.mean():5.1f}  p95 {p95:5.1f}  -> a drop of at least "
          f"{5 * math.ceil(p95 / 5)} deg is more than this noise")
    return 0


if __name__ == "__main__":
    sys.exit(main())
