"""Forearm rotation (pronation / supination) read from the palm, robust to MediaPipe's
handedness flips.

The measure: the palm normal's angle from "palm down", about the hand's long axis (0
palm down, 90 thumb up or down, 180 palm up). Down is the image's down (a level camera;
the exercise is done with the elbow at the side, forearm level), projected perpendicular
to the hand's axis, so that a hand pointing partly down or up still reads its rotation
(the palm normal against unprojected down compresses the range: normal.y 0.8 with the
hand 30 deg below level reads 37 deg instead of 23).

Handedness: which side of the palm plane is palmar depends on the hand's chirality, which
MediaPipe decides per frame. On forearm_rotation_overlay (de-overlaid, lite, 1065 frames
with a hand, a right hand) the label said "left" in 241 frames, in two ways:
- in pronation the label flipped for whole phases (102 of 237 pronation frames) *and the
  3-D landmarks were fitted as the mirror hand* (a right hand's back and a left hand's
  palm look alike in 2-D): the normal from label + landmarks still read palm down;
- in supination 12 of 198 frames flipped the label alone: the normal read inverted.
So a chirality fixed per track would break the pronation phases. `PalmRotation` keeps the
per-frame label and takes a running median over `median_s` (0.3 s, at least 5 samples):
the supination flips come in runs of up to ~10 frames (0.17 s at 60 fps), shorter than
half the window, while a held position lasts seconds.
"""

from __future__ import annotations

import numpy as np

from .frame import HandObservation
from .kinematics import palm_frame

_DOWN = np.array([0.0, 1.0, 0.0])   # camera axes: y points down the image
#: down's projection perpendicular to the hand's axis must keep this much of its length:
#: a hand pointing at the floor or the ceiling has no rotation "from down".
MIN_DOWN = 0.3


def rotation_from_down(normal: np.ndarray, distal: np.ndarray) -> float:
    """Degrees (0..180) of the palm normal from "palm down", about the hand's axis
    `distal`; NaN when the hand points nearly straight down or up."""
    down = _DOWN - np.dot(_DOWN, distal) * distal
    nd = float(np.linalg.norm(down))
    if nd < MIN_DOWN:
        return float("nan")
    n = normal - np.dot(normal, distal) * distal
    nn = float(np.linalg.norm(n))
    if nn < 1e-6:
        return float("nan")
    return float(np.degrees(np.arccos(np.clip(np.dot(n, down) / (nn * nd), -1.0, 1.0))))


class PalmRotation:
    """rotation_from_down per frame, median-filtered (module docstring). A gap of more
    than `reset_s` without a reading starts afresh."""

    def __init__(self, median_s: float = 0.3, min_samples: int = 5,
                 reset_s: float = 0.5) -> None:
        self.median_s = median_s
        self.min_samples = min_samples
        self.reset_s = reset_s
        self._hist: list[tuple[float, float]] = []

    def update(self, t: float, hand: HandObservation) -> float | None:
        distal, _, normal = palm_frame(hand.world, hand.chirality)
        v = rotation_from_down(normal, distal)
        if np.isnan(v):
            return None
        if self._hist and t - self._hist[-1][0] > self.reset_s:
            self._hist = []
        self._hist.append((t, v))
        while len(self._hist) > self.min_samples and t - self._hist[0][0] > self.median_s:
            self._hist.pop(0)
        return float(np.median([x for _, x in self._hist]))
