"""The overexertion guard: the prescription is a limit, not a suggestion.

Patients who push too hard are the worry this exists for. Reps are grouped into sets with
a rest between them (SET_COMPLETE starts a countdown; a rep started during it is flagged
`rest_short`), and anything past the session's reps or the day's maximum is recorded as
extra, never dropped, with TOO_MANY_REPS. Pain is rated 0-10; a rise of 2 or more from
the first rating, or a rating of 7 or more, is PAIN_STOP.

Load from motion: movements the counter did not count (too fast to reach a held
position, out of order, short of the target) still load the tendons. `note_motion` is told
how many movement cycles the pace watch has seen this session (exercises.pace); the day's
load is the larger of the counted reps and those cycles, and reaching the day's maximum
that way is TOO_MANY_REPS too, said once: a patient who rushes 60 half-reps is not told
they did nothing.
"""

from __future__ import annotations

from .alerts import Alert, Code
from .counter import Rep
from .feedback import DAY_DONE, FINAL_SET, MESSAGES, REST_FIRST
from .library import Dose

#: pain rules: a rise of this much over the session's first rating, or this level.
PAIN_RISE = 2
PAIN_LIMIT = 7


class PrescriptionGuard:
    """Tracks sets, rest and daily totals; judges each counted rep against the dose.

    done_today: reps of this exercise already done today (earlier sessions).
    """

    def __init__(self, dose: Dose, done_today: int = 0) -> None:
        self.dose = dose
        self.done_today = done_today
        self.counted = 0
        self.set_number = 1
        self.in_set = 0
        self.rest_until: float | None = None
        self.pain: list[tuple[float, int]] = []
        self.pain_stopped = False
        self.cycles = 0
        self._load_said = False

    @property
    def finished(self) -> bool:
        """True once the session's prescription is done, or the day's maximum reached
        (by counted reps or by movement)."""
        return (self.counted >= self.dose.reps_per_session
                or self.done_today + self.counted >= self.dose.max_reps_per_day
                or self._load_said)

    @property
    def load(self) -> int:
        """This session's load: the counted reps, or the movement cycles if more."""
        return max(self.counted, self.cycles)

    def note_motion(self, t: float, cycles: int, resting: bool = False) -> list[Alert]:
        """The pace watch's count of movements so far. A movement is confirmed while it
        is still finishing, before the counter counts it as a rep, so one movement ahead
        of the reps is normal while the hand is away from rest: only movement beyond that
        is load the reps missed. Back at rest (`resting`, the counter's word) the counter
        has judged every movement (a rep, or short of one), so all of them are load.
        TOO_MANY_REPS once, when it reaches the day's maximum; reps after it are extra."""
        self.cycles = max(self.cycles, cycles)
        uncounted = self.cycles - (0 if resting else 1) - self.counted
        if self._load_said or uncounted <= 0:
            return []
        if self.done_today + self.counted + uncounted >= self.dose.max_reps_per_day:
            self._load_said = True
            return [Alert(t, Code.TOO_MANY_REPS,
                          DAY_DONE.format(max_reps=self.dose.max_reps_per_day))]
        return []

    def rest_remaining(self, t: float) -> float:
        return max(0.0, self.rest_until - t) if self.rest_until is not None else 0.0

    def judge(self, rep: Rep) -> tuple[Rep, list[Alert]]:
        """The rep as the prescription sees it (flags, its set), and what to say about it."""
        d = self.dose
        alerts: list[Alert] = []
        if self.pain_stopped:
            alerts.append(Alert(rep.end, Code.PAIN_STOP, MESSAGES[Code.PAIN_STOP]))
            return rep.flagged("after_pain_stop", "extra"), alerts
        if self.finished:
            limit = min(d.reps_per_session, max(d.max_reps_per_day - self.done_today, 0))
            said = MESSAGES[Code.TOO_MANY_REPS].format(reps=limit) \
                if limit and not self._load_said \
                else DAY_DONE.format(max_reps=d.max_reps_per_day)
            alerts.append(Alert(rep.end, Code.TOO_MANY_REPS, said))
            return rep.flagged("extra"), alerts
        flags = []
        if self.rest_until is not None and rep.start < self.rest_until:
            flags.append("rest_short")
            alerts.append(Alert(rep.start, Code.TOO_FAST, REST_FIRST))
        self.counted += 1
        self.in_set += 1
        rep = rep.flagged(*flags, set_number=self.set_number)
        if self.finished:
            alerts.append(Alert(rep.end, Code.SET_COMPLETE,
                                FINAL_SET.format(reps=self.counted)))
            self.rest_until = None
        elif self.in_set >= d.reps:
            alerts.append(Alert(rep.end, Code.SET_COMPLETE, MESSAGES[Code.SET_COMPLETE].format(
                set=self.set_number, sets=d.sets, rest=d.rest_s)))
            self.rest_until = rep.end + d.rest_s
            self.set_number += 1
            self.in_set = 0
        return rep, alerts

    def rate_pain(self, t: float, rating: int) -> list[Alert]:
        """Record a 0-10 pain rating; PAIN_STOP when it rises by 2+ or reaches 7."""
        if not 0 <= rating <= 10:
            raise ValueError(f"pain rating must be 0-10, got {rating}")
        self.pain.append((t, rating))
        first = self.pain[0][1]
        if rating >= PAIN_LIMIT or rating - first >= PAIN_RISE:
            self.pain_stopped = True
            return [Alert(t, Code.PAIN_STOP, MESSAGES[Code.PAIN_STOP])]
        return []
