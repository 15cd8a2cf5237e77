"""The kinematic hand fit of benchmarks/kinematic_fit.py (issue 13's experiment): its
bounds only mean something if the fit finds a pose it can represent, so that is checked
on a hand it generated itself, seen from an angle, with its exact image and depth."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from helpers.analytic_hand import right_hand, rotation
from helpers.paths import GROUNDTRUTH, ROOT, benchmark
from vision.kinematics import flexion_angles
from vision.landmarks import N_ANGLES, WRIST

sys.path.insert(0, str(ROOT / "benchmarks"))
import kinematic_fit  # noqa: E402

D2R = np.pi / 180.0


def _session(n: int = 20) -> np.ndarray:
    """A right hand's landmarks through a few poses: the calibration."""
    return np.array([right_hand(np.full(N_ANGLES, a)) for a in np.linspace(0.0, 70.0, n)])


def test_the_fit_recovers_a_pose_the_model_can_show():
    model = kinematic_fit.HandModel(_session()).start()
    q = np.zeros(kinematic_fit.N_JOINT)
    for finger, (mcp, pip, dip) in enumerate([(60, 20, 10), (30, 80, 40), (10, 95, 60),
                                              (75, 5, 0)]):
        q[4 * finger + 1:4 * finger + 4] = np.array([mcp, pip, dip]) * D2R
    q[18], q[20] = 25 * D2R, 35 * D2R
    turn = rotation(30.0, -20.0, 10.0)

    def seen(pose: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        cam = (model.points(pose[None])[0] * kinematic_fit.FLIP) @ turn.T
        image = np.c_[cam[:, :2] * 3000.0 + 320.0, cam[:, 2] * 3000.0]
        return cam, image, cam[:, 2] - cam[WRIST, 2]

    fit = kinematic_fit.HandFit(model, iterations=30, smooth=0.0).start()
    fit.update(*seen(0.7 * q))      # the frame before, less bent: the fit starts there
    cam, image, depth = seen(q)
    got = flexion_angles(fit.update(cam, image, depth), "right")
    want = flexion_angles(cam, "right")
    assert np.abs(got[:12] - want[:12]).max() < 3.0, np.round(got - want, 1)


def test_the_benchmark_prints_every_row_on_a_few_frames():
    if not (GROUNDTRUTH / "real_hand_sequence" / "truth.json").exists():
        pytest.skip(f"real ground truth not found: {GROUNDTRUTH} (../shared beside the "
                    "checkout)")
    proc = benchmark("kinematic_fit.py", "--frames", "10", timeout=300)
    rows = [line for line in proc.stdout.splitlines() if line.startswith("real_hand")]
    assert len(rows) == 6 and all(" 10 |" in row for row in rows), proc.stdout
