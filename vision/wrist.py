"""Wrist flexion / extension and radial / ulnar deviation against the forearm.

Why: MediaPipe Hands has no forearm, and MediaPipe Pose needs a whole person in view,
which a camera beside a forearm resting on a table rarely sees. The forearm is taken from
Pose where Pose sees that arm (its elbow -> wrist in the image, when its wrist lies on
the hand's), else from the forearm's skin in the image (vision.forearm); the hand's axis
is wrist -> middle-finger MCP, or, while MediaPipe has lost the hand, its silhouette
(vision.silhouette). Angles are measured in the image, in 2-D.

Which motion a camera sees depends on the view:
- flexion / extension bends the hand toward its palm: it shows when the hand is seen from
  its thumb or little-finger side, and is hidden when the palm faces the camera (the hand
  then tilts toward the lens);
- radial / ulnar deviation bends it toward the thumb or the little finger, in the palm's
  plane: it shows when the palm (or the back of the hand) faces the camera.
So each is reported only from the view that shows it (vision.occlusion's `facing`): on
the flexion clip, deviation measured edge-on read plus or minus the flexion and made 3
false reps. In the view that shows a motion, its plane is the image plane and the 2-D angle is
the joint angle.

Signs: which side of the forearm's line the palm (for flexion) or the thumb (for
deviation) lies on is voted over the last SIDE_VOTES frames that show it well (the palm
axis projected on the image, perpendicular to the forearm, at least MIN_VISIBILITY
long), then kept: the forearm rests during the exercise, so that side does not change,
and MediaPipe's per-frame handedness, which flips (vision.rotation), is not needed for
the sign.

Readings beyond what a wrist can do (the norms of docs/clinical.md plus a margin:
FLEX_LIMITS, DEV_LIMITS) are a misread forearm or hand, not an angle, and are dropped
(control_thumbs_up read a deviation of 119 deg for half a second).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .forearm import ForearmTracker, forearm_axis
from .frame import ArmObservation, HandFrame, HandObservation, WristAngles
from .kinematics import palm_frame
from .landmarks import WRIST, HandLandmark, Side
from .silhouette import hand_direction
from .skin import SkinModel, palm_px, skin_model

MIN_VISIBILITY = 0.5
SIDE_VOTES = 15
FLEX_LIMITS = (-100.0, 110.0)
DEV_LIMITS = (-50.0, 45.0)
#: Pose's wrist must lie within this many palm lengths of the hand's wrist (image).
ARM_WRIST_MATCH = 0.6

_MIDDLE_MCP = HandLandmark.MIDDLE_FINGER_MCP


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n > 1e-9 else v * 0.0


def _cross2(a: np.ndarray, b: np.ndarray) -> float:
    return float(a[0] * b[1] - a[1] * b[0])


def signed_angle(forearm: np.ndarray, hand: np.ndarray, side: float) -> float:
    """Angle (deg) of the 2-D hand direction from the forearm's, positive toward the
    side of the forearm's line given by `side` (+1 left of it in image coordinates)."""
    return float(np.degrees(np.arctan2(side * _cross2(forearm, hand), np.dot(forearm, hand))))


def _about(a: np.ndarray, b: np.ndarray, axis: np.ndarray) -> float:
    """Signed angle (deg) from a to b about the unit `axis`, both projected onto the
    plane perpendicular to it."""
    a = a - np.dot(a, axis) * axis
    b = b - np.dot(b, axis) * axis
    return float(np.degrees(np.arctan2(np.dot(np.cross(a, b), axis), np.dot(a, b))))


