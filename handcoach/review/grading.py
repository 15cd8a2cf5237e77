"""ASSH grading of total active motion (TAM), as in docs/clinical.md.

TAM is graded as a percent of a reference: the same finger of the other hand when it was
measured (the patient's own normal), else 260 deg, the usual normal for a finger.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from exercises.norms import NORMAL_TAM_DEG
from handcoach.storage.records import SessionInfo
from vision.landmarks import FINGERS

OTHER_HAND = "other hand"
NORMAL_REFERENCE = f"normal ({NORMAL_TAM_DEG:.0f}°)"

#: ASSH: excellent = normal (100%), good > 75%, fair > 50%, poor below (docs/clinical.md).
EXCELLENT_PCT = 100
GOOD_ABOVE_PCT = 75
FAIR_ABOVE_PCT = 50


@dataclass(frozen=True)
class TamGrade:
    """One finger's grade. percent is whole: the grade is decided on the number the
    therapist reads, and camera TAM is nowhere near precise to a fraction of a percent."""

    finger: str
    tam_deg: float
    reference_deg: float
    reference: str
    percent: int
    grade: str


def _grade(percent: int) -> str:
    if percent >= EXCELLENT_PCT:
        return "excellent"
    if percent > GOOD_ABOVE_PCT:
        return "good"
    if percent > FAIR_ABOVE_PCT:
        return "fair"
    return "poor"


def grade_tam(tam: Mapping[str, float | None],
              other_hand: Mapping[str, float | None] | None = None) -> list[TamGrade]:
    """Grades for the fingers index to little that were measured, in that order.

    other_hand: the other hand's TAM per finger; a finger it lacks (or a non-positive
    value, which cannot be a normal) is graded against 260 deg instead.
    """
    out = []
    for finger in FINGERS:
        value = tam.get(finger)
        if value is None:
            continue
        ref = (other_hand or {}).get(finger)
        if ref is not None and ref > 0:
            reference_deg, reference = float(ref), OTHER_HAND
        else:
            reference_deg, reference = NORMAL_TAM_DEG, NORMAL_REFERENCE
        percent = math.floor(100.0 * value / reference_deg + 0.5)
        out.append(TamGrade(finger=finger, tam_deg=float(value), reference_deg=reference_deg,
                            reference=reference, percent=percent, grade=_grade(percent)))
    return out


def best_tam(sessions: Iterable[SessionInfo], side: str) -> dict[str, float]:
    """Largest TAM per finger over the sessions of one hand: what the hand can do in the
    period, whichever exercise showed it. Fingers never measured are absent."""
    best: dict[str, float] = {}
    for s in sessions:
        if s.hand_side != side:
            continue
        for finger, value in (s.tam or {}).items():
            if value is not None and (finger not in best or value > best[finger]):
                best[finger] = float(value)
    return best
