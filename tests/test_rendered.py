"""Rendered hands with known angles through the whole pipeline (render -> H.264 -> analyze).

This is our only footage of tendon glides (hook fist, tabletop, straight fist).
"""

from __future__ import annotations

import functools
import json

import numpy as np
import pytest

from handcoach.analysis import analyze_video
from synthetic.render import render_exercise
from vision.landmarks import angles_from_dict

MCP, PIP, DIP, THUMB = [0, 3, 6, 9], [1, 4, 7, 10], [2, 5, 8, 11], [12, 13]


@functools.cache
def _rendered(tmp_root: str, exercise: str, reps: int, seed: int, model: str):
    out = f"{tmp_root}/{exercise}_{seed}.mp4"
    truth_path = f"{tmp_root}/{exercise}_{seed}.json"
    render_exercise(exercise, out, truth_path, reps=reps, seed=seed)
    truth = json.loads(open(truth_path).read())
    result = analyze_video(out, model=model)
    true_angles = np.array([angles_from_dict(f["angles"]) for f in truth["frames"]])
    return result, true_angles


@pytest.fixture(scope="module")
def tmp_root(tmp_path_factory):
    return str(tmp_path_factory.mktemp("rendered"))


def _errors(tmp_root: str, model: str):
    result, truth = _rendered(tmp_root, "tendon_glides", 1, 3, model)
    assert result.frames == len(truth)
    seen = ~np.isnan(result.angles[:, 0])
    err = np.abs(result.angles - truth)[seen]
    report = {name: float(err[:, idx].mean()) for name, idx in
              (("MCP", MCP), ("PIP", PIP), ("DIP", DIP), ("thumb", THUMB))}
    print(f"\n{model}: hand in {seen.mean():.1%} of {result.frames} frames; MAE deg "
          + ", ".join(f"{k} {v:.1f}" for k, v in report.items()))
    return seen.mean(), report


@pytest.mark.parametrize("model", ["lite", "full"])
def test_tendon_glide_cycle_is_tracked(tmp_root, model):
    detected, _ = _errors(tmp_root, model)
    assert detected >= 0.95


@pytest.mark.parametrize("model", ["lite", "full"])
def test_tendon_glide_angles_match_the_truth(tmp_root, model):
    _, mae = _errors(tmp_root, model)
    assert mae["MCP"] <= 8 and mae["PIP"] <= 8, mae