def wrist_angles_3d(forearm: np.ndarray, world: np.ndarray, chirality: Side
                    ) -> tuple[float, float]:
    """(flexion, deviation) in deg from a 3-D forearm direction (elbow -> wrist, camera
    axes) and the hand's world landmarks, where a forearm is known in 3-D (a rendered or
    generated scene). Each is the angle of the hand's axis from the forearm about the
    axis that the other motion does not move: flexion about distal x palmar, deviation
    about distal x radial (positive toward the thumb)."""
    distal, radial, palmar = palm_frame(world, chirality)
    f = _unit(np.asarray(forearm, dtype=float))
    flexion = _about(f, distal, _unit(np.cross(distal, palmar)))
    deviation = _about(f, distal, _unit(np.cross(distal, radial)))
    return flexion, deviation


def pose_forearm(arm: ArmObservation | None, hand: HandObservation) -> np.ndarray | None:
    """Pose's forearm in the image (2-D unit, elbow -> wrist) when its wrist is the
    hand's wrist and the forearm is longer than the palm, else None."""
    if arm is None:
        return None
    palm = palm_px(hand.image)
    if np.linalg.norm(arm.wrist_px - hand.image[WRIST, :2]) > ARM_WRIST_MATCH * palm:
        return None
    v = arm.wrist_px - arm.elbow_px
    n = float(np.linalg.norm(v))
    return v / n if n > palm else None


class SideVote:
    """Which side of the forearm's line a palm axis lies on: the sign of the last
    SIDE_VOTES votes (module docstring)."""

    def __init__(self) -> None:
        self._votes: list[float] = []
        self.side: float | None = None

    def add(self, forearm: np.ndarray, axis2d: np.ndarray) -> None:
        v = float(np.sign(_cross2(forearm, axis2d)))
        if v == 0:
            return
        self._votes = (self._votes + [v])[-SIDE_VOTES:]
        self.side = float(np.sign(sum(self._votes)) or self._votes[-1])


def _visibility(forearm: np.ndarray, axis3d: np.ndarray) -> tuple[np.ndarray, float]:
    """A palm axis (camera axes) in the image, perpendicular to the forearm, and how
    long it is there (0..1): how well the image shows motion along it."""
    a = axis3d[:2] - np.dot(axis3d[:2], forearm) * forearm
    return a, float(np.linalg.norm(a))


