"""What a therapist should look at first: a short list of rule-based flags per patient.

Each rule is deliberately simple, so that a therapist can check it by hand from the
session list; the thresholds are named constants with the reason for each.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta, tzinfo

from handcoach.storage.records import PrescriptionInfo, SessionInfo

from .adherence import (
    adherence_days,
    day_end,
    in_force_on,
    local_day,
    session_hand,
    sessions_by_day,
)
from .rom_noise import RomNoise

MISSED_DAYS = "MISSED_DAYS"
PAIN_RISING = "PAIN_RISING"
ROM_FALLING = "ROM_FALLING"
OVER_PRESCRIPTION = "OVER_PRESCRIPTION"
FORM_WARNINGS = "FORM_WARNINGS"
FLAG_CODES = (MISSED_DAYS, PAIN_RISING, ROM_FALLING, OVER_PRESCRIPTION, FORM_WARNINGS)

#: a week, today included: the span a therapist reviews between calls.
WINDOW_DAYS = 7
#: one missed day happens to anyone; two in a week is a pattern worth a call.
MISSED_DAYS_MIN = 2
#: sessions compared for pain and ROM: few enough to react within a day or two of
#: exercise, enough that one odd session does not raise a flag on its own.
RECENT_SESSIONS = 3
#: 2 points on the 0-10 scale is about the smallest change patients call important
#: (Farrar et al., Pain 2001, 11-point numerical rating scale).
PAIN_RISE_POINTS = 2
#: a fall in the median of RECENT_SESSIONS sessions is flagged only when it is more than
#: the camera's session-to-session noise for that joint group (MCP, PIP, DIP, thumb, TAM),
#: as measured by benchmarks/repeatability.py into rom_noise.json (rom_noise.py says how).
ROM_NOISE = RomNoise.load()
#: corrections on half the reps: the patient needs the exercise taught again.
FORM_WARNINGS_PER_REP = 0.5
#: fewer warnings than this in a week are too few to tell a pattern from a bad moment.
FORM_WARNINGS_MIN = 5
#: warnings about how an exercise is done (not about the camera or the set).
FORM_CODES = ("WRONG_POSITION", "PARTIAL_RANGE", "HOLD_TOO_SHORT", "TOO_FAST", "WRONG_HAND")
#: how many falling joints a ROM message names before "and N more".
MAX_NAMED = 3

_FORM_WORDS = {"WRONG_POSITION": "wrong position", "PARTIAL_RANGE": "partial range",
               "HOLD_TOO_SHORT": "holds too short", "TOO_FAST": "too fast",
               "WRONG_HAND": "wrong hand"}


@dataclass(frozen=True)
class Flag:
    """One thing to look at: a code from FLAG_CODES and a sentence for the list."""

    code: str
    message: str


def _exercise_words(exercise: str | None) -> str:
    return (exercise or "unknown exercise").replace("_", " ")


def _treated_hands(sessions: Sequence[SessionInfo],
                   prescriptions: Sequence[PrescriptionInfo]) -> tuple[str, ...]:
    hands = {p.hand for p in prescriptions} or {s.hand_side for s in sessions if s.hand_side}
    return tuple(sorted(hands))


def _missed_days(sessions: list[SessionInfo], prescriptions: Sequence[PrescriptionInfo],
                 today: date, tz: tzinfo) -> Flag | None:
    if not prescriptions:
        return None
    first = min(local_day(p.created_at, tz) for p in prescriptions)
    start = max(today - timedelta(days=WINDOW_DAYS - 1), first)
    days = [d for d in adherence_days(sessions, prescriptions, start, today, tz)
            if d.prescribed > 0]
    missed = sum(1 for d in days if d.done == 0)
    if missed < MISSED_DAYS_MIN:
        return None
    return Flag(MISSED_DAYS, f"No exercise on {missed} of the last {len(days)} days")


def _pain_rising(recent: list[SessionInfo], tz: tzinfo) -> Flag | None:
    parts = []
    rises = [(s.pain_after - s.pain_before, s) for s in recent[-RECENT_SESSIONS:]
             if s.pain_before is not None and s.pain_after is not None]
    rise, worst = max(rises, key=lambda r: (r[0], r[1].started_at), default=(0, None))
    if worst is not None and rise >= PAIN_RISE_POINTS:
        parts.append(f"Pain rose from {worst.pain_before} to {worst.pain_after} during "
                     f"{_exercise_words(worst.exercise)} on "
                     f"{local_day(worst.started_at, tz).isoformat()}")
    rated = [s.pain_before for s in recent if s.pain_before is not None]
    if len(rated) >= 2 * RECENT_SESSIONS:
        last = statistics.mean(rated[-RECENT_SESSIONS:])
        before = statistics.mean(rated[-2 * RECENT_SESSIONS:-RECENT_SESSIONS])
        if last - before >= PAIN_RISE_POINTS:
            parts.append(f"pain before exercise up from {before:.1f} to {last:.1f} "
                         f"(last {RECENT_SESSIONS} sessions vs {RECENT_SESSIONS} before)")
    if not parts:
        return None
    message = "; ".join(parts)
    return Flag(PAIN_RISING, message[0].upper() + message[1:])


def _rom_series(sessions: list[SessionInfo], hands: tuple[str, ...]
                ) -> dict[tuple[str, str, str, str], list[float]]:
    """{(hand, exercise, finger, joint or "tam"): values in session order}. Per exercise,
    because a finger spread never bends the fingers as far as a fist does; only sessions
    with a rep, because a session without one measured no exercise."""
    series: dict[tuple[str, str, str, str], list[float]] = defaultdict(list)
    for s in sessions:
        hand = session_hand(s, hands)
        if hand not in hands or s.reps <= 0 or s.exercise is None:
            continue
        for finger, joints in (s.rom or {}).items():
            for joint, r in (joints or {}).items():
                if r and r.get("max") is not None:
                    series[(hand, s.exercise, finger, joint)].append(float(r["max"]))
        for finger, value in (s.tam or {}).items():
            if value is not None:
                series[(hand, s.exercise, finger, "tam")].append(float(value))
    return series


def _rom_falling(recent: list[SessionInfo], hands: tuple[str, ...]) -> Flag | None:
    drops = []
    for (hand, exercise, finger, joint), values in _rom_series(recent, hands).items():
        if len(values) < 2 * RECENT_SESSIONS:
            continue
        last = statistics.median(values[-RECENT_SESSIONS:])
        before = statistics.median(values[-2 * RECENT_SESSIONS:-RECENT_SESSIONS])
        noise = ROM_NOISE.drop_deg(finger, joint)
        if before - last >= noise:
            what = f"{finger} {joint.upper()}" + ("" if joint == "tam" else " flexion")
            if len(hands) > 1:
                what = f"{hand} {what}"
            drops.append((before - last, f"{what} from {before:.0f}° to {last:.0f}° in "
                                         f"{_exercise_words(exercise)} (camera noise "
                                         f"{noise:.0f}°)"))
    if not drops:
        return None
    drops.sort(key=lambda d: -d[0])
    named = [text for _, text in drops[:MAX_NAMED]]
    if len(drops) > MAX_NAMED:
        named.append(f"{len(drops) - MAX_NAMED} more")
    return Flag(ROM_FALLING, "Range of motion falling: " + "; ".join(named))


def _over_prescription(week: list[SessionInfo], prescriptions: Sequence[PrescriptionInfo],
                       window: list[date], tz: tzinfo) -> Flag | None:
    by_day = sessions_by_day(week, tz)
    over = []
    for day in window:
        plans = in_force_on(prescriptions, day, tz)
        for hand, plan in plans.items():
            for exercise in plan.exercises:
                reps = sum(s.reps for s in by_day.get(day, []) if s.exercise == exercise
                           and session_hand(s, plans) == hand)
                limit = plan.max_reps_per_day(exercise)
                if reps > limit:
                    over.append(f"{reps} {_exercise_words(exercise)} reps on "
                                f"{day.isoformat()} (daily maximum {limit})")
    parts = over[:MAX_NAMED]
    if len(over) > MAX_NAMED:
        parts.append(f"{len(over) - MAX_NAMED} more such days")
    extra = [s for s in week if s.extra_reps > 0]
    if extra:
        parts.append(f"{sum(s.extra_reps for s in extra)} reps beyond the prescription in "
                     f"{len(extra)} session{'s' if len(extra) > 1 else ''}")
    if not parts:
        return None
    return Flag(OVER_PRESCRIPTION, "More than prescribed: " + "; ".join(parts))


def _form_warnings(week: list[SessionInfo]) -> Flag | None:
    counts: Counter[str] = Counter()
    for s in week:
        for code in FORM_CODES:
            counts[code] += s.warning_codes.get(code, 0)
    total = sum(counts.values())
    reps = sum(s.reps for s in week)
    if total < FORM_WARNINGS_MIN or (reps and total / reps < FORM_WARNINGS_PER_REP):
        return None
    code, _ = counts.most_common(1)[0]
    return Flag(FORM_WARNINGS, f"{total} form warnings in {reps} reps this week, "
                               f"mostly {_FORM_WORDS[code]}")


def patient_flags(sessions: Sequence[SessionInfo], prescriptions: Sequence[PrescriptionInfo],
                  today: date, tz: tzinfo) -> list[Flag]:
    """The flags of one patient as of the end of `today`, at most one per code, in
    FLAG_CODES order. Sessions after today are ignored (a report on a past period)."""
    recent = sorted((s for s in sessions if s.started_at < day_end(today, tz)),
                    key=lambda s: s.started_at)
    window = [today - timedelta(days=n) for n in range(WINDOW_DAYS - 1, -1, -1)]
    week = [s for s in recent if local_day(s.started_at, tz) >= window[0]]
    hands = _treated_hands(recent, prescriptions)
    found = [_missed_days(recent, prescriptions, today, tz), _pain_rising(recent, tz),
             _rom_falling(recent, hands), _over_prescription(week, prescriptions, window, tz),
             _form_warnings(week)]
    return [f for f in found if f is not None]
