"""Real MediaPipe inference on real hand footage (../shared/footage, labels in its README)."""

from __future__ import annotations

import functools

import numpy as np
import pytest

from handcoach.analysis import analyze_video
from helpers.paths import footage
from vision.landmarks import angle_index
from vision.pipeline import HandPipeline
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


def _webcam_fist_phases(model: str) -> tuple[np.ndarray, np.ndarray]:
    result = analysed("webcam_fist_1.mp4", model)
    t, pip = result.times, result.angles[:, PIPS]
    fist = (t >= 1.3) & (t <= 2.1)          # footage README: closed about 1.1-2.4 s
    opened = (t <= 0.7) | (t >= 2.8)
    assert fist.sum() >= 10 and opened.sum() >= 20
    return pip[fist], pip[opened]


@pytest.mark.parametrize("model", ["lite", "full"])
def test_webcam_fist_reads_flexed_in_the_fist(model):
    fist, opened = _webcam_fist_phases(model)
    assert np.all(fist > 60), np.round(fist.min(axis=0))
    assert fist.mean() > opened.mean() + 45


@pytest.mark.parametrize("model", ["lite", "full"])
def test_webcam_fist_reads_straight_when_open(model):
    _, opened = _webcam_fist_phases(model)
    assert np.all(opened < 25), np.round(opened.max(axis=0))


def _still_angles(name: str) -> np.ndarray:
    with HandPipeline() as pipeline:
        result = pipeline.process(0.0, read_image(footage(f"stills/{name}")))
    assert result.measures is not None, f"no hand found in {name}"
    return result.measures.flexion


def test_stills_fist_reads_flexed_and_far_from_the_palm():
    fist = _still_angles("hagrid_02_fist.jpg")
    palm = _still_angles("hagrid_10_palm.jpg")
    assert np.all(fist[PIPS] > 60), np.round(fist[PIPS])
    assert fist[:12].sum() > palm[:12].sum() + 400


def test_stills_palm_reads_straight():
    palm = _still_angles("hagrid_10_palm.jpg")
    assert np.all(palm[PIPS] < 25), np.round(palm[PIPS])


def test_two_hands_are_reported_and_one_is_followed():
    result = analysed("selfie_two_hands_dim.mp4")
    codes = [w.code.value for w in result.warnings]
    assert "TWO_HANDS" in codes
    assert result.frames_with_hand >= 0.9 * result.frames


RAW = {"min_cutoff": 1e6, "beta": 0.0, "d_cutoff": 1.0}   # a filter that passes through


def _jitter(result) -> float:
    """Mean |frame-to-frame change| of the 14 angles (deg), after the first second."""
    angles = result.angles[~np.isnan(result.angles[:, 0])]
    assert len(angles) > 100
    return float(np.mean(np.abs(np.diff(angles[25:], axis=0))))


def test_a_still_hand_is_steady():
    """At rest the angles barely move: smoothing removes most of MediaPipe's jitter."""
    thumbs_up = footage("control_thumbs_up.mp4")
    raw = _jitter(analyze_video(thumbs_up, smoothing=RAW))
    assert _jitter(analysed("control_thumbs_up.mp4")) < 0.4 * raw
    assert _jitter(analysed("control_open_hand.mp4")) < 1.0


def test_a_fast_fist_is_not_lagged_or_flattened():
    raw = analyze_video(footage("webcam_fist_1.mp4"), smoothing=RAW)
    smooth = analysed("webcam_fist_1.mp4")
    raw_pip, smooth_pip = raw.angles[:, PIPS].mean(axis=1), smooth.angles[:, PIPS].mean(axis=1)
    assert smooth_pip.max() > 0.95 * raw_pip.max()
    crossing = [t[np.argmax(p > 60)] for t, p in ((raw.times, raw_pip),
                                                  (smooth.times, smooth_pip))]
    assert crossing[1] - crossing[0] <= 0.06        # at most one frame (50 ms) late


def _sides(frames, **kwargs) -> tuple[list[str], np.ndarray]:
    sides, angles = [], []
    with HandPipeline(**kwargs) as pipeline:
        for t, rgb in frames:
            result = pipeline.process(t, rgb)
            if result.measures is not None:
                sides.append(result.hand.side)
                angles.append(result.measures.flexion)
    return sides, np.array(angles)


def test_a_mirrored_view_reports_the_same_hand_and_angles():
    """The webcam clip shows the person's left hand. Mirrored (a selfie preview), it looks
    like a right hand; told that the view is mirrored, the tracker still says left."""
    from vision.sources import VideoFileSource

    frames = [(f.t, f.rgb) for f in VideoFileSource(footage("webcam_fist_1.mp4"))]
    mirrored = [(t, np.ascontiguousarray(rgb[:, ::-1])) for t, rgb in frames]
    plain_sides, plain = _sides(frames)
    told_sides, told = _sides(mirrored, mirrored=True)
    naive_sides, _ = _sides(mirrored)
    assert plain_sides.count("left") > 0.9 * len(frames)
    assert told_sides.count("left") > 0.9 * len(frames)
    assert naive_sides.count("right") > 0.9 * len(frames)
    n = min(len(plain), len(told))
    assert np.median(np.abs(plain[:n, :12] - told[:n, :12])) < 8


def test_with_two_hands_in_view_the_prescribed_one_is_followed():
    from vision.sources import VideoFileSource

    frames = [(f.t, f.rgb) for f in VideoFileSource(footage("selfie_two_hands_dim.mp4"))]
    for side in ("left", "right"):
        with HandPipeline(hand=side) as pipeline:
            results = [pipeline.process(t, rgb) for t, rgb in frames]
        both = [r for r in results if r.hands_in_view == 2]
        assert len(both) > 0.4 * len(frames)
        assert all(r.hand.side == side for r in both)
        assert all(r.others[0].side != side for r in both)
