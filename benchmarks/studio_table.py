"""The studio table: per exercise and camera view, reps counted / true and the angle error
per joint group, through `handcoach analyze`'s own path.

Each clip is rendered by the studio (`handcoach render`'s default renderer) with its truth,
analysed with handcoach.analysis.analyze_video (what `handcoach analyze CLIP --exercise ID`
runs, lite model), and compared frame by frame with the truth: the share of frames with a
hand, the mean absolute error (MAE, deg) of MCP, PIP and DIP flexion of the four fingers and
of the thumb's MCP and IP, and the reps the engine counted against those rendered. README's
table and its recommended view per exercise come from this script. The real hands of
../shared/groundtruth, against the same renders in the same run, are
benchmarks/accuracy_real.py's (--rendered).

    .venv/bin/python benchmarks/studio_table.py                       # every exercise x view
    .venv/bin/python benchmarks/studio_table.py --skins light medium dark --hands left right \\
        --views little-side --exercises fist                          # skins and hands
    .venv/bin/python benchmarks/studio_table.py --rendered sample_videos/*.mp4  # the samples
    .venv/bin/python benchmarks/studio_table.py --other-views --reps 1    # the other views
    .venv/bin/python benchmarks/studio_table.py --table-only results.jsonl   # print again

Rows are appended to --out (JSON lines) as they finish, so a long run can be stopped and
resumed (configurations already in --out are skipped). Rendering costs 40-60 CPU-seconds
per 10 s of clip; use `nice` on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from handcoach.analysis import analyze_video  # noqa: E402
from handcoach.synthetic.studio import RECOMMENDED_VIEW, render_exercise  # noqa: E402
from handcoach.synthetic.studio_scene import VIEWS  # noqa: E402
from vision.accuracy import GROUPS as JOINT_GROUPS  # noqa: E402
from vision.landmarks import angles_from_dict  # noqa: E402

GROUPS = JOINT_GROUPS
EXERCISES = ("tendon_glides", "fist", "finger_spread", "thumb_opposition")


def _cpu_s() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _load() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def compare(est: np.ndarray, truth: np.ndarray) -> dict[str, float]:
    """Share of frames with a hand, and MAE and bias (mean signed error) per joint group
    over those frames (deg)."""
    seen = ~np.isnan(est).any(axis=1)
    out: dict[str, float] = {"frames": int(len(est)), "detected": int(seen.sum())}
    if seen.any():
        err = est[seen] - truth[seen]
        for name, idx in GROUPS.items():
            out[f"mae_{name}"] = round(float(np.abs(err[:, idx]).mean()), 2)
            out[f"bias_{name}"] = round(float(err[:, idx].mean()), 2)
        out["mae_all"] = round(float(np.abs(err).mean()), 2)
    return out


def measure(video: Path, truth_path: Path, name: str) -> dict:
    """One rendered clip through analyze's path against its truth JSON (which says what
    was rendered: exercise, view, skin, hand, reps)."""
    doc = json.loads(truth_path.read_text())
    result = analyze_video(video, exercise=doc["exercise"])
    truth = np.array([angles_from_dict(f["angles"]) for f in doc["frames"]])
    n = min(len(result.angles), len(truth))
    return {"config": name, "exercise": doc["exercise"], "view": doc["view"],
            "skin": doc["skin"], "hand": doc["hand"], "reps_true": doc["reps"],
            "reps": len(result.reps), "video_s": round(len(truth) / doc["fps"], 2),
            **compare(result.angles[:n], truth[:n])}


def clip_name(exercise: str, view: str, skin: str, hand: str, seed: int, reps: int | None,
              hold_s: float | None) -> str:
    return (f"{exercise}_{view}_{skin}_{hand}_s{seed}" + (f"_r{reps}" if reps else "")
            + (f"_h{hold_s:g}" if hold_s else ""))


def clip_row(exercise: str, view: str, skin: str, hand: str, seed: int, reps: int | None,
             clips: Path, hold_s: float | None = None) -> dict:
    """Render one clip (timed), then measure it."""
    name = clip_name(exercise, view, skin, hand, seed, reps, hold_s)
    video, truth_path = clips / f"{name}.mp4", clips / f"{name}.json"
    t0, c0 = time.perf_counter(), _cpu_s()
    rendered = render_exercise(exercise, video, truth_path, reps=reps, seed=seed, view=view,
                               skin=skin, hand=hand, hold_s=hold_s)
    wall, cpu = time.perf_counter() - t0, _cpu_s() - c0
    per10 = 10.0 / rendered.duration_s
    return {**measure(video, truth_path, name), "seed": seed,
            "render_wall_per_10s": round(wall * per10, 1),
            "render_cpu_per_10s": round(cpu * per10, 1), "load": _load()}


def _fmt(v: float | None) -> str:
    return "-" if v is None else f"{v:.1f}"


def tables(rows: list[dict]) -> str:
    """README's tables: reps per exercise and view, MAE per clip and per view."""
    clips = rows
    views = [v for v in VIEWS if any(r["view"] == v for r in clips)]
    out = ["Reps counted / true (medium skin, right hand unless said; "
           "all skins and hands in the rows below):", "",
           "| exercise | " + " | ".join(views) + " |",
           "| --- |" + " --- |" * len(views)]
    cell: dict[tuple[str, str], list[str]] = defaultdict(list)
    for r in clips:
        tag = "" if (r["skin"], r["hand"]) == ("medium", "right") else \
            f" ({r['skin']} {r['hand']})"
        cell[r["exercise"], r["view"]].append(f"{r['reps']}/{r['reps_true']}{tag}")
    for ex in [e for e in EXERCISES if any(r["exercise"] == e for r in clips)]:
        out.append(f"| {ex} | " + " | ".join(", ".join(cell[ex, v]) or "-" for v in views)
                   + " |")
    out += ["", "Angle error, mean absolute (deg), per clip:", "",
            "| exercise | view | skin | hand | reps | hand found | MCP | PIP | DIP | thumb |",
            "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for r in sorted(clips, key=lambda r: (EXERCISES.index(r["exercise"]),
                                          list(VIEWS).index(r["view"]), r["skin"],
                                          r["hand"])):
        out.append("| " + " | ".join([
            r["exercise"], r["view"], r["skin"], r["hand"], f"{r['reps']}/{r['reps_true']}",
            f"{100.0 * r['detected'] / r['frames']:.0f}%",
            *(_fmt(r.get(f"mae_{g}")) for g in GROUPS)]) + " |")
    out += ["", "Per view: MAE (bias) over all clips of the view, frame-weighted:", "",
            "| view | frames | MCP | PIP | DIP | thumb | all |",
            "| --- | --- | --- | --- | --- | --- | --- |"]
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        groups[r["view"]].append(r)
    for label, rs in sorted(groups.items(), key=lambda kv: list(VIEWS).index(kv[0])):
        w = np.array([r["detected"] for r in rs], float)
        cells = [label, str(sum(r["frames"] for r in rs))]
        for g in (*GROUPS, "all"):
            if not all(f"mae_{g}" in r for r in rs) or w.sum() == 0:
                cells.append("-")
                continue
            mae = np.average([r[f"mae_{g}"] for r in rs], weights=w)
            bias = "" if g == "all" else \
                f" ({np.average([r[f'bias_{g}'] for r in rs], weights=w):+.1f})"
            cells.append(f"{mae:.1f}{bias}")
        out.append("| " + " | ".join(cells) + " |")
    timed = [r for r in clips if "render_cpu_per_10s" in r]
    if timed:
        cpu = [r["render_cpu_per_10s"] for r in timed]
        wall = [r["render_wall_per_10s"] for r in timed]
        out += ["", f"Rendering, per 10 s of 640x480 video (H.264 included): CPU "
                f"{np.median(cpu):.0f} s median ({min(cpu):.0f}-{max(cpu):.0f}); wall "
                f"{np.median(wall):.0f} s median ({min(wall):.0f}-{max(wall):.0f}) at load "
                f"{min(r['load'] for r in timed):.1f}-{max(r['load'] for r in timed):.1f}"]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--exercises", nargs="+", default=list(EXERCISES), choices=EXERCISES)
    ap.add_argument("--views", nargs="+", default=list(VIEWS), choices=list(VIEWS))
    ap.add_argument("--skins", nargs="+", default=["medium"],
                    choices=["light", "medium", "dark"])
    ap.add_argument("--hands", nargs="+", default=["right"], choices=["left", "right"])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--reps", type=int, help="reps per clip (default: the exercise's own)")
    ap.add_argument("--hold", type=float, metavar="S",
                    help="hold seconds (default: the motion's own, 3 s +-15%%; the bundled "
                         "samples hold 3.8 s so that every hold passes the dose's 3 s)")
    ap.add_argument("--other-views", action="store_true",
                    help="only the views other than each exercise's recommended one")
    ap.add_argument("--rendered", nargs="+", type=Path, metavar="MP4",
                    help="measure these studio clips (their truth JSON beside them), "
                         "e.g. sample_videos/*.mp4, instead of rendering")
    ap.add_argument("--out", type=Path, default=Path("studio_table.jsonl"))
    ap.add_argument("--clips", type=Path, default=Path("studio_clips"))
    ap.add_argument("--table-only", nargs="*", type=Path, metavar="JSONL",
                    help="print the tables of these result files and stop")
    args = ap.parse_args(argv)
    if args.table_only is not None:
        rows = [json.loads(line) for p in args.table_only or [args.out]
                for line in p.read_text().splitlines() if line.strip()]
        print(tables(rows))
        return 0
    done: set = set()       # configurations measured already, by name and by what they show
    if args.out.exists():
        for r in (json.loads(line) for line in args.out.read_text().splitlines()
                  if line.strip()):
            done |= {r["config"], (r["exercise"], r["view"], r["skin"], r["hand"])}
    args.clips.mkdir(parents=True, exist_ok=True)
    jobs: list = [(p.stem, p) for p in args.rendered or []]
    if not args.rendered:
        jobs = [(clip_name(e, v, s, h, args.seed, args.reps, args.hold),
                 (e, v, s, h)) for e in args.exercises for v in args.views
                for s in args.skins for h in args.hands
                if not (args.other_views and v == RECOMMENDED_VIEW[e])]
    for name, job in jobs:
        if name in done or (not isinstance(job, Path) and job in done):
            continue
        row = measure(job, job.with_suffix(".json"), name) if isinstance(job, Path) \
            else clip_row(*job, args.seed, args.reps, args.clips, args.hold)
        print(json.dumps(row), flush=True)
        with args.out.open("a") as f:
            f.write(json.dumps(row) + "\n")
    rows = [json.loads(line) for line in args.out.read_text().splitlines() if line.strip()]
    print(tables(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
