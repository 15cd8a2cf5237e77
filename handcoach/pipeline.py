"""The per-frame path shared by the live app and `handcoach analyze`.

frame -> HandTracker (MediaPipe) -> One Euro smoothing of the world landmarks ->
kinematics -> FrameResult. The exercise engine consumes FrameResults. With `track_arm`
(wrist exercises), MediaPipe Pose also finds the elbow, for wrist flexion.

The path has two halves: `track` (MediaPipe, which spends its time in C++ with Python's
lock released, on one core) and `finish` (smoothing and kinematics, in Python). `process`
runs both; `TrackAhead` runs the next frame's `track` in a process of its own (or on a
second thread) while the caller finishes the previous frame, so on a 2-core machine our
Python work hides behind MediaPipe's instead of adding to it.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

import numpy as np

from vision.kinematics import HandMeasures, foreshortening, measure, wrist_flexion
from vision.landmarks import HandObservation, TrackedFrame
from vision.smoothing import OneEuroFilter
from vision.tracker import HandChoice, HandTracker, Model

if TYPE_CHECKING:
    from vision.pose import ArmObservation, ArmTracker

    from .track_process import Answer, TrackProcess

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

#: Pose's wrist must lie within this many palm lengths (image) of the hand's wrist: Pose
#: sometimes draws a small person inside a close-up hand, whose "elbow" is not an elbow.
ARM_WRIST_MATCH = 0.6


@dataclass(frozen=True, slots=True)
class Tracked:
    """MediaPipe's output for one frame: the hands, and the arm when it is tracked."""

    tracked: TrackedFrame
    arm: ArmObservation | None = None


@dataclass(frozen=True, slots=True)
class FrameResult:
    """One processed frame.

    hand: the exercising hand, landmarks smoothed (None when no hand was found).
    measures: kinematics of that hand (None without a hand).
    pointing: (4,) bool per finger index..little, True where it points at the camera.
    wrist_flexion: deg (+ flexion, - extension); None without arm tracking or when the
        elbow is not in view.
    """

    t: float
    tracked: TrackedFrame
    hand: HandObservation | None
    measures: HandMeasures | None
    pointing: np.ndarray | None
    wrist_flexion: float | None = None

    @property
    def has_hand(self) -> bool:
        return self.hand is not None


class HandPipeline:
    """Tracker + smoothing + kinematics, one frame at a time."""

    def __init__(self, model: Model = "lite", hand: HandChoice = "auto", mirrored: bool = False,
                 smoothing: dict[str, float] | None = None, track_arm: bool = False) -> None:
        self.model, self.hand, self.mirrored = model, hand, mirrored
        self.track_arm = track_arm
        # MediaPipe's graphs are built on the first `track`: a pipeline whose tracking
        # runs in another process (TrackAhead) never loads them here.
        self._tracker: HandTracker | None = None
        self._arm: ArmTracker | None = None
        settings = SMOOTHING if smoothing is None else smoothing
        self._world_filter = OneEuroFilter(**settings)
        self._image_filter = OneEuroFilter(**{**settings,
                                              "beta": settings["beta"] / PIXELS_PER_METRE})
        self._last_side: str | None = None

    def process(self, t: float, rgb: np.ndarray) -> FrameResult:
        return self.finish(self.track(t, rgb))

    def warm(self) -> HandTracker:
        """Build MediaPipe's graphs now (they are otherwise built by the first `track`)."""
        if self._tracker is None:
            self._tracker = HandTracker(model=self.model, hand=self.hand,
                                        mirrored=self.mirrored)
            if self.track_arm:
                from vision.pose import ArmTracker

                # The wheel ships one Pose landmark model (full); it is used for both.
                self._arm = ArmTracker(model="full", mirrored=self.mirrored)
        return self._tracker

    def track(self, t: float, rgb: np.ndarray) -> Tracked:
        """MediaPipe's half: the hands (and, with `track_arm`, the arm) in one frame.

        Calls must come in time order, from one thread at a time."""
        tracked = self.warm().process(t, rgb)
        arm = None
        if self._arm is not None and tracked.hand is not None:
            arm = self._arm.process(t, rgb, tracked.hand.side)
        return Tracked(tracked, arm)

    def finish(self, got: Tracked) -> FrameResult:
        """Our half: smoothing and kinematics of a tracked frame (in time order)."""
        tracked = got.tracked
        t = tracked.t
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
        flex = None if got.arm is None else self._wrist_flexion(got.arm, hand)
        return FrameResult(t, tracked, hand, measure(world, raw.chirality, image), pointing,
                           flex)

    def _wrist_flexion(self, arm: ArmObservation, hand: HandObservation) -> float | None:
        palm_px = float(np.linalg.norm(hand.image[9, :2] - hand.image[0, :2]))
        if np.linalg.norm(arm.wrist_px - hand.image[0, :2]) > ARM_WRIST_MATCH * palm_px:
            return None
        return wrist_flexion(arm.wrist - arm.elbow, hand.world, hand.chirality)

    def close(self) -> None:
        if self._tracker is not None:
            self._tracker.close()
        if self._arm is not None:
            self._arm.close()

    def __enter__(self) -> HandPipeline:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


