"""Counting reps of a movement between two opposite positions (order "alternate").

Wrist flexion and extension, palm down and palm up, radial and ulnar deviation: two
positions on either side of rest along one movement. A rep is one visit to each, in
either order, counted when the second visit ends. Passing through rest between them is
allowed and not needed: patients swing from one end to the other (on
wrist_flex_ext_overlay the hand crossed neutral in under the 0.2 s dwell in 4 of 5
cycles, so a counter that waited for rest found 1 rep in 5 cycles).

Reps do not share visits: F E F E counts 2, F E F 1 (the last F waits for its E). A visit
to the same side again replaces the pending one (the patient repeated it). A visit counts
only after rest has been seen once (a recording that starts in a position), and the second
side only if the movement passed through the rest range on the way (one frame is enough,
no dwell): MediaPipe's palm flips jump from palm down to palm up without the thumb-up in
between, a forearm does not (without this rule, one false rep each on
topdown_partial_closes and webcam_lowlight_7fps).

Between visits, progress toward the missing side is watched as in RepCounter (what was
kept for counter.RECENT_FRAMES frames, not one noisy frame); when the patient turns back (back
inside rest's range, or at the same side again, or the session ends) having gone at least
`partial_min` of the way without reaching it: PARTIAL_RANGE with its cue. Back inside
rest's own range, not the recogniser's rest: its hysteresis band reaches past rest's edge,
and a movement that turns inside that band never left rest for the recogniser.
"""

from __future__ import annotations

import numpy as np

from .alerts import Alert, Code
from .counter import Rep, RepCounter, Visit
from .feedback import MESSAGES
from .library import Exercise, Position


class AlternateCounter(RepCounter):
    """RepCounter for order "alternate" (module docstring)."""

    def __init__(self, exercise: Exercise) -> None:
        super().__init__(exercise)
        if len(set(exercise.sequence)) != 2:
            raise ValueError("order 'alternate' needs exactly two positions")
        self._pending: Visit | None = None      # the first side of the rep in progress
        self._open_start: float | None = None   # when the rep in progress began
        self._crossed = False                   # rest's range held since the last visit
        self._last_side: str | None = None      # the side of the last visit
        self._attempt_peak = 0.0
        self._attempt_t = 0.0
        self._in_rest = False

    @property
    def target(self) -> Position:
        """The other side from the last visit (the first position to begin with)."""
        seq = self.ex.sequence
        last = self._pending.position if self._pending is not None else self._last_side
        if last is None:
            return self.ex.positions[seq[0]]
        return self.ex.positions[seq[1] if last == seq[0] else seq[0]]

    @property
    def resting(self) -> bool:
        """Never: each movement ends at the other side, not at a rest between reps."""
        return False

    def update(self, t: float, features: np.ndarray, flexion: np.ndarray | None
               ) -> tuple[list[Alert], Rep | None]:
        ex = self.ex
        pos = self.recognizer.update(t, features, [self.target.name, ex.rest])
        alerts: list[Alert] = []
        rep = None
        in_rest = self._sets[ex.rest].holds(features)
        if in_rest:
            self._crossed = True
            self._seen_rest = True
            if not self._in_rest and self._visit is None and self._attempt_peak > 0:
                alerts += self._attempt_over()      # turned back: that attempt is over
        self._in_rest = in_rest
        if flexion is not None:
            if self._open_start is None:
                self._peak[:] = flexion
                self._low[:] = flexion
            else:
                np.fmax(self._peak, flexion, out=self._peak)
                np.fmin(self._low, flexion, out=self._low)
        if self._visit is not None and pos != self._visit.position:
            visit = self._visit
            visit.end = max(self.recognizer.entered_at if pos is not None else t, visit.start)
            self._visit = None
            if self._held_short(visit):
                alerts.append(Alert(visit.end, Code.HOLD_TOO_SHORT,
                                    MESSAGES[Code.HOLD_TOO_SHORT].format(hold=ex.dose.hold_s)))
            self._last_side = visit.position
            self._attempt_peak = 0.0
            self._recent.clear()
            if self._pending is None or self._pending.position == visit.position:
                self._pending = visit
            else:
                said, rep = self._complete(self._pending, visit)
                alerts += said
        if pos in ex.sequence and self._visit is None and self._seen_rest and self._crossed:
            if pos == self._last_side:
                alerts += self._attempt_over()      # back to the same side: fell short
            self._visit = Visit(pos, self.recognizer.entered_at, t)
            self._crossed = False
            self._attempt_peak = 0.0                # reached: not an attempt that fell short
            self._recent.clear()
            if self._open_start is None:
                self._open_start = self.recognizer.entered_at
        elif pos not in ex.sequence and self._last_side is not None \
                and not np.isnan(features).all():
            # Between positions or in rest (whose hysteresis band reaches past its edge):
            # progress toward the other side, resolved when rest is entered, the same
            # side is reached again, or the session ends.
            self._recent.append(self._progress_from_rest(self.target.name, features))
            p = min(self._recent)
            if p > self._attempt_peak:
                self._attempt_peak, self._attempt_t = p, t
        self._at_rest = pos == ex.rest
        self.position = pos
        return alerts, rep

    def finish(self, t: float) -> list[Alert]:
        """The end of the session: a last movement that fell short of the other side."""
        return self._attempt_over() if self._last_side is not None else []

    def _attempt_over(self) -> list[Alert]:
        peak, self._attempt_peak = self._attempt_peak, 0.0
        self._recent.clear()
        if peak >= self.ex.partial_min:
            return [Alert(self._attempt_t, Code.PARTIAL_RANGE,
                          MESSAGES[Code.PARTIAL_RANGE].format(cue=self.target.cue))]
        return []

    def _complete(self, first: Visit, second: Visit) -> tuple[list[Alert], Rep]:
        ex = self.ex
        start = first.start if self._open_start is None else min(self._open_start, first.start)
        flags = {"short_hold"} if self._held_short(first) or self._held_short(second) else set()
        alerts: list[Alert] = []
        # A rep's two visits leave out the swing back, so it lasts about half a cycle
        # (2.5-2.7 s on the wrist clip, whose cycles take 3.6-4.6 s): it is held against
        # half the pace here, while the pace watch times whole cycles against the pace.
        if second.end - start < ex.min_rep_s / 2:
            flags.add("too_fast")
            alerts.append(Alert(second.end, Code.TOO_FAST,
                                MESSAGES[Code.TOO_FAST].format(seconds=ex.min_rep_s)))
        self.counted += 1
        rep = Rep(number=self.counted, start=start, end=second.end,
                  positions=(first.position, second.position),
                  holds_s=(first.hold_s, second.hold_s), peak_flexion=self._peak.copy(),
                  min_flexion=self._low.copy(), flags=frozenset(flags))
        self._pending = None
        self._attempt_peak = 0.0
        self._recent.clear()
        self._open_start = None
        return alerts, rep

    def _progress_from_rest(self, name: str, features: np.ndarray) -> float:
        """Share of the way from rest's boundary to the position's range (the pending
        side lies the other way, so progress is not measured from where it settled)."""
        parts = []
        for idx, lo, hi, boundary in self._progress[name]:
            x = features[idx]
            if boundary is None or np.isnan(x):
                continue
            threshold = lo if lo > boundary else hi
            span = threshold - boundary
            if abs(span) > 1e-9:
                parts.append(min(max((x - boundary) / span, 0.0), 1.0))
        return float(np.mean(parts)) if parts else 0.0
