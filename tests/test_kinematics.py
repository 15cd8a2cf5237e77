"""Kinematics on analytic landmark sets with known angles."""

import numpy as np
import pytest

from helpers.analytic_hand import mirror, right_hand, rotation
from vision.kinematics import (
    flexion_angles,
    forearm_rotation,
    foreshortening,
    measure,
    palm_frame,
)
from vision.landmarks import angle_index
from vision.rom import HOLD_S, RomSummary

RNG = np.random.default_rng(7)
POSES = {
    "straight": np.zeros(14),
    "hook": np.r_[np.tile([5, 95, 70], 4), 10, 20],
    "full fist": np.r_[np.tile([85, 100, 65], 4), 40, 60],
    "tabletop": np.r_[np.tile([88, 3, 2], 4), 5, 5],
    "straight fist": np.r_[np.tile([85, 95, 8], 4), 20, 30],
    "uneven": np.array([10, 20, 30, 40, 50, 60, 70, 80, 10, 30, 60, 90, 25, 45.0]),
}


@pytest.mark.parametrize("name", POSES)
def test_known_angles_are_recovered(name):
    truth = POSES[name]
    np.testing.assert_allclose(flexion_angles(right_hand(truth), "right"), truth, atol=0.5)


@pytest.mark.parametrize("name", POSES)
def test_rotation_translation_and_scale_do_not_matter(name):
    truth = POSES[name]
    for _ in range(5):
        r = rotation(*RNG.uniform(-180, 180, 3))
        pts = right_hand(truth) @ r.T * RNG.uniform(0.0005, 2.0) + RNG.normal(size=3)
        np.testing.assert_allclose(flexion_angles(pts, "right"), truth, atol=0.5)


@pytest.mark.parametrize("name", POSES)
def test_left_hand_mirror_image_measures_the_same(name):
    truth = POSES[name]
    left = mirror(right_hand(truth)) @ rotation(30, -20, 50).T
    np.testing.assert_allclose(flexion_angles(left, "left"), truth, atol=0.5)


def test_wrong_chirality_turns_flexion_into_hyperextension():
    truth = POSES["hook"]
    wrong = flexion_angles(right_hand(truth), "left")
    assert np.all(wrong[:12] <= 0.5)
    assert wrong[angle_index("index", "pip")] == pytest.approx(-95, abs=0.5)


def test_hyperextension_is_negative():
    truth = np.zeros(14)
    truth[[0, 3, 6, 9]] = -30          # MCPs bent backwards
    truth[13] = -15                     # thumb IP hyperextended
    np.testing.assert_allclose(flexion_angles(right_hand(truth), "right"), truth, atol=0.5)


def test_abduction_does_not_leak_into_flexion_and_shows_as_spread():
    truth = POSES["straight"]
    spread_pose = right_hand(truth, abduction=np.array([15.0, 0.0, -10.0, -20.0]))
    np.testing.assert_allclose(flexion_angles(spread_pose, "right"), truth, atol=1.0)
    closed = measure(right_hand(truth), "right").spread
    opened = measure(spread_pose, "right").spread
    # index-middle, middle-ring, ring-little gaps open by 15, 10 and 10 degrees
    np.testing.assert_allclose(opened[1:] - closed[1:], [15, 10, 10], atol=1.0)


def test_fingertips_reach_the_palm_only_in_a_fist():
    open_hand = measure(right_hand(POSES["straight"]), "right")
    fist = measure(right_hand(POSES["full fist"]), "right")
    tabletop = measure(right_hand(POSES["tabletop"]), "right")
    assert np.all(open_hand.tip_to_palm[1:] > 1.0)
    assert np.all(fist.tip_to_palm[1:] < 0.6)
    assert np.all(tabletop.tip_to_palm[1:] > fist.tip_to_palm[1:])
    np.testing.assert_allclose(fist.tam, [250, 250, 250, 250], atol=1)


def test_palm_normal_points_out_of_the_palm():
    pts = right_hand(POSES["straight"])
    _, radial, palmar = palm_frame(pts, "right")
    np.testing.assert_allclose(palmar, [0, 0, 1], atol=1e-6)
    assert radial[0] > 0.9            # thumb side is +x for this right hand


