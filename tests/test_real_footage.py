"""Real MediaPipe inference on real hand footage (../shared/footage, labels in its README)."""

from __future__ import annotations

import functools

import numpy as np
import pytest
from conftest import footage

from handcoach.analysis import analyze_video
from handcoach.pipeline import HandPipeline
from vision.landmarks import angle_index
from vision.sources import read_image

PIPS = [angle_index(f, "pip") for f in ("index", "middle", "ring", "little")]


@functools.cache
def analysed(name: str, model: str = "lite"):
    return analyze_video(footage(name), model=model)


@pytest.mark.parametrize("name", ["webcam_fist_1.mp4", "phone_fist_1_then_close.mp4",
                                  "selfie_pinch_5.mp4", "control_open_hand.mp4"])
def test_hand_found_in_at_least_95_percent_of_frames(name):
    result = analysed(name)
    assert result.frames > 50
    assert result.frames_with_hand >= 0.95 * result.frames, (result.frames_with_hand,
                                                             result.frames)


@pytest.mark.parametrize("model", ["lite", "full"])
def test_webcam_fist_reads_flexed_in_the_fist_and_straight_when_open(model):
    result = analysed("webcam_fist_1.mp4", model)
    t, pip = result.times, result.angles[:, PIPS]
    fist = (t >= 1.3) & (t <= 2.1)          # README: closed about 1.1-2.4 s
    opened = (t <= 0.7) | (t >= 2.8)
    assert fist.sum() >= 10 and opened.sum() >= 20
    assert np.all(pip[fist] > 60), np.round(pip[fist].min(axis=0))
    assert np.all(pip[opened] < 25), np.round(pip[opened].max(axis=0))


def _still_angles(name: str) -> np.ndarray:
    with HandPipeline() as pipeline:
        result = pipeline.process(0.0, read_image(footage(f"stills/{name}")))
    assert result.measures is not None, f"no hand found in {name}"
    return result.measures.flexion


def test_stills_fist_reads_flexed_and_palm_straight():
    fist = _still_angles("hagrid_02_fist.jpg")
    palm = _still_angles("hagrid_10_palm.jpg")
    assert np.all(fist[PIPS] > 60), np.round(fist[PIPS])
    assert np.all(palm[PIPS] < 25), np.round(palm[PIPS])
    assert fist[:12].sum() > palm[:12].sum() + 400


def test_two_hands_are_reported_and_one_is_followed():
    result = analysed("selfie_two_hands_dim.mp4")
    codes = [w.code.value for w in result.warnings]
    assert "TWO_HANDS" in codes
    assert result.frames_with_hand >= 0.9 * result.frames


def test_a_still_hand_is_smooth():
    """At rest, smoothed angles move less than 1 deg per frame on average (jitter)."""
    result = analysed("control_thumbs_up.mp4")
    angles = result.angles[~np.isnan(result.angles[:, 0])]
    assert len(angles) > 100
    assert np.nanmean(np.abs(np.diff(angles, axis=0))) < 1.0
