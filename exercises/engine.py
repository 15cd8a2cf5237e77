"""The exercise engine: one object per exercise being done, fed frame by frame.

    engine = ExerciseEngine(get_exercise("fist"), prescribed_side="right")
    for each measured frame (vision.frame.HandFrame):
        said, rep = engine.update(frame)     # alerts said now, a rep counted now or None
    engine.finish(t_end)
    engine.reps, engine.alerts, engine.state(t)

It joins what the camera sees (visibility, view_watch), which position the hand is in
and the rep count (counter, or alternate for two opposite positions), the pace of the
movement whether or not it makes reps (pace), and the prescription (guard), and passes
everything the patient is told through one rate limiter so that messages never flicker.
exercises.session drives it the same way for the live app and `handcoach analyze`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vision.frame import HandFrame

from .alerts import Alert, Code
from .alternate import AlternateCounter
from .counter import Rep, RepCounter
from .features import FeatureExtractor
from .feedback import MESSAGES, SLOW_DOWN, RateLimiter
from .guard import PrescriptionGuard
from .library import Exercise
from .pace import PaceWatch
from .view_watch import ViewWatch
from .visibility import VisibilityMonitor

#: the forearm must be missing this long (s) before the patient is asked to show it.
ELBOW_MISSING_S = 1.0


@dataclass(frozen=True)
class EngineState:
    """What the live view draws: the counter, the target, the timers (seconds)."""

    position: str | None
    position_label: str | None
    target: str
    target_label: str
    target_cue: str
    reps: int
    extra_reps: int
    set_number: int
    sets: int
    reps_per_set: int
    hold_elapsed_s: float
    hold_target_s: float
    rest_remaining_s: float
    finished: bool
    pain_stopped: bool


class ExerciseEngine:
    def __init__(self, exercise: Exercise, prescribed_side: str | None = None,
                 done_today: int = 0) -> None:
        self.exercise = exercise
        self.features = FeatureExtractor(exercise.fingers, exercise.min_readable)
        self.counter = (AlternateCounter(exercise) if exercise.order == "alternate"
                        else RepCounter(exercise))
        self.pace = PaceWatch(exercise) if exercise.pace_feature is not None else None
        self.view = ViewWatch(exercise)
        self.guard = PrescriptionGuard(exercise.dose, done_today)
        self.visibility = VisibilityMonitor(prescribed_side=prescribed_side)
        self._limiter = RateLimiter()
        self.reps: list[Rep] = []
        self.alerts: list[Alert] = []
        self._elbow_missing_since: float | None = None
        self._t = 0.0

    @property
    def counted(self) -> int:
        """Reps within the prescription (extra ones are in `reps` too, flagged)."""
        return self.guard.counted

    def update(self, frame: HandFrame) -> tuple[list[Alert], Rep | None]:
        """One measured frame: what is said now, and the rep counted now (or None).
        A frame without measures is a frame without a (reliable) hand."""
        t = frame.t
        measures = frame.measures
        self._t = t
        raw: list[Alert] = []
        seen = frame.hands_in_view if measures is not None else 0
        if measures is None and frame.wrist is not None and self.exercise.needs_forearm:
            seen = 1          # the silhouette still measures the wrist: the hand is there
        if self.exercise.allow_other_hand:
            seen = min(seen, 1)
        raw += self.visibility.update(t, seen, frame.side)
        raw += self._watch_forearm(frame)
        values = self.features(frame)
        raw += self.view.update(frame)
        said, rep = self.counter.update(t, values, None if measures is None
                                        else measures.flexion)
        raw += said
        if rep is not None:
            if self.pace is not None and self.pace.rushing(t):
                rep = rep.flagged("too_fast")
            rep, judged = self.guard.judge(rep)
            raw += judged
            self.reps.append(rep)
        raw += self._watch_pace(t, values)
        return self._say(raw), rep

    def _watch_forearm(self, frame: HandFrame) -> list[Alert]:
        """ELBOW_NOT_VISIBLE when a wrist exercise has had a hand but no forearm for
        ELBOW_MISSING_S (neither in the image nor from Pose)."""
        m = frame.measures
        missing = (self.exercise.needs_forearm and m is not None and frame.wrist is None
                   and m.wrist_flexion is None)
        if not missing:
            self._elbow_missing_since = None
            return []
        if self._elbow_missing_since is None:
            self._elbow_missing_since = frame.t
        if frame.t - self._elbow_missing_since < ELBOW_MISSING_S:
            return []
        return [Alert(self._elbow_missing_since, Code.ELBOW_NOT_VISIBLE,
                      MESSAGES[Code.ELBOW_NOT_VISIBLE])]

    def _watch_pace(self, t: float, values: np.ndarray) -> list[Alert]:
        """Movement cycles of the exercise's main feature, held or not (exercises.pace):
        TOO_FAST for a cycle quicker than the pace, and the load for the guard."""
        if self.pace is None:
            return []
        out = [Alert(c.confirmed_at, Code.TOO_FAST, SLOW_DOWN)
               for c in self.pace.update(t, values) if c.too_fast]
        return out + self.guard.note_motion(t, self.pace.excursions, self.counter.resting)

    def rate_pain(self, t: float, rating: int) -> list[Alert]:
        """A 0-10 pain rating from the patient (before, during or after)."""
        return self._say(self.guard.rate_pain(t, rating))

    def finish(self, t: float) -> list[Alert]:
        """End of the session or video."""
        return self._say(self.visibility.finish(t) + self.counter.finish(t))

    def _say(self, alerts: list[Alert]) -> list[Alert]:
        out = [a for a in sorted(alerts, key=lambda a: a.t) if self._limiter.allow(a)]
        self.alerts += out
        return out

    def state(self, t: float | None = None) -> EngineState:
        t = self._t if t is None else t
        ex, c, g = self.exercise, self.counter, self.guard
        pos = c.position
        target = c.target
        return EngineState(
            position=pos,
            position_label=ex.positions[pos].label if pos is not None else None,
            target=target.name, target_label=target.label, target_cue=target.cue,
            reps=self.counted, extra_reps=len(self.reps) - self.counted,
            set_number=min(g.set_number, ex.dose.sets), sets=ex.dose.sets,
            reps_per_set=ex.dose.reps, hold_elapsed_s=c.hold_elapsed(t),
            hold_target_s=ex.dose.hold_s, rest_remaining_s=g.rest_remaining(t),
            finished=g.finished, pain_stopped=g.pain_stopped)

    def reps_by_position(self) -> dict[str, int]:
        """Reps per target position reached: thumb touches per finger, for example."""
        out = {name: 0 for name in self.exercise.sequence}
        for r in self.reps:
            for name in dict.fromkeys(r.positions):
                out[name] += 1
        return out
