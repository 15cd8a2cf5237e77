"""Live coaching, one frame at a time: the work behind the exercise page's video.

    coach = LiveCoach(exercise, recorder, side="right").start()   # MediaPipe starts
    view = coach.process(rgb, frame_t)      # in streamlit-webrtc's frame callback
    coach.status()                          # on the page's thread
    coach.stream_ended(); coach.close()

A frame from the webcam (or a sample video played as one) goes to MediaPipe
(vision.ahead.LiveSchedule decides which frame is finished and which is shown), through
the same session loop as `handcoach analyze` (exercises.session, recording into the
results store as it goes), and comes back mirrored into the selfie view the patient
expects, with the overlay drawn on it. The page reads `status()` from its own thread, so
the coach keeps a small snapshot, replaced whole. streamlit-webrtc hands the callback only
the newest frame when processing falls behind (latest frame wins), and the engine counts
in the frames' own timestamps, so a slow machine sees fewer frames, never late ones.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, replace
from typing import Protocol

import cv2
import numpy as np

from exercises.alerts import Alert
from exercises.engine import EngineState
from exercises.library import Exercise
from exercises.session import ExerciseSession, SessionSink
from vision.ahead import LiveSchedule, Pending, TrackAhead
from vision.frame import HandFrame
from vision.pipeline import HandPipeline
from vision.rom import RomSummary
from vision.tracker import Model

from .framing import SetupGate, SetupStatus
from .overlay import OverlayInput, draw_panel, draw_setup, draw_skeleton

#: a gap between frame timestamps longer than this (s) is a restarted stream, not time
#: that passed with the hand in view: the session clock moves on by one frame instead.
MAX_FRAME_GAP_S = 2.0
#: the frame interval assumed after such a gap (s): 15 fps, the slowest rate we support.
FALLBACK_FRAME_S = 1.0 / 15.0
#: a frame handed over less than this long (s) after the previous one was returned was
#: already waiting: the machine is behind the camera (see LiveSchedule).
BEHIND_GAP_S = 0.002


class SaveState(SessionSink, Protocol):
    """A sink that can say whether everything reached the store (a recorder)."""

    problem: str | None


@dataclass(frozen=True)
class CoachStatus:
    """What the page shows beside the video, and what the summary is made from.

    t: s since the first frame. alerts: everything the patient was told, oldest first.
    rep_cues / hold_cues: how many reps were counted and holds completed (the page plays
    a sound when one of them grows). rom: least and most flexion seen so far.
    """

    t: float
    frames: int
    frames_with_hand: int
    state: EngineState
    hand_in_view: bool
    alerts: tuple[Alert, ...]
    rep_cues: int
    hold_cues: int
    rom: RomSummary
    stream_ended: bool
    save_problem: str | None
    #: the camera set-up before counting (None: no set-up, as for a recorded video).
    setup: SetupStatus | None = None


class SessionClock:
    """Session time from frame timestamps: monotonic across stream restarts."""

    def __init__(self) -> None:
        self.session_t = -1.0
        self._last_frame_t: float | None = None

    def __call__(self, frame_t: float | None) -> float:
        if frame_t is None:
            frame_t = time.monotonic()
        if self._last_frame_t is None:
            self.session_t = 0.0
        else:
            step = frame_t - self._last_frame_t
            if not 0.0 < step <= MAX_FRAME_GAP_S:
                step = FALLBACK_FRAME_S
            self.session_t += step
        self._last_frame_t = frame_t
        return self.session_t


class LiveCoach:
    """One exercise session's live processing.

    exercise: the prescribed exercise (program overrides applied). recorder: where the
    session is saved as it goes (None: not saved, as in the overlay tests). side: the
    prescribed hand ("left"/"right") or None for whichever is in view. done_today: reps
    of this exercise already done today (the day's maximum counts them). mirror: show the
    patient a mirror image (MediaPipe always sees the camera's own view, so a right hand
    reads "right"; only the picture is mirrored, the skeleton with it).
    """

    def __init__(self, exercise: Exercise, recorder: SaveState | None = None,
                 side: str | None = None, model: Model = "lite", done_today: int = 0,
                 mirror: bool = True, setup: bool = False) -> None:
        self.exercise = exercise
        self.recorder = recorder
        self.side = side
        self.model = model
        self.done_today = done_today
        self.mirror = mirror
        self.pipeline = HandPipeline(model=model, hand=side or "auto",
                                     track_arm=exercise.needs_forearm,
                                     track_forearm=exercise.needs_forearm)
        self.session = ExerciseSession(exercise, side=side, done_today=done_today,
                                       sink=recorder)
        self._ahead: TrackAhead[object] = TrackAhead(self.pipeline)
        self._schedule: LiveSchedule[tuple[np.ndarray, float]] = LiveSchedule(self._ahead)
        self._clock = SessionClock()
        #: held while MediaPipe or the engine work: the page's thread (pain rating, stop,
        #: close) and the frame callback's thread take turns. The status snapshot is a
        #: single reference, replaced whole, and read without it.
        self._busy = threading.Lock()
        self._returned_at = -np.inf
        self._last_view: np.ndarray | None = None
        self._flexion: np.ndarray | None = None
        self._ended = False
        self._closed = False
        self._alerts: tuple[Alert, ...] = ()
        self._gate = SetupGate(side, exercise.allow_other_hand, exercise.needs_forearm) \
            if setup else None
        self._brightness = 255.0
        rest = exercise.positions.get(exercise.rest)
        self._rest_cue = rest.cue if rest is not None else ""
        self._status = self._snapshot(0.0, False)

    def start(self) -> LiveCoach:
        """Start MediaPipe now, while the page sets up the camera, not at the first frame."""
        self._ahead.start()
        return self

    def wait_ready(self, timeout_s: float = 60.0) -> bool:
        """Wait until MediaPipe can take the first frame."""
        return self._ahead.wait_ready(timeout_s)

    @property
    def worker_pid(self) -> int | None:
        return self._ahead.worker_pid

    # -- the frame callback's side ------------------------------------------------------
    def process(self, rgb: np.ndarray, frame_t: float | None = None) -> np.ndarray:
        """One frame (RGB uint8, camera view); returns the mirrored frame with the overlay.

        frame_t: the frame's own timestamp in seconds (any origin), or None for now.
        """
        with self._busy:
            if self._closed:
                return cv2.flip(rgb, 1) if self.mirror else rgb
            behind = time.perf_counter() - self._returned_at < BEHIND_GAP_S
            t = self._clock(frame_t)
            self._ended = False
            if self._gate is not None and not self._gate.done:
                self._brightness = float(rgb[::16, ::16].mean())
            step = self._schedule.push(t, rgb, (rgb, t), behind)
            for (picture, _), pending in step.finish:
                self._finish(pending.result(), picture)
            if step.show is None:
                view = self._last_view if self._last_view is not None else self._mirror(rgb)
            else:
                view = self._draw(*step.show)
            self._last_view = view
            self._returned_at = time.perf_counter()
            return view

    def _draw(self, shown: tuple[np.ndarray, float], pending: Pending) -> np.ndarray:
        """The frame to show: mirrored, the panel drawn while MediaPipe may still be
        looking at it, then its skeleton once MediaPipe answers."""
        rgb, t = shown
        view = self._mirror(rgb)
        last = self.session.alerts[-1] if self.session.alerts else None
        state = self.session.state()
        assert state is not None
        if self._gate is not None and not self._gate.done:
            draw_setup(view, self._gate.status)
        else:
            draw_panel(view, OverlayInput(state=state, t=t, flexion=self._flexion,
                                          joints=self.exercise.joints, alert=last,
                                          rest_cue=self._rest_cue))
        frame = pending.result()
        if frame.hand is not None:
            skeleton = frame.hand.image[:, :2].copy()
            if self.mirror:
                skeleton[:, 0] = view.shape[1] - skeleton[:, 0]
            draw_skeleton(view, skeleton)
        self._status = self._snapshot(t, frame.hand is not None)
        return view

    def _mirror(self, rgb: np.ndarray) -> np.ndarray:
        # cv2.flip: 0.2 ms on a 540x960 frame, where NumPy's reversed copy took 2.5 ms.
        return cv2.flip(rgb, 1) if self.mirror else rgb.copy()

    def _finish(self, tracked: HandFrame, rgb: np.ndarray) -> None:
        """Our half of one tracked frame (and its picture, which the wrist stage reads):
        kinematics, then the session loop."""
        frame = self.pipeline.finish(tracked, rgb)
        if self._gate is not None and not self._gate.done:
            # Wall-clock time: the 3-2-1 is said in real seconds, however slowly
            # frames come on a busy machine.
            self._gate.update(time.monotonic(), frame, self._brightness)
            if not self._gate.done:
                return      # not counted before the set-up and the 3-2-1 are done
        self.session.update(frame)
        self._flexion = None if frame.measures is None else frame.measures.flexion

    def stream_ended(self) -> None:
        """The camera or the video stopped (perhaps mid-rep): say so and save what there is.

        A rep that was not finished is not counted; the session stays open for the pain
        rating and can go on if the stream starts again.
        """
        with self._busy:
            if self._ended or self._closed:
                return
            self._ended = True
            for (picture, _), pending in self._schedule.drain():
                self._finish(pending.result(), picture)
            t = max(self._clock.session_t, 0.0)
            self.session.finish(t)
            self._status = self._snapshot(t, False)

    # -- the page's side ---------------------------------------------------------------
    def status(self) -> CoachStatus:
        status = self._status
        problem = self.recorder.problem if self.recorder is not None else None
        if problem != status.save_problem:
            status = replace(status, save_problem=problem)
        return status

    def rate_pain(self, rating: int) -> list[Alert]:
        """A pain rating during the session (0-10): rising pain stops the exercise."""
        with self._busy:
            t = max(self._clock.session_t, 0.0)
            said = self.session.rate_pain(t, rating)
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
        """The page's view, as of the last finished frame. The alerts tuple is rebuilt
        only when one was added (it grows over a session)."""
        s = self.session
        if len(self._alerts) != len(s.alerts):
            self._alerts = tuple(s.alerts)
        state = s.state(s.t)
        assert state is not None
        return CoachStatus(
            t=t, frames=s.frames, frames_with_hand=s.frames_with_hand, state=state,
            hand_in_view=hand, alerts=self._alerts, rep_cues=len(s.reps),
            hold_cues=s.holds_reached, rom=s.rom(), stream_ended=self._ended,
            save_problem=self.recorder.problem if self.recorder is not None else None,
            setup=None if self._gate is None else self._gate.status)
