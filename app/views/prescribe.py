"""Prescribe: a patient's exercises, dose, range-of-motion targets and a note, per hand.

Each save is a new version (storage.Access.prescribe); old versions stay, with who saved
them and when, and the patient's Today page follows the newest. The form starts from the
current version for the hand, or from the library's usual doses when there is none.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from app.auth import require_staff
from app.local_time import local_tz, when_text
from app.picker import pick_patient
from app.prescription_diff import describe_changes
from app.safe_text import plain
from app.wording import dose_text, task_dose_text
from exercises import schema
from exercises.catalog import EXERCISE_IDS
from exercises.home_tasks import MAX_AMOUNT, MAX_PER_DAY, HomeTask, load_tasks
from exercises.library import Dose, Exercise, LibraryError, load_library
from exercises.norms import normal_flexion
from exercises.program import DEFAULT_EXERCISES
from handcoach.accounts import NotVisible
from handcoach.storage import PrescriptionInfo, StoreError
from handcoach.storage.prescriptions import DOSE_KEYS, MAX_TARGET_DEG
from vision.landmarks import ANGLE_NAMES

SAVED = "prescription_saved"
TARGET = "Target (°)"
#: (label, whole number?, step) per dose key, for its number input.
DOSE_INPUTS = {"reps": ("Reps", True, 1), "sets": ("Sets", True, 1),
               "hold_s": ("Hold (s)", False, 0.5), "rest_s": ("Rest (s)", False, 5.0),
               "sessions_per_day": ("Sessions a day", True, 1),
               "max_reps_per_day": ("Most reps a day", True, 1)}


def base_dose(ex: Exercise, current: PrescriptionInfo | None) -> Mapping[str, Any]:
    """The dose the form starts from: this version's, else the library's usual one."""
    if current is not None and ex.id in current.doses:
        return current.doses[ex.id]
    return {k: getattr(ex.dose, k) for k in DOSE_KEYS}


def dose_inputs(ex: Exercise, start: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    st.markdown(f"**{ex.name}**")
    cols = st.columns(len(DOSE_KEYS))
    dose: dict[str, Any] = {}
    for col, key in zip(cols, DOSE_KEYS, strict=True):
        label, whole, step = DOSE_INPUTS[key]
        value = start.get(key, getattr(ex.dose, key))
        bound = schema.DOSE[key]    # the ranges every program and prescription is held to
        if whole:
            dose[key] = col.number_input(label, min_value=int(bound.lo),
                                         max_value=int(bound.hi),
                                         value=min(max(int(value), int(bound.lo)),
                                                   int(bound.hi)),
                                         step=int(step), key=f"{prefix}-{ex.id}-{key}")
        else:
            dose[key] = col.number_input(label, min_value=float(bound.lo),
                                         max_value=float(bound.hi),
                                         value=min(max(float(value), bound.lo), bound.hi),
                                         step=float(step), format="%g",
                                         key=f"{prefix}-{ex.id}-{key}")
    return dose


def task_inputs(task: HomeTask, start: Mapping[str, Any], prefix: str) -> dict[str, int]:
    """A home task's amount (minutes or times; none for a done-or-not task) and times a
    day."""
    st.markdown(f"**{task.name}**")
    left, right = st.columns(2)
    dose = {"amount": task.amount}
    if task.kind != "confirm":
        dose["amount"] = int(left.number_input(
            "Minutes" if task.kind == "minutes" else "Times", min_value=1,
            max_value=MAX_AMOUNT[task.kind], value=int(start.get("amount", task.amount)),
            step=1, key=f"{prefix}-task-{task.id}-amount"))
    dose["sessions_per_day"] = int(right.number_input(
        "Times a day", min_value=1, max_value=MAX_PER_DAY,
        value=int(start.get("sessions_per_day", task.sessions_per_day)), step=1,
        key=f"{prefix}-task-{task.id}-per-day"))
    return dose


def targets_frame(current: PrescriptionInfo | None) -> pd.DataFrame:
    """One row per joint: finger, joint, normal flexion, the target (empty: none)."""
    normal = normal_flexion()
    targets = current.rom_targets if current is not None else {}
    return pd.DataFrame({
        "Finger": [f for f, _ in ANGLE_NAMES],
        "Joint": [j.upper() for _, j in ANGLE_NAMES],
        "Normal": [f"{n:.0f}°" for n in normal],
        TARGET: pd.Series([targets.get(f, {}).get(j) for f, j in ANGLE_NAMES],
                          dtype="float64"),
    })


def targets_from(edited: pd.DataFrame) -> dict[str, dict[str, float]]:
    """{finger: {joint: deg}} from the editor's rows (in ANGLE_NAMES order); empty cells
    are no target."""
    out: dict[str, dict[str, float]] = {}
    for (finger, joint), value in zip(ANGLE_NAMES, edited[TARGET], strict=True):
        if value is not None and not (isinstance(value, float) and math.isnan(value)):
            out.setdefault(finger, {})[joint] = float(value)
    return out


def history(versions: list[PrescriptionInfo], names: Mapping[str, str], hand: str) -> None:
    st.subheader(f"Versions for the {hand} hand")
    if not versions:
        st.caption("None saved yet.")
        return
    tz = local_tz()
    rows = [{"Version": v.version, "Saved": when_text(v.created_at, tz), "By": v.created_by,
             "Exercises": ", ".join(names.get(e, e) for e in v.exercises),
             "Changes": describe_changes(versions[i - 1] if i else None, v, names)}
            for i, v in enumerate(versions)]
    st.dataframe(pd.DataFrame(rows[::-1]), hide_index=True, width="stretch",
                 column_config={"Changes": st.column_config.TextColumn(width="large")})


acc = require_staff()
library = load_library()
home_tasks = load_tasks()
names = {ex_id: library[ex_id].name for ex_id in EXERCISE_IDS}
st.title("Prescribe")
saved = st.session_state.pop(SAVED, None)
if saved:
    st.success(saved)
patient = pick_patient(acc)
try:
    versions = acc.prescriptions(patient.id)
except NotVisible as exc:
    st.error(str(exc))
    st.stop()
except StoreError as exc:
    st.error(f"The results database cannot be read just now: {exc}")
    st.stop()
hands = {v.hand for v in versions}
hand = st.radio("Hand", ["left", "right"], horizontal=True, format_func=str.capitalize,
                index=0 if hands == {"left"} else 1)
mine = sorted((v for v in versions if v.hand == hand), key=lambda v: v.version)
current = mine[-1] if mine else None
number = current.version + 1 if current else 1
if current is None:
    st.caption(f"No prescription for {plain(patient.name)}'s {hand} hand yet: the form starts "
               "from the library's usual exercises and doses.")
else:
    st.caption(f"Current: version {current.version}, saved {when_text(current.created_at)} "
               f"by {plain(current.created_by)}.")

prefix = f"rx-{patient.id}-{hand}-{current.version if current else 0}"
exercises = st.multiselect(
    "Exercises, in the order the patient does them", list(EXERCISE_IDS),
    default=list(current.exercises) if current else list(DEFAULT_EXERCISES),
    format_func=names.__getitem__, key=f"{prefix}-exercises",
    help="Added exercises go to the end; remove and add again to move one.")
tasks = st.multiselect(
    "Without the camera (the patient confirms each one done)", list(home_tasks),
    default=[t for t in (current.tasks if current else {}) if t in home_tasks],
    format_func=lambda t: home_tasks[t].name, key=f"{prefix}-tasks",
    help="Scar care, putty, swelling care, the splint: each with its own amount and times "
         "a day; they count in the adherence like the exercises.")
with st.form(f"{prefix}-form"):
    st.markdown("##### Dose")
    doses = {ex_id: dose_inputs(library[ex_id], base_dose(library[ex_id], current), prefix)
             for ex_id in exercises}
    if not exercises:
        st.caption("Choose at least one exercise above.")
    task_doses = {t: task_inputs(home_tasks[t], (current.tasks if current else {}).get(t, {}),
                                 prefix) for t in tasks}
    st.markdown("##### Range-of-motion targets")
    st.caption(f"Flexion to reach, in degrees (0-{MAX_TARGET_DEG:.0f}); leave empty for no "
               "target. Shown to the patient and on the Review page's charts.")
    edited = st.data_editor(
        targets_frame(current), key=f"{prefix}-targets", hide_index=True, num_rows="fixed",
        disabled=["Finger", "Joint", "Normal"], width="stretch",
        height=35 * (len(ANGLE_NAMES) + 1) + 3,   # every joint without scrolling
        column_config={TARGET: st.column_config.NumberColumn(
            TARGET, min_value=0, max_value=MAX_TARGET_DEG, step=1, format="%.0f°")})
    note = st.text_area("Note to the patient", value=(current.note if current else None) or "",
                        max_chars=2000, key=f"{prefix}-note",
                        help="Shown on the patient's Today page.")
    save = st.form_submit_button(f"Save as version {number}", type="primary")
if save:
    try:
        info = acc.prescribe(patient.id, hand, exercises, doses, targets_from(edited), note,
                             tasks=task_doses)
    except LibraryError as exc:
        st.error(f"Not saved: {plain(exc)}.")
    except NotVisible as exc:
        st.error(str(exc))
    except StoreError as exc:
        st.error(f"Not saved: the results database cannot be written just now: {exc}")
    else:
        plan = "; ".join([f"{names[e]}: {dose_text(Dose(**info.doses[e]))}"
                          for e in info.exercises]
                         + [f"{home_tasks[t].name}: {task_dose_text(home_tasks[t], d)}"
                            for t, d in info.tasks.items()])
        st.session_state[SAVED] = (f"Saved version {info.version} for {plain(patient.name)}'s "
                                   f"{hand} hand ({plan}).")
        st.rerun()
history(mine, names, hand)
