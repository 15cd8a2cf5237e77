"""The words the app uses for a dose, a joint, a pain rating: one place, so every page
says the same thing the same way."""

from __future__ import annotations

from exercises.library import Dose

#: the 0-10 numeric pain rating scale (NRS), anchored as it is usually read to patients.
PAIN_SCALE = tuple(range(11))
PAIN_ANCHORS = {0: "0 - no pain", 5: "5 - moderate", 10: "10 - worst imaginable"}


def pain_label(value: int) -> str:
    return PAIN_ANCHORS.get(value, str(value))


def dose_text(dose: Dose) -> str:
    """'10 reps x 1 set, hold 3 s, 3 times a day (at most 30 reps a day)'."""
    sets = f"{dose.sets} set{'s' if dose.sets != 1 else ''}"
    hold = f", hold {dose.hold_s:g} s" if dose.hold_s else ""
    rest = f", rest {dose.rest_s:g} s between sets" if dose.sets > 1 and dose.rest_s else ""
    return (f"{dose.reps} reps x {sets}{hold}{rest}, {dose.sessions_per_day} times a day "
            f"(at most {dose.max_reps_per_day} reps a day)")


def joint_label(finger: str, joint: str) -> str:
    """'index PIP', 'thumb IP'."""
    return f"{finger} {joint.upper()}"
