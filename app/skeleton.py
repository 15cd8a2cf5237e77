"""One stored hand pose drawn as a small picture, for replaying a rep on the Review page.

Stored frames keep MediaPipe's world landmarks (metres, camera axes: x right, y down), not
video, so the therapist sees a skeleton: the landmarks projected onto the camera's image
plane (x, y), scaled to fit, on a white canvas. The joints the exercise measures are drawn
larger and in colour so the eye goes to them first.
"""

from __future__ import annotations

from collections.abc import Iterable

import cv2
import numpy as np

from vision.landmarks import CONNECTIONS, FINGER_CHAINS, FINGERS, THUMB_CHAIN

BONE = (90, 90, 90)
JOINT = (40, 40, 40)
MEASURED = (230, 110, 20)
BACKGROUND = 255
#: share of the canvas left blank around the hand.
MARGIN = 0.08


def landmark_of(finger: str, joint: str) -> int:
    """The landmark at a joint: ("index", "pip") -> 6, ("thumb", "ip") -> 3."""
    if finger == "thumb":
        return int(THUMB_CHAIN[{"mcp": 1, "ip": 2}[joint]])
    return int(FINGER_CHAINS[FINGERS.index(finger)][("mcp", "pip", "dip").index(joint)])


def draw_hand(world: np.ndarray, measured: Iterable[tuple[str, str]] = (),
              size: int = 360) -> np.ndarray | None:
    """(size, size, 3) RGB uint8 picture of one frame's (21, 3) world landmarks; None
    when the frame has no hand (NaN landmarks)."""
    xy = np.asarray(world, dtype=np.float64).reshape(21, 3)[:, :2]
    if not np.isfinite(xy).all():
        return None
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    span = float(max(hi - lo)) or 1.0
    usable = size * (1 - 2 * MARGIN)
    centre = (lo + hi) / 2
    pts = np.round((xy - centre) / span * usable + size / 2).astype(np.int32)
    img = np.full((size, size, 3), BACKGROUND, dtype=np.uint8)
    thick = max(2, size // 120)
    for a, b in CONNECTIONS:
        cv2.line(img, tuple(int(v) for v in pts[a]), tuple(int(v) for v in pts[b]), BONE,
                 thick, cv2.LINE_AA)
    for x, y in pts:
        cv2.circle(img, (int(x), int(y)), thick + 1, JOINT, -1, cv2.LINE_AA)
    for finger, joint in measured:
        x, y = pts[landmark_of(finger, joint)]
        cv2.circle(img, (int(x), int(y)), thick + 4, MEASURED, -1, cv2.LINE_AA)
    return img
