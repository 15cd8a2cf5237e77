"""Which way the hand faces the camera, per frame, from its landmarks.

The view decides how far a joint angle can be trusted (MediaPipe's depth is worst where
the fingers bend toward or away from the lens: palm and back views) and whether an
exercise can be judged at all (from the thumb side the other fingers hide behind the
index). Two angles describe it, from the palm axes of the world landmarks, whose axes are
the camera's (x right, y down, z away from the lens):

- facing: between the palm normal and the direction to the camera; 0 = palm toward the
  lens, 90 = side on, 180 = back of the hand toward it;
- pointing: between the hand's long axis (wrist -> middle knuckle) and the direction to
  the camera; small when the fingers point at the lens (end-on), where no view is clear.

| view | facing (deg) |
| --- | --- |
| palm | under 25 |
| oblique | 25-65 (about 45 between palm and side) |
| thumb-side / little-side | 65-115, by which edge of the hand is nearer the lens |
| back | over 115 |
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .kinematics import palm_frame
from .landmarks import Side

VIEWS: tuple[str, ...] = ("palm", "oblique", "thumb-side", "little-side", "back")
#: class boundaries on the facing angle, degrees.
PALM_MAX_DEG, OBLIQUE_MAX_DEG, SIDE_MAX_DEG = 25.0, 65.0, 115.0
#: the hand's axis within this angle of the line of sight points at the lens.
END_ON_DEG = 35.0


@dataclass(frozen=True, slots=True)
class View:
    """name: one of VIEWS. facing, pointing: degrees (see the module). end_on: the hand
    points at the lens, so the name says little."""

    name: str
    facing: float
    pointing: float
    end_on: bool


def classify_view(world: np.ndarray, chirality: Side) -> View:
    """The view of one hand from its (21, 3) world landmarks (camera-aligned axes)."""
    distal, radial, palmar = palm_frame(world, chirality)
    facing = float(np.degrees(np.arccos(np.clip(-palmar[2], -1.0, 1.0))))
    pointing = float(np.degrees(np.arccos(np.clip(abs(distal[2]), 0.0, 1.0))))
    if facing < PALM_MAX_DEG:
        name = "palm"
    elif facing < OBLIQUE_MAX_DEG:
        name = "oblique"
    elif facing <= SIDE_MAX_DEG:
        name = "thumb-side" if radial[2] < 0 else "little-side"
    else:
        name = "back"
    return View(name, facing, pointing, pointing < END_ON_DEG)
