"""Every labelled real clip of ../shared/footage/exercises through `handcoach analyze`:
reps counted against the label, per position, and what was said.

    .venv/bin/python benchmarks/exercise_footage.py [CLIP_NAME ...]

Real MediaPipe (lite) through the whole analyze path, one clip and exercise at a time
(wrist exercises with Pose and the forearm stage, as analyze runs them). The labels are
the README's there; tests/test_exercise_footage.py asserts them.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from handcoach.analysis import analyze_video

FOOTAGE = Path(__file__).resolve().parent.parent.parent / "shared" / "footage" / "exercises"

#: (clip, exercise, the label's count: what a counter may say).
LABELS: tuple[tuple[str, str, str], ...] = (
    ("palmar_fist_2.mp4", "fist", "2"),
    ("dorsal_fist_2.mp4", "fist", "2"),
    ("radial_fist_2.mp4", "fist", "2"),
    ("three_views_fist_spread.mp4", "fist", "4-5"),
    ("radial_tabletop_2.mp4", "fist", "0"),
    ("radial_tabletop_2.mp4", "tendon_glides", "2 tabletops, or VIEW"),
    ("kapandji_overlay.mp4", "thumb_opposition", "4: index, middle, ring, little"),
    ("forearm_rotation_overlay.mp4", "forearm_rotation", "3 +/- 1 (by eye)"),
    ("wrist_flex_ext_overlay.mp4", "wrist_flex_ext", "4-6 (5 by eye)"),
)


def main(names: list[str]) -> int:
    if not FOOTAGE.is_dir():
        print(f"footage not found: {FOOTAGE}")
        return 1
    print(f"{'clip':<30} {'exercise':<17} {'label':<31} {'reps':>4}  {'s':>5}  "
          "by position / said")
    for clip, exercise, label in LABELS:
        if names and clip not in names:
            continue
        start = time.perf_counter()
        r = analyze_video(FOOTAGE / clip, exercise)
        took = time.perf_counter() - start
        said = sorted({w.code.value for w in r.warnings})
        hit = {k: v for k, v in r.reps_by_position.items() if v}
        print(f"{clip:<30} {exercise:<17} {label:<31} {len(r.reps):>4}  {took:5.1f}  "
              f"{hit} {said}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
