"""Range of motion over many frames: least and most flexion per joint, and TAM per finger.

One summary, one rounding rule, for everything a user reads: `analyze --json`, the stored
session, the app's summary and the therapist's report all show `RomSummary.to_json()`.
ROM is given to the nearest degree: the readings it rests on are not more precise than
that (docs/clinical.md, measurement error), and a decimal would claim otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .accuracy import MIN_TRUSTED_SHARE
from .landmarks import FINGERS, N_ANGLES, angles_to_dict

#: decimals of every ROM and TAM value shown or stored.
ROM_DECIMALS = 0


def rom(angles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Min and max (deg) per joint over frames; angles (n, 14) with NaN rows for no hand."""
    if angles.size == 0 or np.all(np.isnan(angles)):
        nan = np.full(angles.shape[-1] if angles.ndim == 2 else N_ANGLES, np.nan)
        return nan, nan.copy()
    # fmin/fmax skip NaN without the warning nanmin gives for a joint never trusted.
    return np.fmin.reduce(angles, axis=0), np.fmax.reduce(angles, axis=0)


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
    def of(cls, angles: np.ndarray, trusted: np.ndarray | None = None) -> RomSummary:
        """The summary of a whole (n, 14) series (NaN rows: no hand); trusted: (n, 14)
        bool, the readings it may rest on."""
        angles = np.asarray(angles, dtype=float).reshape(-1, N_ANGLES)
        seen = int(np.sum(~np.isnan(angles).all(axis=-1))) if angles.size else 0
        if trusted is not None:
            angles = np.where(trusted, angles, np.nan)
        lo, hi = rom(angles)
        counts = np.sum(~np.isnan(angles), axis=0) if angles.size else np.zeros(N_ANGLES, int)
        return cls(lo, hi, seen, counts).checked()

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
    """Running least and most flexion per joint, frame by frame (no frames kept)."""

    def __init__(self) -> None:
        self._lo = np.full(N_ANGLES, np.nan)
        self._hi = np.full(N_ANGLES, np.nan)
        self._counts = np.zeros(N_ANGLES, dtype=np.int64)
        self._frames = 0

    def update(self, flexion: np.ndarray | None, trusted: np.ndarray | None = None) -> None:
        """One frame's (14,) flexion, or None for a frame without a hand; trusted: (14,)
        bool, the readings the range may rest on (None: all)."""
        if flexion is None or np.isnan(flexion).all():
            return
        self._frames += 1
        if trusted is not None:
            flexion = np.where(trusted, flexion, np.nan)
        np.fmin(self._lo, flexion, out=self._lo)
        np.fmax(self._hi, flexion, out=self._hi)
        self._counts += ~np.isnan(flexion)

    def summary(self) -> RomSummary:
        return RomSummary(self._lo.copy(), self._hi.copy(), self._frames,
                          self._counts.copy()).checked()
