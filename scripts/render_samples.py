"""Re-render the bundled sample videos (sample_videos/*.mp4 and their truth files).

Each is a clean performance at the exercise library's default dose, so that the app's
demo counts every rep without a warning: holds of 3.8 s (the default is 3 s; per-rep
variation is +-15%), seed 3. Views: the ulnar view for flexion (where MediaPipe's angles
are most accurate, handcoach/synthetic/scene.py), palm-on for the finger spread (which happens in
the image plane there), and the ulnar view for thumb opposition, where every touch was
counted (palm-on, MediaPipe pulled the thumb short of the middle fingertip).

    .venv/bin/python scripts/render_samples.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from handcoach.synthetic.render import render_exercise  # noqa: E402

SAMPLES = {
    # exercise: (reps, hold seconds or None for the motion's own, view)
    "tendon_glides": (2, 3.8, "ulnar"),
    "fist": (3, 3.8, "ulnar"),
    "finger_spread": (3, 3.8, "palm"),
    "thumb_opposition": (4, None, "ulnar"),
}


def main() -> None:
    for exercise, (reps, hold, view) in SAMPLES.items():
        out = ROOT / "sample_videos" / f"{exercise}.mp4"
        r = render_exercise(exercise, out, out.with_suffix(".json"), reps=reps, seed=3,
                            hold_s=hold, view=view)
        print(f"{out.name}: {r.frames} frames, {r.duration_s:.1f} s, {out.stat().st_size} bytes")


if __name__ == "__main__":
    main()
