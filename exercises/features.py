"""The few numbers per frame that exercise positions are defined on.

Positions in `definitions.toml` constrain these named features rather than raw landmark
coordinates, so that a therapist reads and edits targets in degrees and palm lengths.
Finger features are taken over the exercise's own fingers (a blocking exercise may be
prescribed for one finger only).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from vision.frame import HandMeasures
from vision.landmarks import FINGERS

FEATURE_NAMES: tuple[str, ...] = (
    "mcp", "pip", "dip",
    "mcp_min", "pip_min", "dip_min",
    "mcp_max", "pip_max", "dip_max",
    "thumb_mcp", "thumb_ip",
    "spread", "tip_to_palm",
    "thumb_index", "thumb_middle", "thumb_ring", "thumb_little", "thumb_nearest",
    "palm_down", "wrist",
)
FEATURE_INDEX: dict[str, int] = {name: i for i, name in enumerate(FEATURE_NAMES)}
N_FEATURES = len(FEATURE_NAMES)

_DISTANCES = frozenset({"tip_to_palm", "thumb_index", "thumb_middle", "thumb_ring",
                        "thumb_little", "thumb_nearest"})
_DOWN = np.array([0.0, 1.0, 0.0])  # camera axes: y points down the image


def is_angle(feature: str) -> bool:
    """True for features in degrees, False for distances in palm lengths."""
    return feature not in _DISTANCES


class FeatureExtractor:
    """Fills one preallocated feature vector per frame (the per-frame hot path).

    fingers: the exercise's fingers, any of index..little.
    """

    def __init__(self, fingers: Sequence[str] = FINGERS) -> None:
        idx = np.array([FINGERS.index(f) for f in fingers])
        self._mcp = idx * 3
        self._pip = idx * 3 + 1
        self._dip = idx * 3 + 2
        self._fingers = idx
        self._pairs = np.array([i for i in range(3) if i in idx and i + 1 in idx])
        self.values = np.full(N_FEATURES, np.nan)

    def __call__(self, m: HandMeasures | None) -> np.ndarray:
        """The features of one frame; all NaN without a hand (recognises nothing)."""
        v = self.values
        if m is None:
            v.fill(np.nan)
            return v
        f = m.flexion
        for k, sel in enumerate((self._mcp, self._pip, self._dip)):
            joint = f[sel]
            v[k] = joint.mean()
            v[3 + k] = joint.min()
            v[6 + k] = joint.max()
        v[9], v[10] = f[12], f[13]
        # Spread between neighbouring fingers; with a single finger, its gap to the next.
        v[11] = m.spread[1:][self._pairs].mean() if len(self._pairs) else m.spread[1:].mean()
        v[12] = m.tip_to_palm[1:][self._fingers].mean()
        v[13:17] = m.thumb_to_tips
        v[17] = m.thumb_to_tips[self._fingers].min()
        v[18] = np.degrees(np.arccos(np.clip(np.dot(m.palm_normal, _DOWN), -1.0, 1.0)))
        v[19] = np.nan if m.wrist_flexion is None else m.wrist_flexion
        return v
