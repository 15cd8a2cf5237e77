"""Joint angles and hand measures from 21 hand landmarks (pure NumPy).

Convention (docs/clinical.md): flexion is 0 deg for a straight joint, positive toward
the palm, negative for hyperextension; the angle at a joint is that between its two bones,
with the wrist->MCP line as the proximal "bone" of a finger MCP.

Angles are always computed in 3D (2D image angles foreshorten badly when fingers point at
the camera). MediaPipe gives two 3D estimates of the same hand, and `hand_flexion`
averages the angles measured on both, because their errors run in opposite directions:
- world landmarks (metres) are pulled toward a relaxed, half-curled hand: a straight
  finger reads 20-38 deg at the PIP on real palm-facing footage, and tabletop and hook
  fists read too little flexion on rendered hands with known angles;
- image landmarks (pixels, with MediaPipe's relative depth z, "roughly the same scale as
  x") keep the very accurate 2D positions but exaggerate depth, so a fist viewed
  palm-on reads PIP 110-160 deg.
Their mean met both the real-footage checks (open < 25 deg, fist > 60 deg) and halved
the rendered-hand error of either alone (tests/test_rendered.py). At the PIP a third
estimate, the image's 2D positions with the world depth, is blended in where the finger
bends across the image (`hand_flexion`). 2D image positions are also used for
`foreshortening`, which flags fingers pointing at the camera, and for thumb-to-fingertip
distances (`thumb_to_tips`).

Finger joints are measured as *signed* angles in each finger's flexion plane: both bones
are projected onto the plane perpendicular to the finger's hinge axis (the lateral axis,
perpendicular to the palm normal and the wrist->MCP line). That separates flexion from
abduction at the MCP and gives hyperextension its negative sign, which an unsigned 3D
angle cannot.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from .accuracy import MIRROR_MIN, implausible
from .frame import ArmObservation, HandMeasures, HandObservation
from .landmarks import (
    FINGER_CHAINS,
    MCPS,
    N_ANGLES,
    PALM,
    THUMB_CHAIN,
    TIPS,
    WRIST,
    HandLandmark,
    Side,
)

_INDEX_MCP = HandLandmark.INDEX_FINGER_MCP
_MIDDLE_MCP = HandLandmark.MIDDLE_FINGER_MCP
_LITTLE_MCP = HandLandmark.PINKY_MCP
_EPS = 1e-9

#: a finger whose image length is under this share of its expected length points at the
#: camera; its angles are flagged as least reliable (docs/clinical.md, measurement error).
POINTING_AT_CAMERA = 0.5

#: Pose's wrist must lie within this many palm lengths (image) of the hand's wrist: Pose
#: sometimes draws a small person inside a close-up hand, whose "elbow" is not an elbow.
ARM_WRIST_MATCH = 0.6


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.maximum(np.sqrt(_dot(v, v)), _EPS)[..., None]


def _cross(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a x b over the last axis. np.cross costs ~15 us of bookkeeping per call on these
    tiny arrays, which added up to a tenth of MediaPipe's own time per frame."""
    a0, a1, a2 = a[..., 0], a[..., 1], a[..., 2]
    b0, b1, b2 = b[..., 0], b[..., 1], b[..., 2]
    out = np.empty(np.broadcast_shapes(a.shape, b.shape))
    out[..., 0] = a1 * b2 - a2 * b1
    out[..., 1] = a2 * b0 - a0 * b2
    out[..., 2] = a0 * b1 - a1 * b0
    return out


def _dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.einsum("...i,...i->...", a, b)