def test_forearm_rotation_proxy_follows_the_palm():
    # forearm pointing at the camera (hand axis +z): reference is image-up
    axis = np.array([0.0, 0.0, 1.0])
    palm_up, palm_side, palm_down = [0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]
    assert forearm_rotation(np.array(palm_up), axis) == pytest.approx(0, abs=1)
    assert abs(forearm_rotation(np.array(palm_side), axis)) == pytest.approx(90, abs=1)
    assert abs(forearm_rotation(np.array(palm_down), axis)) == pytest.approx(180, abs=1)
    # fingers up (hand axis -y): palm to the camera is 0, turned sideways 90
    up_axis = np.array([0.0, -1.0, 0.0])
    assert forearm_rotation(np.array([0.0, 0.0, -1.0]), up_axis) == pytest.approx(0, abs=1)
    assert abs(forearm_rotation(np.array(palm_side), up_axis)) == pytest.approx(90, abs=1)
    # a hand turned about its own axis changes the proxy by the same amount
    pts = right_hand(POSES["straight"]) @ rotation(0, 0, 90).T
    m0 = measure(pts, "right").forearm_rotation
    m1 = measure(pts @ rotation(40, 0, 0).T, "right").forearm_rotation  # about z = its axis
    assert abs(m1 - m0) == pytest.approx(40, abs=1)


def test_fingers_pointing_at_the_camera_are_flagged():
    pts = right_hand(POSES["straight"])
    # camera looks along +z: project x, y only (orthographic, 1 px per mm)
    across = foreshortening(np.c_[pts[:, :2], np.zeros(21)], pts)
    assert np.all(across > 0.9)
    fist = right_hand(POSES["tabletop"])      # fingers bent 90 deg: point along +z
    toward = foreshortening(np.c_[fist[:, :2], np.zeros(21)], fist)
    assert np.all(toward < 0.5)


def _held(poses: list[np.ndarray], hold_s: float = 0.5) -> tuple[np.ndarray, np.ndarray]:
    """Each pose held for hold_s at 30 fps: the times and the (n, 14) readings."""
    frames = np.repeat(np.array(poses, float), int(hold_s * 30), axis=0)
    return np.arange(len(frames)) / 30.0, frames


def test_rom_and_tam():
    times, frames = _held([POSES["straight"], POSES["full fist"], POSES["hook"]])
    s = RomSummary.of(times, frames)
    np.testing.assert_allclose(s.hi[:3], [85, 100, 70])
    np.testing.assert_allclose(s.tam, [255] * 4)
    # a finger that never straightens loses its extension deficit (ASSH TAM)
    stiff = frames.copy()
    stiff[:, 1] = np.maximum(stiff[:, 1], 20)
    assert RomSummary.of(times, stiff).tam[0] == pytest.approx(235)
    assert np.all(np.isnan(RomSummary.of(times, np.full_like(frames, np.nan)).lo))


def test_a_flexion_read_for_a_moment_is_not_the_range():
    """One frame's reading (MediaPipe guessing a finger for a frame) is not the range; a
    flexion read in every frame for HOLD_S is; a frame without the hand ends a hold."""
    times, frames = _held([POSES["straight"], POSES["full fist"]], hold_s=1.0)
    fist_dip = POSES["full fist"][2]
    n = int(np.ceil(HOLD_S * 30)) + 1                 # frames that span HOLD_S at 30 fps
    for frames_read, counts in ((1, False), (n - 1, False), (n, True)):
        read = frames.copy()
        read[40:40 + frames_read, 2] = 110.0          # the index DIP
        assert RomSummary.of(times, read).hi[2] == pytest.approx(110 if counts else fist_dip)
    gap = frames.copy()
    gap[40:40 + n + 1, 2] = 110.0
    gap[40 + n // 2] = np.nan                         # the hand lost in the middle of it
    assert RomSummary.of(times, gap).hi[2] == pytest.approx(fist_dip)
    assert RomSummary.of(times, gap).lo[2] == pytest.approx(POSES["straight"][2])
