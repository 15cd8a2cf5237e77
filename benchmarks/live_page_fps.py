"""How many camera frames a second the live exercise page measures, in a real browser.

    .venv/bin/python benchmarks/live_page_fps.py [--seconds 25] [--busy 1]

The app server and headless Debian Chromium of the end-to-end tests (tests/helpers/browser:
the fake webcam plays sample_videos/fist.mp4 at 15 fps), the fist exercise started with the
camera; after `--seconds` the saved session's frames are read back: frames measured per
second of session time, and the longest gap between two measured frames (a fist held
about a second is lost in a gap that long). Twice in one run, on the same machine:
Streamlit's garbage collection after every rerun on (Streamlit's default) and off
(HandCoach's setting, handcoach/app_command.py), with `--busy N` processes keeping N cores
busy meanwhile, as another program on a patient's laptop would.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from handcoach.storage import Store, list_sessions, load_frames  # noqa: E402
from helpers.browser import (  # noqa: E402
    SAMPLE_FIST,
    app_server,
    camera_y4m,
    chromium,
    start_live,
)

FLAGS = ["--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]


def _spin() -> None:
    while True:
        pass


def measure(folder: Path, cam: Path, seconds: float, gc_after_rerun: bool
            ) -> tuple[int, float, float]:
    """(frames measured, frames per second, longest gap in s) of one live session."""
    flags = [*FLAGS, "--runner.postScriptGC", "true" if gc_after_rerun else "false"]
    with app_server(folder, flags=flags) as app, chromium(cam) as page:
        start_live(page, app.url, "fist")
        time.sleep(seconds)
        store = Store(app.db_url)
        (session,) = list_sessions("e2e patient", store=store)
        times = np.asarray(load_frames(session.id, store=store).times, dtype=float)
    if len(times) < 2:
        return len(times), 0.0, float("nan")
    return len(times), (len(times) - 1) / float(times[-1] - times[0]), float(np.diff(times).max())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=25.0)
    ap.add_argument("--busy", type=int, default=1, help="cores kept busy meanwhile")
    args = ap.parse_args()
    spinners = [multiprocessing.Process(target=_spin, daemon=True) for _ in range(args.busy)]
    for p in spinners:
        p.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            cam = camera_y4m(SAMPLE_FIST, Path(tmp) / "cam.y4m", lead_s=3.0, tail_s=30.0,
                             tail="clone")
            print(f"live fist page, {args.seconds:g} s, {args.busy} other core(s) busy")
            for gc_after_rerun in (True, False):
                folder = Path(tmp) / ("gc" if gc_after_rerun else "nogc")
                folder.mkdir()
                n, fps, gap = measure(folder, cam, args.seconds, gc_after_rerun)
                print(f"  garbage collection after each rerun {'on ' if gc_after_rerun else 'off'}"
                      f": {n:4d} frames measured, {fps:5.1f} per s, longest gap {gap:.2f} s")
    finally:
        for p in spinners:
            p.terminate()


if __name__ == "__main__":
    main()
