"""The per-frame path shared by the live app and `handcoach analyze`.

    pipeline = HandPipeline(model="lite", hand="right")
    frame = pipeline.track(t, rgb)      # MediaPipe's half: HandFrame with raw landmarks
    frame = pipeline.finish(frame, rgb) # ours: smoothed, measured
    frame = pipeline.process(t, rgb)    # both

`track` is HandTracker (MediaPipe Hands) and, with `track_arm` (wrist exercises),
ArmTracker (MediaPipe Pose) for the elbow; `finish` is LandmarkSmoother, HandMeasurer and
ViewStage (how the hand faces the camera: landmarks only, for every exercise), then, with
`track_forearm` (wrist exercises) and the frame's RGB, WristStage (the forearm found in the
image: the only stage that reads pixels, so finger exercises do not pay for it).
The halves are separate because `track` spends its time in C++ on one core, so it can run
ahead of `finish` (vision.ahead) and our Python work hides behind MediaPipe's.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .frame import HandFrame
from .measurer import HandMeasurer
from .occlusion import ViewStage
from .pose import ArmTracker
from .smoothing import LandmarkSmoother
from .tracker import HandChoice, HandTracker, Model
from .wrist import WristStage

#: MediaPipe's tracking confidence for wrist exercises (its default, 0.5, elsewhere). At
#: the ends of wrist flexion and extension the hand is seen edge-on and bent; MediaPipe's
#: hand-presence score drops there and at 0.5 it drops the hand (found in 24% of the
#: frames of wrist_flex_ext_overlay, 46% at 0.2). The wrist stage needs only the hand's
#: axis and palm side from those frames, and checks them against the forearm.
WRIST_MIN_TRACKING = 0.2


class HandPipeline:
    """Tracker + smoothing + kinematics, one frame at a time, in time order.

    MediaPipe's graphs are built by `start()` or the first `track`: a pipeline whose
    tracking runs in another process (vision.ahead) never loads them here.
    """

    def __init__(self, model: Model = "lite", hand: HandChoice = "auto", mirrored: bool = False,
                 smoothing: Mapping[str, float] | None = None, track_arm: bool = False,
                 track_forearm: bool = False) -> None:
        self.model = model
        self.hand = hand
        self.mirrored = mirrored
        self.smoothing = smoothing
        self.track_arm = track_arm
        self.track_forearm = track_forearm
        self._tracker: HandTracker | None = None
        self._arm: ArmTracker | None = None
        self._smoother = LandmarkSmoother(smoothing)
        self._measurer = HandMeasurer()
        self._viewer = ViewStage()
        self._wrist = WristStage() if track_forearm else None

    def start(self) -> HandPipeline:
        """Build MediaPipe's graphs now (about a second) rather than at the first frame."""
        if self._tracker is None:
            self._tracker = HandTracker(
                model=self.model, hand=self.hand, mirrored=self.mirrored,
                min_tracking=WRIST_MIN_TRACKING if self.track_forearm else 0.5).start()
            if self.track_arm:
                # The wheel ships one Pose landmark model (full); it is used for both.
                self._arm = ArmTracker(model="full", mirrored=self.mirrored).start()
        return self

    def track(self, t: float, rgb: np.ndarray) -> HandFrame:
        """MediaPipe's half: the hands (and, with `track_arm`, the arm) in one frame."""
        self.start()
        assert self._tracker is not None
        frame = self._tracker.process(t, rgb)
        if self._arm is not None and frame.hand is not None:
            arm = self._arm.process(t, rgb, frame.hand.side)
            if arm is not None:
                frame = HandFrame(frame.t, frame.width, frame.height, frame.hand,
                                  frame.others, arm)
        return frame

    def finish(self, frame: HandFrame, rgb: np.ndarray | None = None) -> HandFrame:
        """Our half: smoothing, kinematics and the view of a tracked frame, and with
        `track_forearm` and its RGB image, the wrist against the forearm."""
        frame = self._viewer.update(self._measurer.update(self._smoother.update(frame)))
        if self._wrist is not None and rgb is not None:
            frame = self._wrist.update(frame, rgb)
        return frame

    def process(self, t: float, rgb: np.ndarray) -> HandFrame:
        return self.finish(self.track(t, rgb), rgb)

    def close(self) -> None:
        if self._tracker is not None:
            self._tracker.close()
        if self._arm is not None:
            self._arm.close()

    def __enter__(self) -> HandPipeline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