def _palm_frames(pts: np.ndarray, chirality: Side
                 ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """palm_frame for a stack of hands: pts (k, 21, 3) -> three (k, 3) unit axes."""
    wrist = pts[:, WRIST]
    distal = _unit(pts[:, _MIDDLE_MCP] - wrist)
    across = pts[:, _INDEX_MCP] - pts[:, _LITTLE_MCP]  # ulnar -> radial
    normal = _cross(pts[:, _INDEX_MCP] - wrist, pts[:, _LITTLE_MCP] - wrist)
    # For right-hand geometry in a right-handed frame, (wrist->index) x (wrist->little)
    # points out of the palm; a left hand is its mirror image.
    palmar = _unit(normal if chirality == "right" else -normal)
    radial = _unit(across - _dot(across, distal)[:, None] * distal)
    palmar = _unit(palmar - _dot(palmar, distal)[:, None] * distal
                   - _dot(palmar, radial)[:, None] * radial)
    return distal, radial, palmar


def palm_frame(world: np.ndarray, chirality: Side) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Orthonormal palm axes: (distal, radial, palmar), each a unit 3-vector.

    distal: wrist -> middle MCP. palmar: out of the palm (the direction fingers flex).
    The palm plane is spanned by wrist->index MCP and wrist->little MCP; which side of it is
    palmar depends on the hand's chirality (a left hand is a mirror image of a right hand).
    """
    distal, radial, palmar = _palm_frames(np.asarray(world, dtype=float)[None], chirality)
    return distal[0], radial[0], palmar[0]


def _signed_angle(a: np.ndarray, b: np.ndarray, axis: np.ndarray) -> np.ndarray:
    """Signed angle (deg) from a to b about `axis`, after projecting both onto its normal plane.

    a, b: (..., 3); axis: (..., 3) unit vectors. Positive is counter-clockwise about axis.
    """
    a_p = a - _dot(a, axis)[..., None] * axis
    b_p = b - _dot(b, axis)[..., None] * axis
    return np.degrees(np.arctan2(_dot(_cross(a_p, b_p), axis), _dot(a_p, b_p)))


def _flexion(pts: np.ndarray, radial: np.ndarray, palmar: np.ndarray) -> np.ndarray:
    """(k, 14) flexion angles of a stack of hands (k, 21, 3) with their palm axes (k, 3)."""
    k = len(pts)
    out = np.empty((k, N_ANGLES))
    # Fingers: chain points wrist, MCP, PIP, DIP, tip -> bones b0..b3 (b0 = wrist->MCP).
    chains = pts[:, FINGER_CHAINS]                        # (k, 4, 4, 3)
    bones = np.empty((k, 4, 4, 3))
    bones[:, :, 0] = chains[:, :, 0] - pts[:, WRIST, None]
    bones[:, :, 1:] = chains[:, :, 1:] - chains[:, :, :-1]
    # Hinge axis per finger: perpendicular to the palm normal and the finger's line.
    # Rotating a bone p about (p x palmar) turns it toward the palm: flexion is positive.
    hinge = _hinges(pts, palmar)                          # (k, 4, 3)
    out[:, :12] = _signed_angle(bones[:, :, :3], bones[:, :, 1:],
                                hinge[:, :, None, :]).reshape(k, 12)
    # Thumb: CMC->MCP (metacarpal), MCP->IP, IP->tip. Its hinge axis turns with opposition,
    # so the magnitude is the plain 3D angle and only the sign comes from the hand: a thumb
    # flexes toward the palm and across it (palmar and ulnar); hyperextension goes the
    # other way.
    chain = pts[:, THUMB_CHAIN]
    tb = _unit(chain[:, 1:] - chain[:, :-1])              # (k, 3, 3) unit bones
    toward = _unit(palmar - radial)[:, None, :]
    a, b = tb[:, :2], tb[:, 1:]
    cos = np.clip(_dot(a, b), -1.0, 1.0)
    magnitude = np.degrees(np.arccos(cos))
    deviation = b - cos[..., None] * a
    out[:, 12:] = np.where(_dot(deviation, toward) < 0, -magnitude, magnitude)
    return out


def flexion_angles(world: np.ndarray, chirality: Side) -> np.ndarray:
    """The 14 flexion angles (deg) in `landmarks.ANGLE_NAMES` order.

    world: (21, 3) landmarks in any consistent right-handed metric frame (MediaPipe world
    landmarks, or a model's joint centres). Scale and rotation do not matter.
    """
    pts = np.asarray(world, dtype=float)[None]
    _, radial, palmar = _palm_frames(pts, chirality)
    return _flexion(pts, radial, palmar)[0]


def _hinges(pts: np.ndarray, palmar: np.ndarray) -> np.ndarray:
    """(k, 4, 3) unit hinge axis of each finger: wrist->MCP x palm normal."""
    return _unit(_cross(pts[:, MCPS] - pts[:, WRIST, None],
                        palmar[:, None, :]))


def _unwrap(angles: np.ndarray) -> np.ndarray:
    """Map angles to (-90, 270] deg: no joint hyperextends by 90 deg, so a reading of
    -170 is a flexion past 180 (an exaggerated depth estimate), not a bend backwards."""
    return np.where(angles <= -90.0, angles + 360.0, angles)


@dataclass(frozen=True, slots=True)
class FlexionEstimates:
    """The flexion (14,) deg that MediaPipe's two 3D estimates of one hand read, and the
    world landmarks' palm axes (3,): what `hand_flexion` blends, and what the learned
    correction (vision.angle_model) reads.

    world: from the world landmarks. image: from the image landmarks (pixels with
    MediaPipe's relative depth). image_xy: the image's x, y in metres with the world depth.
    blended: `hand_flexion`. image_reversed: the image landmarks were read as the mirror
    image of the hand (their depth back to front, `_read_mirrored`).
    """

    world: np.ndarray
    image: np.ndarray
    image_xy: np.ndarray
    blended: np.ndarray
    distal: np.ndarray
    radial: np.ndarray
    palmar: np.ndarray
    image_reversed: bool = False


def hand_flexion(world: np.ndarray, image: np.ndarray, chirality: Side) -> np.ndarray:
    """The 14 flexion angles (deg): mean of the world- and image-landmark estimates, with
    the PIP leaning on the image's 2D positions where the finger bends in the image plane.

    image: (21, 3) pixels x, y and MediaPipe's relative depth z scaled like x. See the
    module docstring for why both are used. A third estimate keeps the image's x, y (the
    most accurate thing MediaPipe gives) in metres with the world landmarks' depth (which
    does not exaggerate). It is trusted at the PIP in proportion to hinge_z^2, the squared
    depth component of the finger's hinge axis: 1 when the finger bends across the image
    (its flexion is then all in x, y), 0 when it bends toward the lens (palm-on, where the
    2D positions say nothing about flexion and the plain mean is kept). The MCP is left
    out: its proximal "bone" starts at the wrist, whose 2D position is the least defined.
    """
    return flexion_estimates(world, image, chirality).blended


def flexion_estimates(world: np.ndarray, image: np.ndarray, chirality: Side
                      ) -> FlexionEstimates:
    """All three estimates and their blend, computed as one stack (a third of the NumPy
    calls of three separate passes)."""
    pts = np.stack((world, image, _image_xy_world_z(world, image)))
    distal, radial, palmar = _palm_frames(pts, chirality)
    flex = _unwrap(_flexion(pts, radial, palmar))
    bad = implausible(flex).sum(axis=1)
    flipped = _read_mirrored(pts, flex, radial, palmar, bad) if bad.max() >= MIRROR_MIN \
        else None
    mean = (flex[0] + flex[1]) / 2.0
    weight = _hinges(pts[:1], palmar[:1])[0, :, 2] ** 2
    pip = slice(1, 12, 3)
    mean[pip] = weight * flex[2, pip] + (1.0 - weight) * mean[pip]
    return FlexionEstimates(flex[0], flex[1], flex[2], mean, distal[0], radial[0], palmar[0],
                            flipped is not None and bool(flipped[1]))


def _read_mirrored(pts: np.ndarray, flex: np.ndarray, radial: np.ndarray,
                   palmar: np.ndarray, bad: np.ndarray) -> np.ndarray:
    """Re-read, in place, the estimates of a stack that see the hand mirrored while
    another sees it as named; (3,) bool, those re-read.

    An edge-on hand's depth is ambiguous and MediaPipe's two estimates can take opposite
    sides of it: on rendered tabletops from the little-finger side the image landmarks'
    palm turned over for 0.5-0.8 s at a time while the world landmarks' did not, the
    image read MCPs of -67 to -88 deg for a true 84-88 and the blend of the two about 0.
    An estimate with MIRROR_MIN or more finger joints beyond what a joint can do, fewer
    when read as the other hand (its palm normal reversed), is read so. When every
    estimate is mirrored the whole frame is, which vision.measurer handles with the
    hand's name.
    """
    other = palmar.copy()
    other[bad >= MIRROR_MIN] *= -1.0
    alt = _unwrap(_flexion(pts, radial, other))
    fewer = implausible(alt).sum(axis=1) < bad
    flip = fewer & (bad >= MIRROR_MIN)
    if flip.all():
        return np.zeros(len(flip), dtype=bool)
    flex[flip] = alt[flip]
    palmar[flip] = other[flip]
    return flip


def _image_xy_world_z(world: np.ndarray, image: np.ndarray) -> np.ndarray:
    """Image x, y converted to metres (least-squares scale against the world x, y, which
    share the camera's axes) with the world depth."""
    w = world[:, :2] - world[:, :2].mean(axis=0)
    i = image[:, :2] - image[:, :2].mean(axis=0)
    scale = max(float(np.sum(w * i)) / max(float(np.sum(w * w)), _EPS), _EPS)
    out = np.empty((21, 3))
    out[:, :2] = image[:, :2] / scale
    out[:, 2] = world[:, 2]
    return out


def palm_length(world: np.ndarray) -> float:
    """Wrist to middle-finger MCP distance: the scale used to normalise distances."""
    return float(np.linalg.norm(world[_MIDDLE_MCP] - world[WRIST]))


def palm_centre(world: np.ndarray) -> np.ndarray:
    """Mean of the wrist and the four finger MCPs: the point a fist's fingertips reach."""
    return world[PALM].mean(axis=0)


def finger_spread(world: np.ndarray, chirality: Side, palmar: np.ndarray | None = None
                  ) -> np.ndarray:
    """Angles (deg) between neighbouring digits, measured in the palm plane.

    palmar: the palm normal when already known (palm_frame), else computed here."""
    if palmar is None:
        _, _, palmar = palm_frame(world, chirality)
    dirs = np.empty((5, 3))
    dirs[0] = world[THUMB_CHAIN[1]] - world[THUMB_CHAIN[0]]
    dirs[1:] = world[FINGER_CHAINS[:, 1]] - world[FINGER_CHAINS[:, 0]]
    axis = np.broadcast_to(palmar, (4, 3))
    return np.abs(_signed_angle(dirs[:-1], dirs[1:], axis))


def forearm_rotation(palm_normal: np.ndarray, distal: np.ndarray) -> float:
    """Rotation of the palm about the hand's long axis (deg, -180..180), a forearm proxy.

    Measured from a reference direction perpendicular to the hand axis: toward the camera
    (-z), or image-up (-y) when the hand points at the camera and that projection vanishes.
    0 = palm facing the reference. Only changes of this angle are meaningful clinically
    (pronation/supination range): the forearm itself is not tracked, so wrist deviation and
    camera tilt leak into it, and its sign depends on the side of the hand.
    """
    toward_camera = np.array([0.0, 0.0, -1.0])
    ref = toward_camera - np.dot(toward_camera, distal) * distal
    if np.linalg.norm(ref) < 0.3:
        up = np.array([0.0, -1.0, 0.0])
        ref = up - np.dot(up, distal) * distal
    ref = _unit(ref)
    second = _cross(distal, ref)
    return float(np.degrees(np.arctan2(np.dot(palm_normal, second), np.dot(palm_normal, ref))))


class FlexionModel(Protocol):
    """What turns the estimates of one frame into the flexion HandCoach reports
    (vision.angle_model.AngleModel)."""

    def flexion(self, world: np.ndarray, image: np.ndarray, chirality: Side,
                est: FlexionEstimates) -> np.ndarray: ...


def measure(world: np.ndarray, chirality: Side, image: np.ndarray | None = None,
            forearm: np.ndarray | None = None, model: FlexionModel | None = None
            ) -> HandMeasures:
    """All per-frame measures for one hand.

    world: (21, 3) metres. image: (21, 3) pixels with scaled depth; when given, flexion is
    `hand_flexion` (both estimates), or `model`'s reading of them, and fingers pointing at
    the camera are flagged; otherwise the world landmarks alone are used. forearm: (3,)
    elbow -> wrist direction, for wrist flexion.
    """
    blend, reversed_ = None, False
    if image is None:
        flex = flexion_angles(world, chirality)
        distal, _, palmar = palm_frame(world, chirality)
    else:
        est = flexion_estimates(world, image, chirality)
        if model is not None:
            flex, blend = model.flexion(world, image, chirality, est), est.blended
        else:
            flex = est.blended
        distal, palmar, reversed_ = est.distal, est.palmar, est.image_reversed
    scale = max(palm_length(world), _EPS)
    tips = world[TIPS]
    return HandMeasures(
        flexion=flex,
        spread=finger_spread(world, chirality, palmar),
        palm_normal=palmar,
        forearm_rotation=forearm_rotation(palmar, distal),
        tip_to_palm=np.linalg.norm(tips - palm_centre(world), axis=1) / scale,
        thumb_to_tips=thumb_to_tips(world, image),
        tam=flex[:12].reshape(4, 3).sum(axis=1),
        pointing=None if image is None else foreshortening(image, world) < POINTING_AT_CAMERA,
        wrist_flexion=None if forearm is None else wrist_flexion(forearm, world, chirality),
        blend=blend,
        image_reversed=reversed_,
    )


def thumb_to_tips(world: np.ndarray, image: np.ndarray | None = None) -> np.ndarray:
    """Thumb tip to index..little tip distances, in palm lengths.

    With image landmarks this is measured in 2D, on the image, scaled by the palm's own
    pixels per metre (as in `foreshortening`): the world landmarks pull the thumb toward
    a canonical pose, and the image depth exaggerates, so that on real pinch footage
    (selfie_pinch_5) and rendered oppositions the world distance of a touching thumb and
    fingertip read 0.6-0.9 palm lengths, the 2D one 0.1-0.4. The price is that a thumb
    in front of a fingertip, along the line of sight, also reads as touching.
    """
    scale = max(palm_length(world), _EPS)
    if image is None:
        return np.linalg.norm(world[TIPS[1:]] - world[TIPS[0]], axis=1) / scale
    px_per_m = _palm_px_per_m(image, world)
    d = np.linalg.norm(image[TIPS[1:], :2] - image[TIPS[0], :2], axis=1)
    return d / max(px_per_m * scale, _EPS)


_PALM_TRIANGLE = (np.array([WRIST, WRIST, _INDEX_MCP]), np.array([_INDEX_MCP, _LITTLE_MCP,
                                                                    _LITTLE_MCP]))


def _palm_px_per_m(image: np.ndarray, world: np.ndarray) -> float:
    """Image scale of the hand from the palm triangle (wrist, index and little MCPs),
    which rarely points at the camera as a whole."""
    a, b = _PALM_TRIANGLE
    d_img = image[a, :2] - image[b, :2]
    d_world = world[a] - world[b]
    img_ref = float(np.sqrt(_dot(d_img, d_img)).sum())
    world_ref = float(np.sqrt(_dot(d_world, d_world)).sum())
    return img_ref / max(world_ref, _EPS)


def wrist_flexion(forearm: np.ndarray, world: np.ndarray, chirality: Side) -> float:
    """Wrist flexion (deg): + toward the palm, - extension, 0 hand in line with the forearm.

    forearm: (3,) elbow -> wrist direction in camera-aligned axes (from MediaPipe Pose;
    the hand landmarks have no forearm). The hand's direction is wrist ->
    middle MCP; the angle is signed by the palm normal, measured in the plane that holds
    the forearm and the palm normal, so that radial/ulnar deviation does not leak in.
    """
    distal, _, palmar = palm_frame(world, chirality)
    # Flexion turns the hand's distal axis toward its palmar axis about distal x palmar,
    # an axis that the wrist's own flexion does not move.
    axis = _unit(_cross(distal, palmar))
    return float(_signed_angle(_unit(np.asarray(forearm, dtype=float)), distal, axis))


def foreshortening(image: np.ndarray, world: np.ndarray) -> np.ndarray:
    """Per finger (index..little): image length / expected image length of its phalanges.

    Near 1 when the finger lies across the view, small when it points at the camera (its
    2D projection shrinks while its 3D length does not). The expected length scales the
    world length by the palm's own image/world ratio (wrist to index and little MCP, which
    rarely point at the camera together). Values < 0.5 mean the finger is pointing at the
    camera and its angles are least reliable.
    """
    px_per_m = _palm_px_per_m(image, world)
    chains = FINGER_CHAINS
    img_len = np.linalg.norm(np.diff(image[chains][..., :2], axis=1), axis=2).sum(axis=1)
    world_len = np.linalg.norm(np.diff(world[chains], axis=1), axis=2).sum(axis=1)
    return img_len / np.maximum(world_len * px_per_m, _EPS)


def arm_forearm(arm: ArmObservation | None, hand: HandObservation) -> np.ndarray | None:
    """The elbow -> wrist direction of `arm` when its wrist is `hand`'s wrist, else None."""
    if arm is None:
        return None
    image = hand.image
    palm_px = float(np.linalg.norm(image[_MIDDLE_MCP, :2] - image[WRIST, :2]))
    if np.linalg.norm(arm.wrist_px - image[WRIST, :2]) > ARM_WRIST_MATCH * palm_px:
        return None
    return arm.wrist - arm.elbow
