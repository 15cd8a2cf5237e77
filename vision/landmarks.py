"""The vocabulary shared by tracking, kinematics, rendering and reporting.

MediaPipe Hands numbers its 21 landmarks 0 (wrist) to 20 (little fingertip); the joint
names here follow ../shared/CLINICAL.md. Flexion angles travel as a flat array of 14
degrees in `ANGLE_NAMES` order so that smoothing, ROM and comparison are plain NumPy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

Side = Literal["left", "right"]

WRIST = 0
THUMB_CMC, THUMB_MCP, THUMB_IP, THUMB_TIP = 1, 2, 3, 4
FINGERS: tuple[str, ...] = ("index", "middle", "ring", "little")
FINGER_JOINTS: tuple[str, ...] = ("mcp", "pip", "dip")
THUMB_JOINTS: tuple[str, ...] = ("mcp", "ip")

#: landmark index of each finger's MCP, PIP, DIP and tip, in FINGERS order.
FINGER_CHAINS: np.ndarray = np.array([[5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16],
                                      [17, 18, 19, 20]])
THUMB_CHAIN: np.ndarray = np.array([THUMB_CMC, THUMB_MCP, THUMB_IP, THUMB_TIP])
TIPS: np.ndarray = np.array([THUMB_TIP, 8, 12, 16, 20])

#: the 14 flexion angles, in the order of every angle array in HandCoach.
ANGLE_NAMES: tuple[tuple[str, str], ...] = tuple(
    [(f, j) for f in FINGERS for j in FINGER_JOINTS] + [("thumb", j) for j in THUMB_JOINTS]
)
N_ANGLES = len(ANGLE_NAMES)

#: bones drawn for the hand skeleton (MediaPipe's HAND_CONNECTIONS).
CONNECTIONS: tuple[tuple[int, int], ...] = (
    (0, 1), (1, 2), (2, 3), (3, 4), (0, 5), (5, 6), (6, 7), (7, 8), (5, 9), (9, 10),
    (10, 11), (11, 12), (9, 13), (13, 14), (14, 15), (15, 16), (13, 17), (0, 17), (17, 18),
    (18, 19), (19, 20),
)


def angle_index(finger: str, joint: str) -> int:
    """Position of one joint in a 14-angle array, e.g. ``angle_index("index", "pip")``."""
    return ANGLE_NAMES.index((finger, joint))


def angles_to_dict(angles: np.ndarray, ndigits: int = 1) -> dict[str, dict[str, float | None]]:
    """Nest a 14-angle array as ``{"index": {"mcp": deg, ...}, ..., "thumb": {...}}``.

    NaN (not measured) becomes None so that the result is valid JSON.
    """
    out: dict[str, dict[str, float | None]] = {}
    for (finger, joint), value in zip(ANGLE_NAMES, angles, strict=True):
        out.setdefault(finger, {})[joint] = None if np.isnan(value) else round(float(value),
                                                                              ndigits)
    return out


def angles_from_dict(nested: Mapping[str, Mapping[str, float | None]]) -> np.ndarray:
    """Inverse of `angles_to_dict`; missing or None values become NaN."""
    out = np.full(N_ANGLES, np.nan)
    for i, (finger, joint) in enumerate(ANGLE_NAMES):
        value = nested.get(finger, {}).get(joint)
        if value is not None:
            out[i] = float(value)
    return out


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
class TrackedFrame:
    """What the tracker reports for one frame: the exercising hand and any others."""

    t: float
    width: int
    height: int
    hand: HandObservation | None
    others: tuple[HandObservation, ...] = field(default_factory=tuple)

    @property
    def hands_in_view(self) -> int:
        return (self.hand is not None) + len(self.others)
