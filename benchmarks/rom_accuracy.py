"""How far a range of motion is from the true one, for a few ways of taking it.

    .venv/bin/python benchmarks/rom_accuracy.py                    # the real hand
    .venv/bin/python benchmarks/rom_accuracy.py studio_clips/*.mp4 # and studio clips

The real hand of ../shared/groundtruth (its sequence.mp4 and truth.json) and any studio
clips given (their truth JSON beside them, as `benchmarks/studio_table.py --clips` leaves
them) go through handcoach.analysis.analyze_video (the app's path: trusted readings only).
For each hold (s) the range is taken as vision.rom.RomTracker takes it, the greatest and
least flexion read in every frame for that long (0: single frames), and compared with the
true range (the truth's own single-frame extremes): the mean absolute error over the 12
finger joints of the greatest and of the least flexion, per clip and over the studio
clips. vision/rom.py's HOLD_S and the numbers in its docstring come from this script.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from accuracy_real import truth_chirality  # noqa: E402

from handcoach.analysis import analyze_video  # noqa: E402
from vision.kinematics import flexion_angles  # noqa: E402
from vision.landmarks import N_ANGLES, angles_from_dict  # noqa: E402
from vision.rom import HOLD_S, RomSummary  # noqa: E402

GROUNDTRUTH = ROOT.parent / "shared" / "groundtruth"


def errors(path: Path, truth: np.ndarray, exercise: str | None,
           holds: list[float]) -> list[tuple[float, float]]:
    """Per hold: mean absolute error (deg) of the greatest and of the least flexion."""
    r = analyze_video(path, exercise=exercise)
    n = min(len(r.times), len(truth))
    times, angles = r.times[:n], r.angles[:n]
    trusted = None if r.trusted is None else r.trusted[:n]
    true = RomSummary.of(times, truth[:n], hold_s=0.0)
    out = []
    for hold in holds:
        s = RomSummary.of(times, angles, trusted, hold_s=hold)
        out.append((float(np.nanmean(np.abs(s.hi - true.hi)[:12])),
                    float(np.nanmean(np.abs(s.lo - true.lo)[:12]))))
    return out


def real_truth(folder: Path) -> np.ndarray:
    data = json.loads((folder / "truth.json").read_text())
    joints = np.array([f["joints_mm"] for f in data["frames"]], dtype=float)
    side = truth_chirality(joints)
    return np.array([flexion_angles(j, side) for j in joints])


def studio_truth(clip: Path) -> tuple[np.ndarray, str]:
    data = json.loads(clip.with_suffix(".json").read_text())
    return np.array([angles_from_dict(f["angles"]) for f in data["frames"]]
                    ).reshape(-1, N_ANGLES), data["exercise"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("clips", nargs="*", type=Path, help="studio clips with truth beside them")
    ap.add_argument("--holds", nargs="+", type=float, default=[0.0, HOLD_S, 0.1, 0.3])
    args = ap.parse_args()
    print("greatest / least flexion, mean absolute error over the finger joints (deg)")
    print(f"{'clip':44s}" + "".join(f"  hold {h:<4g} s  " for h in args.holds))
    rows: list[tuple[str, list[tuple[float, float]]]] = []
    for folder in sorted(p for p in GROUNDTRUTH.glob("*") if (p / "truth.json").exists()):
        rows.append((f"real {folder.name}",
                     errors(folder / "sequence.mp4", real_truth(folder), None, args.holds)))
    if not rows:
        print(f"(no real hand with truth in {GROUNDTRUTH})")
    studio = []
    for clip in args.clips:
        truth, exercise = studio_truth(clip)
        studio.append((clip.stem, errors(clip, truth, exercise, args.holds)))
    rows += studio
    if studio:
        mean = np.array([e for _, e in studio]).mean(axis=0)
        rows.append((f"studio, mean of {len(studio)}", [tuple(m) for m in mean]))
    for name, e in rows:
        print(f"{name[:44]:44s}" + "".join(f"  {hi:5.1f} / {lo:5.1f}  " for hi, lo in e))
    return 0


if __name__ == "__main__":
    sys.exit(main())
