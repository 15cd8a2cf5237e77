"""Live coaching, one frame at a time: the work behind the exercise page's video.

A frame from the webcam (or a sample video played as one) is mirrored into the selfie view
the patient expects, run through the same HandPipeline and ExerciseEngine as `handcoach
analyze`, drawn over with the overlay, and recorded. The frame callback runs in
streamlit-webrtc's worker thread; the page reads `status()` from its own thread, so the
coach keeps a small snapshot under a lock. streamlit-webrtc hands the callback only the
newest frame when processing falls behind (latest frame wins), and the engine counts in
the frames' own timestamps, so a slow machine sees fewer frames, never late ones.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field

import cv2
import numpy as np

from exercises.alerts import Alert
from exercises.engine import EngineState, ExerciseEngine
from exercises.library import Exercise
from handcoach.pipeline import HandPipeline, TrackAhead, Tracked
from handcoach.track_process import Answer
from storage.background import BackgroundRecorder
from vision.kinematics import HandMeasures
from vision.landmarks import N_ANGLES
from vision.tracker import Model

from .overlay import OverlayInput, draw_panel, draw_skeleton

#: a gap between frame timestamps longer than this (s) is a restarted stream, not time
#: that passed with the hand in view: the session clock moves on by one frame instead.
MAX_FRAME_GAP_S = 2.0
#: the frame interval assumed after such a gap (s): 15 fps, the slowest rate we support.
FALLBACK_FRAME_S = 1.0 / 15.0
#: a frame handed over less than this long (s) after the previous one was returned was
#: already waiting: the machine is behind the camera (see LiveCoach._process_behind).
BEHIND_GAP_S = 0.002


@dataclass(frozen=True)
class CoachStatus:
    """What the page shows beside the video, and what the summary is made from.

    t: s since the first frame. alerts: everything the patient was told, oldest first.
    rep_cues / hold_cues: how many reps were counted and holds completed (the page plays
    a sound when one of them grows). lo / hi: (14,) deg, least and most flexion seen.
    """

    t: float
    frames: int
    frames_with_hand: int
    state: EngineState
    hand_in_view: bool
    alerts: tuple[Alert, ...]
    rep_cues: int
    hold_cues: int
    lo: np.ndarray
    hi: np.ndarray
    stream_ended: bool
    save_problem: str | None


@dataclass
class _Clock:
    """Session time from frame timestamps: monotonic across stream restarts."""

    session_t: float = -1.0
    last_frame_t: float | None = None

    def __call__(self, frame_t: float | None) -> float:
        if frame_t is None:
            frame_t = time.monotonic()
        if self.last_frame_t is None:
            self.session_t = 0.0
        else:
            step = frame_t - self.last_frame_t
            if not 0.0 < step <= MAX_FRAME_GAP_S:
                step = FALLBACK_FRAME_S
            self.session_t += step
        self.last_frame_t = frame_t
        return self.session_t


@dataclass
class LiveCoach:
    """One exercise session's live processing.

    exercise: the prescribed exercise (program overrides applied). recorder: where the
    session is saved as it goes (None: not saved, as in the overlay tests).
    side: the prescribed hand ("left"/"right") or None for whichever is in view.
    done_today: reps of this exercise already done today (the daily maximum counts them).
    """

    exercise: Exercise
    recorder: BackgroundRecorder | None = None
    side: str | None = None
    model: Model = "lite"
    done_today: int = 0
    mirror: bool = True
    #: held while MediaPipe or the engine work: the page's thread (pain rating, stop,
    #: close) and the frame callback's thread take turns. The status snapshot is a
    #: single reference, replaced whole, and read without it.
    _busy: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        # MediaPipe sees the camera's own view (so a right hand reads "right"); only the
        # picture shown to the patient is mirrored, and the skeleton with it.
        self.pipeline = HandPipeline(model=self.model, hand=self.side or "auto",
                                     track_arm=self.exercise.needs_elbow)
        self._ahead: TrackAhead[None] = TrackAhead(self.pipeline)
        # MediaPipe starts now, while the page sets up the camera, not at the first frame.
        self._ahead.start()
        self._pending: Tracked | None = None
        #: behind the camera: the frame MediaPipe is working on, and its picture.
        self._inflight: tuple[Future[Tracked] | Answer, np.ndarray, float] | None = None
        self._returned_at = -np.inf
        self._last_view: np.ndarray | None = None
        self.engine = ExerciseEngine(self.exercise, prescribed_side=self.side,
                                     done_today=self.done_today)
        self._state = self.engine.state(0.0)
        self._alerts: tuple[Alert, ...] = ()
        self._flexion: np.ndarray | None = None
        self._clock = _Clock()
        self._frames = 0
        self._with_hand = 0
        self._lo = np.full(N_ANGLES, np.nan)
        self._hi = np.full(N_ANGLES, np.nan)
        self._reps_seen = 0
        self._rep_cues = 0
        self._hold_cues = 0
        self._holding = False
        self._ended = False
        self._closed = False
        self._status = self._snapshot(0.0, False)

    # -- the frame callback's side ------------------------------------------------------
    def process(self, rgb: np.ndarray, frame_t: float | None = None) -> np.ndarray:
        """One frame (RGB uint8, camera view); returns the mirrored frame with the overlay.

        frame_t: the frame's own timestamp in seconds (any origin), or None for now.
        """
        with self._busy:
            if self._closed:
                return cv2.flip(rgb, 1) if self.mirror else rgb
            behind = time.perf_counter() - self._returned_at < BEHIND_GAP_S
            view = (self._process_behind(rgb, frame_t) if behind
                    else self._process(rgb, frame_t))
            self._last_view = view
            self._returned_at = time.perf_counter()
            return view

    def _process_behind(self, rgb: np.ndarray, frame_t: float | None) -> np.ndarray:
        """When frames wait for us (the machine is slower than the camera), MediaPipe gets
        this frame and we return the previous one, finished and drawn: MediaPipe never
        waits for our half, so the machine keeps up with more frames (each shown one
        frame later). While frames keep up, `_process` shows each frame at once."""
        t = self._clock(frame_t)
        self._ended = False
        future = self._ahead.submit(t, rgb)
        if self._pending is not None:        # from `_process`: its frame was shown
            self._finish(self._pending)
            self._pending = None
        if self._inflight is None:
            self._inflight = (future, rgb, t)
            return self._last_view if self._last_view is not None else self._mirror(rgb)
        before, shown_rgb, shown_t = self._inflight
        self._inflight = (future, rgb, t)
        got = before.result()
        self._finish(got)
        view = self._mirror(shown_rgb)
        last = self.engine.alerts[-1] if self.engine.alerts else None
        draw_panel(view, OverlayInput(state=self._state, t=shown_t, flexion=self._flexion,
                                      joints=self.exercise.joints, alert=last))
        self._draw_hand(view, got)
        self._status = self._snapshot(shown_t, got.tracked.hand is not None)
        return view

    def _mirror(self, rgb: np.ndarray) -> np.ndarray:
        # cv2.flip: 0.2 ms on a 540x960 frame, where NumPy's reversed copy took 2.5 ms.
        return cv2.flip(rgb, 1) if self.mirror else rgb.copy()

    def _draw_hand(self, view: np.ndarray, got: Tracked) -> None:
        hand = got.tracked.hand
        if hand is not None:
            skeleton = hand.image[:, :2].copy()
            if self.mirror:
                skeleton[:, 0] = view.shape[1] - skeleton[:, 0]
            draw_skeleton(view, skeleton)

    def _process(self, rgb: np.ndarray, frame_t: float | None) -> np.ndarray:
        """MediaPipe works on this frame on its own thread while this one mirrors it and
        finishes the previous frame (kinematics, engine, recorder): on two cores our part
        costs the frame almost nothing. The overlay shows this frame's skeleton and the
        counter as of the previous frame (one frame, 33-66 ms, behind: not visible)."""
        t = self._clock(frame_t)
        self._ended = False
        future = self._ahead.submit(t, rgb)
        view = self._mirror(rgb)
        if self._inflight is not None:       # from `_process_behind`: never shown, counted
            self._finish(self._inflight[0].result())
            self._inflight = None
        if self._pending is not None:
            self._finish(self._pending)
        last = self.engine.alerts[-1] if self.engine.alerts else None
        draw_panel(view, OverlayInput(state=self._state, t=t, flexion=self._flexion,
                                      joints=self.exercise.joints, alert=last))
        self._pending = got = future.result()
        self._draw_hand(view, got)
        self._status = self._snapshot(t, got.tracked.hand is not None)
        return view

    def _finish(self, got: Tracked) -> None:
        """Our half of one tracked frame: kinematics, the engine, the recorder."""
        result = self.pipeline.finish(got)
        t = result.t
        m = result.measures
        side = result.hand.side if result.hand is not None else None
        said = self.engine.update(t, m, result.tracked.hands_in_view, side,
                                  result.wrist_flexion)
        self._state = state = self.engine.state(t)
        self._flexion = None if m is None else m.flexion
        new_reps = self.engine.reps[self._reps_seen:]
        self._reps_seen += len(new_reps)
        self._count(m, state, len(new_reps))
        if self.recorder is not None:
            self.recorder.add_frame(t, None if m is None else m.flexion,
                                    None if result.hand is None else result.hand.world)
            for rep in new_reps:
                self.recorder.add_rep(rep)
        self._record(said)

    def _record(self, said: list[Alert]) -> None:
        """What the patient was just told, to the session record."""
        if self.recorder is not None:
            for alert in said:
                self.recorder.add_warning(alert)

    def _drain(self) -> None:
        if self._pending is not None:
            self._finish(self._pending)
            self._pending = None
        if self._inflight is not None:
            self._finish(self._inflight[0].result())
            self._inflight = None

    def _count(self, m: HandMeasures | None, state: EngineState, new_reps: int) -> None:
        self._frames += 1
        if m is not None:
            self._with_hand += 1
            np.fmin(self._lo, m.flexion, out=self._lo)
            np.fmax(self._hi, m.flexion, out=self._hi)
        self._rep_cues += new_reps
        held = state.hold_target_s > 0 and state.hold_elapsed_s >= state.hold_target_s
        if held and not self._holding:
            self._hold_cues += 1
        self._holding = held

    def stream_ended(self) -> None:
        """The camera or the video stopped (perhaps mid-rep): say so and save what there is.

        A rep that was not finished is not counted; the session stays open for the pain
        rating and can go on if the stream starts again.
        """
        with self._busy:
            if self._ended or self._closed:
                return
            self._ended = True
            self._drain()
            t = max(self._clock.session_t, 0.0)
            self._record(self.engine.finish(t))
            self._status = self._snapshot(t, False)

    # -- the page's side ---------------------------------------------------------------
    def status(self) -> CoachStatus:
        status = self._status
        problem = self.recorder.problem if self.recorder is not None else None
        if problem != status.save_problem:
            status = CoachStatus(**{**status.__dict__, "save_problem": problem})
        return status

    def rate_pain(self, rating: int) -> list[Alert]:
        """A pain rating during the session (0-10): rising pain stops the exercise."""
        with self._busy:
            t = max(self._clock.session_t, 0.0)
            said = self.engine.rate_pain(t, rating)
            self._record(said)
            self._state = self.engine.state(t)
            self._status = self._snapshot(t, self._status.hand_in_view)
        return said

    def close(self) -> None:
        """Release MediaPipe; frames that still arrive are only mirrored."""
        with self._busy:
            if self._closed:
                return
            self._closed = True
            self._ahead.close()
            self.pipeline.close()

    def _snapshot(self, t: float, hand: bool) -> CoachStatus:
        """The page's view, with the engine's state as of the last finished frame. The
        alerts tuple is rebuilt only when one was added (it grows over a session)."""
        if len(self._alerts) != len(self.engine.alerts):
            self._alerts = tuple(self.engine.alerts)
        return CoachStatus(
            t=t, frames=self._frames, frames_with_hand=self._with_hand,
            state=self._state, hand_in_view=hand,
            alerts=self._alerts, rep_cues=self._rep_cues,
            hold_cues=self._hold_cues, lo=self._lo.copy(), hi=self._hi.copy(),
            stream_ended=self._ended,
            save_problem=self.recorder.problem if self.recorder is not None else None)
