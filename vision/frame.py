"""The data that flows through the per-frame path, one shape per thing.

    frame = tracker.process(t, rgb)     # HandFrame: landmarks as MediaPipe saw them
    frame = smoother.update(frame)      # the same HandFrame type, landmarks smoothed
    frame = measurer.update(frame)      # ... with `measures` filled in
    frame = viewer.update(frame)        # ... with `view`: how the hand faces the camera
    frame = wrist.update(frame, rgb)    # ... with `wrist` (wrist exercises only)
    engine.update(frame)

Every stage takes a HandFrame and returns a new one (frozen: a stage never changes what an
earlier stage or another thread holds); fields a stage has not filled yet are None.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .landmarks import Side


@dataclass(frozen=True, slots=True)
class HandObservation:
    """One hand that the tracker saw in one frame.

    image: (21, 3) pixels (x right, y down; z is MediaPipe's relative depth scaled like x).
    world: (21, 3) metres, origin near the hand's centre, same axes as the camera.
    side: the patient's anatomical hand, already corrected for a mirrored view.
    chirality: which hand the *landmark geometry* is (a mirror image of a right hand has
        left-hand geometry); kinematics needs this to tell palm from back of hand.
    """

    image: np.ndarray
    world: np.ndarray
    side: Side
    chirality: Side
    score: float


@dataclass(frozen=True, slots=True)
class ArmObservation:
    """The elbow and wrist of one arm in one frame (MediaPipe Pose).

    side: the patient's anatomical arm, already corrected for a mirrored view.
    elbow, wrist: (3,) Pose world landmarks, metres; origin between the hips, axes aligned
        with the camera (x right, y down, z away), so `wrist - elbow` is the forearm.
    elbow_px, wrist_px: (2,) image pixels (x right, y down).
    visibility: the least of the elbow's and wrist's visibility and in-frame presence (0..1).
    """

    side: Side
    elbow: np.ndarray
    wrist: np.ndarray
    elbow_px: np.ndarray
    wrist_px: np.ndarray
    visibility: float


@dataclass(frozen=True, slots=True)
class HandMeasures:
    """Everything kinematics derives from one frame's landmarks.

    flexion: (14,) deg, ANGLE_NAMES order.
    spread: (4,) deg, angle in the palm plane between adjacent fingers' proximal phalanges:
        thumb-index (thumb metacarpal vs index), index-middle, middle-ring, ring-little.
    palm_normal: (3,) unit vector out of the palm, camera axes (x right, y down, z away).
    forearm_rotation: deg, rotation of the palm about the hand's long axis (see
        `kinematics.forearm_rotation`); its range over a rep is the pronation/supination
        proxy.
    tip_to_palm: (5,) thumb..little tip distance to the palm centre / palm length.
    thumb_to_tips: (4,) thumb tip to index..little tip distance / palm length.
    tam: (4,) index..little sum of MCP+PIP+DIP flexion, deg.
    pointing: (4,) bool per finger index..little, True where it points at the camera (its
        angles are the least reliable).
    wrist_flexion: deg (+ flexion, - extension); None without arm tracking or when the
        elbow is not in view.
    view: which way the hand faces the camera (vision.views.VIEWS), None unknown.
    error_deg: (14,) the measured mean error of each flexion reading in this view
        (vision.accuracy), None where not measured.
    trusted: (14,) bool, the readings ROM and TAM may rest on (vision.measurer); None:
        all of them (measures made without image landmarks or without a table).
    blend: (14,) deg, the estimate before the learned correction (vision.angle_model):
        exercises recognise positions on it, since the library's ranges were measured on
        it and its counts checked on every real clip; None: `flexion` is the blend.
    image_reversed: the image landmarks' depth was read back to front against the world
        landmarks' (vision.kinematics reads them as the mirror image): their depth order
        is reversed too.
    """

    flexion: np.ndarray
    spread: np.ndarray
    palm_normal: np.ndarray
    forearm_rotation: float
    tip_to_palm: np.ndarray
    thumb_to_tips: np.ndarray
    tam: np.ndarray
    pointing: np.ndarray | None = None
    wrist_flexion: float | None = None
    view: str | None = None
    error_deg: np.ndarray | None = None
    trusted: np.ndarray | None = None
    blend: np.ndarray | None = None
    image_reversed: bool = False

    @property
    def pose_flexion(self) -> np.ndarray:
        """The angles positions are recognised on (see `blend`)."""
        return self.flexion if self.blend is None else self.blend


@dataclass(frozen=True, slots=True)
class HandView:
    """How the hand is turned, toward the camera and toward the floor (vision.occlusion).

    facing: "side" (seen edge-on: the thumb or little-finger side toward the camera),
        "face" (the palm or the back of the hand toward it) or None in between; tracked
        with hysteresis, so it does not flicker while fingers move.
    knuckle_deg: this frame's angle of the knuckle line (index -> little MCP) out of the
        image plane, deg: 0 palm- or back-on, 90 edge-on.
    readable: (4,) bool per finger index..little; False where the reading is a guess (a
        finger hidden behind a nearer straight finger in an edge-on view: MediaPipe then
        returns a half-curled prior, not what the finger does).
    palm_rotation: deg of the palm from facing the floor, measured about the hand's long
        axis (0 palm down, 90 thumb up, 180 palm up), median-filtered; None when the hand
        points straight up or down (undefined).
    """

    facing: str | None
    knuckle_deg: float
    readable: np.ndarray
    palm_rotation: float | None


@dataclass(frozen=True, slots=True)
class WristAngles:
    """The wrist against the forearm, in one frame (vision.wrist).

    flexion: deg, + toward the palm, - extension; deviation: deg, + radial (toward the
        thumb), - ulnar. Each None when this view does not show it (flexion needs the
        hand side-on, deviation palm- or back-on) or it could not be measured.
    source: where the forearm's and the hand's directions came from: "pose" (MediaPipe
        Pose's elbow), "skin" (the forearm's skin in the image beside the hand's
        landmarks) or "silhouette" (MediaPipe lost the hand; its direction from the skin
        beyond the wrist).
    forearm_deg: the forearm's direction in the image (deg, elbow -> wrist, x right, y
        down), for drawing and checking.
    """

    flexion: float | None
    deviation: float | None
    source: str
    forearm_deg: float


@dataclass(frozen=True, slots=True)
class HandFrame:
    """One frame on its way through the path.

    t: seconds (the frame's own timestamp). width, height: the image's size in pixels.
    hand: the exercising hand (None when no hand was found). others: any other hands.
    arm: that hand's arm, when arm tracking is on and Pose saw it.
    measures: kinematics of `hand`, once measured (None before, or without a hand).
    view: how the hand faces the camera and the floor (None before, or without a hand).
    wrist: the wrist's angles against the forearm, for wrist exercises (None when not
        measured; present without `hand` while the silhouette stands in for it).
    """

    t: float
    width: int
    height: int
    hand: HandObservation | None
    others: tuple[HandObservation, ...] = ()
    arm: ArmObservation | None = None
    measures: HandMeasures | None = None
    view: HandView | None = None
    wrist: WristAngles | None = None

    @property
    def hands_in_view(self) -> int:
        return (self.hand is not None) + len(self.others)

    @property
    def side(self) -> Side | None:
        """The exercising hand's anatomical side, None without a hand."""
        return self.hand.side if self.hand is not None else None
