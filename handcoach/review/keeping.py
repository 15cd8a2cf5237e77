"""Keeping at it: the patient's run of days with every prescribed session done, this
week's sessions done against prescribed, and one plain sentence that follows the dose.

    days = adherence_days(...) or program_days(...)        # handcoach.review.adherence
    k = keeping_at_it(days, today)                          # Keeping: streak, week, words

Home programs fail by being skipped or overdone (docs/clinical.md): the words never ask
for more than the prescription, and they say so when a day went past it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from .adherence import DayAdherence


@dataclass(frozen=True)
class Keeping:
    """streak_days: days in a row with every prescribed session done, up to yesterday,
    and today too once it is complete (a day still under way does not break it).
    week_*: Monday to today. today_*: today's sessions. words: one sentence for the
    patient."""

    streak_days: int
    today_done: int
    today_prescribed: int
    week_done: int
    week_prescribed: int
    words: str


def complete(day: DayAdherence) -> bool:
    """Every session prescribed that day was done (a day with nothing prescribed is not
    a day of exercise, and neither makes nor breaks a run)."""
    return day.prescribed > 0 and day.done >= day.prescribed


def streak(days: Sequence[DayAdherence], today: date) -> int:
    """Complete days in a row ending today (if complete) or yesterday; days with nothing
    prescribed are passed over."""
    by_day = {d.day: d for d in days}
    count = 0
    day = today if today in by_day and complete(by_day[today]) else today - timedelta(days=1)
    while day in by_day:
        d = by_day[day]
        if complete(d):
            count += 1
        elif d.prescribed > 0:
            break
        day -= timedelta(days=1)
    return count


def keeping_at_it(days: Sequence[DayAdherence], today: date) -> Keeping:
    """The streak, today's and this week's sessions, and what to say about them.

    days: one DayAdherence per day up to today (at least this week's; more for a long
    streak)."""
    monday = today - timedelta(days=today.weekday())
    week = [d for d in days if monday <= d.day <= today]
    now = next((d for d in days if d.day == today), None)
    run = streak(days, today)
    done = now.done if now else 0
    prescribed = now.prescribed if now else 0
    return Keeping(streak_days=run, today_done=done, today_prescribed=prescribed,
                   week_done=sum(d.done for d in week),
                   week_prescribed=sum(d.prescribed for d in week),
                   words=_words(run, now))


def _words(run: int, now: DayAdherence | None) -> str:
    if now is None or now.prescribed == 0:
        return "Nothing is prescribed for today."
    if now.extra_reps > 0:
        return (f"Today you did {now.extra_reps} more rep{'s' if now.extra_reps != 1 else ''} "
                "than your therapist asked. More is not better: rest your hand, and keep "
                "to your dose tomorrow.")
    if complete(now):
        tail = f" That makes {run} days in a row." if run > 1 else ""
        return ("All of today's sessions are done. Resting now is part of the treatment."
                + tail)
    left = now.prescribed - now.done
    more = f"{left} more session{'s' if left != 1 else ''} today, with rest in between"
    if run > 1:
        return f"{run} days in a row so far. {more}: steady beats hard."
    if now.done:
        return f"A good start. {more}."
    return f"{more.capitalize()}. A little every day beats a lot now and then."
