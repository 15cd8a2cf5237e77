"""Where the camera should see the hand from, per exercise, and how a patient is told.

    RECOMMENDED_VIEW["fist"]        # "little-side": the view the studio renders it in
    placement_lines(exercise)       # the set-up's numbered lines, in plain words

The views are vision.views' names. Finger exercises are filmed from the little-finger
side: there every finger's bend is in the picture and the angles err least (README, *How
accurate the angles are*: palm-on the DIP is not trusted, so no TAM from it).
"""

from __future__ import annotations

from .library import Exercise

#: the view each exercise is filmed in (the studio's when none is given, and what the
#: patient is asked for): where the estimator counts every rep and reads the moving
#: joints best, in README's table (*The studio*, made by benchmarks/studio_table.py): the
#: little-finger side for flexion (palm-on and from the back the bent fingers are
#: misread), palm-on for the finger spread (in the image plane), oblique for thumb
#: opposition. The blocking and wrist exercises are not in the table: little-side by
#: analogy (flexion across the image), oblique for the forearm's turn.
RECOMMENDED_VIEW: dict[str, str] = {
    "tendon_glides": "little-side", "fist": "little-side", "finger_spread": "palm",
    "thumb_opposition": "oblique", "pip_blocking": "little-side",
    "dip_blocking": "little-side", "forearm_rotation": "oblique",
    "wrist_flex_ext": "little-side",
}

#: the hand's position toward the camera for each view, for a patient.
VIEW_WORDS: dict[str, str] = {
    "little-side": "turned so that your little finger is nearest the camera and it sees "
                   "the side of your hand",
    "thumb-side": "turned so that your thumb is nearest the camera",
    "palm": "with your palm toward the camera",
    "back": "with the back of your hand toward the camera",
    "oblique": "with your palm turned halfway toward the camera",
}

#: the forearm's step of the wrist exercises' set-up, and the live check's correction.
ELBOW = "Move back a little so your forearm is in the picture too."


def placement_lines(exercise: Exercise) -> tuple[str, ...]:
    """Where to put the computer and the hand for this exercise, one step a line."""
    view = RECOMMENDED_VIEW.get(exercise.id, "palm")
    lines = (
        "Put the computer on a table and sit facing it, an arm's length away.",
        "Rest your elbow on the table and hold your hand up, about 40-60 cm from the "
        f"camera, {VIEW_WORDS[view]}: the whole hand in the picture.",
        "Have the light in front of you, not a window behind you.",
    )
    return lines + ((ELBOW,) if exercise.needs_forearm else ())
