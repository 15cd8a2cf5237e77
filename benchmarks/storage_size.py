"""How many bytes a 10-minute, 30 fps session takes in the results store (target < 2 MB).

    .venv/bin/python benchmarks/storage_size.py

Ten minutes of tendon glides from the kinematic hand model, with MediaPipe-like jitter on
every world landmark and 3 % of frames without a hand, smoothed by the app's own One Euro
filter (vision.pipeline.SMOOTHING) as the live app would store them; angles from the
smoothed landmarks. Recorded through SessionRecorder (flush every 2 s and at every rep,
one rep every ~13 s) into a fresh SQLite file, then measured: the file, the frame blobs,
bytes per frame, raw float32 for comparison, the time the recorder adds per frame, and
how well a rep's angles replay from the stored landmarks. With HANDCOACH_TEST_PG_URL set,
the same session on PostgreSQL too (table sizes).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, func, select, text  # noqa: E402

from exercises.counter import Rep  # noqa: E402
from handcoach.storage import SessionRecorder, Store, load_frames  # noqa: E402
from handcoach.storage.models import FrameChunk  # noqa: E402
from handcoach.synthetic.motions import build_track  # noqa: E402
from handcoach.synthetic.sequences import landmark_sequence  # noqa: E402
from vision.kinematics import flexion_angles  # noqa: E402
from vision.smoothing import (
    SMOOTHING,  # noqa: E402
    OneEuroFilter,  # noqa: E402
)

FPS = 30.0
MINUTES = 10.0
REP_EVERY_S = 13.0


def session(noise_mm: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(times, angles (n, 14), world (n, 21, 3)) for MINUTES of tendon glides."""
    n = int(MINUTES * 60 * FPS)
    track = build_track("tendon_glides", reps=int(MINUTES * 60 / 12) + 2, seed=seed, fps=FPS)
    seq = landmark_sequence(track, "right", noise_mm=noise_mm, drop_rate=0.03, seed=seed)
    times, raw = seq.times[:n], seq.world[:n]
    smooth = OneEuroFilter(**SMOOTHING)
    world = np.full_like(raw, np.nan)
    angles = np.full((n, 14), np.nan)
    for i, (t, w) in enumerate(zip(times, raw, strict=True)):
        if np.isnan(w).any():
            smooth.reset()
            continue
        world[i] = smooth(float(t), w)
        angles[i] = flexion_angles(world[i], seq.chirality)
    return times, angles, world


def record(store: Store, times: np.ndarray, angles: np.ndarray, world: np.ndarray
           ) -> tuple[int, float]:
    """Record like the live app; returns (session id, recorder seconds per frame)."""
    rec = SessionRecorder(store, flush_s=2.0)
    spent = time.perf_counter()
    rec.start("Benchmark Patient", "tendon_glides", "right", "live", pain_before=2)
    next_rep, number = REP_EVERY_S, 1
    for t, a, w in zip(times, angles, world, strict=True):
        rec.add_frame(float(t), None if np.isnan(a[0]) else a, None if np.isnan(w).any() else w)
        if t >= next_rep:
            lo, hi = np.nanmin(angles[:10], axis=0), np.nanmax(angles[:10], axis=0)
            rec.add_rep(Rep(number, float(t) - 10.0, float(t),
                            ("hook", "full_fist", "tabletop", "straight_fist"),
                            (1.0, 1.0, 1.0, 1.0), hi, lo))
            next_rep, number = next_rep + REP_EVERY_S, number + 1
    assert rec.finish(pain_after=2), rec.problem
    spent = time.perf_counter() - spent
    return rec.session_id, spent / len(times)


def replay_error(store: Store, sid: int, angles: np.ndarray) -> tuple[float, float, float]:
    """Errors (deg) against the original angles over the first 60 s: the stored angles
    (max), and the 12 finger angles recomputed from the stored landmarks (median, max).

    Thumb angles are left out of the replay figure: `flexion_angles` takes their sign
    from a dot product that is near zero in some poses, so a 0.1 mm change can flip a
    32 deg thumb IP to -32 deg; that is the angle's, not the storage's, sensitivity.
    """
    frames = load_frames(sid, 0.0, 60.0, store=store)
    keep = ~np.isnan(frames.angles[:, 0])
    original = angles[: len(frames)][keep]
    stored = np.nanmax(np.abs(frames.angles[keep] - original))
    recomputed = np.stack([flexion_angles(w, "right") for w in frames.world[keep]])
    err = np.abs(recomputed - original)[:, :12]
    return float(stored), float(np.nanmedian(err)), float(np.nanmax(err))


def main() -> None:
    n = int(MINUTES * 60 * FPS)
    raw_mb = n * (1 + 14 + 63) * 4 / 1e6
    print(f"{MINUTES:.0f} min at {FPS:.0f} fps = {n} frames; raw float32 (t, 14 angles, "
          f"21x3 landmarks) = {raw_mb:.2f} MB")
    print("jitter_mm  sqlite_file_MB  frame_blobs_MB  bytes/frame  recorder_us/frame  "
          "angles_max_err  replay_median_err  replay_max_err (deg)")
    pg_url = os.environ.get("HANDCOACH_TEST_PG_URL")
    pg_result = None
    for noise in (0.5, 1.0, 2.0, 4.0):
        times, angles, world = session(noise)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "bench.db"
            store = Store(f"sqlite:///{path}")
            sid, per_frame = record(store, times, angles, world)
            with store.transaction() as s:
                blobs = s.scalar(select(func.sum(func.length(FrameChunk.times)
                                                 + func.length(FrameChunk.angles)
                                                 + func.coalesce(func.length(FrameChunk.world),
                                                                 0))))
            err_a, med_r, max_r = replay_error(store, sid, angles)
            store.close()
            size = path.stat().st_size
        print(f"{noise:9.1f}  {size / 1e6:14.2f}  {blobs / 1e6:14.2f}  {blobs / n:11.0f}  "
              f"{per_frame * 1e6:17.0f}  {err_a:14.2f}  {med_r:17.2f}  {max_r:14.2f}")
        if pg_url and noise == 2.0:
            pg_result = postgres_size(pg_url, times, angles, world)
    if pg_result is not None:
        print(f"PostgreSQL, jitter 2.0 mm: frames table {pg_result[0] / 1e6:.2f} MB, all "
              f"tables {pg_result[1] / 1e6:.2f} MB (with indexes and page slack)")


def postgres_size(url: str, times: np.ndarray, angles: np.ndarray, world: np.ndarray
                  ) -> tuple[int, int]:
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    name = f"hc_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        store = Store(admin.url.set(database=name).render_as_string(hide_password=False))
        record(store, times, angles, world)
        with store.engine.connect() as c:
            frames = c.scalar(text("SELECT pg_total_relation_size('frames')"))
            total = c.scalar(text("SELECT sum(pg_total_relation_size(quote_ident(tablename)))"
                                  " FROM pg_tables WHERE schemaname = 'public'"))
        store.close()
        return int(frames), int(total)
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
