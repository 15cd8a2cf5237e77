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

from .landmarks import FINGERS, N_ANGLES, angles_to_dict

#: decimals of every ROM and TAM value shown or stored.
ROM_DECIMALS = 0


def rom(angles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Min and max (deg) per joint over frames; angles (n, 14) with NaN rows for no hand."""
    if angles.size == 0 or np.all(np.isnan(angles)):
        nan = np.full(angles.shape[-1] if angles.ndim == 2 else N_ANGLES, np.nan)
        return nan, nan.copy()
    return np.nanmin(angles, axis=0), np.nanmax(angles, axis=0)


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
    frames with a hand."""

    lo: np.ndarray
    hi: np.ndarray
    frames: int = 0

    @classmethod
    def of(cls, angles: np.ndarray) -> RomSummary:
        """The summary of a whole (n, 14) series (NaN rows: no hand)."""
        lo, hi = rom(np.asarray(angles, dtype=float).reshape(-1, N_ANGLES))
        seen = int(np.sum(~np.isnan(angles).all(axis=-1))) if np.size(angles) else 0
        return cls(lo, hi, seen)

    @property
    def tam(self) -> np.ndarray:
        """(4,) TAM per finger index..little, deg."""
        return total_active_motion(self.lo, self.hi)

    def rom_json(self) -> dict[str, dict[str, dict[str, float | None]]]:
        """{finger: {joint: {"min": deg, "max": deg}}}, rounded, None unmeasured."""
        low = angles_to_dict(self.lo, ROM_DECIMALS)
        high = angles_to_dict(self.hi, ROM_DECIMALS)
        return {f: {j: {"min": low[f][j], "max": high[f][j]} for j in joints}
                for f, joints in low.items()}

    def tam_json(self) -> dict[str, Any]:
        """{finger: deg} for index..little, rounded, None unmeasured."""
        return {f: _rounded(v) for f, v in zip(FINGERS, self.tam, strict=True)}


class RomTracker:
    """Running least and most flexion per joint, frame by frame (no frames kept)."""

    def __init__(self) -> None:
        self._lo = np.full(N_ANGLES, np.nan)
        self._hi = np.full(N_ANGLES, np.nan)
        self._frames = 0

    def update(self, flexion: np.ndarray | None) -> None:
        """One frame's (14,) flexion, or None for a frame without a hand."""
        if flexion is None or np.isnan(flexion).all():
            return
        self._frames += 1
        np.fmin(self._lo, flexion, out=self._lo)
        np.fmax(self._hi, flexion, out=self._hi)

    def summary(self) -> RomSummary:
        return RomSummary(self._lo.copy(), self._hi.copy(), self._frames)
