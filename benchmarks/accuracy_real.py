"""How accurate the joint angles are: against real hands with measured 3D joints, and
against rendered hands with known angles, per joint group and by view, in one run.

    .venv/bin/python benchmarks/accuracy_real.py [--frames N] [--rendered] [--model lite]

Three estimators read the same smoothed MediaPipe landmarks of every frame:
- naive: the plain 3D angle between consecutive bones of MediaPipe's world landmarks
  (what most MediaPipe projects report);
- blended: the mean of the world- and image-landmark flexion (vision.kinematics, the
  estimate before the learned correction);
- ours: what HandCoach reports (vision.angle_model's correction of the blended estimate).

Real: ../shared/groundtruth/*/ (frames with the 3D position of every joint; truth
flexion by docs/clinical.md's convention from those joints). Rendered (--rendered): the
studio's hand doing each exercise in each view (handcoach.synthetic.studio), truth from
the posed mesh. For each: mean absolute error (MAE), bias (mean signed error) and the
share of readings within 10 deg, per joint group (finger MCP, PIP, DIP; thumb MCP and IP)
and over all 14 joints, then by view (vision.views). `--write FILE` saves the per-view
MAE table that gives every reading its interval (vision/models/accuracy.json).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vision.accuracy import ACCURACY_FILE  # noqa: E402
from vision.accuracy import GROUPS as JOINT_GROUPS  # noqa: E402
from vision.angle_model import DEFAULT_MODEL, AngleModel  # noqa: E402
from vision.frame import HandFrame  # noqa: E402
from vision.kinematics import flexion_angles, hand_flexion  # noqa: E402
from vision.landmarks import FINGER_CHAINS, N_ANGLES, THUMB_CHAIN, WRIST  # noqa: E402
from vision.measurer import HandMeasurer  # noqa: E402
from vision.smoothing import LandmarkSmoother  # noqa: E402
from vision.sources import VideoFileSource  # noqa: E402
from vision.tracker import HandTracker  # noqa: E402
from vision.views import VIEWS  # noqa: E402

GROUNDTRUTH = ROOT.parent / "shared" / "groundtruth"
GROUPS = {**JOINT_GROUPS, "all": tuple(range(N_ANGLES))}
ESTIMATORS = ("naive", "blended", "ours")
#: a view is in the table from a source that saw the hand in it this many frames.
MIN_VIEW_FRAMES = 30


def naive_angles(world: np.ndarray) -> np.ndarray:
    """180 deg minus the angle between consecutive bones, unsigned (the usual recipe)."""
    out = np.empty(N_ANGLES)
    chains = [np.r_[WRIST, c] for c in FINGER_CHAINS]
    k = 0
    for chain in chains:
        for j in range(3):
            out[k] = _bend(world[chain[j]], world[chain[j + 1]], world[chain[j + 2]])
            k += 1
    for j in range(2):
        out[k] = _bend(world[THUMB_CHAIN[j]], world[THUMB_CHAIN[j + 1]],
                       world[THUMB_CHAIN[j + 2]])
        k += 1
    return out


def _bend(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    u, v = b - a, c - b
    cos = float(u @ v / max(np.linalg.norm(u) * np.linalg.norm(v), 1e-12))
    return float(np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))))


@dataclass
class Readings:
    """Per frame with a hand: its time, the truth, each estimator's reading, the view."""

    times: list[float] = field(default_factory=list)
    truth: list[np.ndarray] = field(default_factory=list)
    est: dict[str, list[np.ndarray]] = field(
        default_factory=lambda: {name: [] for name in ESTIMATORS})
    views: list[str] = field(default_factory=list)
    trusted: list[np.ndarray] = field(default_factory=list)
    frames: int = 0

    def add(self, truth: np.ndarray, frame: HandFrame) -> None:
        """One measured frame (vision.measurer) and its truth."""
        hand, m = frame.hand, frame.measures
        assert hand is not None and m is not None
        self.times.append(frame.t)
        self.truth.append(truth)
        self.est["naive"].append(naive_angles(hand.world))
        self.est["blended"].append(hand_flexion(hand.world, hand.image, hand.chirality))
        self.est["ours"].append(m.flexion)
        self.views.append(str(m.view))
        self.trusted.append(np.ones(N_ANGLES, bool) if m.trusted is None else m.trusted)

    def extend(self, other: Readings) -> None:
        self.times += other.times
        self.truth += other.truth
        self.views += other.views
        self.trusted += other.trusted
        self.frames += other.frames
        for name in ESTIMATORS:
            self.est[name] += other.est[name]


