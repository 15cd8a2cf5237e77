"""Warnings shown to the patient and stored with a session (codes in docs/interfaces.md)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Code(str, Enum):
    HAND_NOT_VISIBLE = "HAND_NOT_VISIBLE"
    TWO_HANDS = "TWO_HANDS"
    WRONG_HAND = "WRONG_HAND"
    WRONG_POSITION = "WRONG_POSITION"
    PARTIAL_RANGE = "PARTIAL_RANGE"
    HOLD_TOO_SHORT = "HOLD_TOO_SHORT"
    TOO_FAST = "TOO_FAST"
    SET_COMPLETE = "SET_COMPLETE"
    TOO_MANY_REPS = "TOO_MANY_REPS"
    PAIN_STOP = "PAIN_STOP"
    #: wrist exercises: the forearm is not in view (its skin beside the hand, or Pose's
    #: elbow), so the wrist cannot be measured. The code keeps its first name.
    ELBOW_NOT_VISIBLE = "ELBOW_NOT_VISIBLE"
    #: the exercise cannot be judged from this view of the hand; the message says how to
    #: turn it.
    VIEW = "VIEW"


@dataclass(frozen=True, slots=True)
class Alert:
    """One warning: when (s from the start), which code, and words a patient understands."""

    t: float
    code: Code
    message: str

    def to_json(self) -> dict[str, object]:
        return {"t": round(self.t, 2), "code": self.code.value, "message": self.message}
