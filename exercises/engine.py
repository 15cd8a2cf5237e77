"""The exercise engine: one object per exercise being done, fed frame by frame.

    engine = ExerciseEngine(get_exercise("fist"), prescribed_side="right")
    for each measured frame (vision.frame.HandFrame):
        said, rep = engine.update(frame)     # alerts said now, a rep counted now or None
    engine.finish(t_end)
    engine.reps, engine.alerts, engine.state(t)

It joins what the camera sees (visibility), which position the hand is in and the rep
count (counter), and the prescription (guard), and passes everything the patient is told
through one rate limiter so that messages never flicker. exercises.session drives it
the same way for the live app and `handcoach analyze`.
"""

from __future__ import annotations

from dataclasses import dataclass

from vision.frame import HandFrame

from .alerts import Alert, Code
from .counter import Rep, RepCounter
from .features import FeatureExtractor
from .feedback import MESSAGES, RateLimiter
from .guard import PrescriptionGuard
from .library import Exercise
from .visibility import VisibilityMonitor

#: the elbow must be missing this long (s) before the patient is asked to show it.
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
        self.features = FeatureExtractor(exercise.fingers)
        self.counter = RepCounter(exercise)
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
        side = frame.side
        wrist_flexion = None if measures is None else measures.wrist_flexion
        self._t = t
        raw: list[Alert] = []
        seen = frame.hands_in_view if measures is not None else 0
        if self.exercise.allow_other_hand:
            seen = min(seen, 1)
        raw += self.visibility.update(t, seen, side)
        if self.exercise.needs_elbow and measures is not None and wrist_flexion is None:
            if self._elbow_missing_since is None:
                self._elbow_missing_since = t
            if t - self._elbow_missing_since >= ELBOW_MISSING_S:
                raw.append(Alert(self._elbow_missing_since, Code.ELBOW_NOT_VISIBLE,
                                 MESSAGES[Code.ELBOW_NOT_VISIBLE]))
        else:
            self._elbow_missing_since = None
        values = self.features(measures)
        said, rep = self.counter.update(t, values, None if measures is None
                                        else measures.flexion)
        raw += said
        if rep is not None:
            rep, judged = self.guard.judge(rep)
            raw += judged
            self.reps.append(rep)
        return self._say(raw), rep

    def rate_pain(self, t: float, rating: int) -> list[Alert]:
        """A 0-10 pain rating from the patient (before, during or after)."""
        return self._say(self.guard.rate_pain(t, rating))

    def finish(self, t: float) -> list[Alert]:
        """End of the session or video."""
        return self._say(self.visibility.finish(t))

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
