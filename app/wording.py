"""The words the app uses for a dose, a joint, a pain rating, a time: one place, so every
page says the same thing the same way.

Patients read plain words (knuckle, middle joint, end joint; bend from 0 = straight; whole
seconds; pain out of 10); therapists' pages keep the clinical names (`joint_label`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

from exercises.home_tasks import HomeTask
from exercises.library import Dose

#: the 0-10 numeric pain rating scale (NRS), anchored as it is usually read to patients.
PAIN_SCALE = tuple(range(11))
PAIN_ANCHORS = {0: "0 - no pain", 5: "5 - moderate", 10: "10 - worst imaginable"}
#: a rise of this much on the 0-10 scale from before to after is called out to the patient.
PAIN_RISE = 2
#: the patient's names of the joints (docs/clinical.md, "Joint angles").
PLAIN_JOINTS = {"mcp": "knuckle", "pip": "middle joint", "dip": "end joint",
                "ip": "end joint"}
#: shown where something was not measured or not rated, instead of None or NaN.
NOT_MEASURED = "-"
NOT_RATED = "not rated"
#: "(Wehbe and Hunter, 1985)", "(Kapandji, 1986)": a reference, for therapists' eyes.
_CITATION = re.compile(r"\s*\([^()]*\b(1[89]|20)\d\d\)")
#: "(composite flexion)", "(interossei)": a clinical term in brackets after plain words.
_CLINICAL_ASIDE = re.compile(
    r"\s*\((composite flexion|interossei|opposition[^()]*|pronation and supination"
    r"|PIP|DIP|MCP)\)", re.IGNORECASE)


def pain_label(value: int) -> str:
    return PAIN_ANCHORS.get(value, str(value))


def pain_text(value: float | None) -> str:
    """'4 / 10' (whole numbers: the scale has no fractions); 'not rated'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return NOT_RATED
    return f"{round(value)} / 10"


def pain_rose(before: int | None, after: int | None) -> bool:
    """Pain after is PAIN_RISE or more above pain before (both rated)."""
    return before is not None and after is not None and after - before >= PAIN_RISE


def duration_text(seconds: float | None) -> str:
    """'42 s' under a minute, '1 min 42 s', '12 min' from ten minutes on; '-' for none.

    Whole seconds: a session's length is not known (or useful) to a fraction.
    """
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return NOT_MEASURED
    total = round(seconds)
    minutes, secs = divmod(total, 60)
    if minutes == 0:
        return f"{secs} s"
    if minutes >= 10:
        return f"{round(total / 60)} min"
    if secs == 0:
        return f"{minutes} min"
    return f"{minutes} min {secs} s"


def hold_text(elapsed_s: float, target_s: float) -> str:
    """'hold 2 of 3 s' in whole seconds done (a count, as a patient counts), then
    'relax' once the hold is long enough: the overlay's one hold timer."""
    if elapsed_s >= target_s:
        return "relax"
    return f"hold {math.floor(elapsed_s)} of {target_s:g} s"


def dose_text(dose: Dose) -> str:
    """'10 reps x 1 set, hold 3 s, 3 times a day (at most 30 reps a day)'."""
    sets = f"{dose.sets} set{'s' if dose.sets != 1 else ''}"
    hold = f", hold {dose.hold_s:g} s" if dose.hold_s else ""
    rest = f", rest {dose.rest_s:g} s between sets" if dose.sets > 1 and dose.rest_s else ""
    return (f"{dose.reps} reps x {sets}{hold}{rest}, {dose.sessions_per_day} times a day "
            f"(at most {dose.max_reps_per_day} reps a day)")


def task_dose_text(task: HomeTask, dose: Mapping[str, int]) -> str:
    """'5 minutes, 3 times a day'; 'once a day' for a done-or-not task."""
    times = int(dose.get("sessions_per_day", task.sessions_per_day))
    often = "once a day" if times == 1 else f"{times} times a day"
    if task.kind == "confirm":
        return often
    return f"{task.amount_text(int(dose.get('amount', task.amount)))}, {often}"


def joint_label(finger: str, joint: str) -> str:
    """'index PIP', 'thumb IP': the therapist's name of a joint."""
    return f"{finger} {joint.upper()}"


def plain_joint(finger: str, joint: str) -> str:
    """'index middle joint', 'thumb knuckle': the patient's name of a joint."""
    return f"{finger} {PLAIN_JOINTS.get(joint, joint)}"


def bend_deg(deg: float | None) -> int | None:
    """A bend as a patient reads it: whole degrees from 0 = straight. Bending back past
    straight (hyperextension, a negative flexion) reads as straight, 0: "-5" means
    nothing to a patient, and the therapist's pages keep the signed value."""
    if deg is None or not math.isfinite(deg):
        return None
    return max(0, round(deg))


def patient_text(text: str) -> str:
    """An exercise's text for a patient: without the references and the clinical terms in
    brackets that the library keeps for therapists."""
    return _CLINICAL_ASIDE.sub("", _CITATION.sub("", text)).strip()
