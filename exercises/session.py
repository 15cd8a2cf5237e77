"""One exercise session, frame by frame: the loop that the live coach and `analyze` share.

    session = ExerciseSession(exercise, side="right", sink=recorder)
    for each measured frame (vision.frame.HandFrame):
        said = session.update(frame)        # what the patient is told now
    session.rate_pain(t, 4)
    session.finish(t_end)
    session.reps, session.alerts, session.rom(), session.state(t)

Without an exercise (`analyze` just measuring), only what the camera sees is judged (no
hand, two hands, the other hand). Everything the session records goes to its sink as it
happens: each frame's angles and landmarks, each counted rep, each thing said. The
results store's recorder is a sink (saved as it goes), so is an analysis's in-memory log.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from vision.frame import HandFrame
from vision.rom import RomSummary, RomTracker

from .alerts import Alert
from .counter import Rep
from .engine import EngineState, ExerciseEngine
from .library import Exercise
from .visibility import VisibilityMonitor


class SessionSink(Protocol):
    """Where a session's record goes, as it happens (the results store's recorder)."""

    def add_frame(self, t: float, angles: np.ndarray | None,
                  world: np.ndarray | None = None, trusted: np.ndarray | None = None
                  ) -> None:
        """One frame: (14,) flexion in degrees and (21, 3) world landmarks, or None;
        trusted: (14,) bool, the readings a range of motion may rest on (None: all)."""

    def add_rep(self, rep: Rep) -> None:
        """A counted rep (extra ones included, flagged)."""

    def add_warning(self, alert: Alert) -> None:
        """Something the patient was told."""


class Tee:
    """One sink that hands everything to several."""

    def __init__(self, sinks: Sequence[SessionSink]) -> None:
        self.sinks = tuple(sinks)

    def add_frame(self, t: float, angles: np.ndarray | None,
                  world: np.ndarray | None = None, trusted: np.ndarray | None = None
                  ) -> None:
        for sink in self.sinks:
            sink.add_frame(t, angles, world, trusted)

    def add_rep(self, rep: Rep) -> None:
        for sink in self.sinks:
            sink.add_rep(rep)

    def add_warning(self, alert: Alert) -> None:
        for sink in self.sinks:
            sink.add_warning(alert)


class ExerciseSession:
    """The exercise engine (or, without an exercise, the visibility monitor) over a stream
    of measured frames, with the session's running totals.

    exercise: with the program's dose applied; None to measure only. side: the prescribed
    hand, or None for whichever is in view. done_today: reps of this exercise already done
    today (the day's maximum counts them). sink: where the record goes (None: kept here
    only as totals).
    """

    def __init__(self, exercise: Exercise | None, side: str | None = None,
                 done_today: int = 0, sink: SessionSink | None = None) -> None:
        self.exercise = exercise
        self.side = side
        self.done_today = done_today
        self.sink = sink
        self.engine = None if exercise is None else ExerciseEngine(
            exercise, prescribed_side=side, done_today=done_today)
        self._monitor = VisibilityMonitor(prescribed_side=side) if exercise is None else None
        self._monitor_alerts: list[Alert] = []
        self._rom = RomTracker()
        self.frames = 0
        self.frames_with_hand = 0
        #: holds that reached the prescribed time (the live page plays a tone for each).
        self.holds_reached = 0
        self._holding = False
        self.t = 0.0

    # -- what happened so far --------------------------------------------------------
    @property
    def reps(self) -> list[Rep]:
        return self.engine.reps if self.engine is not None else []

    @property
    def alerts(self) -> list[Alert]:
        """Everything the patient was told, in the order it was said."""
        return self.engine.alerts if self.engine is not None else self._monitor_alerts

    @property
    def counted(self) -> int:
        """Reps within the prescription (the extra ones are in `reps` too, flagged)."""
        return self.engine.counted if self.engine is not None else 0

    def rom(self) -> RomSummary:
        """Least and most flexion per joint over the frames with a hand."""
        return self._rom.summary()

    def state(self, t: float | None = None) -> EngineState | None:
        """The counter, target and timers for the live view (None without an exercise)."""
        return self.engine.state(t) if self.engine is not None else None

    # -- the loop ----------------------------------------------------------------------
    def update(self, frame: HandFrame) -> list[Alert]:
        """One measured frame; returns what the patient is told now."""
        t = frame.t
        self.t = t
        m = frame.measures
        flexion = None if m is None else m.flexion
        self.frames += 1
        if m is not None:
            self.frames_with_hand += 1
        self._rom.update(t, flexion, None if m is None else m.trusted)
        rep = None
        if self.engine is not None:
            said, rep = self.engine.update(frame)
            self._count_hold(t)
        else:
            assert self._monitor is not None
            said = self._monitor.update(t, frame.hands_in_view, frame.side)
            self._monitor_alerts += said
        if self.sink is not None:
            self.sink.add_frame(t, flexion, None if frame.hand is None else frame.hand.world,
                                None if m is None else m.trusted)
            if rep is not None:
                self.sink.add_rep(rep)
        self._tell(said)
        return said

    def rate_pain(self, t: float, rating: int) -> list[Alert]:
        """A 0-10 pain rating during the session: rising pain stops the exercise."""
        said = self.engine.rate_pain(t, rating) if self.engine is not None else []
        self._tell(said)
        return said

    def finish(self, t: float) -> list[Alert]:
        """The end of the video or stream (a rep not completed is not counted)."""
        if self.engine is not None:
            said = self.engine.finish(t)
        else:
            assert self._monitor is not None
            said = self._monitor.finish(t)
            self._monitor_alerts += said
        self._tell(said)
        return said

    def _tell(self, said: list[Alert]) -> None:
        if self.sink is not None:
            for alert in said:
                self.sink.add_warning(alert)

    def _count_hold(self, t: float) -> None:
        assert self.engine is not None
        target = self.engine.exercise.dose.hold_s
        held = target > 0 and self.engine.counter.hold_elapsed(t) >= target
        if held and not self._holding:
            self.holds_reached += 1
        self._holding = held
