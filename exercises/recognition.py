"""Which exercise position the hand is in, frame by frame, without flicker.

A position is entered only after its targets have held for `dwell_s` (a hand passing
through a pose on its way elsewhere is not in it), and left only when a feature moves
beyond its range plus the range's margin (hysteresis, so tracking noise at a boundary
does not toggle it). A frame without a hand recognises nothing; a position already
entered survives a gap of up to `gap_s` (a dropped frame is not a released fist), and
is left only after its widened ranges have failed for `exit_s` (one noisy frame is not a
movement).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from .features import FEATURE_INDEX
from .library import Range


@dataclass(frozen=True)
class RangeSet:
    """Ranges compiled to arrays: feature indices, bounds and margins."""

    index: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    margin: np.ndarray

    @classmethod
    def of(cls, ranges: Iterable[Range]) -> RangeSet:
        rs = list(ranges)
        return cls(np.array([FEATURE_INDEX[r.feature] for r in rs], dtype=int),
                   np.array([r.lo for r in rs]), np.array([r.hi for r in rs]),
                   np.array([r.margin for r in rs]))

    def holds(self, features: np.ndarray, widened: bool = False) -> bool:
        """True when every range holds (NaN never holds); `widened` adds the margins."""
        x = features[self.index]
        if widened:
            return bool(np.all((x >= self.lo - self.margin) & (x <= self.hi + self.margin)))
        return bool(np.all((x >= self.lo) & (x <= self.hi)))


class PositionRecognizer:
    """Tracks the current position among named candidates.

    candidates: name -> RangeSet, in priority order (the first that holds wins a tie).
    """

    def __init__(self, candidates: dict[str, RangeSet], dwell_s: float, gap_s: float = 0.5,
                 exit_s: float = 0.1) -> None:
        self.candidates = candidates
        self.dwell_s = dwell_s
        self.gap_s = gap_s
        self.exit_s = exit_s
        self._failing_since: float | None = None
        self.current: str | None = None
        self.entered_at = 0.0
        self._pending: str | None = None
        self._pending_since = 0.0
        self._last_seen: float | None = None

    def update(self, t: float, features: np.ndarray, prefer: Sequence[str] = ()) -> str | None:
        """The position at time t (None: between positions, or no hand for a while)."""
        if np.isnan(features).all():
            # A reading missing for less than gap_s neither ends the position nor
            # restarts the dwell of one being entered (at the ends of wrist flexion the
            # hand's silhouette is lost for a frame or three at a time).
            if self._last_seen is None or t - self._last_seen > self.gap_s:
                self.current = None
                self._pending = None
            return self.current
        self._last_seen = t
        if self.current is not None:
            if self.candidates[self.current].holds(features, True) \
                    and not self._gives_way(features, prefer):
                self._failing_since = None
                self._pending = None
                return self.current
            if self._failing_since is None:
                self._failing_since = t
        found = None
        for name in (*prefer, *self.candidates):
            if name != self.current and name in self.candidates \
                    and self.candidates[name].holds(features):
                found = name
                break
        if found is None:
            self._pending = None
        elif found != self._pending:
            self._pending, self._pending_since = found, t
        if found is not None and t - self._pending_since >= self.dwell_s - 1e-9:
            # The next position can be reached while the last one is still fading out.
            self.current, self.entered_at = found, self._pending_since
            self._pending = None
            self._failing_since = None
        elif self.current is not None and t - self._failing_since >= self.exit_s - 1e-9:
            self.current = None
            self._failing_since = None
        return self.current

    def _gives_way(self, features: np.ndarray, prefer: Sequence[str]) -> bool:
        """Whether the current position, one not asked for, yields to the first preferred
        one (the position asked for next), which holds: the margin that keeps a position
        from flickering must not keep the patient in the wrong one. On the way into a
        straight fist from the little-finger side the DIP reads 57 for a frame, a full
        fist, which the margin then kept for the whole straight-fist hold (DIP 46-48)."""
        return bool(prefer) and self.current not in prefer and prefer[0] in self.candidates \
            and self.candidates[prefer[0]].holds(features)
