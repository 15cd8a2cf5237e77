"""Reminders for the patient's own calendar: an iCalendar file (RFC 5545, made with the
icalendar library) with the day's prescribed sessions, every day for the weeks ahead.

    data = reminder_calendar(program.exercises, start=date.today())   # bytes, .ics

A day with at most N sessions of any exercise gets N reminders, spread from FIRST to
LAST o'clock; an exercise done k times a day is in k of them, as far apart as they go.
Times are floating (no time zone): a calendar shows them at that hour wherever the
patient is. The file names the exercises and their dose, never the patient.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta, timezone

from icalendar import Alarm, Calendar, Event

from exercises.library import Exercise

#: the first and the last reminder of a day (local hours).
FIRST, LAST = time(9, 0), time(19, 0)
#: how many days the reminders repeat: until about the next clinic visit.
DAYS = 28
#: how long a reminder's event lasts in the calendar.
EVENT_MIN = 15


def slot_times(n: int) -> list[time]:
    """n reminder times from FIRST to LAST (one: FIRST)."""
    start = FIRST.hour * 60 + FIRST.minute
    span = LAST.hour * 60 + LAST.minute - start
    minutes = [start] if n == 1 else [start + round(i * span / (n - 1)) for i in range(n)]
    return [time(m // 60, m % 60) for m in minutes]


def slots_of(k: int, n: int) -> list[int]:
    """Which of n daily slots an exercise done k times a day goes in (spread out)."""
    if k >= n:
        return list(range(n))
    if k == 1:
        return [0]
    return sorted({round(j * (n - 1) / (k - 1)) for j in range(k)})


def _dose_line(ex: Exercise) -> str:
    d = ex.dose
    sets = f" x {d.sets} sets" if d.sets > 1 else ""
    hold = f", hold {d.hold_s:g} s" if d.hold_s else ""
    return f"{ex.name}: {d.reps} reps{sets}{hold}"


def reminder_calendar(exercises: Sequence[Exercise], start: date, days: int = DAYS) -> bytes:
    """The .ics file: one daily repeating event per reminder slot, from `start`."""
    cal = Calendar()
    cal.add("prodid", "-//HandCoach//Home exercise reminders//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Hand exercises")
    per_day = [ex for ex in exercises if ex.dose.sessions_per_day > 0]
    n = max((ex.dose.sessions_per_day for ex in per_day), default=0)
    stamp = datetime.now(timezone.utc).replace(microsecond=0)
    for slot, at in enumerate(slot_times(n) if n else []):
        due = [ex for ex in per_day if slot in slots_of(ex.dose.sessions_per_day, n)]
        begin = datetime.combine(start, at)
        event = Event()
        event.add("uid", f"{uuid.uuid4()}@handcoach")
        event.add("dtstamp", stamp)
        event.add("dtstart", begin)
        event.add("dtend", begin + timedelta(minutes=EVENT_MIN))
        event.add("rrule", {"freq": "daily", "count": days})
        event.add("summary", "Hand exercises: " + ", ".join(ex.name for ex in due))
        event.add("description", "\n".join(_dose_line(ex) for ex in due)
                  + "\nGently, and stop if it hurts more than usual.")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", "Time for your hand exercises")
        alarm.add("trigger", timedelta(0))
        event.add_component(alarm)
        cal.add_component(event)
    return cal.to_ical()
