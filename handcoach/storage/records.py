"""The data that flows in and out of the results store, as plain dataclasses.

The app and the command line never see ORM rows: these are what they hand to the
recorder and get back from the queries. A rep is the exercise engine's own
`exercises.counter.Rep`, mapped to and from its row here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from exercises.counter import Rep
from vision.landmarks import ANGLE_NAMES, FINGERS, angles_from_dict, angles_to_dict

#: the per-session columns of an export, before ROM (per joint) and TAM (per finger).
_BASE_COLUMNS = ("session_id", "patient", "exercise", "hand", "source", "video", "model",
                 "start", "end", "duration_s", "status", "reps", "extra_reps",
                 "prescribed_reps", "prescribed_sets", "warnings", "pain_before",
                 "pain_after", "frames", "frames_with_hand")


def export_columns() -> list[str]:
    """Every key of an export row, in order (a CSV header even when nothing is saved)."""
    return [*_BASE_COLUMNS,
            *(f"{f}_{j}_{m}" for f, j in ANGLE_NAMES for m in ("min", "max")),
            *(f"tam_{f}" for f in FINGERS)]


def rep_columns(rep: Rep) -> dict[str, Any]:
    """The `reps` row's values of a rep (JSON-ready; NaN flexion becomes null)."""
    return {"number": rep.number, "set_number": rep.set_number,
            "start_s": float(rep.start), "end_s": float(rep.end),
            "positions": list(rep.positions),
            "holds_s": [round(float(h), 3) for h in rep.holds_s],
            "peak_flexion": angles_to_dict(rep.peak_flexion, 1),
            "min_flexion": angles_to_dict(rep.min_flexion, 1),
            "flags": sorted(rep.flags)}


def rep_from_row(row: Any) -> Rep:
    """A stored rep (a `reps` row) as the engine's Rep."""
    return Rep(number=row.number, start=row.start_s, end=row.end_s,
               positions=tuple(row.positions), holds_s=tuple(row.holds_s),
               peak_flexion=angles_from_dict(row.peak_flexion),
               min_flexion=angles_from_dict(row.min_flexion), flags=frozenset(row.flags),
               set_number=row.set_number)


@dataclass(frozen=True)
class WarningRecord:
    """One thing the patient was told: t in s from the session start."""

    t: float
    code: str
    message: str


@dataclass
class SessionInfo:
    """One saved session, as a therapist's list or an export shows it.

    rom: {finger: {joint: {"min": deg, "max": deg}}}; tam: {finger: deg}; None-valued
    where never measured. warnings: how many the patient was told.
    """

    id: int
    patient: str
    exercise: str | None
    hand_side: str | None
    source: str
    video_name: str | None
    model: str | None
    started_at: datetime
    ended_at: datetime | None
    duration_s: float | None
    status: str
    reps: int
    extra_reps: int
    prescribed_reps: int | None
    prescribed_sets: int | None
    warnings: int
    pain_before: int | None
    pain_after: int | None
    frames: int
    frames_with_hand: int
    rom: dict[str, Any] | None
    tam: dict[str, Any] | None
    note: str | None = None
    #: how many times each warning code was said ({code: count}; sums to `warnings`).
    warning_codes: dict[str, int] = field(default_factory=dict)
    prescription_id: int | None = None

    @property
    def cautions(self) -> int:
        """Warnings the patient was given, without the "set done" messages: "All 3 done
        for this session. Well done!" is praise, and counting it would make every
        finished session look like one with a problem. (`warnings`, the promised export
        column, keeps counting every message.)"""
        return self.warnings - self.warning_codes.get("SET_COMPLETE", 0)

    def export_row(self) -> dict[str, object]:
        """Flat columns for CSV and JSON: one value per joint, times as ISO 8601 UTC."""
        values = (self.id, self.patient, self.exercise, self.hand_side, self.source,
                  self.video_name, self.model, self.started_at.isoformat(timespec="seconds"),
                  self.ended_at.isoformat(timespec="seconds") if self.ended_at else None,
                  None if self.duration_s is None else round(self.duration_s, 2),
                  self.status, self.reps, self.extra_reps, self.prescribed_reps,
                  self.prescribed_sets, self.warnings, self.pain_before, self.pain_after,
                  self.frames, self.frames_with_hand)
        row: dict[str, object] = dict(zip(_BASE_COLUMNS, values, strict=True))
        rom = self.rom or {}
        for finger, joint in ANGLE_NAMES:
            r = rom.get(finger, {}).get(joint) or {}
            row[f"{finger}_{joint}_min"] = r.get("min")
            row[f"{finger}_{joint}_max"] = r.get("max")
        tam = self.tam or {}
        for finger in FINGERS:
            row[f"tam_{finger}"] = tam.get(finger)
        return row


@dataclass(frozen=True)
class PrescriptionInfo:
    """One version of a patient's prescription for one hand, as the therapist saved it.

    Self-contained on purpose: `doses` holds every dose value of every exercise (not only
    what differs from the library), so a later change to exercises/definitions.toml never
    changes what a patient was prescribed in the past.

    exercises: ids in the order the patient does them; doses: {id: {"reps", "sets",
    "hold_s", "rest_s", "sessions_per_day", "max_reps_per_day"}}; rom_targets: {finger:
    {joint: deg}} (flexion to reach, degrees; only the joints the therapist set).
    """

    id: int
    patient_id: int
    patient: str
    hand: str
    version: int
    created_at: datetime
    created_by: str
    exercises: tuple[str, ...]
    doses: dict[str, dict[str, float]]
    rom_targets: dict[str, dict[str, float]]
    note: str | None = None
    #: home tasks the camera does not judge, in order: {id: {"amount", "sessions_per_day"}}.
    tasks: dict[str, dict[str, int]] = field(default_factory=dict)

    def program_table(self) -> dict[str, Any]:
        """The program in exercises/program.py's table shape (parse_program reads it)."""
        return {"program": {"exercises": list(self.exercises), "hand": self.hand,
                            **({"note": self.note} if self.note else {})},
                "exercises": {ex: {"dose": dict(self.doses[ex])} for ex in self.exercises}}

    def sessions_per_day(self, exercise: str) -> int:
        return int(self.doses[exercise]["sessions_per_day"])

    def task_times_a_day(self, task: str) -> int:
        return int(self.tasks[task]["sessions_per_day"])

    def max_reps_per_day(self, exercise: str) -> int:
        return int(self.doses[exercise]["max_reps_per_day"])


@dataclass(frozen=True)
class TaskLogInfo:
    """A home task the patient confirmed done: how much (minutes, times, or 1 for done)
    and their pain before and after; hand_side: the hand whose prescription it was."""

    id: int
    patient_id: int
    task: str
    hand_side: str | None
    done_at: datetime
    amount: int
    pain_before: int | None
    pain_after: int | None
    prescription_id: int | None = None
