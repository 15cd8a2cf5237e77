"""Spoken coaching: what to say as the session goes, and the browser's voice to say it.

A patient in pain watches their hand, not the screen. The page hands each new status to
`SpokenCoach`, which returns the lines to say now: set-up corrections, the 3-2-1, the
position to make, the hold countdown ("hold... 3, 2, 1, and relax"), each rep's number,
set done and the rest countdown, and the warnings (already rate-limited by the engine,
as the text is). `speak_html` turns them into a few lines of JavaScript for the browser's
own speech synthesis (the Web Speech API with the computer's system voices: nothing is
downloaded, nothing leaves the computer). Without a voice the tones still play.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence

from exercises.alerts import Alert

from .coach import CoachStatus

#: the last seconds of a rest that are counted aloud.
REST_COUNT_S = 3
#: a set-up correction is said again at most this often (s): the same sentence every
#: second is nagging, not help.
REPEAT_ADVICE_S = 6.0


class SpokenCoach:
    """Turns successive CoachStatus snapshots into new lines to say (each said once)."""

    def __init__(self) -> None:
        self._advice: tuple[str | None, float] = (None, -math.inf)
        self._countdown: int | None = None
        self._target: str | None = None
        self._reps = 0
        self._hold_said: int | None = None
        self._relaxed = False
        self._rest_said: int | None = None
        self._alerts = 0
        self._setup_done = False

    def update(self, s: CoachStatus) -> list[str]:
        say: list[str] = []
        if s.setup is not None and not s.setup.done:
            self._setup(s, say)
            return say
        st = s.state
        if not self._setup_done:
            self._setup_done = True
            if s.setup is not None:
                say.append("Go.")
        new_alerts: Sequence[Alert] = s.alerts[self._alerts:]
        self._alerts = len(s.alerts)
        if st.reps > self._reps:
            say.append(f"Rep {st.reps}.")
        self._reps = st.reps
        say.extend(a.message for a in new_alerts)
        if st.finished:
            return say
        if st.rest_remaining_s > 0:
            left = math.ceil(st.rest_remaining_s)
            if left <= REST_COUNT_S and left != self._rest_said:
                say.append(str(left))
                self._rest_said = left
            self._target = None
            return say
        self._rest_said = None
        if st.target != self._target:
            self._target = st.target
            self._hold_said, self._relaxed = None, False
            say.append(st.target_cue)
        if st.hold_target_s > 0 and st.position == st.target and st.hold_elapsed_s > 0:
            left = math.ceil(st.hold_target_s - st.hold_elapsed_s)
            if left <= 0:
                if not self._relaxed:
                    say.append("and relax.")
                    self._relaxed = True
            elif self._hold_said is None:
                say.append(f"hold... {left}" if left <= 3 else "hold...")
                self._hold_said = left
            elif left < self._hold_said and left <= 3:
                say.append(str(left))
                self._hold_said = left
        elif st.position != st.target:
            self._hold_said, self._relaxed = None, False
        return say

    def _setup(self, s: CoachStatus, say: list[str]) -> None:
        setup = s.setup
        assert setup is not None
        if setup.countdown is not None:
            if setup.countdown != self._countdown:
                if self._countdown is None:
                    say.append("Get ready.")
                say.append(str(setup.countdown))
                self._countdown = setup.countdown
            return
        self._countdown = None
        text, at = self._advice
        if setup.advice and (setup.advice != text or s.t - at >= REPEAT_ADVICE_S):
            say.append(setup.advice)
            self._advice = (setup.advice, s.t)


def speak_html(batches: Sequence[tuple[str, Sequence[str]]]) -> str:
    """A <script> that says each batch of lines once: (cue id, lines) pairs, the id
    unique per batch, so a redraw with the same batches says nothing new. Lines still
    waiting when a new batch comes are dropped: new news beats a late count. The text goes
    in as JSON with `<` escaped, so no line can end the script."""
    payload = json.dumps([{"id": i, "lines": list(lines)} for i, lines in batches]
                         ).replace("<", "\\u003c")
    return ("<script>(function(){const cs=" + payload + ";const w=window;"
            "if(!('speechSynthesis' in w))return;"
            "w.__handcoachSaid=w.__handcoachSaid||new Set();const s=w.speechSynthesis;"
            "for(const c of cs){if(w.__handcoachSaid.has(c.id))continue;"
            "w.__handcoachSaid.add(c.id);if(s.pending)s.cancel();"
            "for(const t of c.lines){const u=new SpeechSynthesisUtterance(t);"
            "u.rate=0.95;s.speak(u);}}})();</script>")
