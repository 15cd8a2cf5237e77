"""The per-frame path shared by the live app and `handcoach analyze`.

frame -> HandTracker (MediaPipe) -> One Euro smoothing of the world landmarks ->
kinematics -> FrameResult. The exercise engine consumes FrameResults.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vision.kinematics import HandMeasures, foreshortening, measure
from vision.landmarks import HandObservation, TrackedFrame
from vision.smoothing import OneEuroFilter
from vision.tracker import HandChoice, HandTracker, Model

#: One Euro settings for the world landmarks (metres, speeds in m/s), tuned with
#: benchmarks/smoothing.py on ../shared/footage (numbers in README.md): at rest it cuts
#: angle jitter 2-5x, through a 1 s fist it lags at most one frame.
SMOOTHING = {"min_cutoff": 0.5, "beta": 10.0, "d_cutoff": 1.0}

#: image landmarks are in pixels: a hand at arm's length spans ~400 px for ~0.2 m, so
#: the image filter's beta is the world one divided by this.
PIXELS_PER_METRE = 2000.0

#: a finger whose image length is under this share of its expected length points at the
#: camera; its angles are flagged as least reliable (CLINICAL.md, measurement error).
POINTING_AT_CAMERA = 0.5


@dataclass(frozen=True, slots=True)
class FrameResult:
    """One processed frame.

    hand: the exercising hand, landmarks smoothed (None when no hand was found).
    measures: kinematics of that hand (None without a hand).
    pointing: (4,) bool per finger index..little, True where it points at the camera.
    """

    t: float
    tracked: TrackedFrame
    hand: HandObservation | None
    measures: HandMeasures | None
    pointing: np.ndarray | None

    @property
    def has_hand(self) -> bool:
        return self.hand is not None


class HandPipeline:
    """Tracker + smoothing + kinematics, one frame at a time."""

    def __init__(self, model: Model = "lite", hand: HandChoice = "auto", mirrored: bool = False,
                 smoothing: dict[str, float] | None = None) -> None:
        self.tracker = HandTracker(model=model, hand=hand, mirrored=mirrored)
        settings = SMOOTHING if smoothing is None else smoothing
        self._world_filter = OneEuroFilter(**settings)
        self._image_filter = OneEuroFilter(**{**settings,
                                              "beta": settings["beta"] / PIXELS_PER_METRE})
        self._last_side: str | None = None

    def process(self, t: float, rgb: np.ndarray) -> FrameResult:
        tracked = self.tracker.process(t, rgb)
        raw = tracked.hand
        if raw is None:
            return FrameResult(t, tracked, None, None, None)
        if raw.side != self._last_side:
            # A different hand: do not smooth one hand into the other.
            self._world_filter.reset()
            self._image_filter.reset()
            self._last_side = raw.side
        world = self._world_filter(t, raw.world).copy()
        image = self._image_filter(t, raw.image).copy()
        hand = HandObservation(image=image, world=world, side=raw.side,
                               chirality=raw.chirality, score=raw.score)
        pointing = foreshortening(image, world) < POINTING_AT_CAMERA
        return FrameResult(t, tracked, hand, measure(world, raw.chirality, image), pointing)

    def close(self) -> None:
        self.tracker.close()

    def __enter__(self) -> HandPipeline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
