"""Versioned prescriptions: what a therapist may write, and how a stored version reads back.

A prescription is checked the way a program file is (exercises/program.py): unknown
exercises, fractional reps or a missing dose value are refused with one line naming the
key, before anything is written.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from exercises import schema
from exercises.catalog import EXERCISE_IDS
from exercises.home_tasks import check_task_dose
from exercises.library import LibraryError
from exercises.program import Program, parse_program
from vision.landmarks import ANGLE_NAMES

from .models import Prescription
from .records import PrescriptionInfo

DOSE_KEYS = tuple(schema.DOSE)
#: the highest flexion target a therapist can set (exercises/schema.py says why).
MAX_TARGET_DEG = float(schema.ROM_TARGET.hi)


def check_tasks(tasks: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, int]]:
    """Prescribed home tasks {id: {"amount", "sessions_per_day"}} as stored, in order, or
    LibraryError (one line): unknown ids and amounts out of range are refused."""
    return {task: check_task_dose(task, dose) for task, dose in tasks.items()}


def check_prescription(hand: str, exercises: list[str], doses: Mapping[str, Mapping[str, Any]],
                       rom_targets: Mapping[str, Mapping[str, Any]], note: str | None
                       ) -> tuple[list[str], dict[str, dict[str, float]],
                                  dict[str, dict[str, float]], str | None]:
    """The prescription as it will be stored, or LibraryError (one line)."""
    if hand not in ("left", "right"):
        raise LibraryError("hand must be \"left\" or \"right\"")
    exercises = list(exercises)
    if not exercises:
        raise LibraryError("a prescription needs at least one exercise")
    for ex in exercises:
        if ex not in EXERCISE_IDS:
            raise LibraryError(f"unknown exercise {ex!r}")
    clean_doses: dict[str, dict[str, float]] = {}
    for ex in exercises:
        dose = doses.get(ex)
        if dose is None:
            raise LibraryError(f"no dose for {ex}")
        clean_doses[ex] = schema.dose(f"{ex} dose", dose)
    known = set(ANGLE_NAMES)
    targets: dict[str, dict[str, float]] = {}
    for finger, joints in rom_targets.items():
        for joint, value in joints.items():
            if value is None:
                continue
            if (finger, joint) not in known:
                raise LibraryError(f"unknown joint {finger} {joint}")
            if isinstance(value, bool) or not isinstance(value, int | float) \
                    or not schema.ROM_TARGET.lo <= value <= schema.ROM_TARGET.hi:
                raise LibraryError(f"target for {finger} {joint} must be "
                                   f"{schema.ROM_TARGET.lo:g}-{schema.ROM_TARGET.hi:g} "
                                   f"degrees, got {schema.show(value)}")
            targets.setdefault(finger, {})[joint] = round(float(value), 1)
    note = (note or "").strip() or None
    if note is not None and len(note) > schema.MAX_NOTE:
        raise LibraryError(f"a note to the patient has at most {schema.MAX_NOTE} characters")
    table = {"program": {"exercises": exercises, "hand": hand,
                         **({"note": note} if note else {})},
             "exercises": {ex: {"dose": clean_doses[ex]} for ex in exercises}}
    program = parse_program(table, source="prescription")   # the dose rules, once
    typed = {ex.id: {k: getattr(ex.dose, k) for k in DOSE_KEYS} for ex in program.exercises}
    return exercises, typed, targets, note


def prescription_info(row: Prescription, patient: str) -> PrescriptionInfo:
    return PrescriptionInfo(id=row.id, patient_id=row.patient_id, patient=patient,
                            hand=row.hand, version=row.version, created_at=row.created_at,
                            created_by=row.created_by, exercises=tuple(row.exercises),
                            doses={k: dict(v) for k, v in row.doses.items()},
                            rom_targets={k: dict(v) for k, v in row.rom_targets.items()},
                            note=row.note,
                            tasks={k: dict(v) for k, v in (row.tasks or {}).items()})


def program_of(info: PrescriptionInfo) -> Program:
    """The Program the patient's app runs for this version."""
    program = parse_program(info.program_table(), source=f"prescription v{info.version}")
    return Program(exercises=program.exercises, hand=program.hand, note=program.note,
                   source=program.source, overrides=program.overrides,
                   prescription_id=info.id, rom_targets=info.rom_targets)
