"""The vocabulary shared by tracking, kinematics, rendering and reporting.

MediaPipe Hands numbers its 21 landmarks 0 (wrist) to 20 (little fingertip);
`HandLandmark` names them as MediaPipe's own enum does, so code says
`HandLandmark.MIDDLE_FINGER_MCP`, never `9`. The joint names follow the clinical convention
(docs/clinical.md). Flexion angles travel as a flat array of 14 degrees in `ANGLE_NAMES`
order so that smoothing, ROM and comparison are plain NumPy.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import IntEnum
from typing import Literal

import numpy as np

Side = Literal["left", "right"]


class HandLandmark(IntEnum):
    """MediaPipe's 21 hand landmarks (mediapipe.python.solutions.hands.HandLandmark)."""

    WRIST = 0
    THUMB_CMC = 1
    THUMB_MCP = 2
    THUMB_IP = 3
    THUMB_TIP = 4
    INDEX_FINGER_MCP = 5
    INDEX_FINGER_PIP = 6
    INDEX_FINGER_DIP = 7
    INDEX_FINGER_TIP = 8
    MIDDLE_FINGER_MCP = 9
    MIDDLE_FINGER_PIP = 10
    MIDDLE_FINGER_DIP = 11
    MIDDLE_FINGER_TIP = 12
    RING_FINGER_MCP = 13
    RING_FINGER_PIP = 14
    RING_FINGER_DIP = 15
    RING_FINGER_TIP = 16
    PINKY_MCP = 17
    PINKY_PIP = 18
    PINKY_DIP = 19
    PINKY_TIP = 20


L = HandLandmark
WRIST = L.WRIST
THUMB_CMC, THUMB_MCP, THUMB_IP, THUMB_TIP = L.THUMB_CMC, L.THUMB_MCP, L.THUMB_IP, L.THUMB_TIP
FINGERS: tuple[str, ...] = ("index", "middle", "ring", "little")
FINGER_JOINTS: tuple[str, ...] = ("mcp", "pip", "dip")
THUMB_JOINTS: tuple[str, ...] = ("mcp", "ip")

#: landmark index of each finger's MCP, PIP, DIP and tip, in FINGERS order.
FINGER_CHAINS: np.ndarray = np.array([
    [L.INDEX_FINGER_MCP, L.INDEX_FINGER_PIP, L.INDEX_FINGER_DIP, L.INDEX_FINGER_TIP],
    [L.MIDDLE_FINGER_MCP, L.MIDDLE_FINGER_PIP, L.MIDDLE_FINGER_DIP, L.MIDDLE_FINGER_TIP],
    [L.RING_FINGER_MCP, L.RING_FINGER_PIP, L.RING_FINGER_DIP, L.RING_FINGER_TIP],
    [L.PINKY_MCP, L.PINKY_PIP, L.PINKY_DIP, L.PINKY_TIP],
])
THUMB_CHAIN: np.ndarray = np.array([THUMB_CMC, THUMB_MCP, THUMB_IP, THUMB_TIP])
#: the MCP of each finger, index..little.
MCPS: np.ndarray = FINGER_CHAINS[:, 0]
#: thumb tip, then index..little tips.
TIPS: np.ndarray = np.array([THUMB_TIP, *FINGER_CHAINS[:, 3]])
#: the wrist and the four finger MCPs: the palm's own points.
PALM: np.ndarray = np.array([WRIST, *MCPS])

#: the 14 flexion angles, in the order of every angle array in HandCoach.
ANGLE_NAMES: tuple[tuple[str, str], ...] = tuple(
    [(f, j) for f in FINGERS for j in FINGER_JOINTS] + [("thumb", j) for j in THUMB_JOINTS]
)
N_ANGLES = len(ANGLE_NAMES)

#: bones drawn for the hand skeleton (MediaPipe's HAND_CONNECTIONS).
CONNECTIONS: tuple[tuple[int, int], ...] = (
    *((int(a), int(b)) for a, b in zip(THUMB_CHAIN[:-1], THUMB_CHAIN[1:], strict=True)),
    (WRIST, THUMB_CMC),
    *((int(a), int(b)) for chain in FINGER_CHAINS
      for a, b in zip(chain[:-1], chain[1:], strict=True)),
    (WRIST, L.INDEX_FINGER_MCP), (L.INDEX_FINGER_MCP, L.MIDDLE_FINGER_MCP),
    (L.MIDDLE_FINGER_MCP, L.RING_FINGER_MCP), (L.RING_FINGER_MCP, L.PINKY_MCP),
    (WRIST, L.PINKY_MCP),
)


def angle_index(finger: str, joint: str) -> int:
    """Position of one joint in a 14-angle array, e.g. ``angle_index("index", "pip")``."""
    return ANGLE_NAMES.index((finger, joint))


def finger_joints(per_finger: np.ndarray) -> np.ndarray:
    """(4,) bool per finger index..little -> (14,) bool per angle: each finger's MCP, PIP
    and DIP; the thumb's two angles False."""
    return np.append(np.repeat(per_finger, 3), (False, False))


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
