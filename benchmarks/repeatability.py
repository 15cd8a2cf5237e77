"""How much a range of motion changes when nothing about the hand has changed.

    .venv/bin/python benchmarks/repeatability.py [--model lite] [--write FILE]

The "ROM falling" flag (handcoach/review/flags.py) must not fire on noise.
Here the noise is the difference between two sessions of the same hand doing the same
exercise in the same view: every real clip of ../shared/footage with at least two fist
reps goes through `analyze` (the app's path, trusted readings only) and is cut between
its reps into sessions of one rep each; for every pair of sessions of one clip, the
difference of each joint's greatest flexion is taken (joints measured in both), and of
each finger's TAM. It prints, per joint group, the mean and the 95th percentile of those
differences. The flag compares medians of three sessions: from every session's
deviation from its clip's mean (scaled by sqrt(n / (n - 1)) for the mean it was taken
from) it draws medians of three at random and prints the 95th percentile of their change
and the threshold it gives (handcoach/review/rom_noise.py); `--write` saves them for the
flag (handcoach/review/rom_noise.json). Sessions on different days differ more (the hand
placed differently, other light): these are lower bounds.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from handcoach.analysis import analyze_video  # noqa: E402
from handcoach.review.flags import RECENT_SESSIONS  # noqa: E402
from handcoach.review.rom_noise import GROUPS as NOISE_GROUPS  # noqa: E402
from handcoach.review.rom_noise import drop_threshold, median_change_p95  # noqa: E402
from vision.accuracy import GROUPS  # noqa: E402
from vision.landmarks import N_ANGLES  # noqa: E402
from vision.rom import RomSummary  # noqa: E402

FOOTAGE = ROOT.parent / "shared" / "footage"
#: clips with at least two fist reps by their labels (the footage READMEs).
CLIPS = ("exercises/palmar_fist_2.mp4", "exercises/dorsal_fist_2.mp4",
         "exercises/radial_fist_2.mp4", "exercises/three_views_fist_spread.mp4")


def rep_sessions(path: Path, model: str) -> list[np.ndarray]:
    """(18,) per one-rep session of the clip: the greatest trusted flexion of the 14
    joints, then TAM of index..little (NaN: no range)."""
    r = analyze_video(path, exercise="fist", model=model)
    cuts = [-np.inf, *((a.end + b.start) / 2 for a, b in itertools.pairwise(r.reps)), np.inf]
    out = []
    for lo, hi in itertools.pairwise(cuts):
        sel = (r.times >= lo) & (r.times < hi)
        trusted = None if r.trusted is None else r.trusted[sel]
        rom = RomSummary.of(r.times[sel], r.angles[sel], trusted)
        out.append(np.concatenate((rom.hi, rom.tam)))
    return out


#: columns of a session's row per group (rep_sessions).
COLUMNS = {**GROUPS, "TAM": tuple(range(N_ANGLES, N_ANGLES + 4))}


def deviations(sessions: list[np.ndarray]) -> np.ndarray:
    """(sessions, 18) each session's reading minus the clip's mean of that column, scaled
    by sqrt(n / (n - 1)) so that its spread is a session's, not less (NaN: unmeasured or
    measured in fewer than two sessions)."""
    a = np.array(sessions)
    n = np.sum(~np.isnan(a), axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.nanmean(np.where(n >= 2, a, 0.0), axis=0)
        scale = np.sqrt(n / np.maximum(n - 1, 1))
    return np.where(n >= 2, (a - mean) * scale, np.nan)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", choices=("lite", "full"), default="lite")
    ap.add_argument("--write", type=Path, help="save the thresholds (JSON) for the flag")
    args = ap.parse_args()
    diffs: list[np.ndarray] = []
    devs: list[np.ndarray] = []
    for clip in CLIPS:
        path = FOOTAGE / clip
        if not path.exists():
            print(f"{clip}: not found in {FOOTAGE}")
            continue
        sessions = rep_sessions(path, args.model)
        pairs = [np.abs(a - b) for a, b in itertools.combinations(sessions, 2)]
        diffs += pairs
        if len(sessions) >= 2:
            devs.append(deviations(sessions))
        measured = [int(np.sum(~np.isnan(p))) for p in pairs]
        print(f"{clip}: {len(sessions)} one-rep sessions, joints measured in both per pair "
              f"{measured}")
    d = np.array(diffs)
    every = d[~np.isnan(d)] if d.size else d
    if every.size == 0:
        print("no pair of sessions with a joint measured in both")
        return 1
    dev = np.concatenate(devs)
    print(f"\n{len(d)} pairs of sessions, |difference of greatest flexion| (deg); "
          f"change of a median of {RECENT_SESSIONS} sessions (from {len(dev)} sessions):")
    groups = {}
    for g in NOISE_GROUPS:
        idx = list(COLUMNS[g])
        v = d[:, idx].ravel()
        v = v[~np.isnan(v)]
        x = dev[:, idx].ravel()
        x = x[~np.isnan(x)]
        if v.size == 0 or x.size < 2:
            print(f"  {g:<6} not measured")
            continue
        p95 = median_change_p95(x, RECENT_SESSIONS)
        groups[g] = {"pair_mean": round(float(v.mean()), 1),
                     "pair_p95": round(float(np.percentile(v, 95)), 1),
                     "pairs": int(v.size), "median_change_p95": round(p95, 1),
                     "sessions": int(x.size), "drop_deg": drop_threshold(p95)}
        print(f"  {g:<6} pairs mean {v.mean():5.1f}  p95 {np.percentile(v, 95):5.1f}  "
              f"({v.size} joint pairs); median of {RECENT_SESSIONS} p95 {p95:5.1f} -> a "
              f"fall of {groups[g]['drop_deg']:.0f} deg or more is more than the noise")
    if args.write:
        args.write.write_text(json.dumps({
            "made_with": f"benchmarks/repeatability.py, MediaPipe {args.model}, "
                         f"{time.strftime('%Y-%m-%d')}",
            "clips": list(CLIPS), "groups": groups}, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {args.write}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
