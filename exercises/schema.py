"""What a program file, a prescription or the exercise library may say: one set of rules.

Every number a therapist can set is checked here against a range a therapist would
accept, so that a typo (`reps = 1e20`, `hold_s = nan`, `sessions_per_day = 0`) is one
line naming the key instead of a crash in the middle of a session or a session that can
never be saved. The program file (exercises/program.py), the library and its overrides
(exercises/library.py), the therapist's Prescribe page and the stored prescriptions
(handcoach/storage/prescriptions.py) all use these same bounds.

The bounds are deliberately wide: they keep out what is not a prescription at all, not
what a particular clinic would not prescribe.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import LibraryError


@dataclass(frozen=True)
class Bound:
    """A number a setting may take: lo <= value <= hi, a whole number when `whole`."""

    lo: float
    hi: float
    whole: bool = False


#: the dose of one exercise (exercises/definitions.toml `dose = {...}`).
DOSE: dict[str, Bound] = {
    # At least one; home programs prescribe 5-30 a set, 100 leaves room for any of them.
    "reps": Bound(1, 100, whole=True),
    # At least one set; more than 10 sets of one exercise in one sitting is no program.
    "sets": Bound(1, 10, whole=True),
    # 0 = no hold (a touch); stretches are held up to a minute, tendon glides 3-10 s.
    "hold_s": Bound(0, 60),
    # Rest between sets: none up to 10 minutes.
    "rest_s": Bound(0, 600),
    # At least once a day (0 would make every day "done"); hourly around the clock is 24.
    "sessions_per_day": Bound(1, 24, whole=True),
    # At least one; 100 reps x 10 sets x 24 sessions is the most the other bounds allow.
    "max_reps_per_day": Bound(1, 24000, whole=True),
}
#: the pace limit: a rep faster than this is "too fast" (0 switches the check off).
MIN_REP_S = Bound(0, 60)
#: pace from motion (exercises/pace.py): the retrace that makes a turn, in the feature's
#: units (deg or palm lengths): above 0 (0 would make noise a cycle), at most 180 deg.
PACE_AMPLITUDE = Bound(0.001, 180)
#: which end of the pace feature is the target: -1 low values, +1 high, 0 both ends.
PACE_TARGET = Bound(-1, 1, whole=True)
#: how many of an exercise's (up to 4) fingers must be readable for it to be judged.
MIN_READABLE = Bound(1, 4, whole=True)
#: time inside a position before it counts: 0 (at once) to 5 s (a very slow hand).
DWELL_S = Bound(0, 5)
#: share of the way to a target that counts as a real attempt (a fraction).
PARTIAL_MIN = Bound(0, 1)
#: hysteresis: how far past its range a value must go to leave a position. Angles: up to
#: 45 deg (half a finger joint's range); distances: up to one palm length.
MARGINS: dict[str, Bound] = {"angle": Bound(0, 45), "distance": Bound(0, 1)}
#: target ranges of a position's features: joint angles are -180..180 deg (flexion,
#: 0 = straight; palm_down 0-180); distances are in palm lengths, 0 (touching) to 5
#: (beyond any hand).
ANGLE_TARGET = Bound(-180, 180)
DISTANCE_TARGET = Bound(0, 5)
#: a therapist's ROM target (flexion to reach): above 120 deg is no finger joint's
#: (normal maxima are 50-100 deg, docs/clinical.md), most likely a typo.
ROM_TARGET = Bound(0, 120)
#: a home task's amount by its kind (exercises/home_tasks.toml): minutes up to two hours,
#: up to 200 times (squeezes), or 1 for a done-or-not task; and its times a day.
TASK_AMOUNT: dict[str, Bound] = {"minutes": Bound(1, 120, whole=True),
                                 "count": Bound(1, 200, whole=True),
                                 "confirm": Bound(1, 1, whole=True)}
TASK_PER_DAY = Bound(1, 10, whole=True)
#: text a patient reads: a note to the patient, an exercise's words.
MAX_NOTE = 2000
MAX_TEXT = 4000


def show(value: Any) -> str:
    """A value in a message, never longer than a few words."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def table(where: str, value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise LibraryError(f"{where} must be a table, got {show(value)}")
    return value


def known_keys(where: str, value: Mapping[str, Any], allowed: Sequence[str]) -> None:
    unknown = sorted(set(value) - set(allowed))
    if unknown:
        raise LibraryError(f"{where}: unknown key {unknown[0]!r} (one of: {', '.join(allowed)})")


def number(where: str, value: Any, bound: Bound) -> float | int:
    """A finite number within `bound` (a whole one where it must be), or LibraryError.
    TOML's booleans are refused too, though Python counts them as ints."""
    what = "a whole number" if bound.whole else "a number"
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise LibraryError(f"{where} must be {what}, got {show(value)}")
    if bound.whole and value != int(value):
        raise LibraryError(f"{where} must be {what}, got {show(value)}")
    if not bound.lo <= value <= bound.hi:
        raise LibraryError(f"{where} must be {_span(bound)}, got {show(value)}")
    return int(value) if bound.whole else float(value)


def _span(bound: Bound) -> str:
    def fmt(x: float) -> str:
        return f"{x:g}"
    return f"between {fmt(bound.lo)} and {fmt(bound.hi)}"


def text(where: str, value: Any, max_len: int = MAX_TEXT) -> str:
    if not isinstance(value, str):
        raise LibraryError(f"{where} must be text, got {show(value)}")
    if len(value) > max_len:
        raise LibraryError(f"{where} has at most {max_len} characters")
    return value


def names(where: str, value: Any, allowed: Sequence[str] | None = None,
          kind: str = "name") -> tuple[str, ...]:
    """A list of names (positions, fingers, exercise ids), each one of `allowed`."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise LibraryError(f"{where} must be a list of names, got {show(value)}")
    if allowed is not None:
        for v in value:
            if v not in allowed:
                raise LibraryError(f"{where}: unknown {kind} {v!r} "
                                   f"(one of: {', '.join(allowed)})")
    return tuple(value)


def flag(where: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise LibraryError(f"{where} must be true or false, got {show(value)}")
    return value


def target_range(where: str, value: Any, bound: Bound) -> tuple[float, float]:
    """[low, high] within `bound`, low <= high."""
    if not isinstance(value, list) or len(value) != 2:
        raise LibraryError(f"{where}: expected [low, high] numbers, got {show(value)}")
    lo, hi = (number(where, v, bound) for v in value)
    if lo > hi:
        raise LibraryError(f"{where}: expected [low, high] numbers, got {show(value)}")
    return float(lo), float(hi)


def dose(where: str, value: Any) -> dict[str, float | int]:
    """Every dose value, checked; reps x sets must fit within the day's maximum."""
    raw = table(where, value)
    known_keys(where, raw, tuple(DOSE))
    missing = [k for k in DOSE if k not in raw]
    if missing:
        raise LibraryError(f"{where}: missing key {missing[0]!r}")
    out = {k: number(f"{where}.{k}", raw[k], b) for k, b in DOSE.items()}
    if out["max_reps_per_day"] < out["reps"] * out["sets"]:
        raise LibraryError(f"{where}: max_reps_per_day ({out['max_reps_per_day']}) is fewer "
                           f"than one session's reps x sets ({out['reps'] * out['sets']})")
    return out
