"""One Euro filter (Casiez, Roussel and Vogel, CHI 2012) over NumPy arrays.

A low-pass filter whose cutoff rises with speed: at rest it smooths hard (landmark jitter
of a still hand disappears), in motion it follows quickly (a 1 s fist is not lagged).
It needs real timestamps, so variable frame rates are handled.

`min_cutoff` sets the jitter left at rest, `beta` how quickly the cutoff opens in motion.
`LandmarkSmoother` is the stage of the per-frame path that applies it to a hand's
landmarks; its settings were tuned on real footage with benchmarks/smoothing.py (numbers
in benchmarks/README.md).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace

import numpy as np

from .frame import HandFrame, HandObservation
from .landmarks import HandLandmark

#: One Euro settings for the world landmarks (metres, speeds in m/s): at rest they cut
#: angle jitter 2-5x, through a 1 s fist they lag at most one frame.
SMOOTHING: Mapping[str, float] = {"min_cutoff": 0.5, "beta": 10.0, "d_cutoff": 1.0}

#: a frame whose image landmarks moved, on average, more than this many palm lengths
#: since the previous frame is a new start (MediaPipe re-found the hand elsewhere, or the
#: video cut), not motion to smooth across: a fast fist moves them ~0.1 per 30 fps frame.
JUMP_PALMS = 0.5


def _alpha(cutoff: np.ndarray | float, dt: float) -> np.ndarray | float:
    tau = 1.0 / (2.0 * math.pi * cutoff)
    return 1.0 / (1.0 + tau / dt)


class OneEuroFilter:
    """Filters a fixed-shape array of signals sampled at irregular times.

    min_cutoff: Hz, cutoff at rest. beta: cutoff increase per unit of speed (units of the
    signal per second). d_cutoff: Hz, cutoff for the speed estimate. `reset_after`: a gap
    (s) after which the filter restarts instead of smoothing across it (a hand that left
    the view and came back elsewhere).
    """

    def __init__(self, min_cutoff: float = 1.0, beta: float = 0.05, d_cutoff: float = 1.0,
                 reset_after: float = 0.5) -> None:
        self.min_cutoff = min_cutoff
        self.beta = beta
        self.d_cutoff = d_cutoff
        self.reset_after = reset_after
        self._x: np.ndarray | None = None
        self._dx: np.ndarray | None = None
        self._t = 0.0

    def reset(self) -> None:
        self._x = None

    def __call__(self, t: float, x: np.ndarray) -> np.ndarray:
        """Filtered value at time t (s). Returns the filter's own buffer: copy to keep it."""
        if self._x is None or self._x.shape != x.shape or not (0 < t - self._t <= self.reset_after):
            self._x = np.array(x, dtype=float)
            self._dx = np.zeros_like(self._x)
            self._t = t
            return self._x
        dt = t - self._t
        self._t = t
        speed = (x - self._x) / dt
        self._dx += _alpha(self.d_cutoff, dt) * (speed - self._dx)
        cutoff = self.min_cutoff + self.beta * np.abs(self._dx)
        self._x += _alpha(cutoff, dt) * (x - self._x)
        return self._x


def image_scale(world: np.ndarray, image: np.ndarray) -> float:
    """Pixels per metre of this hand in this frame: the least-squares scale between the
    world landmarks' x, y (metres, camera axes) and the image's (pixels)."""
    w = world[:, :2] - world[:, :2].mean(axis=0)
    i = image[:, :2] - image[:, :2].mean(axis=0)
    return max(float(np.sum(w * i)) / max(float(np.sum(w * w)), 1e-12), 1e-6)


class LandmarkSmoother:
    """The smoothing stage: a frame in, the same frame with its hand's landmarks smoothed.

    settings: One Euro settings for the world landmarks (SMOOTHING by default); the image
    landmarks get the same, with beta scaled to this hand's pixels per metre, so that a
    small hand far away is smoothed like a large one near the camera. A different hand (the
    other side), or landmarks that jump (JUMP_PALMS), restart both filters: one hand is
    never smoothed into another, nor across a cut.

    Both are smoothed although the angles would err less from the raw landmarks (on
    the real hand with measured joints, 11.6 against 12.4 deg): from raw ones a still
    hand's angles jitter as much as MediaPipe's own (a real thumbs-up: 9.9 against 10.6
    deg a frame), a patient sees the numbers flicker, and brief positions (a tendon
    glide's hook) are lost to the noise.
    """

    def __init__(self, settings: Mapping[str, float] | None = None) -> None:
        self.settings = settings
        self._side: str | None = None
        self._world = self._image = OneEuroFilter()
        self._last_image: np.ndarray | None = None

    def _restart(self) -> None:
        settings = dict(SMOOTHING if self.settings is None else self.settings)
        self._world = OneEuroFilter(**settings)
        self._image = OneEuroFilter(**settings)

    def update(self, frame: HandFrame) -> HandFrame:
        raw = frame.hand
        if raw is None:
            return frame
        ppm = image_scale(raw.world, raw.image)
        if raw.side != self._side or self._jumped(raw.image, ppm * _palm_m(raw.world)):
            self._restart()
            self._side = raw.side
        self._last_image = raw.image
        self._image.beta = self._world.beta / ppm     # m/s -> px/s
        hand = HandObservation(image=self._image(frame.t, raw.image).copy(),
                               world=self._world(frame.t, raw.world).copy(),
                               side=raw.side, chirality=raw.chirality, score=raw.score)
        return replace(frame, hand=hand)

    def _jumped(self, image: np.ndarray, palm_px: float) -> bool:
        last = self._last_image
        if last is None:
            return False
        moved = float(np.mean(np.linalg.norm(image[:, :2] - last[:, :2], axis=1)))
        return moved > JUMP_PALMS * palm_px


def _palm_m(world: np.ndarray) -> float:
    """Wrist to middle-finger MCP, metres (the palm length used for scale)."""
    return float(np.linalg.norm(world[HandLandmark.MIDDLE_FINGER_MCP]
                                - world[HandLandmark.WRIST]))
