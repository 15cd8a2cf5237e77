"""Did the patient do what was prescribed, day by day?

A day is a calendar day where the patient lives (`tz`), because "twice a day" means the
patient's day, not UTC's. The prescription that counts for a day is the one in force at
its end, so a change made in the afternoon already applies to that day: the patient was
told about it at the clinic and is expected to follow it from then on.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from handcoach.storage.records import PrescriptionInfo, SessionInfo, TaskLogInfo


@dataclass(frozen=True)
class DayAdherence:
    """One calendar day: sessions prescribed and done (done is capped per exercise, so
    doing one exercise five times never makes up for skipping another), and every rep
    of the day's sessions (extra_reps: those beyond the prescription)."""

    day: date
    prescribed: int
    done: int
    reps: int
    extra_reps: int


def local_day(moment: datetime, tz: tzinfo) -> date:
    """The patient's calendar day of a tz-aware moment."""
    return moment.astimezone(tz).date()


def day_end(day: date, tz: tzinfo) -> datetime:
    """The first moment after `day` in tz (midnight starting the next day)."""
    return datetime.combine(day + timedelta(days=1), time(), tzinfo=tz)


def in_force(prescriptions: Iterable[PrescriptionInfo], hand: str, at: datetime
             ) -> PrescriptionInfo | None:
    """The version of `hand`'s prescription in force at `at`: the newest created by then."""
    versions = [p for p in prescriptions if p.hand == hand and p.created_at <= at]
    return max(versions, key=lambda p: (p.created_at, p.version), default=None)


def in_force_on(prescriptions: Sequence[PrescriptionInfo], day: date, tz: tzinfo
                ) -> dict[str, PrescriptionInfo]:
    """{hand: version in force at the end of `day`}; hands not yet prescribed are absent."""
    last_moment = day_end(day, tz) - timedelta(microseconds=1)
    out = {}
    for hand in sorted({p.hand for p in prescriptions}):
        version = in_force(prescriptions, hand, last_moment)
        if version is not None:
            out[hand] = version
    return out


def session_hand(session: SessionInfo | TaskLogInfo, hands: Collection[str]) -> str | None:
    """The hand a session (or a home task done) was for. One saved without a side (an
    older recording, or the side could not be told) belongs to the only hand prescribed,
    if there is one."""
    if session.hand_side is not None:
        return session.hand_side
    return next(iter(hands)) if len(hands) == 1 else None


def sessions_by_day(sessions: Iterable[SessionInfo], tz: tzinfo) -> dict[date, list[SessionInfo]]:
    """Sessions grouped by the patient's calendar day they started on."""
    out: dict[date, list[SessionInfo]] = defaultdict(list)
    for s in sessions:
        out[local_day(s.started_at, tz)].append(s)
    return out


def _day(day: date, todays: list[SessionInfo], plans: dict[str, PrescriptionInfo],
         tasks: list[TaskLogInfo] | None = None) -> DayAdherence:
    prescribed = done = 0
    for hand, plan in plans.items():
        for exercise in plan.exercises:
            wanted = plan.sessions_per_day(exercise)
            count = sum(1 for s in todays if s.exercise == exercise and s.reps > 0
                        and session_hand(s, plans) == hand)
            prescribed += wanted
            done += min(count, wanted)
        if tasks is None:
            continue
        for task in plan.tasks:
            wanted = plan.task_times_a_day(task)
            count = sum(1 for t in tasks if t.task == task and t.amount > 0
                        and session_hand(t, plans) == hand)
            prescribed += wanted
            done += min(count, wanted)
    return DayAdherence(day=day, prescribed=prescribed, done=done,
                        reps=sum(s.reps for s in todays),
                        extra_reps=sum(s.extra_reps for s in todays))


def adherence_days(sessions: Sequence[SessionInfo], prescriptions: Sequence[PrescriptionInfo],
                   start: date, end: date, tz: tzinfo,
                   tasks: Sequence[TaskLogInfo] | None = None) -> list[DayAdherence]:
    """One `DayAdherence` per calendar day from start to end inclusive.

    A session counts as done when it has at least one rep, for its exercise and hand.
    tasks: the patient's home tasks done (exercises/home_tasks.toml); given, the
    prescribed tasks count like sessions (prescribed and done), else neither.
    """
    by_day = sessions_by_day(sessions, tz)
    tasks_by_day: dict[date, list[TaskLogInfo]] = defaultdict(list)
    for t in tasks or ():
        tasks_by_day[local_day(t.done_at, tz)].append(t)
    out = []
    day = start
    while day <= end:
        out.append(_day(day, by_day.get(day, []), in_force_on(prescriptions, day, tz),
                        None if tasks is None else tasks_by_day.get(day, [])))
        day += timedelta(days=1)
    return out


def adherence_rate(days: Iterable[DayAdherence]) -> float | None:
    """Sessions done / sessions prescribed (0-1); None when nothing was prescribed."""
    days = list(days)
    prescribed = sum(d.prescribed for d in days)
    return sum(d.done for d in days) / prescribed if prescribed else None


def program_days(sessions: Sequence[SessionInfo], wanted: Mapping[str, int], start: date,
                 end: date, tz: tzinfo) -> list[DayAdherence]:
    """As `adherence_days` for a program without versions (a home install's program file
    or the default program): `wanted` {exercise: sessions a day} every day, either hand."""
    by_day = sessions_by_day(sessions, tz)
    out = []
    day = start
    while day <= end:
        todays = by_day.get(day, [])
        done = sum(min(sum(1 for s in todays if s.exercise == ex and s.reps > 0), n)
                   for ex, n in wanted.items())
        out.append(DayAdherence(day=day, prescribed=sum(wanted.values()), done=done,
                                reps=sum(s.reps for s in todays),
                                extra_reps=sum(s.extra_reps for s in todays)))
        day += timedelta(days=1)
    return out
