"""MediaPipe ahead of the caller, so that our Python half hides behind MediaPipe's.

    ahead = TrackAhead(pipeline)                 # a process of its own (or a thread)
    ahead.start()
    for item, frame in ahead.run((t, rgb, item) for ...):   # a video, in order
        frame = pipeline.finish(frame)

    live = LiveSchedule(ahead)                   # a camera: which frame to finish, show
    step = live.push(t, rgb, picture, behind)

On a 2-core machine MediaPipe's graph runs in C++ on one core while our half (smoothing,
kinematics, the engine, drawing) runs on the other. `TrackAhead` hands the next frame to
MediaPipe before the caller finishes the previous one. `LiveSchedule` decides, for a live
stream, which tracked frames the caller finishes now and which one it shows (see there).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

import numpy as np

from .frame import HandFrame
from .pipeline import HandPipeline
from .track_process import TrackProcess

Item = TypeVar("Item")
#: Python's thread switch interval while MediaPipe runs beside our code on a thread (s).
SWITCH_INTERVAL_S = 0.0002


class Pending(Protocol):
    """A frame handed to MediaPipe: `result()` waits for its tracked HandFrame."""

    def result(self) -> HandFrame: ...


class TrackAhead(Generic[Item]):
    """MediaPipe one frame ahead of the caller: in a process of its own
    (vision.track_process), or with `separate_process=False` on a second thread.

    `run(frames)` takes (t, rgb, item) and yields (item, tracked HandFrame) in order; while
    the caller works on one frame, the next frame is already in MediaPipe. At most two
    frames are in flight, so memory stays flat.

    A process is the default: on a thread, MediaPipe's own Python (packets, output
    callbacks, protobufs) and ours took turns at the interpreter's lock, and MediaPipe
    slowed by about as much as our half cost. If no process can be started, a thread.
    """

    def __init__(self, pipeline: HandPipeline, separate_process: bool = True,
                 frame_bytes: int = 1920 * 1080 * 3) -> None:
        self.pipeline = pipeline
        self.separate_process = separate_process
        self.frame_bytes = frame_bytes
        self._process: TrackProcess | None = None
        self._pool: ThreadPoolExecutor | None = None

    def start(self) -> TrackAhead[Item]:
        """Start MediaPipe now rather than at the first frame (its process takes about a
        second to import MediaPipe and build the graphs; a patient who starts moving at
        once must not lose their first rep to it). `frame_bytes` is the largest frame
        expected (larger ones still work, a little slower); memory is used as frames fill
        it."""
        if self._process is not None or self._pool is not None:
            return self
        if self.separate_process:
            p = self.pipeline
            try:
                self._process = TrackProcess(p.model, p.hand, p.mirrored, p.track_arm,
                                             slot_bytes=self.frame_bytes).start()
                return self
            except OSError:
                self.separate_process = False
        # MediaPipe's graph threads hand results back through Python callbacks, which
        # need the GIL; with Python's default 5 ms switch interval they wait for our
        # thread's turn to end, and MediaPipe ran at a quarter of its speed beside a busy
        # Python thread (benchmarks/README.md).
        sys.setswitchinterval(min(sys.getswitchinterval(), SWITCH_INTERVAL_S))
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="handcoach-track")
        return self

    def wait_ready(self, timeout_s: float = 60.0) -> bool:
        """Wait until MediaPipe is ready for the first frame (True at once on a thread)."""
        return self._process.wait_ready(timeout_s) if self._process is not None else True

    @property
    def worker_pid(self) -> int | None:
        """The MediaPipe process's id (None on a thread, or before `start`)."""
        return self._process.pid if self._process is not None else None

    def submit(self, t: float, rgb: np.ndarray) -> Pending:
        if self._process is None and self._pool is None:
            self.frame_bytes = rgb.nbytes       # not started: slots fit this stream
            self.start()
        if self._process is not None:
            return self._process.submit(t, rgb)
        assert self._pool is not None
        future: Future[HandFrame] = self._pool.submit(self.pipeline.track, t, rgb)
        return future

    def run(self, frames: Iterable[tuple[float, np.ndarray, Item]]
            ) -> Iterator[tuple[Item, HandFrame]]:
        pending: tuple[Item, Pending] | None = None
        for t, rgb, item in frames:
            handle = self.submit(t, rgb)
            if pending is not None:
                yield pending[0], pending[1].result()
            pending = (item, handle)
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


@dataclass(frozen=True)
class Step(Generic[Item]):
    """What a live frame's caller does now, in this order.

    finish: tracked frames (oldest first) to finish now, each with its item (the caller's
        own data for that frame: its picture, which the wrist stage reads): all earlier
        than the one shown.
    show: the frame to draw and return, with its pending tracking (None: nothing new to
        show; return the last picture again).
    """

    finish: tuple[tuple[Item, Pending], ...]
    show: tuple[Item, Pending] | None


class LiveSchedule(Generic[Item]):
    """Which frame a live stream's caller finishes, and which it shows, frame by frame.

    Every frame goes to MediaPipe at once (`ahead.submit`), and every frame is finished
    (the engine counts it) exactly once, in time order. What is shown depends on whether
    the caller keeps up with the camera (`behind`: the frame was already waiting when the
    caller returned the last one):

    - keeping up: this frame is shown (its skeleton drawn once MediaPipe answers), and it
      is finished at the next call, while MediaPipe works on the next frame: on two cores
      our half then costs the frame almost nothing. The counter drawn on it is one frame
      old (33-66 ms: not visible).
    - behind: MediaPipe gets this frame and the previous one is shown instead, so that
      MediaPipe never waits for our half and the machine keeps up with more frames (each
      shown one frame later).
    """

    def __init__(self, ahead: TrackAhead[object]) -> None:
        self.ahead = ahead
        self._shown: tuple[Item, Pending] | None = None
        self._unshown: tuple[Item, Pending] | None = None

    def push(self, t: float, rgb: np.ndarray, item: Item, behind: bool) -> Step[Item]:
        handle = self.ahead.submit(t, rgb)
        older = tuple(h for h in (self._shown,) if h is not None)
        if not behind:
            if self._unshown is not None:       # never shown, but counted
                older += (self._unshown,)
                self._unshown = None
            self._shown = (item, handle)
            return Step(older, self._shown)
        self._shown = None
        show, self._unshown = self._unshown, (item, handle)
        if show is not None:
            self._shown = show
        return Step(older, show)

    def drain(self) -> tuple[tuple[Item, Pending], ...]:
        """Every frame not finished yet, oldest first, with its item (the stream stopped)."""
        out = tuple(h for h in (self._shown,) if h is not None)
        if self._unshown is not None:
            out += (self._unshown,)
        self._shown = self._unshown = None
        return out
