"""The therapist's side: what a patient's saved sessions say, as pure functions.

No Streamlit and no database here: the inputs are storage.records dataclasses
(SessionInfo, PrescriptionInfo, exercises' Rep) and the outputs are dataclasses, rows for
charts and CSV, and a one-page PDF report.

- `adherence_days`, `adherence_rate`: sessions done against the prescription, per day.
- `patient_flags`: what to look at first (missed days, pain, falling ROM, ...).
- `grade_tam`, `best_tam`: ASSH grading of total active motion.
- `rom_trend`, `tam_trend`, `pain_trend`: long-format rows for interactive charts.
- `rep_rows`, `rep_columns`, `csv_text`: the per-rep ROM export.
- `build_report`, `ReportInput`: the PDF progress report.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from handcoach.lazy import lazy_exports

#: where each public name lives. Imported on first use (PEP 562): the report needs fpdf2
#: and matplotlib, which the flags and charts of a patient list do not.
_WHERE = {
    "DayAdherence": "adherence", "adherence_days": "adherence",
    "adherence_rate": "adherence", "in_force": "adherence", "in_force_on": "adherence",
    "local_day": "adherence", "session_hand": "adherence",
    "rep_columns": "exports", "rep_rows": "exports", "csv_text": "exports",
    "FLAG_CODES": "flags", "Flag": "flags", "patient_flags": "flags",
    "TamGrade": "grading", "best_tam": "grading", "grade_tam": "grading",
    "ReportInput": "report", "build_report": "report",
    "pain_trend": "trends", "rom_trend": "trends", "tam_trend": "trends",
}

__all__ = [
    "FLAG_CODES", "DayAdherence", "Flag", "ReportInput", "TamGrade", "adherence_days",
    "adherence_rate", "best_tam", "build_report", "csv_text", "grade_tam", "in_force",
    "in_force_on", "local_day", "pain_trend", "patient_flags", "rep_columns", "rep_rows",
    "rom_trend", "session_hand", "tam_trend",
]


__getattr__ = lazy_exports(__name__, _WHERE)


if TYPE_CHECKING:
    from .adherence import (
        DayAdherence,
        adherence_days,
        adherence_rate,
        in_force,
        in_force_on,
        local_day,
        session_hand,
    )
    from .exports import csv_text, rep_columns, rep_rows
    from .flags import FLAG_CODES, Flag, patient_flags
    from .grading import TamGrade, best_tam, grade_tam
    from .report import ReportInput, build_report
    from .trends import pain_trend, rom_trend, tam_trend
