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


#: the features that read a finger joint's flexion (exercises/definitions.toml's header).
_FLEXION_FEATURES = frozenset(f"{j}{s}" for j in ("mcp", "pip", "dip")
                              for s in ("", "_min", "_max"))


def bends(exercise: Exercise | None) -> bool:
    """Whether the exercise is judged by how far joints bend: one of its positions asks
    for flexion (a flexion target above 0), or it moves the thumb's joints. Finger spread
    is not (its fingers stay straight: a bend chart of it only shows the fist it is not),
    nor are the forearm and wrist exercises, which no finger flexion measures."""
    if exercise is None:
        return False
    if any(j.startswith("thumb_") for j in exercise.joints):
        return True
    return any(r.feature in _FLEXION_FEATURES and r.lo > 0
               for p in exercise.positions.values() for r in p.targets)


def closes_fist(exercise: Exercise | None) -> bool:
    """Whether total active motion means something for the exercise: it bends every
    joint of the fingers (a full fist, tendon glides). TAM of a finger spread or a
    blocking exercise would be set against a normal no one reaches doing them."""
    return exercise is not None and bends(exercise) \
        and {"mcp", "pip", "dip"} <= set(exercise.joints)
