"""How the hand faces the camera, and which fingers' readings are guesses.

Why: MediaPipe always returns 21 landmarks; for a finger it cannot see it returns its
prior, a relaxed half-curled finger. On radial_tabletop_2 (thumb side toward the camera,
the other fingers behind the index) the hidden middle, ring and little PIPs read 40-65
deg while they are straight, and the whole fit goes wrong (the index's landmarks are laid
along the thumb). A position must not be judged on such fingers, and the patient must not
be told a finger is wrong when it cannot be seen.

Facing: the knuckle line (index MCP -> little MCP) points toward the lens when the hand is
seen edge-on. Its angle out of the image plane is the larger of its angles in MediaPipe's
world landmarks and in its image landmarks (x, y and the relative depth z): each of the
two was wrong on some real frames, and the larger one flagged the thumb-side views.
Measured (lite, p10/p50/p90 of the larger): palm- or back-on clips (palmar and dorsal
fists, webcam, kapandji, topdown) mostly under 40, radial_fist_2 70-88, radial_tabletop_2
51-77 (its tabletop phase 51-54: MediaPipe then fits a confident, wrong hand).
The view is tracked, not judged per frame (`FacingTracker`): edge-on is entered when the
angle reads at least EDGE_ON_DEG for ENTER_S, and left only when it reads under
FACE_ON_DEG for LEAVE_S. A patient does not turn the forearm during a finger exercise,
while MediaPipe's estimate of the view fails exactly when the fingers bend in an edge-on
view. Per-frame thresholds could not work: views with every finger visible read as much
(selfie_pinch_5 51-61 with the little finger nearest, the rendered thumb opposition
43-64; a threshold of 50 hid three fingers of the rendered hand and lost 2 of its 4
touches).

Guessed fingers (per finger, index..little): in an edge-on view, a finger behind a nearer
*straight* finger (PIP under STRAIGHT_PIP) is hidden: a straight finger seen end-on covers
the ones behind it, curled ones fold out of the way (a pinch seen from the little
finger's side keeps the index in view). From FULLY_EDGE_ON_DEG on, every finger behind
the nearest one is a guess whatever its shape. Nearer: smaller image depth z at the MCP.
Depth read back to front: an edge-on hand is ambiguous in depth (a left hand seen from
the little-finger side and a right hand seen from its thumb side make the same picture),
and MediaPipe switches between the two for seconds at a time, naming the other hand as it
does (a rendered left hand's tabletop from the little-finger side: 230 of 1788 frames
named right, the index read nearest, and three fingers wrongly hidden). The hand does not
change during an exercise, so a frame that names the other hand than the session so far
(`ChiralityVote`) has its depth order reversed for the test above; so has one whose image
landmarks alone were read back to front (`HandMeasures.image_reversed`: on rendered
tabletops from the little-finger side they made the index the nearest for 0.5 s, and
three fingers wrongly hidden).
Tried and dropped: a per-landmark test "PIP, DIP or tip within half a finger's width of
another digit's line, and deeper" flagged 8-24% of fingers of an open palm-on hand and
missed the tabletop's hidden fingers (MediaPipe spread them 0.2 palm lengths apart).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .accuracy import implausible
from .frame import HandFrame, HandObservation, HandView
from .landmarks import MCPS, HandLandmark, finger_joints
from .rotation import PalmRotation

EDGE_ON_DEG = 65.0     # knuckle line this far out of the image plane: edge-on
FACE_ON_DEG = 35.0     # ... and under this: palm or back toward the camera
ENTER_S, LEAVE_S = 0.2, 0.5
FULLY_EDGE_ON_DEG = 80.0
STRAIGHT_PIP = 45.0

_INDEX_MCP, _LITTLE_MCP = HandLandmark.INDEX_FINGER_MCP, HandLandmark.PINKY_MCP
_PIPS = np.array([1, 4, 7, 10])          # index..little PIP in the 14-angle order


def _out_of_plane(v: np.ndarray) -> float:
    return float(np.degrees(np.arctan2(abs(v[2]), np.hypot(v[0], v[1]))))


def knuckle_angle(hand: HandObservation) -> float:
    """The knuckle line's angle out of the image plane (deg), the larger of the image
    (x, y, relative z) and world landmark estimates."""
    return max(_out_of_plane(hand.image[_INDEX_MCP] - hand.image[_LITTLE_MCP]),
               _out_of_plane(hand.world[_INDEX_MCP] - hand.world[_LITTLE_MCP]))


class FacingTracker:
    """Edge-on or not, with hysteresis in angle and in time (module docstring)."""

    def __init__(self) -> None:
        self.edge_on = False
        self._since: float | None = None

    def update(self, t: float, deg: float) -> bool:
        change = deg >= EDGE_ON_DEG if not self.edge_on else deg < FACE_ON_DEG
        if not change:
            self._since = None
            return self.edge_on
        if self._since is None:
            self._since = t
        if t - self._since >= (LEAVE_S if self.edge_on else ENTER_S):
            self.edge_on = not self.edge_on
            self._since = None
        return self.edge_on


class ChiralityVote:
    """Which hand the session's frames have named: a vote decaying over `tau_s`, so that
    seconds of the other name (module docstring) do not overturn it, a changed hand in
    the end does."""

    def __init__(self, tau_s: float = 10.0) -> None:
        self.tau_s = tau_s
        self._score = 0.0
        self._t: float | None = None

    def update(self, t: float, chirality: str) -> str:
        """The session's chirality after this frame's."""
        if self._t is not None:
            self._score *= float(np.exp(-max(t - self._t, 0.0) / self.tau_s))
        self._t = t
        self._score += 1.0 if chirality == "right" else -1.0
        return "right" if self._score > 0 else "left"


def readable_fingers(hand: HandObservation, flexion: np.ndarray, edge_on: bool,
                     deg: float, depth_reversed: bool = False) -> np.ndarray:
    """(4,) bool per finger index..little: False where the reading is a guess (module
    docstring). flexion: the frame's 14 angles; deg: its knuckle_angle; depth_reversed:
    the frame names the other hand than the session (its depth order is reversed). In
    any view, a finger with a joint read beyond what a joint can do
    (vision.accuracy.implausible) is a guess too."""
    readable = ~implausible(flexion).reshape(4, 3).any(axis=1)
    if not edge_on:
        return readable
    z = hand.image[MCPS, 2]
    order = np.argsort(-z if depth_reversed else z)    # nearest the camera first
    if order[0] != 0:
        # Only the thumb side (the index nearest) hides fingers whose readings are then
        # guesses (real tabletops). From the little-finger side the fingers behind read
        # within 8-9 deg on average in the studio (README, "How accurate the angles
        # are"), and the tendon glides are filmed from there.
        return readable
    straight = flexion[_PIPS] < STRAIGHT_PIP
    for rank in range(1, 4):
        f = order[rank]
        readable[f] &= not (deg >= FULLY_EDGE_ON_DEG or bool(straight[order[:rank]].any()))
    return readable


class ViewStage:
    """The view stage: a measured frame in, the same frame with its `view` out. Landmarks
    only (tens of microseconds a frame), so it runs for every exercise."""

    def __init__(self) -> None:
        self._facing = FacingTracker()
        self._rotation = PalmRotation()
        self._chirality = ChiralityVote()

    def update(self, frame: HandFrame) -> HandFrame:
        hand, m = frame.hand, frame.measures
        if hand is None or m is None:
            return frame
        deg = knuckle_angle(hand)
        edge = self._facing.update(frame.t, deg)
        facing = "side" if edge else ("face" if deg < FACE_ON_DEG else None)
        named_other = self._chirality.update(frame.t, hand.chirality) != hand.chirality
        reversed_ = named_other != m.image_reversed
        view = HandView(facing=facing, knuckle_deg=deg,
                        readable=readable_fingers(hand, m.pose_flexion, edge, deg, reversed_),
                        palm_rotation=self._rotation.update(frame.t, hand))
        if m.trusted is not None and m.view == "thumb-side" and not view.readable.all():
            # From the thumb side a hidden finger's readings are guesses (real tabletops:
            # straight fingers read 40-65 deg): no range of motion rests on them. From the
            # little-finger side the fingers behind read within 8-9 deg on average in the
            # studio (README, "How accurate the angles are"), so trust follows that table.
            m = replace(m, trusted=m.trusted & ~finger_joints(~view.readable))
        return replace(frame, view=view, measures=m)
