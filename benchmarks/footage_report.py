"""How HandCoach reads the real footage: share of frames with a hand, and fist vs open PIP.

    .venv/bin/python benchmarks/footage_report.py

Real MediaPipe inference through the whole pipeline on ../shared/footage, both models.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from handcoach.analysis import analyze_video

FOOTAGE = Path(__file__).resolve().parent.parent.parent / "shared" / "footage"
PIPS = [1, 4, 7, 10]


def main() -> int:
    clips = sorted(FOOTAGE.glob("*.mp4"))
    if not clips:
        print(f"footage not found: {FOOTAGE}")
        return 1
    print(f"{'clip':<30} {'model':<5} {'frames':>6} {'with hand':>9} {'PIP min..max (deg)':>19}")
    for clip in clips:
        for model in ("lite", "full"):
            r = analyze_video(clip, model=model)
            pip = r.angles[:, PIPS]
            span = (f"{np.nanmin(pip):5.0f}..{np.nanmax(pip):4.0f}" if r.frames_with_hand
                    else "-")
            print(f"{clip.name:<30} {model:<5} {r.frames:6d} "
                  f"{r.frames_with_hand / r.frames:9.1%} {span:>19}")
    r = analyze_video(FOOTAGE / "webcam_fist_1.mp4")
    t, pip = r.times, r.angles[:, PIPS]
    fist, opened = (t >= 1.3) & (t <= 2.1), (t <= 0.7) | (t >= 2.8)
    print("webcam_fist_1 (lite), PIP per finger index..little:")
    print("  fist frames min", np.round(pip[fist].min(axis=0)).astype(int),
          " open frames max", np.round(pip[opened].max(axis=0)).astype(int))
    return 0


if __name__ == "__main__":
    sys.exit(main())
