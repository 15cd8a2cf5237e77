"""The exercise engine on real footage (../shared/footage, labels in its README).

Real MediaPipe (lite, as `handcoach analyze` runs by default) over each clip once; every
exercise engine then reads the same frames. Labels: a fist rep is open -> full fist ->
open; a touch is thumb tip meeting a fingertip and separating.
"""

from __future__ import annotations

import pytest

from exercises.catalog import EXERCISE_IDS
from helpers.footage_runs import frames_for, run_on_frames, tracked_frames
from helpers.paths import footage


def frames(name: str):
    return tracked_frames(footage(name))


@pytest.mark.parametrize(("clip", "reps"), [
    ("webcam_fist_1.mp4", 1),
    ("phone_fist_1_then_close.mp4", 1),  # the closing at the very end is not a rep
    ("phone_countdown_fist_1.mp4", 1),  # folding fingers one by one is not a fist
])
def test_fist_reps_on_real_footage(clip, reps):
    engine = run_on_frames(frames(clip), "fist")
    assert len(engine.reps) == reps
    (rep,) = engine.reps
    # The counted rep is the labelled close, and its peak is a real fist.
    closed = {"webcam_fist_1.mp4": (1.1, 2.4), "phone_fist_1_then_close.mp4": (2.5, 4.5),
              "phone_countdown_fist_1.mp4": (7.0, 8.1)}[clip]
    assert rep.start < closed[1] and rep.end > closed[0]
    assert rep.positions[0] == "fist"


def test_webcam_fist_rep_peaks_are_a_fist():
    (rep,) = run_on_frames(frames("webcam_fist_1.mp4"), "fist").reps
    assert all(rep.peak_flexion[1:12:3] > 60)  # every finger's PIP, degrees
    assert 1.0 < rep.duration_s < 3.0  # the close and the reopening, not the whole clip


def test_five_pinches_are_five_thumb_touches():
    engine = run_on_frames(frames("selfie_pinch_5.mp4"), "thumb_opposition")
    assert len(engine.reps) == 5
    assert engine.reps_by_position() == {"touch_index": 5, "touch_middle": 0,
                                         "touch_ring": 0, "touch_little": 0}
    assert "PARTIAL_RANGE" not in [a.code.value for a in engine.alerts]


def test_partial_closes_are_said_and_not_counted_as_fists():
    engine = run_on_frames(frames("topdown_partial_closes.mp4"), "fist")
    assert len(engine.reps) in (0, 1)  # the tight close may be judged partial too
    partial = [a for a in engine.alerts if a.code.value == "PARTIAL_RANGE"]
    assert partial, [a.code.value for a in engine.alerts]
    assert partial[0].message == "Go a little further: Curl all your fingers into your palm."
    assert 2.0 < partial[0].t < 3.2  # the first partial close, about 2.7 s


@pytest.mark.parametrize("clip", ["control_open_hand.mp4", "control_thumbs_up.mp4",
                                  "selfie_two_hands_dim.mp4"])
@pytest.mark.parametrize("exercise", EXERCISE_IDS)
def test_no_false_reps_from_a_still_or_waving_hand(clip, exercise):
    # Wrist exercises read the frames as analyze gives them: Pose and the forearm's skin.
    engine = run_on_frames(frames_for(footage(clip), exercise), exercise)
    assert engine.reps == []


def test_two_waving_hands_are_told_to_rest_one():
    engine = run_on_frames(frames("selfie_two_hands_dim.mp4"), "fist")
    assert [a.code.value for a in engine.alerts] == ["TWO_HANDS"]
    assert engine.alerts[0].message == "I can see two hands. Rest the other hand out of view."
