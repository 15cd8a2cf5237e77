"""Range of motion over many frames: least and most flexion per joint, and TAM per finger.

One summary, one rounding rule, for everything a user reads: `analyze --json`, the stored
session, the app's summary and the therapist's report all show `RomSummary.to_json()`.
ROM is given to the nearest degree: the readings it rests on are not more precise than
that (docs/clinical.md, measurement error), and a decimal would claim otherwise.

The range is what the hand held: the most flexion that every trusted reading of a joint
kept for at least HOLD_S in a row (three frames at 30 fps, two at 15), and the least
likewise, not the extreme of single frames. One frame's reading can be MediaPipe's guess
(a finger it believes hidden, a hand it names wrongly for a frame), and a single-frame
extreme is the one reading the range should not rest on. Measured by
benchmarks/rom_accuracy.py (2026-12-03) on six studio tendon-glide clips (little-finger
side, 3 skins x 2 hands, seed 0) against the true range: the greatest flexion erred by
16.8 deg per joint on average from single frames (8.3-29.2 per clip; a DIP read 123 for
a true 70), 11.1 held for HOLD_S, 9.9 held for 0.3 s; the least by 15.2, 8.4 and 5.7.
On the real hand of ../shared/groundtruth (quick counting gestures, no holds) the
greatest erred by 8.8 from single frames and 8.9 held for HOLD_S, the least by 5.0 and
7.9 (10.5 and 11.1 at 0.1 s): a longer hold lags a gesture's extremes, hence the short
one. A frame without the hand, or with a joint's reading not trusted, ends that joint's
hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .accuracy import MIN_TRUSTED_SHARE
from .landmarks import FINGERS, N_ANGLES, angles_to_dict

#: decimals of every ROM and TAM value shown or stored.
ROM_DECIMALS = 0
#: s, how long a flexion must be held to count toward the range (module docstring).
HOLD_S = 0.06


def total_active_motion(min_flex: np.ndarray, max_flex: np.ndarray) -> np.ndarray:
    """TAM per finger (index..little), deg, ASSH: sum of flexion minus extension deficits.

    An extension deficit is a joint that never reaches straight (min flexion > 0);
    hyperextension is not a deficit (docs/clinical.md, TAM).
    """
    flexion = max_flex[:12].reshape(4, 3)
    deficit = np.clip(min_flex[:12].reshape(4, 3), 0.0, None)
    return flexion.sum(axis=1) - deficit.sum(axis=1)


def _rounded(value: float) -> float | int | None:
    if np.isnan(value):
        return None
    r = round(float(value), ROM_DECIMALS)
    return int(r) if ROM_DECIMALS == 0 else r


@dataclass(frozen=True)
class RomSummary:
    """Least and most flexion per joint (14,) deg (NaN: never measured), over `frames`
    frames with a hand; `counts` (14,): the trusted readings each joint's range rests on
    (vision.measurer; None: every frame's)."""

    lo: np.ndarray
    hi: np.ndarray
    frames: int = 0
    counts: np.ndarray | None = None

    @classmethod
    def of(cls, times: np.ndarray, angles: np.ndarray, trusted: np.ndarray | None = None,
           hold_s: float = HOLD_S) -> RomSummary:
        """The summary of a whole (n, 14) series taken at times (n,) s (NaN rows: no
        hand); trusted: (n, 14) bool, the readings it may rest on. The same as a
        RomTracker(hold_s) fed the frames one by one."""
        angles = np.asarray(angles, dtype=float).reshape(-1, N_ANGLES)
        tracker = RomTracker(hold_s)
        for i, t in enumerate(np.asarray(times, dtype=float)):
            tracker.update(float(t), angles[i], None if trusted is None else trusted[i])
        return tracker.summary()

    def checked(self) -> RomSummary:
        """Without the joints whose trusted readings are too few a share of the frames
        (MIN_TRUSTED_SHARE): their range is unknown, not the range of those few."""
        if self.counts is None:
            return self
        few = self.counts < MIN_TRUSTED_SHARE * self.frames
        if not few.any():
            return self
        return RomSummary(np.where(few, np.nan, self.lo), np.where(few, np.nan, self.hi),
                          self.frames, self.counts)

    @property
    def tam(self) -> np.ndarray:
        """(4,) TAM per finger index..little, deg."""
        return total_active_motion(self.lo, self.hi)

    def rom_json(self) -> dict[str, dict[str, dict[str, float | None]]]:
        """{finger: {joint: {"min": deg, "max": deg, "frames": n}}}, rounded, None
        unmeasured; frames: the trusted readings the range rests on (when counted)."""
        low = angles_to_dict(self.lo, ROM_DECIMALS)
        high = angles_to_dict(self.hi, ROM_DECIMALS)
        out = {f: {j: {"min": low[f][j], "max": high[f][j]} for j in joints}
               for f, joints in low.items()}
        if self.counts is not None:
            k = 0
            for joints in out.values():
                for entry in joints.values():
                    entry["frames"] = int(self.counts[k])
                    k += 1
        return out

    def tam_json(self) -> dict[str, Any]:
        """{finger: deg} for index..little, rounded, None unmeasured."""
        return {f: _rounded(v) for f, v in zip(FINGERS, self.tam, strict=True)}


class RomTracker:
    """Running least and most flexion per joint held for `hold_s` (module docstring),
    frame by frame; only the last `hold_s` of frames is kept."""

    def __init__(self, hold_s: float = HOLD_S) -> None:
        self.hold_s = hold_s
        self._lo = np.full(N_ANGLES, np.nan)
        self._hi = np.full(N_ANGLES, np.nan)
        self._counts = np.zeros(N_ANGLES, dtype=np.int64)
        self._frames = 0
        self._times: list[float] = []
        self._rows: list[np.ndarray] = []

    def update(self, t: float, flexion: np.ndarray | None,
               trusted: np.ndarray | None = None) -> None:
        """One frame at time t (s): its (14,) flexion, or None for a frame without a
        hand; trusted: (14,) bool, the readings the range may rest on (None: all)."""
        if flexion is None or np.isnan(flexion).all():
            self._times.clear()         # no hold spans a frame without the hand
            self._rows.clear()
            return
        self._frames += 1
        # A copy: the window outlives the caller's array.
        row = np.array(flexion, dtype=float) if trusted is None \
            else np.where(trusted, flexion, np.nan)
        self._counts += ~np.isnan(row)
        self._times.append(t)
        self._rows.append(row)
        while len(self._times) >= 2 and t - self._times[1] >= self.hold_s:
            del self._times[0], self._rows[0]
        if t - self._times[0] >= self.hold_s - 1e-9:
            # Every reading of the last hold_s: NaN (not trusted once) holds nothing.
            window = np.stack(self._rows)
            np.fmin(self._lo, window.max(axis=0), out=self._lo)
            np.fmax(self._hi, window.min(axis=0), out=self._hi)

    def summary(self) -> RomSummary:
        return RomSummary(self._lo.copy(), self._hi.copy(), self._frames,
                          self._counts.copy()).checked()