def read_video(path: Path, truths: list[np.ndarray] | None, measurer: HandMeasurer,
               mp_model: str, limit: int | None = None) -> Readings:
    """MediaPipe (tracking mode), the app's smoothing and measurer over a clip whose frame
    i has truth truths[i] (None: a clip without truth, read to its end, truth NaN)."""
    out = Readings()
    smoother = LandmarkSmoother()
    no_truth = np.full(N_ANGLES, np.nan)
    with VideoFileSource(path) as source, HandTracker(model=mp_model) as tracker:
        for i, frame in enumerate(source):
            if (truths is not None and i >= len(truths)) or (limit is not None and i >= limit):
                break
            out.frames += 1
            measured = measurer.update(smoother.update(tracker.process(frame.t, frame.rgb)))
            if measured.hand is not None:
                out.add(no_truth if truths is None else truths[i], measured)
    return out


def truth_chirality(joints: np.ndarray) -> str:
    """Which hand the truth's joints are: the one whose fingers flex toward the palm."""
    pip = [1, 4, 7, 10]
    right = np.mean([flexion_angles(j, "right")[pip].mean() for j in joints])
    return "right" if right > 0 else "left"


def real_sets(model: HandMeasurer, mp_model: str, limit: int | None) -> dict[str, Readings]:
    out = {}
    for folder in sorted(p for p in GROUNDTRUTH.glob("*") if (p / "truth.json").exists()):
        data = json.loads((folder / "truth.json").read_text())
        joints = np.array([f["joints_mm"] for f in data["frames"]], dtype=float)
        side = truth_chirality(joints)
        truths = [flexion_angles(j, side) for j in joints]
        out[f"real {folder.name}"] = read_video(folder / "sequence.mp4", truths, model,
                                                mp_model, limit)
    return out


def rendered_sets(model: HandMeasurer, mp_model: str, limit: int | None) -> dict[str, Readings]:
    from handcoach.synthetic.studio import render_exercise
    from vision.landmarks import angles_from_dict

    out: dict[str, Readings] = {}
    looks = (("right", "medium"), ("left", "dark"), ("right", "light"), ("left", "medium"),
             ("right", "dark"))
    with tempfile.TemporaryDirectory() as tmp:
        for k, view in enumerate(VIEWS):
            # One tendon-glide cycle per view (every position, the whole range of each
            # joint), hands and skin tones taking turns across the views.
            side, skin = looks[k % len(looks)]
            clip = Path(tmp) / f"tendon_glides_{view}.mp4"
            truth_file = clip.with_suffix(".json")
            render_exercise("tendon_glides", clip, truth_file, reps=1, seed=100 + k,
                            view=view, hand=side, skin=skin)
            frames = json.loads(truth_file.read_text())["frames"]
            truths = [angles_from_dict(f["angles"]) for f in frames]
            out[f"rendered {view}"] = read_video(clip, truths, model, mp_model, limit)
    return out


def stats(est: np.ndarray, truth: np.ndarray, idx: tuple[int, ...]) -> tuple[float, float, float]:
    e = est[:, idx] - truth[:, idx]
    return float(np.abs(e).mean()), float(e.mean()), float((np.abs(e) <= 10.0).mean())


