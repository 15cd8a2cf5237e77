"""Synthetic MediaPipe-like world-landmark sequences with exactly known content.

The exercise engine consumes per-frame (21, 3) world landmarks. Rendering video and running
MediaPipe is slow and adds tracker error of its own; these sequences skip both, so that a
test can script exactly what happens (noise, dropped frames, partial or too-fast
repetitions, a wrong starting position) and know the true angles of every frame.

Landmarks come from the kinematic hand model (`hand_model.skeleton`), are placed in front
of the camera by a fixed *placement* (the patient's posture relative to the camera) and
are centred on the hand like MediaPipe's world landmarks. Camera axes: x right, y down,
z away from the camera; metres. Images are not mirrored: a right hand held palm-on with
the fingers up has its thumb on the image's right.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from vision.frame import HandFrame, HandObservation, WristAngles
from vision.kinematics import measure
from vision.landmarks import PALM, WRIST, Side
from vision.wrist import wrist_angles_3d

from .hand_model import HandGeometry, skeleton
from .motions import MotionTrack

#: Right-hand placements: the rotation taking the forearm frame (x radial, y distal, z
#: palmar at neutral wrist and forearm; the forearm along -y) to camera axes. Its columns
#: are where the radial, distal and palmar directions end up. A left hand uses the mirror
#: image of the scene (`placement_rotation`).
PLACEMENTS: dict[str, np.ndarray] = {
    # Hand raised in front of the camera, fingers up, palm toward the lens, forearm
    # running down the image: the usual view for finger exercises.
    "palm_to_camera": np.diag([1.0, -1.0, -1.0]),
    # elbow at the side, forearm pointing at the camera, thumb up (handshake position):
    # radial -> up, distal -> toward the camera, palmar -> image right (the patient's
    # left, i.e. medial for a right arm). The standard pronation/supination position.
    "elbow_at_side": np.array([[0.0, 0.0, 1.0], [-1.0, 0.0, 0.0], [0.0, -1.0, 0.0]]),
    # Forearm lying across the image (pointing right for a right hand), palm down, seen
    # from the little-finger side: radial -> away, distal -> image right, palmar -> down.
    # Wrist flexion then moves the fingers down in the image, extension up.
    "forearm_across": np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]),
}

#: scene.py's default "ulnar" render view (yaw -65, pitch 10, roll 8 deg): palm-on turned
#: so that the little-finger side faces the camera, where MediaPipe tracks flexion best.
_ULNAR = (-65.0, 10.0, 8.0)

#: landmarks whose mean is the origin: wrist and the four finger MCPs (MediaPipe's world
#: origin is the hand's approximate centre).
_CENTRE = PALM
#: the pretend camera image of `LandmarkSequence.frames`: 640x480, a hand at arm's length
#: (~2000 px per metre), centred.
_IMAGE = (640, 480)
_PX_PER_M = 2000.0


def _euler(yaw: float, pitch: float, roll: float) -> np.ndarray:
    """Rz(roll) @ Rx(pitch) @ Ry(yaw), degrees, camera axes (as synthetic/scene.py)."""
    y, p, r = np.radians([yaw, pitch, roll])
    ry = np.array([[np.cos(y), 0.0, np.sin(y)], [0.0, 1.0, 0.0], [-np.sin(y), 0.0, np.cos(y)]])
    rx = np.array([[1.0, 0.0, 0.0], [0.0, np.cos(p), -np.sin(p)], [0.0, np.sin(p), np.cos(p)]])
    rz = np.array([[np.cos(r), -np.sin(r), 0.0], [np.sin(r), np.cos(r), 0.0], [0.0, 0.0, 1.0]])
    return rz @ rx @ ry


def placement_rotation(placement: str | tuple[float, float, float],
                       side: Side = "right") -> np.ndarray:
    """(3, 3) rotation from the forearm frame (mm axes of `skeleton`) to camera axes.

    Named placements (what the patient does):
    - "palm_to_camera": hand up, fingers pointing up in the image, palm facing the camera.
    - "ulnar": palm-on turned 65 deg so the little-finger side faces the camera (plus the
      10 deg pitch and 8 deg roll of synthetic/scene.py's default view).
    - "elbow_at_side": elbow bent 90 deg at the patient's side, forearm horizontal and
      pointing at the camera, thumb up at neutral forearm rotation, palm facing medially.
      Anatomically, pronation turns this palm down (+y) and supination up (-y); note that
      hand_model's `forearm_rot` currently turns it the other way (tests/test_sequences.py).
    - "forearm_across": forearm resting horizontally across the image, seen from the
      little-finger side, palm down at neutral: wrist flexion moves the fingers down.
    A tuple (yaw, pitch, roll) in degrees tilts "palm_to_camera" like scene.py's views:
    positive yaw turns the thumb side toward the lens.

    A left hand gets the mirror image (about the image's vertical midline) of the right
    hand's scene, so its thumb side is on the other side of the image; since `skeleton`
    already mirrors the hand itself, the rotation is M R M with M = diag(-1, 1, 1).
    """
    if side not in ("left", "right"):
        raise ValueError(f"unknown side {side!r}; expected 'left' or 'right'")
    if isinstance(placement, str):
        if placement == "ulnar":
            rot = _euler(*_ULNAR) @ PLACEMENTS["palm_to_camera"]
        elif placement in PLACEMENTS:
            rot = PLACEMENTS[placement]
        else:
            names = ", ".join([*PLACEMENTS, "ulnar"])
            raise ValueError(f"unknown placement {placement!r}; expected one of: {names}, "
                             "or (yaw, pitch, roll) degrees")
    else:
        yaw, pitch, roll = (float(a) for a in placement)
        rot = _euler(yaw, pitch, roll) @ PLACEMENTS["palm_to_camera"]
    if side == "left":
        mirror = np.diag([-1.0, 1.0, 1.0])
        rot = mirror @ rot @ mirror
    return rot


@dataclass(frozen=True)
class LandmarkSequence:
    """World landmarks of a synthetic clip, with the truth that produced them.

    times: (n,) seconds. world: (n, 21, 3) metres, camera axes, origin at the mean of the
    wrist and the four MCPs; rows are all-NaN where the frame is dropped (no hand found).
    elbow: (n, 3) elbow in the same frame as `world`, NaN where dropped or hidden; None
    when not requested. chirality: the landmark geometry's hand, for `vision.kinematics`.
    true_angles: (n, 14) true flexion (deg, ANGLE_NAMES order), also for dropped frames.
    """

    times: np.ndarray
    world: np.ndarray
    elbow: np.ndarray | None
    chirality: Side
    true_angles: np.ndarray
    track: MotionTrack

    @property
    def present(self) -> np.ndarray:
        """(n,) bool: frames where a hand was "found"."""
        return ~np.isnan(self.world).any(axis=(1, 2))

    def frames(self, hands_in_view: Sequence[int] | None = None) -> Iterator[HandFrame]:
        """Each frame as the per-frame path hands it to the engine: measured from the
        world landmarks (and, with the elbow, the wrist against the forearm in 3-D, as
        if both motions were in view), or without a hand where dropped. hands_in_view:
        per frame, how many hands the camera saw (default 1)."""
        w, h = _IMAGE
        for i, t in enumerate(self.times):
            world = self.world[i]
            if np.isnan(world).any():
                yield HandFrame(float(t), w, h, None)
                continue
            forearm = wrist = None
            if self.elbow is not None and not np.isnan(self.elbow[i]).any():
                forearm = world[WRIST] - self.elbow[i]
                flexion, deviation = wrist_angles_3d(forearm, world, self.chirality)
                wrist = WristAngles(flexion, deviation, "pose",
                                    float(np.degrees(np.arctan2(forearm[1], forearm[0]))))
            image = world * _PX_PER_M + (w / 2, h / 2, 0.0)
            hand = HandObservation(image=image, world=world, side=self.chirality,
                                   chirality=self.chirality, score=1.0)
            n = 1 if hands_in_view is None else int(hands_in_view[i])
            others = (hand,) * max(n - 1, 0)
            yield HandFrame(float(t), w, h, hand, others,
                            measures=measure(world, self.chirality, forearm=forearm),
                            wrist=wrist)


def _in_spans(times: np.ndarray, spans: Sequence[tuple[float, float]]) -> np.ndarray:
    """Frames with t0 <= t < t1 for any (t0, t1)."""
    mask = np.zeros(len(times), dtype=bool)
    for t0, t1 in spans:
        mask |= (times >= t0) & (times < t1)
    return mask


def landmark_sequence(track: MotionTrack, side: Side = "right",
                      placement: str | tuple[float, float, float] = "palm_to_camera",
                      noise_mm: float = 0.0, drop_rate: float = 0.0,
                      drop_spans: Sequence[tuple[float, float]] = (), seed: int = 0,
                      with_elbow: bool = False, forearm_mm: float = 250.0,
                      elbow_hidden_spans: Sequence[tuple[float, float]] = (),
                      geometry: HandGeometry | None = None) -> LandmarkSequence:
    """World landmarks for every pose of `track`, as MediaPipe would report them.

    placement: see `placement_rotation`; fixed for the clip (the forearm rests while the
    hand moves). noise_mm: std of independent Gaussian noise on every coordinate of every
    landmark (and of the elbow) in every frame. drop_rate: probability that a frame is
    dropped; drop_spans: (t0, t1) seconds, t0 <= t < t1, dropped entirely. The elbow lies
    `forearm_mm` from the wrist along the forearm; elbow_hidden_spans hide it (NaN) while
    the hand stays visible, as when it leaves the picture. Noise and random drops come
    from separate streams of `seed`, so changing noise_mm keeps the same dropped frames.
    """
    if not 0.0 <= drop_rate <= 1.0:
        raise ValueError(f"drop_rate must be within [0, 1], got {drop_rate}")
    if noise_mm < 0:
        raise ValueError(f"noise_mm must not be negative, got {noise_mm}")
    rot = placement_rotation(placement, side)
    joints = np.stack([skeleton(p, geometry, side).joints for p in track.poses])  # mm
    world = joints @ rot.T / 1000.0
    centre = world[:, _CENTRE].mean(axis=1, keepdims=True)
    world -= centre
    # The wrist landmark is the forearm frame's origin whatever the pose.
    elbow = rot @ np.array([0.0, -forearm_mm, 0.0]) / 1000.0 - centre[:, 0]

    noise_rng, drop_rng = (np.random.default_rng(s)
                           for s in np.random.SeedSequence(seed).spawn(2))
    n = len(track.times)
    if noise_mm > 0:
        noise = noise_rng.normal(0.0, noise_mm / 1000.0, (n, 22, 3))
        world += noise[:, :21]
        elbow += noise[:, 21]
    dropped = (drop_rng.random(n) < drop_rate) | _in_spans(track.times, drop_spans)
    world[dropped] = np.nan
    elbow[dropped | _in_spans(track.times, elbow_hidden_spans)] = np.nan
    return LandmarkSequence(times=track.times.copy(), world=world,
                            elbow=elbow if with_elbow else None, chirality=side,
                            true_angles=track.true_angles(), track=track)
