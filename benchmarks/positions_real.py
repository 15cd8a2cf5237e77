"""Other people's hands: how the finger angles read in held positions of real footage.

    .venv/bin/python benchmarks/positions_real.py [--model lite] [--angle-model FILE]

Why: the only real hand with measured 3D joints (../shared/groundtruth) is one person's,
seen palm-on and obliquely; choosing an estimator by it alone would fit that hand. The real
clips of ../shared/footage show five more people's hands, from the palm, the back and the
thumb side, holding positions whose angles anatomy bounds: fingers straight (0 deg), a full
fist (AAOS normal flexion MCP 90, PIP 100, DIP 90), a tabletop (MCP ~90, the rest straight).
Those bounds are wide (a fist differs between hands by 10-20 deg), so this catches gross
errors, not a few degrees.

The holds are data (benchmarks/positions_real.toml, each checked frame by frame). Every
frame goes through MediaPipe (tracking mode), the app's smoothing and measurer, as in
benchmarks/accuracy_real.py, and three estimators read it (naive, blended, ours, as
there). Per hold and finger joint: the median reading over the hold's frames. Printed per
position and joint group: how many joint-holds, the median of those readings, the share
inside the position's bounds, and the mean distance outside them (0 inside); for ours also
with only the readings the app trusts (a joint-hold counts when at least half its frames
were trusted); then over all positions, per person and per view.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from accuracy_real import ESTIMATORS, read_video  # noqa: E402

from vision.accuracy import GROUPS  # noqa: E402
from vision.angle_model import DEFAULT_MODEL  # noqa: E402
from vision.measurer import HandMeasurer  # noqa: E402
from vision.views import VIEWS  # noqa: E402

FOOTAGE = ROOT.parent / "shared" / "footage"
LABELS = Path(__file__).with_name("positions_real.toml")
FINGER_GROUPS = ("MCP", "PIP", "DIP")
#: estimators as printed; "trusted" is ours with only the readings the app trusts.
ROWS = (*ESTIMATORS, "trusted")


@dataclass(frozen=True)
class Hold:
    """One finger joint (of `group`) through one hold: the median reading per estimator."""

    clip: str
    person: str
    position: str
    group: str
    view: str                       # the view most of the hold's frames were seen in
    readings: dict[str, float]      # estimator -> median deg (trusted: absent if not)


def load_labels(path: Path = LABELS) -> tuple[dict[str, dict[str, tuple[float, float]]],
                                              list[dict]]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    bounds = {name: {g.upper(): (float(lo), float(hi)) for g, (lo, hi) in groups.items()}
              for name, groups in data["positions"].items()}
    return bounds, data["clips"]


def clip_holds(clip: dict, measurer: HandMeasurer, mp_model: str) -> list[Hold]:
    r = read_video(FOOTAGE / clip["file"], None, measurer, mp_model)
    times, views, trusted = np.array(r.times), np.array(r.views), np.array(r.trusted)
    est = {name: np.array(r.est[name]) for name in ESTIMATORS}
    out = []
    for position, start, end in clip["holds"]:
        sel = (times >= start) & (times <= end)
        if not sel.any():
            continue
        seen, counts = np.unique(views[sel], return_counts=True)
        view = str(seen[np.argmax(counts)])
        for group in FINGER_GROUPS:
            for j in GROUPS[group]:
                readings = {name: float(np.median(est[name][sel, j])) for name in est}
                ok = trusted[sel, j]
                if ok.mean() >= 0.5:
                    readings["trusted"] = float(np.median(est["ours"][sel, j][ok]))
                out.append(Hold(clip["file"], clip["person"], position, group, view,
                                readings))
    return out


def outside(value: float, bounds: tuple[float, float]) -> float:
    """How far a reading is outside a position's bounds (deg; 0 inside)."""
    lo, hi = bounds
    return max(lo - value, 0.0, value - hi)