Item = TypeVar("Item")
#: Python's thread switch interval while MediaPipe runs beside our code on a thread (s).
SWITCH_INTERVAL_S = 0.0002


class TrackAhead(Generic[Item]):
    """MediaPipe one frame ahead of the caller: in a process of its own
    (handcoach.track_process), or with `separate_process=False` on a second thread.

    `run(frames)` takes (t, rgb, item) and yields (item, Tracked) in order; while the
    caller works on one frame (our Python half, the engine, drawing), the next frame is
    already in MediaPipe. At most two frames are in flight, so memory stays flat.

    A process is the default: on a thread, MediaPipe's own Python (packets, output
    callbacks, protobufs) and ours took turns at the interpreter's lock, and MediaPipe
    slowed by about as much as our half cost. If no process can be started, a thread.
    """

    def __init__(self, pipeline: HandPipeline, separate_process: bool = True) -> None:
        self.pipeline = pipeline
        self.separate_process = separate_process
        self._process: TrackProcess | None = None
        self._pool: ThreadPoolExecutor | None = None

    def start(self, frame_bytes: int = 1920 * 1080 * 3) -> None:
        """Start MediaPipe now rather than at the first frame (its process takes about a
        second to import MediaPipe and build the graphs; a patient who starts moving at
        once must not lose their first rep to it). frame_bytes: the largest frame expected
        (larger ones still work, a little slower); memory is only used as frames fill it."""
        if self._process is not None or self._pool is not None:
            return
        if self.separate_process:
            from .track_process import TrackProcess

            p = self.pipeline
            try:
                self._process = TrackProcess(p.model, p.hand, p.mirrored, p.track_arm,
                                             slot_bytes=frame_bytes)
                return
            except OSError:
                self.separate_process = False
        # MediaPipe's graph threads hand results back through Python callbacks, which
        # need the GIL; with Python's default 5 ms switch interval they wait for our
        # thread's turn to end, and MediaPipe ran at a quarter of its speed beside a busy
        # Python thread (48 vs 184 fps, lite). At 0.2 ms it kept 83% (152 fps).
        sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL_S))
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="handcoach-track")

    def wait_ready(self, timeout_s: float = 60.0) -> bool:
        """Wait until MediaPipe is ready for the first frame (True at once on a thread)."""
        return self._process.wait_ready(timeout_s) if self._process is not None else True

    @property
    def worker_pid(self) -> int | None:
        """The MediaPipe process's id (None on a thread, or before the first frame)."""
        return self._process.pid if self._process is not None else None

    def submit(self, t: float, rgb: np.ndarray) -> Future[Tracked] | Answer:
        if self._process is None and self._pool is None:
            self.start(rgb.nbytes)
        if self._process is not None:
            return self._process.submit(t, rgb)
        assert self._pool is not None
        return self._pool.submit(self.pipeline.track, t, rgb)

    def run(self, frames: Iterable[tuple[float, np.ndarray, Item]]
            ) -> Iterator[tuple[Item, Tracked]]:
        pending: tuple[Item, Future[Tracked] | Answer] | None = None
        for t, rgb, item in frames:
            future = self.submit(t, rgb)
            if pending is not None:
                yield pending[0], pending[1].result()
            pending = (item, future)
        if pending is not None:
            yield pending[0], pending[1].result()

    def close(self) -> None:
        if self._process is not None:
            self._process.close()
        if self._pool is not None:
            self._pool.shutdown(wait=True)

    def __enter__(self) -> TrackAhead[Item]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
