"""Which joints an exercise measures, in the order every angle array uses.

The therapist's pages show these by default (ROM trends, rep tables, replay curves):
a PIP blocking session is about the PIP joints, and twelve other curves would hide them.
"""

from __future__ import annotations

from exercises.library import Exercise
from vision.landmarks import ANGLE_NAMES


def measured_joints(exercise: Exercise | None) -> list[tuple[str, str]]:
    """(finger, joint) pairs the exercise moves, in ANGLE_NAMES order. An exercise that
    names no joints (forearm, wrist) or an unknown one: every finger joint."""
    if exercise is None:
        return [(f, j) for f, j in ANGLE_NAMES if f != "thumb"]
    out = []
    for finger, joint in ANGLE_NAMES:
        if finger == "thumb":
            if f"thumb_{joint}" in exercise.joints:
                out.append((finger, joint))
        elif finger in exercise.fingers and (joint in exercise.joints or not exercise.joints):
            out.append((finger, joint))
    return out
