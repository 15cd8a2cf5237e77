"""How far a range of motion moves between sessions when the hand has not changed.

    noise = RomNoise.load()                    # handcoach/review/rom_noise.json
    noise.drop_deg("index", "pip")             # a fall of at least this is more than noise
    median_change_p95(deviations, RECENT)      # the rule the file's numbers come from

The "ROM falling" flag compares the median of the last three sessions with the median of
the three before. Camera readings of the same hand in the same exercise differ between
sessions (the hand placed a little differently, MediaPipe's depth guessed differently),
and by more than one number for all joints: benchmarks/repeatability.py measured the
greatest flexion of the same joint in one-rep sessions of one real clip differing by
6-32 deg (95th percentile; the DIP least, the MCP and thumb most). A flag at one
threshold would fire on the camera for some joints and miss real falls of others, so
each joint group has its own: the 95th percentile of the change of a median of three
sessions when every session is the measured noise drawn at random, rounded up to 5 deg,
never below DROP_FLOOR_DEG. The benchmark writes the file; nothing here is tuned.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vision.accuracy import GROUPS as JOINT_GROUPS
from vision.landmarks import ANGLE_NAMES

NOISE_FILE = Path(__file__).with_name("rom_noise.json")
#: deg: no threshold below this, whatever the camera does. Goniometry itself varies 2-7
#: deg between measurements (docs/clinical.md, measurement error): a smaller fall is not
#: one a therapist would act on from a home camera.
DROP_FLOOR_DEG = 10.0
#: the groups of the file: the accuracy table's joint groups (finger joints by kind, the
#: thumb's joints), and TAM per finger.
GROUPS = (*JOINT_GROUPS, "TAM")
_GROUP_OF = {name: g for g, idx in JOINT_GROUPS.items() for name in
             (ANGLE_NAMES[i] for i in idx)}


def group_of(finger: str, joint: str) -> str:
    """The noise group of one series of the flag: ("index", "pip") -> "PIP" ("" for a
    joint that is none of the 14)."""
    return "TAM" if joint == "tam" else _GROUP_OF.get((finger, joint), "")


def median_change_p95(deviations: np.ndarray, n: int, draws: int = 20000,
                      seed: int = 0) -> float:
    """The 95th percentile of |median of n sessions - median of n others| when each
    session's reading is one of `deviations` (a session's reading minus its clip's mean,
    deg) drawn at random with replacement; a fixed seed, so the file can be made again."""
    d = np.asarray(deviations, dtype=float)
    d = d[~np.isnan(d)]
    if d.size < 2:
        raise ValueError("at least two deviations are needed")
    picks = np.random.default_rng(seed).choice(d, size=(draws, 2, n))
    change = np.abs(np.median(picks[:, 0], axis=1) - np.median(picks[:, 1], axis=1))
    return float(np.percentile(change, 95))


def drop_threshold(p95: float) -> float:
    """The flag's threshold for a measured p95 of the change: rounded up to 5 deg, at
    least DROP_FLOOR_DEG."""
    return max(DROP_FLOOR_DEG, 5.0 * math.ceil(p95 / 5.0))


@dataclass(frozen=True)
class RomNoise:
    """Per group (GROUPS), the fall in deg that is more than the measured noise."""

    drops: dict[str, float]

    @classmethod
    def load(cls, path: str | Path = NOISE_FILE) -> RomNoise:
        """The measured thresholds; a group missing from the file (or no file) gets none
        measured, so DROP_FLOOR_DEG alone."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls({})
        groups = data.get("groups", {})
        drops = {g: float(v["drop_deg"]) for g, v in groups.items()
                 if g in GROUPS and isinstance(v, dict) and "drop_deg" in v}
        return cls(drops)

    def drop_deg(self, finger: str, joint: str) -> float:
        return max(DROP_FLOOR_DEG, self.drops.get(group_of(finger, joint), DROP_FLOOR_DEG))