def print_table(sets: dict[str, Readings]) -> None:
    head = "".join(f" | {g:^18}" for g in GROUPS)
    print(f"{'set':<26}{'estimator':<9} frames{head}")
    print(f"{'':<26}{'':<9}       " + " | MAE  bias  <=10 " * len(GROUPS))
    for name, r in sets.items():
        if not r.truth:
            print(f"{name:<26}no hand found in {r.frames} frames")
            continue
        truth = np.array(r.truth)
        for est in ESTIMATORS:
            cells = "".join(
                " | {:4.1f} {:+5.1f} {:4.0%}".format(*stats(np.array(r.est[est]), truth, idx))
                for idx in GROUPS.values())
            found = f"{len(truth)}/{r.frames}"
            print(f"{name:<26}{est:<9}{found:>7}{cells}")


def by_view(sets: dict[str, Readings], estimator: str = "ours"
            ) -> dict[str, dict[str, float | int | str]]:
    """An estimator's MAE per joint group per view: from the real hands where they were
    seen in that view (at least MIN_VIEW_FRAMES frames), else from the renders."""
    table: dict[str, dict[str, float | int | str]] = {}
    for source in ("real", "rendered"):
        chosen = [r for name, r in sets.items() if name.startswith(source)]
        if not chosen:
            continue
        v = np.array([x for r in chosen for x in r.views])
        t = np.array([x for r in chosen for x in r.truth])
        e = np.array([x for r in chosen for x in r.est[estimator]])
        for view in VIEWS:
            sel = v == view
            if view not in table and sel.sum() >= MIN_VIEW_FRAMES:
                table[view] = {g: round(stats(e[sel], t[sel], idx)[0], 1)
                               for g, idx in GROUPS.items()}
                table[view] |= {"frames": int(sel.sum()), "source": source}
    return {view: table[view] for view in VIEWS if view in table}


def trusted_share(sets: dict[str, Readings]) -> None:
    """How many readings are trusted, and how far those are off (ours)."""
    for name, r in sets.items():
        if not r.truth:
            continue
        ok = np.array(r.trusted)
        err = np.abs(np.array(r.est["ours"]) - np.array(r.truth))
        kept = err[ok]
        mae = f"{kept.mean():.1f}" if kept.size else "-"
        print(f"  {name:<26} trusted {ok.mean():4.0%} of readings, their MAE {mae} deg")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, help="at most this many frames per clip")
    ap.add_argument("--rendered", action="store_true", help="also the studio's renders")
    ap.add_argument("--model", choices=("lite", "full"), default="lite")
    ap.add_argument("--angle-model", type=Path, help="another angle model file")
    ap.add_argument("--write", type=Path, help="save the per-view table (JSON)")
    args = ap.parse_args()
    table = ACCURACY_FILE if ACCURACY_FILE.exists() and not args.write else None
    measurer = HandMeasurer(args.angle_model or DEFAULT_MODEL, table).start()
    sets = real_sets(measurer, args.model, args.frames)
    if not sets:
        print(f"no ground truth found in {GROUNDTRUTH}")
    if args.rendered:
        sets |= rendered_sets(measurer, args.model, args.frames)
    info = AngleModel(args.angle_model or DEFAULT_MODEL).start().info
    print(f"MediaPipe {args.model}; angle model: {info}")
    print_table(sets)
    for estimator in ("naive", "ours"):
        print(f"\n{estimator} by view (MAE deg):")
        for view, row in by_view(sets, estimator).items():
            print(f"  {view:<12} " + "  ".join(f"{g} {v}" for g, v in row.items()))
    if table is not None:
        print("\ntrusted readings (ours):")
        trusted_share(sets)
    if args.write:
        made = (f"benchmarks/accuracy_real.py, MediaPipe {args.model}, "
                f"{info.get('trained', '?')} model")
        out = {"made_with": made, "views": by_view(sets)}
        args.write.write_text(json.dumps(out, indent=1) + "\n")
        print(f"wrote {args.write}")
    return 0 if sets else 1


if __name__ == "__main__":
    sys.exit(main())
