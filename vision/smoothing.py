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

#: One Euro settings for the world landmarks (metres, speeds in m/s): at rest they cut
#: angle jitter 2-5x, through a 1 s fist they lag at most one frame.
SMOOTHING: Mapping[str, float] = {"min_cutoff": 0.5, "beta": 10.0, "d_cutoff": 1.0}

#: image landmarks are in pixels: a hand at arm's length spans ~400 px for ~0.2 m, so
#: the image filter's beta is the world one divided by this.
PIXELS_PER_METRE = 2000.0


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


class LandmarkSmoother:
    """The smoothing stage: a frame in, the same frame with its hand's landmarks smoothed.

    settings: One Euro settings for the world landmarks (SMOOTHING by default); the image
    landmarks get the same, with beta scaled to pixels. A different hand (the other side)
    restarts both filters: one hand is never smoothed into the other.
    """

    def __init__(self, settings: Mapping[str, float] | None = None) -> None:
        self.settings = settings
        self._side: str | None = None
        self._world = self._image = OneEuroFilter()

    def update(self, frame: HandFrame) -> HandFrame:
        raw = frame.hand
        if raw is None:
            return frame
        if raw.side != self._side:
            settings = dict(SMOOTHING if self.settings is None else self.settings)
            self._world = OneEuroFilter(**settings)
            self._image = OneEuroFilter(**{**settings,
                                           "beta": settings["beta"] / PIXELS_PER_METRE})
            self._side = raw.side
        hand = HandObservation(image=self._image(frame.t, raw.image).copy(),
                               world=self._world(frame.t, raw.world).copy(),
                               side=raw.side, chirality=raw.chirality, score=raw.score)
        return replace(frame, hand=hand)
