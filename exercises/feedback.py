"""What the patient is told, and how often.

Messages are short and plain, for someone in pain reading at arm's length. Each code is
rate-limited: the same code is not repeated within `repeat_after_s`, so the screen never
flickers between messages and a patient is not nagged every frame.
"""

from __future__ import annotations

from .alerts import Alert, Code

MESSAGES: dict[Code, str] = {
    Code.PARTIAL_RANGE: "Go a little further: {cue}",
    Code.HOLD_TOO_SHORT: "Hold it a little longer: {hold:g} seconds.",
    Code.TOO_FAST: "Slow down: take at least {seconds:g} seconds for each one.",
    Code.SET_COMPLETE: "Set {set} of {sets} done. Rest for {rest:g} seconds.",
    Code.TOO_MANY_REPS: "That's all {reps} for today. Please stop and rest your hand.",
    Code.PAIN_STOP: ("Your pain is going up. Stop this exercise now and rest; "
                     "tell your therapist if it does not settle."),
    Code.ELBOW_NOT_VISIBLE: ("I can't see your forearm. Move back so your forearm is in "
                             "view beside your hand."),
    Code.VIEW: "Turn your palm a little toward the camera.",
}

#: VIEW's words by what the exercise needs and the camera does not see: fingers hidden
#: behind fingers, or the wrong side of the hand for a wrist motion.
VIEW_MESSAGES: dict[str, str] = {
    "fingers": "Turn your palm a little toward the camera.",
    "side": "Turn your hand so that your thumb side faces the camera.",
    "face": "Turn your palm toward the camera.",
}
#: TOO_FAST for movements quicker than the pace, counted as reps or not.
SLOW_DOWN = "Slow down: make each one slow and full."

#: TOO_MANY_REPS when the day's maximum was already reached before this session began.
DAY_DONE = ("You have already done today's {max_reps} reps. Please stop and rest your "
            "hand until tomorrow.")
FINAL_SET = "All {reps} done for this session. Well done!"
REST_FIRST = "Rest until the countdown ends before the next set."
NEXT_POSITION = "Next is the {label}. {cue}"

#: seconds before the same code may be said again; events that mark the session's
#: structure (a set done, pain) are said every time they happen.
REPEAT_AFTER_S: dict[Code, float] = {
    Code.SET_COMPLETE: 0.0,
    Code.PAIN_STOP: 0.0,
    Code.TOO_MANY_REPS: 10.0,
    Code.VIEW: 8.0,
}
DEFAULT_REPEAT_S = 4.0


class RateLimiter:
    """Drops an alert whose code was said less than its repeat interval ago."""

    def __init__(self) -> None:
        self._last: dict[Code, float] = {}

    def allow(self, alert: Alert) -> bool:
        gap = REPEAT_AFTER_S.get(alert.code, DEFAULT_REPEAT_S)
        last = self._last.get(alert.code)
        if last is not None and alert.t - last < gap:
            return False
        self._last[alert.code] = alert.t
        return True
