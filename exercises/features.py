"""The few numbers per frame that exercise positions are defined on.

Positions in `definitions.toml` constrain these named features rather than raw landmark
coordinates, so that a therapist reads and edits targets in degrees and palm lengths.
Finger features are taken over the exercise's own fingers (a blocking exercise may be
prescribed for one finger only), and only over those whose reading is not a guess
(`HandView.readable`): with fewer readable than the exercise's `min_readable`, none, so
that no position is recognised and no mistake said on fingers the camera cannot see.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from vision.frame import HandFrame
from vision.landmarks import FINGERS

FEATURE_NAMES: tuple[str, ...] = (
    "mcp", "pip", "dip",
    "mcp_min", "pip_min", "dip_min",
    "mcp_max", "pip_max", "dip_max",
    "thumb_mcp", "thumb_ip",
    "spread", "tip_to_palm",
    "thumb_index", "thumb_middle", "thumb_ring", "thumb_little", "thumb_nearest",
    "palm_down", "wrist",
    "rotation", "deviation",
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

    fingers: the exercise's fingers, any of index..little. min_readable: how many of them
    must be readable for any finger feature to be read.
    """

    def __init__(self, fingers: Sequence[str] = FINGERS, min_readable: int = 1) -> None:
        idx = np.array([FINGERS.index(f) for f in fingers])
        self._fingers = idx
        self._pairs = np.array([i for i in range(3) if i in idx and i + 1 in idx], dtype=int)
        self._need = min(min_readable, len(idx))
        self._all = np.ones(4, dtype=bool)
        self.values = np.full(N_FEATURES, np.nan)

    def __call__(self, frame: HandFrame) -> np.ndarray:
        """The features of one frame; NaN where not measured: all of them without a hand,
        except the wrist's, which the forearm's silhouette can measure without it."""
        v = self.values
        v.fill(np.nan)
        m, view, wrist = frame.measures, frame.view, frame.wrist
        if wrist is not None:
            v[19] = np.nan if wrist.flexion is None else wrist.flexion
            v[21] = np.nan if wrist.deviation is None else wrist.deviation
        elif m is not None and m.wrist_flexion is not None:
            v[19] = m.wrist_flexion
        if m is None:
            return v
        ok = self._all if view is None else view.readable
        fingers = self._fingers[ok[self._fingers]]
        pose = m.pose_flexion
        if len(fingers) >= max(self._need, 1):
            f = pose
            for k in range(3):
                joint = f[fingers * 3 + k]
                v[k] = joint.mean()
                v[3 + k] = joint.min()
                v[6 + k] = joint.max()
            v[12] = m.tip_to_palm[1:][fingers].mean()
            v[17] = m.thumb_to_tips[fingers].min()
            # Spread between neighbouring readable fingers; with a single finger, its gap
            # to the next.
            pairs = self._pairs[ok[self._pairs] & ok[self._pairs + 1]]
            if len(pairs):
                v[11] = m.spread[1:][pairs].mean()
            elif not len(self._pairs) and ok.all():
                v[11] = m.spread[1:].mean()
            v[13:17] = np.where(ok, m.thumb_to_tips, np.nan)
        v[9], v[10] = pose[12], pose[13]
        v[18] = np.degrees(np.arccos(np.clip(np.dot(m.palm_normal, _DOWN), -1.0, 1.0)))
        # Without the view stage's rotation (projected about the hand's axis, filtered;
        # vision.rotation), the unprojected palm_down stands in.
        rot = None if view is None else view.palm_rotation
        v[20] = v[18] if rot is None else rot
        return v
