"""Per-rep ROM export: one row per rep, for a therapist's spreadsheet or a study.

Angles are rounded to whole degrees: the camera is good to about 5 deg at best
(docs/clinical.md), so decimals would claim a precision that is not there.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from exercises.counter import Rep
from handcoach.spreadsheet import csv_text
from handcoach.storage.records import SessionInfo
from vision.landmarks import ANGLE_NAMES

_BASE = ("session_id", "patient", "exercise", "hand", "session_start", "rep", "set_number",
         "start_s", "end_s", "duration_s", "positions", "holds_s", "flags")


def rep_columns() -> list[str]:
    """Every key of a rep row, in order (a CSV header even when there are no reps)."""
    return [*_BASE, *(f"{f}_{j}_{m}" for f, j in ANGLE_NAMES for m in ("peak", "min"))]


def _deg(value: float) -> int | None:
    return None if math.isnan(value) else int(round(float(value)))


def rep_rows(session: SessionInfo, reps: Sequence[Rep]) -> list[dict[str, Any]]:
    """One row per rep of a session. Times in s from the session start (2 decimals), the
    session start in ISO 8601 UTC; positions and holds joined by " > " in visit order,
    flags by spaces; flexion peak/min per joint in whole degrees, None where not seen."""
    rows = []
    for rep in reps:
        row: dict[str, Any] = {
            "session_id": session.id, "patient": session.patient,
            "exercise": session.exercise, "hand": session.hand_side,
            "session_start": session.started_at.isoformat(timespec="seconds"),
            "rep": rep.number, "set_number": rep.set_number,
            "start_s": round(rep.start, 2), "end_s": round(rep.end, 2),
            "duration_s": round(rep.end - rep.start, 2),
            "positions": " > ".join(rep.positions),
            "holds_s": " > ".join(f"{h:.1f}" for h in rep.holds_s),
            "flags": " ".join(sorted(rep.flags))}
        for (finger, joint), peak, low in zip(ANGLE_NAMES, rep.peak_flexion, rep.min_flexion,
                                              strict=True):
            row[f"{finger}_{joint}_peak"] = _deg(peak)
            row[f"{finger}_{joint}_min"] = _deg(low)
        rows.append(row)
    return rows


__all__ = ["csv_text", "rep_columns", "rep_rows"]