class WristStage:
    """The wrist stage: a frame and its RGB in, the same frame with `wrist` out.

    Run only for exercises that need the wrist (the forearm search costs 1.4-1.9 ms a
    frame). While MediaPipe has lost the hand, the hand's direction comes from its
    silhouette around the last wrist position, for as long as the silhouette keeps being
    found (no gap over `max_gap_s`) and at most `max_lost_s` since MediaPipe last saw the
    hand: at the ends of flexion and extension, seen edge-on, MediaPipe loses the hand
    for seconds (on wrist_flex_ext_overlay it found it in 24% of the frames). Angles are a
    running median over `median_s` (at least 3 readings), which removes the silhouette's
    and the landmarks' single-frame errors (a finger or the other arm taken for the
    hand); the view and the limits then apply to the filtered angle.
    """

    def __init__(self, max_gap_s: float = 1.0, median_s: float = 0.12,
                 max_lost_s: float = 6.0) -> None:
        self.max_gap_s = max_gap_s
        self.max_lost_s = max_lost_s
        self._hand_t: float | None = None
        self.median_s = median_s
        self._forearm = ForearmTracker()
        self._palm = SideVote()
        self._radial = SideVote()
        self._recent: list[tuple[float, float, float]] = []   # (t, flexion, deviation)
        self._facing: str | None = None
        #: the last frame with a hand: (t, wrist px, palm px, skin, forearm direction).
        self._last: tuple[float, np.ndarray, float, SkinModel, np.ndarray] | None = None

    def update(self, frame: HandFrame, rgb: np.ndarray) -> HandFrame:
        """`wrist` is left None when no forearm was found (or the hand was lost too
        long); its angles are None where this view does not show them."""
        if frame.hand is not None and frame.view is not None:
            self._facing = frame.view.facing
        got = self._measure(frame, rgb)
        if got is None:
            return frame
        flexion, deviation, source, forearm = got
        flexion, deviation = self._median(frame.t, flexion, deviation)
        # Each motion only from the view that shows it (module docstring); while the
        # hand is lost, the last view seen.
        if self._facing == "face":
            flexion = None
        else:
            deviation = None
        if flexion is not None and not FLEX_LIMITS[0] <= flexion <= FLEX_LIMITS[1]:
            flexion = None
        if deviation is not None and not DEV_LIMITS[0] <= deviation <= DEV_LIMITS[1]:
            deviation = None
        # The forearm was found: `wrist` says so even when this view shows neither angle
        # (the patient is then told how to turn the hand, not to show the forearm).
        wrist = WristAngles(flexion, deviation, source,
                            float(np.degrees(np.arctan2(forearm[1], forearm[0]))))
        return replace(frame, wrist=wrist)

    def _measure(self, frame: HandFrame, rgb: np.ndarray
                 ) -> tuple[float | None, float | None, str, np.ndarray] | None:
        """This frame's raw (flexion, deviation, source, forearm direction), or None."""
        hand = frame.hand
        if hand is None:
            self._forearm.update(frame.t, None)
            return self._from_silhouette(frame.t, rgb)
        skin = skin_model(rgb, hand.image)
        e = self._forearm.update(frame.t, forearm_axis(rgb, hand.image, skin))
        source = "skin"
        pose = pose_forearm(frame.arm, hand)
        if pose is not None:
            e, source = pose, "pose"
        if e is None:
            return None
        _, radial, palmar = palm_frame(hand.world, hand.chirality)
        p2, flex_vis = _visibility(e, palmar)
        r2, dev_vis = _visibility(e, radial)
        if flex_vis >= MIN_VISIBILITY:
            self._palm.add(e, p2)
        if dev_vis >= MIN_VISIBILITY:
            self._radial.add(e, r2)
        if skin is not None:
            self._hand_t = frame.t
            self._last = (frame.t, hand.image[WRIST, :2].copy(), palm_px(hand.image), skin,
                          e.copy())
        h = _unit(hand.image[_MIDDLE_MCP, :2] - hand.image[WRIST, :2])
        return self._angles(e, h, source)

    def _from_silhouette(self, t: float, rgb: np.ndarray
                         ) -> tuple[float | None, float | None, str, np.ndarray] | None:
        if self._last is None or t - self._last[0] > self.max_gap_s \
                or self._hand_t is None or t - self._hand_t > self.max_lost_s:
            return None
        _, wrist, scale, skin, e = self._last
        h = hand_direction(rgb, wrist, e, scale, skin)
        if h is None:
            return None
        # The silhouette found the hand: it stays followed while it keeps being found.
        self._last = (t, wrist, scale, skin, e)
        return self._angles(e, h, "silhouette")

    def _angles(self, e: np.ndarray, h: np.ndarray, source: str
                ) -> tuple[float | None, float | None, str, np.ndarray]:
        flex = None if self._palm.side is None else signed_angle(e, h, self._palm.side)
        dev = None if self._radial.side is None else signed_angle(e, h, self._radial.side)
        return flex, dev, source, e

    def _median(self, t: float, flexion: float | None, deviation: float | None
                ) -> tuple[float | None, float | None]:
        if flexion is None and deviation is None:
            return None, None
        nan = float("nan")
        self._recent.append((t, nan if flexion is None else flexion,
                             nan if deviation is None else deviation))
        while len(self._recent) > 3 and t - self._recent[0][0] >= self.median_s:
            self._recent.pop(0)
        self._recent = [r for r in self._recent if t - r[0] <= 3 * self.median_s]
        arr = np.array(self._recent)

        def med(col: np.ndarray, now: float | None) -> float | None:
            col = col[~np.isnan(col)]
            return float(np.median(col)) if now is not None and len(col) else None

        return med(arr[:, 1], flexion), med(arr[:, 2], deviation)