def summary(holds: list[Hold], bounds: dict[str, dict[str, tuple[float, float]]],
            row: str) -> tuple[int, float, float, float]:
    """Joint-holds, median reading, share inside the bounds, mean distance outside."""
    values = [(h.readings[row], bounds[h.position][h.group]) for h in holds
              if row in h.readings]
    if not values:
        return 0, float("nan"), float("nan"), float("nan")
    off = np.array([outside(v, b) for v, b in values])
    return (len(values), float(np.median([v for v, _ in values])),
            float((off == 0).mean()), float(off.mean()))


def summaries(holds: list[Hold], bounds: dict[str, dict[str, tuple[float, float]]]
              ) -> dict[str, dict[str, dict[str, float]]]:
    """The per-position table, as data: {"position group" or "everyone":
    {estimator: {"n", "median", "inside", "off"}}}."""
    keys = ("n", "median", "inside", "off")
    parts = {f"{p} {g}": [h for h in holds if h.position == p and h.group == g]
             for p in bounds for g in FINGER_GROUPS}
    parts = {k: v for k, v in parts.items() if v} | {"everyone": holds}
    return {name: {row: dict(zip(keys, summary(sel, bounds, row), strict=True))
                   for row in ROWS}
            for name, sel in parts.items()}


def print_tables(table: dict[str, dict[str, dict[str, float]]], holds: list[Hold],
                 bounds: dict[str, dict[str, tuple[float, float]]]) -> None:
    """table: `summaries` of the same holds."""
    print(f"{'position':<9} {'group':<5} {'bounds':>10}  "
          + "".join(f"| {r:^23} " for r in ROWS))
    print(f"{'':<28}" + "| n    read   in  off   " * len(ROWS))
    for position in bounds:
        for group in FINGER_GROUPS:
            part = table.get(f"{position} {group}")
            if part is None:
                continue
            lo, hi = bounds[position][group]
            cells = "".join(
                f"| {c['n']:<3} {c['median']:6.1f} {c['inside']:4.0%} {c['off']:4.1f}  "
                if c["n"] else f"| {'-':<23} " for c in (part[row] for row in ROWS))
            print(f"{position:<9} {group:<5} {f'{lo:.0f}..{hi:.0f}':>10}  {cells}")
    print("\nall positions and finger joints (n, share inside, mean off), per person:")
    for person in sorted({h.person for h in holds}):
        _print_part(f"person {person}", [h for h in holds if h.person == person], bounds)
    print("per view the hold was seen in (vision.views):")
    for view in VIEWS:
        sel = [h for h in holds if h.view == view]
        if sel:
            _print_part(view, sel, bounds)
    _print_part("everyone", holds, bounds)


def _print_part(name: str, holds: list[Hold],
                bounds: dict[str, dict[str, tuple[float, float]]]) -> None:
    cells = ""
    for row in ROWS:
        n, _, share, off = summary(holds, bounds, row)
        cells += f"  {row} {n} {share:4.0%} {off:4.1f}" if n else f"  {row} -"
    print(f"  {name}:{cells}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", choices=("lite", "full"), default="lite")
    ap.add_argument("--angle-model", type=Path, default=DEFAULT_MODEL,
                    help="another angle model file")
    ap.add_argument("--clips", type=int, help="only the first N clips of the labels")
    ap.add_argument("--write", type=Path, help="also save the summary (JSON)")
    args = ap.parse_args()
    if not FOOTAGE.exists():
        print(f"real footage not found: {FOOTAGE} (../shared beside the checkout)")
        return 1
    bounds, clips = load_labels()
    missing = [c["file"] for c in clips if not (FOOTAGE / c["file"]).exists()]
    if missing:
        print(f"labelled clips not found in {FOOTAGE}: {', '.join(missing)}")
        return 1
    measurer = HandMeasurer(model=args.angle_model).start()
    holds: list[Hold] = []
    for clip in clips[:args.clips]:
        holds += clip_holds(clip, measurer, args.model)
    print(f"MediaPipe {args.model}, angle model {args.angle_model.name}: "
          f"{len({h.clip for h in holds})} clips, {len({h.person for h in holds})} people\n")
    table = summaries(holds, bounds)
    print_tables(table, holds, bounds)
    if args.write:
        args.write.write_text(json.dumps(table, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
