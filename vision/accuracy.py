"""How far each joint angle can be trusted in each view: the error we measured.

    table = AccuracyTable.load()              # vision/models/accuracy.json
    table.error("palm")                       # (14,) deg, the typical error of each joint
    table.statement()                         # one sentence for a report or a page

The file is written by `benchmarks/accuracy_real.py --write vision/models/accuracy.json`:
for every view, the mean absolute error of what HandCoach reports, per joint group
(finger MCP, PIP, DIP; thumb), against real hands with measured 3D joints where the
ground truth has that view, else against the studio's rendered hands (which flatter the
estimate: see `source`). Nothing here is a published figure.

A reading is trusted when the average error of its joint in its view is at most
TRUST_MAX_DEG and its finger does not point at the lens; ROM, TAM, trends and the report
use trusted readings only (vision.measurer marks them).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .landmarks import N_ANGLES

ACCURACY_FILE = Path(__file__).with_name("models") / "accuracy.json"
#: joint groups of the table: indices into the 14 angles (ANGLE_NAMES order).
GROUPS: dict[str, tuple[int, ...]] = {
    "MCP": (0, 3, 6, 9), "PIP": (1, 4, 7, 10), "DIP": (2, 5, 8, 11), "thumb": (12, 13)}
#: a joint whose readings in a view err by more than this on average is not trusted
#: there: twice it (30 deg) would be needed to tell a real change from the error, which
#: is a third of a finger joint's whole range.
TRUST_MAX_DEG = 15.0
#: readings outside this range (deg) are not a joint's: no finger or thumb joint bends
#: 130 deg (normal flexion MCP 90, PIP 100, DIP 90, thumb MCP 50, IP 80; docs/clinical.md)
#: nor hyperextends 45 (MediaPipe's guesses in views it misreads went to 250).
PLAUSIBLE_DEG = (-45.0, 130.0)
#: a joint's range of motion is given only when trusted readings are at least this share
#: of the frames with a hand: a session seen mostly from a view that misreads a joint
#: (its fists from the back, say) would otherwise report the few frames that happened to
#: be trusted (an open hand) as its range.
MIN_TRUSTED_SHARE = 0.5


#: finger joints beyond PLAUSIBLE_DEG from which a hand is read as seen mirrored
#: (its depth back to front: vision.kinematics, vision.measurer).
MIRROR_MIN = 2


def implausible(flexion: np.ndarray) -> np.ndarray:
    """(..., 12) bool: the finger joints (index..little MCP, PIP, DIP) of (..., 14)
    readings that are beyond what a joint can do (PLAUSIBLE_DEG)."""
    f = flexion[..., :12]
    return (f < PLAUSIBLE_DEG[0]) | (f > PLAUSIBLE_DEG[1])


@dataclass(frozen=True)
class AccuracyTable:
    """views: {view: (14,) mean absolute error, deg}; sources: {view: "real" |
    "rendered"}; frames: {view: frames measured}; unknown: (14,) the worst of every view,
    for a frame whose view is not in the table."""

    views: dict[str, np.ndarray]
    sources: dict[str, str]
    frames: dict[str, int]
    unknown: np.ndarray
    made_with: str = ""

    @classmethod
    def load(cls, path: str | Path = ACCURACY_FILE) -> AccuracyTable:
        """Read the benchmark's table (ValueError, one line, for a file that is not one)."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            views, sources, frames = {}, {}, {}
            for view, row in data["views"].items():
                error = np.full(N_ANGLES, np.nan)
                for group, idx in GROUPS.items():
                    error[list(idx)] = float(row[group])
                views[view] = error
                sources[view] = str(row["source"])
                frames[view] = int(row["frames"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"accuracy table {path} cannot be read: {exc}") from None
        if not views:
            raise ValueError(f"accuracy table {path} has no views")
        unknown = np.max(np.stack(list(views.values())), axis=0)
        return cls(views, sources, frames, unknown, str(data.get("made_with", "")))

    def error(self, view: str | None) -> np.ndarray:
        """(14,) deg: the measured mean error of each joint's reading in this view."""
        return self.views.get(view, self.unknown) if view is not None else self.unknown

    def statement(self) -> str:
        """The measured accuracy in a few plain sentences (the report's footer, the app):
        per joint group where real hands were measured, a range for the rendered views."""
        real = [v for v in self.views if self.sources[v] == "real"]
        rendered = [v for v in self.views if self.sources[v] != "real"]
        parts = []
        for view in real:
            e = self.views[view]
            groups = ", ".join(f"{g} {np.mean(e[list(i)]):.0f}°" for g, i in GROUPS.items())
            parts.append(f"against a real hand with measured joints, {view} view: {groups}")
        if rendered:
            errors = np.concatenate([self.views[v] for v in rendered])
            parts.append(f"against rendered hands in the {', '.join(rendered)} views: "
                         f"{errors.min():.0f}-{errors.max():.0f}° by joint")
        return ("Joint angles are estimated from a webcam. Average error measured by "
                "HandCoach " + "; ".join(parts) + ". Readings a view cannot see well are "
                "left out of the ranges.")
