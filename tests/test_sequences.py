"""Synthetic world-landmark sequences: true angles, placements, drops, and the motions."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import numpy as np
import pytest

from handcoach.synthetic.hand_model import HandPose
from handcoach.synthetic.motions import (
    FULL_FIST,
    RELAXED,
    STRAIGHT,
    Keyframe,
    MotionTrack,
    build_track,
    track_from_keyframes,
)
from handcoach.synthetic.sequences import LandmarkSequence, landmark_sequence
from vision.kinematics import measure, palm_frame

SIDES = ("right", "left")
PLACEMENTS = ("palm_to_camera", "ulnar", "elbow_at_side", "forearm_across", (20.0, -15.0, 30.0))


@cache
def _track(exercise: str) -> MotionTrack:
    return build_track(exercise, seed=1)


def _still(pose: HandPose, n: int = 1) -> MotionTrack:
    """A track holding one pose exactly (no wrist wander)."""
    return MotionTrack("still", 30.0, 0, np.arange(n) / 30.0, (pose,) * n)


def _palm(seq: LandmarkSequence, i: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return palm_frame(seq.world[i], seq.chirality)


@pytest.mark.parametrize("exercise", ["tendon_glides", "thumb_opposition"])
@pytest.mark.parametrize("placement", PLACEMENTS, ids=str)
@pytest.mark.parametrize("side", SIDES)
def test_measured_flexion_is_the_truth(exercise, placement, side):
    seq = landmark_sequence(_track(exercise), side=side, placement=placement)
    assert seq.world.shape == (len(seq.times), 21, 3)
    assert seq.chirality == side
    measured = np.stack([measure(w, seq.chirality).flexion for w in seq.world])
    np.testing.assert_allclose(measured, seq.true_angles, atol=0.5)


@pytest.mark.parametrize("side", SIDES)
def test_world_is_centred_on_the_hand_in_metres(side):
    seq = landmark_sequence(_track("tendon_glides"), side=side)
    np.testing.assert_allclose(seq.world[:, [0, 5, 9, 13, 17]].mean(axis=1), 0.0, atol=1e-12)
    palm = np.linalg.norm(seq.world[:, 9] - seq.world[:, 0], axis=1)
    assert np.all((palm > 0.08) & (palm < 0.10))


@pytest.mark.parametrize("side", SIDES)
def test_palm_to_camera_and_ulnar(side):
    distal, radial, palmar = _palm(landmark_sequence(_still(STRAIGHT), side, "palm_to_camera"))
    assert distal[1] < -0.99 and palmar[2] < -0.99  # fingers up, palm toward the lens
    assert radial[0] > 0.99 if side == "right" else radial[0] < -0.99
    _, radial, _ = _palm(landmark_sequence(_still(STRAIGHT), side, "ulnar"))
    assert radial[2] > 0.8  # thumb side away: the little-finger side faces the camera


@pytest.mark.parametrize("side", SIDES)
def test_elbow_at_side_neutral_is_thumb_up_palm_medial(side):
    distal, radial, palmar = _palm(landmark_sequence(_still(RELAXED), side, "elbow_at_side"))
    assert distal[2] < -0.99  # fingers point at the camera
    assert radial[1] < -0.99  # thumb up
    # Medial is the patient's other side: image right for a right arm (camera faces them).
    assert palmar[0] > 0.99 if side == "right" else palmar[0] < -0.99


@pytest.mark.parametrize("side", SIDES)
def test_elbow_at_side_forearm_rotation_turns_the_palm_vertical(side):
    ups = [_palm(landmark_sequence(_still(replace(RELAXED, forearm_rot=r)), side,
                                   "elbow_at_side"))[2] for r in (70.0, -70.0)]
    assert all(abs(p[1]) > 0.9 for p in ups)
    assert np.degrees(np.arccos(np.dot(*ups))) == pytest.approx(140.0, abs=1.0)


@pytest.mark.parametrize("side", SIDES)
def test_elbow_at_side_pronation_faces_the_palm_down(side):
    down = _palm(landmark_sequence(_still(replace(RELAXED, forearm_rot=70.0)), side,
                                   "elbow_at_side"))[2]
    up = _palm(landmark_sequence(_still(replace(RELAXED, forearm_rot=-70.0)), side,
                                 "elbow_at_side"))[2]
    assert down[1] > 0.9 and up[1] < -0.9


@pytest.mark.parametrize("side", SIDES)
def test_forearm_across_palm_down(side):
    distal, _, palmar = _palm(landmark_sequence(_still(RELAXED), side, "forearm_across"))
    assert palmar[1] > 0.99
    assert distal[0] > 0.99 if side == "right" else distal[0] < -0.99


@pytest.mark.parametrize("side", SIDES)
@pytest.mark.parametrize("flex", [60.0, -55.0])
def test_wrist_flexion_bends_the_hand_against_the_forearm(side, flex):
    seq = landmark_sequence(_still(replace(RELAXED, wrist_flex=flex)), side, "forearm_across",
                            with_elbow=True, forearm_mm=260.0)
    w = seq.world[0]
    forearm = w[0] - seq.elbow[0]
    assert np.linalg.norm(forearm) == pytest.approx(0.260)
    forearm /= np.linalg.norm(forearm)
    distal = (w[9] - w[0]) / np.linalg.norm(w[9] - w[0])
    # wrist->middle MCP is 3 deg off the hand's long axis, so allow 1.5 deg.
    assert np.degrees(np.arccos(forearm @ distal)) == pytest.approx(abs(flex), abs=1.5)
    # Toward the palm (down in the image, palm down at neutral) in flexion, up in extension.
    bend = distal - (distal @ forearm) * forearm
    assert np.sign(bend[1]) == np.sign(flex)


def test_random_drops_spans_and_hidden_elbow():
    track = _track("tendon_glides")
    t = track.times
    seq = landmark_sequence(track, drop_rate=0.25, drop_spans=[(2.0, 3.0)], seed=5,
                            with_elbow=True, elbow_hidden_spans=[(5.0, 6.5)])
    in_span = (t >= 2.0) & (t < 3.0)
    hidden = (t >= 5.0) & (t < 6.5)
    lost = ~seq.present
    assert np.all(np.isnan(seq.world[lost])) and not np.any(np.isnan(seq.world[~lost]))
    assert np.all(lost[in_span])
    assert lost[~in_span].mean() == pytest.approx(0.25, abs=0.05)
    assert np.all(np.isnan(seq.elbow[lost | hidden]))
    assert not np.any(np.isnan(seq.elbow[~(lost | hidden)]))
    assert np.any(hidden & ~lost)  # the hand stays visible while the elbow is hidden
    np.testing.assert_array_equal(seq.true_angles, track.true_angles())
    assert landmark_sequence(track).elbow is None
    assert landmark_sequence(track).present.all()


def test_noise_has_the_asked_spread_and_keeps_the_drops():
    track = _track("tendon_glides")
    clean = landmark_sequence(track, drop_rate=0.1, seed=2, with_elbow=True)
    noisy = landmark_sequence(track, drop_rate=0.1, seed=2, with_elbow=True, noise_mm=4.0)
    np.testing.assert_array_equal(clean.present, noisy.present)
    err = (noisy.world - clean.world)[noisy.present] * 1000.0
    assert err.std() == pytest.approx(4.0, rel=0.05)
    assert abs(err.mean()) < 0.2
    assert np.nanstd((noisy.elbow - clean.elbow) * 1000.0) == pytest.approx(4.0, rel=0.15)


def test_bad_arguments():
    track = _still(STRAIGHT)
    with pytest.raises(ValueError, match="placement"):
        landmark_sequence(track, placement="upside_down")
    with pytest.raises(ValueError, match="side"):
        landmark_sequence(track, side="both")
    with pytest.raises(ValueError, match="drop_rate"):
        landmark_sequence(track, drop_rate=1.5)


def test_build_track_is_unchanged():
    # Recorded from build_track("fist", seed=3) *before* it was rebuilt on
    # track_from_keyframes (commit 34697c0): frames 0, 40, 100 and the last of 356.
    v = np.stack([p.to_vector() for p in build_track("fist", seed=3).poses])
    assert v.shape == (356, 24)
    expected = np.array([
        [2.0, 3.0, 4.0, 5.0, 3.0, 3.5, 4.0, 4.5, 2.0, 2.3, 2.6, 2.9, 2.0, 0.6, 2.0, 3.0, 38.0,
         22.0, 15.0, 6.0, 4.0, -1.421624, -0.770264, 0.0],
        [62.880431, 55.848438, 62.044743, 61.322053, 69.308557, 70.222778, 67.569819,
         71.194234, 41.726381, 49.344793, 44.232776, 43.522059, 0.602094, 0.180628,
         0.602094, 0.90314, 11.095716, 54.732621, 3.225075, 32.78116, 22.762284, 1.682519,
         -1.824983, 0.0],
        [16.278623, 15.80571, 21.222068, 19.726541, 17.953978, 19.223962, 20.466314,
         24.618673, 11.027863, 13.14837, 14.731391, 10.862089, 1.662607, 0.498782, 1.662607,
         2.49391, 31.082098, 31.184118, 13.002332, 12.596933, 9.503247, 2.373226, -1.517362,
         0.0],
        [2.0, 3.0, 4.0, 5.0, 3.0, 3.5, 4.0, 4.5, 2.0, 2.3, 2.6, 2.9, 2.0, 0.6, 2.0, 3.0, 38.0,
         22.0, 15.0, 6.0, 4.0, 0.750436, -1.439939, 0.0],
    ])
    np.testing.assert_allclose(v[[0, 40, 100, -1]], expected, atol=2e-6)


def test_track_from_keyframes_follows_the_script_exactly():
    keys = [Keyframe(FULL_FIST, 0.5, 0.8), Keyframe(STRAIGHT, 0.4, 0.05),
            Keyframe(FULL_FIST, 0.3, 0.0)]
    track = track_from_keyframes("fist", keys, fps=30.0, lead_s=0.5, reps=2)
    assert track.reps == 2 and track.exercise == "fist"
    t = track.times
    assert t[-1] == pytest.approx(0.5 + 1.3 + 0.45 + 0.3, abs=1 / 30)
    truth = track.true_angles()
    np.testing.assert_allclose(truth[t < 0.5], STRAIGHT.true_angles()[None].repeat(
        np.sum(t < 0.5), 0))
    held = (t >= 1.3) & (t <= 1.8)
    np.testing.assert_allclose(truth[held], np.tile(FULL_FIST.true_angles(), (held.sum(), 1)))
    # The 0.05 s move back to straight lands within two frames.
    after = (t >= 1.8 + 2 / 30) & (t <= 2.25)
    np.testing.assert_allclose(truth[after], np.tile(STRAIGHT.true_angles(), (after.sum(), 1)))
    wrist = np.array([p.wrist_flex for p in track.poses])
    assert 0.0 < np.abs(wrist).max() <= 3.0  # the wander is there, and small
    jittered = track_from_keyframes("fist", keys, seed=4, jitter_deg=2.5).true_angles()
    assert not np.allclose(jittered[-1], FULL_FIST.true_angles())
    with pytest.raises(ValueError):
        track_from_keyframes("fist", [Keyframe(STRAIGHT, -1.0)])
