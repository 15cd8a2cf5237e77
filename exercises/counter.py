"""Counting repetitions: one state machine for every exercise, driven by its data.

A repetition starts when the hand leaves the exercise's rest position and ends when it
comes back after reaching every position of the sequence (order "sequence", e.g. the
four tendon-glide positions, in the therapist's order, with rest allowed in between), or
after reaching any one of them (order "any": each thumb-to-fingertip touch is a rep).

Between two visits to rest is an *excursion*. One that reaches no position is either
noise (it got less than `partial_min` of the way) or a partial attempt (PARTIAL_RANGE),
unless it settled in a known wrong pattern (WRONG_POSITION said while it happens).
Holds are timed while a position is kept; letting go early still counts the position,
flagged `short_hold`, with HOLD_TOO_SHORT.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from vision.landmarks import N_ANGLES, angles_to_dict

from .alerts import Alert, Code
from .features import FEATURE_INDEX, N_FEATURES
from .feedback import MESSAGES, NEXT_POSITION
from .library import Exercise, Position
from .recognition import PositionRecognizer, RangeSet

#: a wrong pattern must be kept this long before the patient is told (s).
MISTAKE_DWELL_S = 0.5
#: ...and a position of the exercise held out of order, this long.
OUT_OF_ORDER_S = 1.0
#: a hold within this share of the prescribed time is not nagged about.
HOLD_TOLERANCE = 0.85
#: progress toward a target counts once kept for this many frames in a row.
RECENT_FRAMES = 3


@dataclass
class Visit:
    """One stay in a target position while it lasts: when, and how long it was held (s)."""

    position: str
    start: float
    end: float

    @property
    def hold_s(self) -> float:
        return self.end - self.start


@dataclass(frozen=True)
class Rep:
    """One counted repetition, with what a therapist reads about its quality.

    start, end: s. positions: the positions reached, in order; holds_s: how long each
    was held (s). peak_flexion / min_flexion: (14,) deg per joint over the rep (NaN where
    never seen). flags: short_hold, too_fast, rest_short, extra (beyond the
    prescription), after_pain_stop. set_number: the set it counted in.
    """

    number: int
    start: float
    end: float
    positions: tuple[str, ...]
    holds_s: tuple[float, ...]
    peak_flexion: np.ndarray
    min_flexion: np.ndarray
    flags: frozenset[str] = frozenset()
    set_number: int = 1

    @property
    def duration_s(self) -> float:
        return self.end - self.start

    @property
    def extra(self) -> bool:
        return "extra" in self.flags

    def flagged(self, *flags: str, set_number: int | None = None) -> Rep:
        """The same rep with more flags (and, when given, its set)."""
        return replace(self, flags=self.flags | frozenset(flags),
                       set_number=self.set_number if set_number is None else set_number)

    def to_json(self) -> dict[str, Any]:
        """The rep as `analyze --json` shows it (`rep_details`): times and holds to the
        hundredth of a second, peak flexion per joint in whole degrees."""
        return {"number": self.number, "start": round(self.start, 2),
                "end": round(self.end, 2), "set": self.set_number,
                "positions": list(self.positions),
                "holds_s": [round(h, 2) for h in self.holds_s],
                "peak_flexion": angles_to_dict(self.peak_flexion, 0),
                "flags": sorted(self.flags)}


def _progress_ranges(target: Position, rest: Position
                     ) -> list[tuple[int, float, float, float | None]]:
    """The target ranges a movement from rest must cross: (feature index, low, high, the
    rest position's near boundary or None when rest says nothing of that feature).

    Ranges that rest already satisfies (the hook fist's straight knuckles) are kept but
    not moved toward, so they are not progress."""
    rest_by = {r.feature: r for r in rest.targets}
    out: list[tuple[int, float, float, float | None]] = []
    for r in target.targets:
        rr = rest_by.get(r.feature)
        if rr is None:
            out.append((FEATURE_INDEX[r.feature], r.lo, r.hi, None))
        elif r.lo > rr.hi:
            out.append((FEATURE_INDEX[r.feature], r.lo, r.hi, rr.hi))
        elif r.hi < rr.lo:
            out.append((FEATURE_INDEX[r.feature], r.lo, r.hi, rr.lo))
    return out


class RepCounter:
    """Feed it each frame's features (and flexion); it counts reps and says what it saw."""

    def __init__(self, exercise: Exercise) -> None:
        self.ex = exercise
        names = [exercise.rest, *dict.fromkeys(exercise.sequence)]
        self._sets = {n: RangeSet.of(exercise.positions[n].targets) for n in names}
        self.recognizer = PositionRecognizer(self._sets, exercise.dwell_s)
        self._targets = self._watch_targets()
        self._checks = {key: self._wrong_patterns(targets)
                        for key, targets in self._targets.items()}
        rest = exercise.positions[exercise.rest]
        self._progress = {n: _progress_ranges(exercise.positions[n], rest)
                          for n in exercise.sequence}
        self.counted = 0
        self.position: str | None = None
        self.expected = 0
        self._seen_rest = False
        self._at_rest = False
        self._rest_left_at = 0.0
        self._rep_start: float | None = None
        self._visits: list[Visit] = []
        self._visit: Visit | None = None
        self._excursion_reached = False
        self._excursion_start: np.ndarray | None = None
        self._settled = np.full(N_FEATURES, np.nan)
        self._peak_progress = 0.0
        self._recent: deque[float] = deque(maxlen=RECENT_FRAMES)
        self._mistake_since: dict[int, float] = {}
        self._mistake_said = False
        self._peak = np.full(N_ANGLES, np.nan)
        self._low = np.full(N_ANGLES, np.nan)
        self._any_targets = tuple(dict.fromkeys(exercise.sequence))

    def _watch_targets(self) -> dict[int | None, tuple[str, ...]]:
        """What a movement between positions may be heading for: in "any" order every
        target (key None), in "sequence" order the expected one (key: its index)."""
        seq = self.ex.sequence
        if self.ex.order == "any":
            return {None: tuple(seq)}
        return {i: (name,) for i, name in enumerate(seq)}

    def _wrong_patterns(self, targets: tuple[str, ...]
                        ) -> list[tuple[RangeSet, str, float]]:
        """Known substitutions for the targets (said after MISTAKE_DWELL_S), then, in
        sequence order, another position of the exercise held out of order: said later
        (OUT_OF_ORDER_S), since a specific mistake may look like another position on the
        way (a hook fist with bent knuckles passes through the full fist)."""
        ex = self.ex
        checks = [(RangeSet.of(m.when), m.message, MISTAKE_DWELL_S)
                  for n in targets for m in ex.positions[n].mistakes]
        if ex.order == "sequence":
            want = ex.positions[targets[0]]
            hint = NEXT_POSITION.format(label=want.label.lower(), cue=want.cue)
            checks += [(self._sets[n], hint, OUT_OF_ORDER_S)
                       for n in dict.fromkeys(ex.sequence) if n != targets[0]]
        return checks

    # -- what the live view shows ------------------------------------------------------
    @property
    def target(self) -> Position:
        """The position the patient should go to next."""
        name = self.ex.sequence[self.expected % len(self.ex.sequence)]
        if self._at_rest or self.ex.order == "any" or self.expected < len(self.ex.sequence):
            return self.ex.positions[name]
        return self.ex.positions[self.ex.rest]

    @property
    def resting(self) -> bool:
        """At rest after a movement: every movement so far is judged (a rep or short of
        one), none is still on its way to being counted."""
        return self._at_rest

    def hold_elapsed(self, t: float) -> float:
        return t - self._visit.start if self._visit is not None else 0.0

    # -- the state machine ---------------------------------------------------------------
    def update(self, t: float, features: np.ndarray, flexion: np.ndarray | None
               ) -> tuple[list[Alert], Rep | None]:
        prefer = [self.ex.rest]
        if self.ex.order == "sequence" and self.expected < len(self.ex.sequence):
            prefer.insert(0, self.ex.sequence[self.expected])
        elif self.ex.order == "any":
            # Several targets may hold at once (a thumb between two fingertips): the one
            # the features sit deepest inside is the one reached.
            prefer = sorted(self._any_targets, key=lambda n: self._depth(n, features)) \
                + prefer
        pos = self.recognizer.update(t, features, prefer)
        alerts: list[Alert] = []
        rep = None
        if flexion is not None and self._rep_start is not None:
            np.fmax(self._peak, flexion, out=self._peak)
            np.fmin(self._low, flexion, out=self._low)

        if self._visit is not None and pos != self._visit.position:
            # A position left for the next one ends where the next one began.
            alerts += self._end_visit(self.recognizer.entered_at if pos is not None else t)
        if pos == self.ex.rest:
            if not self._at_rest:
                a, rep = self._arrive_at_rest(t)
                alerts += a
            self._rest_left_at = t
            if self._sets[self.ex.rest].holds(features):
                # Where this patient's rest really is: progress is measured from here.
                self._settled[:] = features
        else:
            if self._at_rest:
                self._leave_rest(flexion)
            if self._seen_rest and not self._at_rest and self._visit is None:
                if pos is not None and self._is_next(pos):
                    self._visit = Visit(pos, self.recognizer.entered_at, t)
                    self._excursion_reached = True
                elif not np.isnan(features).all():
                    # Between positions, or in one out of order: progress, mistakes.
                    alerts += self._watch_attempt(t, features)
        self.position = pos
        return alerts, rep

    def _depth(self, name: str, features: np.ndarray) -> float:
        """Where the features sit in a position's ranges: 0 at their low ends, 1 at the
        high ends, the worst range counting (inf when unknown). For the thumb touches,
        distances in [0, 0.42], the nearest fingertip comes first."""
        rs = self._sets[name]
        x = features[rs.index]
        if np.isnan(x).any():
            return float("inf")
        return float(np.max((x - rs.lo) / np.maximum(rs.hi - rs.lo, 1e-9)))

    def finish(self, t: float) -> list[Alert]:
        """The end of the session: nothing more to say here (see AlternateCounter)."""
        return []

    def _leave_rest(self, flexion: np.ndarray | None) -> None:
        self._at_rest = False
        self._excursion_reached = False
        self._peak_progress = 0.0
        self._recent.clear()
        self._mistake_said = False
        self._mistake_since.clear()
        self._excursion_start = self._settled.copy()
        if self._rep_start is None:
            self._rep_start = self._rest_left_at
            self._peak.fill(np.nan)
            self._low.fill(np.nan)
            if flexion is not None:
                self._peak[:] = flexion
                self._low[:] = flexion

    def _is_next(self, pos: str) -> bool:
        """Whether reaching `pos` now advances the rep (any target, or the expected one)."""
        seq = self.ex.sequence
        if self.ex.order == "any":
            return pos in seq
        return self.expected < len(seq) and pos == seq[self.expected]

    def _held_short(self, visit: Visit) -> bool:
        hold = self.ex.dose.hold_s
        return hold > 0 and visit.hold_s < hold * HOLD_TOLERANCE

    def _end_visit(self, t: float) -> list[Alert]:
        visit = self._visit
        assert visit is not None
        visit.end = max(t, visit.start)
        self._visits.append(visit)
        self._visit = None
        if self.ex.order == "sequence":
            self.expected += 1
        if self._held_short(visit):
            return [Alert(visit.end, Code.HOLD_TOO_SHORT,
                          MESSAGES[Code.HOLD_TOO_SHORT].format(hold=self.ex.dose.hold_s))]
        return []

    def _progress_toward(self, name: str, features: np.ndarray) -> float:
        parts = []
        for idx, lo, hi, boundary in self._progress[name]:
            x = features[idx]
            # From where this patient's rest really is (settled), else from the rest
            # position's boundary, to the near edge of the target range.
            start = self._excursion_start[idx] if self._excursion_start is not None \
                else np.nan
            if np.isnan(start):
                start = np.nan if boundary is None else boundary
            threshold = hi if start > hi else lo
            if boundary is not None and (start - boundary) * (threshold - boundary) > 0:
                start = boundary
            span = threshold - start
            if np.isnan(x) or np.isnan(span) or abs(span) < 1e-9:
                continue
            parts.append(min(max((x - start) / span, 0.0), 1.0))
        return float(np.mean(parts)) if parts else 0.0

    def _watch_attempt(self, t: float, features: np.ndarray) -> list[Alert]:
        key = None if self.ex.order == "any" else self.expected
        if key is not None and key >= len(self.ex.sequence):
            return []
        targets = self._targets[key]
        progress = max(self._progress_toward(n, features) for n in targets)
        # The peak is what was kept for a few frames, not one noisy frame.
        self._recent.append(progress)
        self._peak_progress = max(self._peak_progress, min(self._recent))
        if self._mistake_said:
            return []
        for i, (rs, msg, dwell) in enumerate(self._checks[key]):
            if rs.holds(features):
                since = self._mistake_since.setdefault(i, t)
                if t - since >= dwell:
                    self._mistake_said = True
                    return [Alert(since, Code.WRONG_POSITION, msg)]
            else:
                self._mistake_since.pop(i, None)
        return []

    def _arrive_at_rest(self, t: float) -> tuple[list[Alert], Rep | None]:
        ex = self.ex
        alerts: list[Alert] = []
        first = not self._seen_rest
        self._seen_rest = True
        self._at_rest = True
        if first:
            return alerts, None
        if not self._excursion_reached and not self._mistake_said \
                and self._peak_progress >= ex.partial_min:
            # The target shown to the patient (in "any" order the suggested next one,
            # index -> little, not always the first).
            want = self.target
            alerts.append(Alert(self._rest_left_at, Code.PARTIAL_RANGE,
                                MESSAGES[Code.PARTIAL_RANGE].format(cue=want.cue)))
        done = (self._excursion_reached if ex.order == "any"
                else self.expected >= len(ex.sequence))
        if not done or self._rep_start is None:
            return alerts, None
        end = max(self.recognizer.entered_at, *(v.end for v in self._visits))
        start = min(self._rep_start, *(v.start for v in self._visits))
        flags = {"short_hold"} if any(self._held_short(v) for v in self._visits) else set()
        if end - start < ex.min_rep_s:
            flags.add("too_fast")
            alerts.append(Alert(end, Code.TOO_FAST,
                                MESSAGES[Code.TOO_FAST].format(seconds=ex.min_rep_s)))
        self.counted += 1
        rep = Rep(number=self.counted, start=start, end=end,
                  positions=tuple(v.position for v in self._visits),
                  holds_s=tuple(v.hold_s for v in self._visits),
                  peak_flexion=self._peak.copy(), min_flexion=self._low.copy(),
                  flags=frozenset(flags))
        self._visits = []
        self._rep_start = None
        self.expected = 0 if ex.order == "sequence" else self.expected + 1
        return alerts, rep
