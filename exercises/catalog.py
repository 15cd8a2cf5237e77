"""The exercise ids HandCoach knows (docs/interfaces.md).

The full definitions (positions, targets, doses) are data in the exercise engine; this
module is the one list every command line and page validates against.
"""

from __future__ import annotations

EXERCISE_IDS: tuple[str, ...] = (
    "tendon_glides",
    "fist",
    "finger_spread",
    "thumb_opposition",
    "pip_blocking",
    "dip_blocking",
    "forearm_rotation",
    "wrist_flex_ext",
    "wrist_deviation",
)


def check_exercise(exercise_id: str) -> str:
    """The id itself, or ValueError naming the ids that exist."""
    if exercise_id not in EXERCISE_IDS:
        raise ValueError(f"unknown exercise {exercise_id!r} (one of: {', '.join(EXERCISE_IDS)})")
    return exercise_id
