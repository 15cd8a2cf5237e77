"""Pace from motion: movement cycles of an exercise's main feature, held or not.

Why: the rep counter only sees positions that are *held* (a dwell inside their ranges),
so a patient tapping thumb to index four times a second never reaches a position and is
never told to slow down (a real clip of 16 taps in 4.3 s gave 1 rep and no warning).
Rushing is the commonest way to overdo an exercise.

`MotionCycleDetector` watches one number per frame (the thumb's distance to the nearest
fingertip, the fingertips' distance to the palm, wrist flexion, forearm rotation...) and
finds its turning points with hysteresis: a maximum is confirmed once the value has come
back down by `amplitude`, a minimum once it has risen by `amplitude` (Billauer's
"peakdet"). `amplitude` is in the feature's units, set per exercise (definitions.toml)
to a third to a half of the feature's working range, so that tracking noise never makes a
cycle and a real movement always does.

A cycle is the time between two turns of the same kind: for one-sided exercises the
target-side turns (a touch, a fist: `target` -1 when the target is a low value, +1 a high
one), for two-sided ones (`target` 0: flexion / extension, pronation / supination) either
kind. Shorter than `min_period_s` is too fast. Since a turn is confirmed when the
retrace reaches `amplitude`, the first too-fast cycle is known about one period plus a
retrace after the movement starts: ~1.5 s for 0.6 s taps.

Two-sided exercises rest in the middle (`centre`, e.g. thumb-up at 90 deg of rotation):
a turn ends a movement only when it lies beyond the centre by at least the amplitude on
its own side. Others (a dip toward neutral on the way from one end to the other, noise
around neutral) make no cycle: on forearm_rotation_overlay a dip to 71 before the first
supination made a "pronation" turn 2.9 s before the real one, each a false TOO_FAST.

Spikes: MediaPipe's landmarks jump for a frame or two when a hand closes or turns (on the
real fist clips such glitches made "cycles" of 0.1-0.3 s), so the value first goes through
a running median over `median_s` and at least 3 samples (0.07 s: 3 frames at 30 fps, 5 at
60). A longer window (0.15 s) also erased real fast taps: at 4x speed a touch lasts 2-3
frames of a 30 fps video.

Gaps: frames without a value are skipped; a gap longer than `max_gap_s` restarts the
detector (a hand that left and came back is not one long slow cycle).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .features import FEATURE_INDEX
from .library import Exercise
from .recognition import RangeSet


@dataclass(frozen=True, slots=True)
class Turn:
    """A confirmed turning point: when and what the extreme was, its kind (+1 maximum, -1
    minimum) and when it was confirmed (the retrace reached the amplitude)."""

    t: float
    value: float
    kind: int
    confirmed_at: float


@dataclass(frozen=True, slots=True)
class Cycle:
    """Two turns of the same kind: start and end (the extremes' times), the largest swing
    to the other side in between, and whether it beat the pace limit."""

    start: float
    end: float
    kind: int
    amplitude: float
    too_fast: bool
    confirmed_at: float

    @property
    def period(self) -> float:
        return self.end - self.start


class MotionCycleDetector:
    """Hysteresis turning points and cycles of one feature (module docstring)."""

    def __init__(self, amplitude: float, min_period_s: float, target: int = 0,
                 centre: float | None = None, max_gap_s: float = 0.5,
                 max_period_s: float = 30.0, median_s: float = 0.07) -> None:
        if amplitude <= 0:
            raise ValueError("amplitude must be > 0")
        if target not in (-1, 0, 1):
            raise ValueError("target must be -1, 0 or +1")
        self.amplitude = amplitude
        self.min_period_s = min_period_s
        self.target = target
        self.centre = centre
        self.max_gap_s = max_gap_s
        self.max_period_s = max_period_s
        self.median_s = median_s
        self.turns: list[Turn] = []
        self.cycles: list[Cycle] = []
        self._reset()

    def _reset(self) -> None:
        self._dir = 0                  # +1 rising (a maximum next), -1 falling, 0 unknown
        self._hi: tuple[float, float] | None = None
        self._lo: tuple[float, float] | None = None
        self._ext: tuple[float, float] | None = None
        self._last_t: float | None = None
        self._since_reset: list[Turn] = []
        self._window: list[tuple[float, float]] = []

    def update(self, t: float, x: float | None) -> list[Cycle]:
        """One frame's value (None or NaN: none); returns the cycles completed now."""
        if x is None or not np.isfinite(x):
            return []
        if self._last_t is not None and t - self._last_t > self.max_gap_s:
            self._reset()
        self._last_t = t
        if self.median_s > 0:
            self._window.append((t, float(x)))
            while len(self._window) > 3 and t - self._window[0][0] >= self.median_s:
                self._window.pop(0)
            x = float(np.median([v for _, v in self._window]))
        if self._dir == 0:
            return self._first_turn(t, x)
        assert self._ext is not None
        if self._dir * (x - self._ext[1]) >= 0:
            self._ext = (t, x)
            return []
        if abs(self._ext[1] - x) < self.amplitude:
            return []
        kind = self._dir
        out = self._turn(Turn(self._ext[0], self._ext[1], kind, t))
        self._dir, self._ext = -kind, (t, x)
        return out

    def _first_turn(self, t: float, x: float) -> list[Cycle]:
        if self._hi is None or x > self._hi[1]:
            self._hi = (t, x)
        if self._lo is None or x < self._lo[1]:
            self._lo = (t, x)
        if self._hi[1] - x >= self.amplitude:          # came down from a maximum
            out = self._turn(Turn(self._hi[0], self._hi[1], +1, t))
            self._dir, self._ext = -1, (t, x)
            return out
        if x - self._lo[1] >= self.amplitude:          # came up from a minimum
            out = self._turn(Turn(self._lo[0], self._lo[1], -1, t))
            self._dir, self._ext = +1, (t, x)
            return out
        return []

    def _is_end(self, turn: Turn) -> bool:
        """Whether a turn ends a movement (two-sided: beyond the centre, module docstring)."""
        if self.target != 0:
            return turn.kind == self.target
        return self.centre is None or turn.kind * (turn.value - self.centre) >= self.amplitude

    def _turn(self, turn: Turn) -> list[Cycle]:
        self.turns.append(turn)
        if self.target == 0 and not self._is_end(turn):
            return []
        prev = [p for p in self._since_reset if p.kind == turn.kind]
        self._since_reset.append(turn)
        if (self.target != 0 and turn.kind != self.target) or not prev:
            return []
        p = prev[-1]
        between = [q for q in self._since_reset if q.kind != turn.kind and p.t < q.t < turn.t]
        period = turn.t - p.t
        if not between or period > self.max_period_s:
            return []
        amp = max(abs(q.value - turn.value) for q in between)
        cycle = Cycle(p.t, turn.t, turn.kind, amp, period < self.min_period_s,
                      turn.confirmed_at)
        self.cycles.append(cycle)
        return [cycle]

    @property
    def excursions(self) -> int:
        """Completed movements: to the target and back (one-sided), or pairs of opposite
        ends (two-sided: one rep's worth). The load the overexertion guard counts,
        whether or not reps were counted."""
        ends = sum(1 for t in self.turns if self._is_end(t))
        return ends // 2 if self.target == 0 else ends


class PaceWatch:
    """An exercise's pace from motion: its `pace.feature` from each frame's feature
    vector (only while the `pace.when` ranges hold), through a MotionCycleDetector timed
    against `pace.min_cycle_s`. None of it for an exercise without a pace feature."""

    def __init__(self, exercise: Exercise) -> None:
        self.exercise = exercise
        feature = exercise.pace_feature
        assert feature is not None
        centre = None
        if exercise.pace_target == 0:
            rest = [r for r in exercise.positions[exercise.rest].targets if r.feature == feature]
            centre = (rest[0].lo + rest[0].hi) / 2 if rest else None
        self.detector = MotionCycleDetector(exercise.pace_amplitude, exercise.min_cycle_s,
                                            exercise.pace_target, centre=centre)
        self._index = FEATURE_INDEX[feature]
        self._when = RangeSet.of(exercise.pace_when) if exercise.pace_when else None

    def update(self, t: float, values: np.ndarray) -> list[Cycle]:
        x = values[self._index]
        if self._when is not None and not self._when.holds(values):
            x = None
        return self.detector.update(t, x)

    @property
    def excursions(self) -> int:
        return self.detector.excursions

    def rushing(self, t: float) -> bool:
        """Whether the movement runs faster than the pace now: the last cycle was too
        fast and ended within two paces (at least a second) of t. A rep counted then is
        flagged too_fast."""
        cycles = self.detector.cycles
        window = max(2 * self.exercise.min_cycle_s, 1.0)
        return bool(cycles) and cycles[-1].too_fast and t - cycles[-1].confirmed_at <= window
