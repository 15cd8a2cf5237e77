"""The hand's direction from its skin alone, for frames where MediaPipe lost the hand.

Why: at the ends of wrist flexion and extension the hand is seen edge-on, bent against the
forearm, and that is where MediaPipe Hands loses it (and where the rep's target is). The
hand is still there in the image: a band of the same skin colour leaving the wrist on
the other side from the forearm. `hand_direction` finds it around where the wrist was
last seen, with the skin colour and palm size of that last frame, looking only at the
palm's distance from the wrist (the fingers may curl) and only within HAND_MAX_FROM_AXIS
of straight on from the forearm.
"""

from __future__ import annotations

import numpy as np

from .skin import SkinModel, is_skin, polar_grid, skin_runs

#: the hand's band is looked for between these distances from the wrist (palm lengths).
HAND_R = (0.45, 1.15)
N_RADII = 6
N_ANGLES = 64
#: ...and within this angle of straight on from the forearm (flexion 80 deg + margin).
HAND_MAX_FROM_AXIS = 115.0
#: a band wider than this (deg seen from the wrist) is background or a second hand.
MAX_WIDTH_DEG = 100.0

_ANG, _RAYS = polar_grid(N_ANGLES)
_RADII = np.linspace(HAND_R[0], HAND_R[1], N_RADII)


def hand_direction(rgb: np.ndarray, wrist: np.ndarray, forearm: np.ndarray, scale: float,
                   skin: SkinModel) -> np.ndarray | None:
    """The hand's direction (2-D unit, from the wrist), or None when no single band of
    skin reaches the palm's far end. wrist: (2,) pixels; forearm: (2,) unit direction
    elbow -> wrist; scale: palm length in pixels; skin: the hand's colour."""
    xy = wrist + (_RADII[None, :, None] * scale) * _RAYS[:, None, :]
    ok = is_skin(rgb, xy.reshape(-1, 2), skin).reshape(N_ANGLES, N_RADII)
    e = forearm / max(float(np.linalg.norm(forearm)), 1e-9)
    ahead = _RAYS @ e
    runs = skin_runs(ok, np.zeros(N_ANGLES, dtype=int))
    runs[ahead < np.cos(np.radians(HAND_MAX_FROM_AXIS))] = 0
    full = runs >= N_RADII - 1
    if not full.any():
        return None
    # The band: contiguous rays whose run reaches the palm's far end, around the one
    # most in line with the forearm.
    best = int(np.argmax(np.where(full, runs + 0.01 * ahead, -1)))
    lo = hi = best
    while full[(lo - 1) % N_ANGLES] and best - lo < N_ANGLES // 2:
        lo -= 1
    while full[(hi + 1) % N_ANGLES] and hi - best < N_ANGLES // 2:
        hi += 1
    if (hi - lo + 1) * 360.0 / N_ANGLES > MAX_WIDTH_DEG:
        return None
    mid = _ANG[lo % N_ANGLES] + 0.5 * (hi - lo) * 2 * np.pi / N_ANGLES
    return np.array([np.cos(mid), np.sin(mid)])
