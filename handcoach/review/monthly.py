"""A month at a glance for the clinic: per patient, days with data, sessions and reps
against the prescription.

    summary = month_summary(sessions, prescriptions, first_day, last_day, tz)
    summary.row()          # the Patients list's columns and the monthly CSV's

Built on the same days as adherence (review.adherence): a session counts when it has a
rep, for its exercise and hand, and at most the prescribed number of sessions a day per
exercise; reps prescribed are reps x sets x sessions a day of every exercise in force.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, tzinfo

from handcoach.storage.records import PrescriptionInfo, SessionInfo

from .adherence import adherence_days, in_force_on

#: the monthly CSV's columns, in order.
MONTH_COLUMNS = ("patient", "month", "days_with_data", "days", "sessions_done",
                 "sessions_prescribed", "reps", "reps_prescribed", "extra_reps")


@dataclass(frozen=True)
class MonthSummary:
    """One patient's period: calendar days, days with a session with a rep, sessions
    done and prescribed (adherence's capped count), reps done (extra ones included) and
    prescribed."""

    first: date
    last: date
    days: int
    days_with_data: int
    sessions_done: int
    sessions_prescribed: int
    reps: int
    reps_prescribed: int
    extra_reps: int

    def row(self, patient: str) -> dict[str, object]:
        return {"patient": patient, "month": self.first.strftime("%Y-%m"),
                "days_with_data": self.days_with_data, "days": self.days,
                "sessions_done": self.sessions_done,
                "sessions_prescribed": self.sessions_prescribed, "reps": self.reps,
                "reps_prescribed": self.reps_prescribed, "extra_reps": self.extra_reps}


def _reps_prescribed(plans: dict[str, PrescriptionInfo]) -> int:
    total = 0
    for plan in plans.values():
        for exercise in plan.exercises:
            dose = plan.doses[exercise]
            total += int(dose["reps"]) * int(dose.get("sets", 1)) * \
                plan.sessions_per_day(exercise)
    return total


def month_summary(sessions: Sequence[SessionInfo], prescriptions: Sequence[PrescriptionInfo],
                  first: date, last: date, tz: tzinfo) -> MonthSummary:
    """The period from `first` to `last` inclusive (a calendar month, or its days so far)."""
    days = adherence_days(sessions, prescriptions, first, last, tz)
    reps_prescribed = sum(_reps_prescribed(in_force_on(prescriptions, d.day, tz))
                          for d in days)
    return MonthSummary(
        first=first, last=last, days=len(days),
        days_with_data=sum(1 for d in days if d.reps > 0),
        sessions_done=sum(d.done for d in days),
        sessions_prescribed=sum(d.prescribed for d in days),
        reps=sum(d.reps for d in days), reps_prescribed=reps_prescribed,
        extra_reps=sum(d.extra_reps for d in days))
