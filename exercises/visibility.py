"""Warnings about what the camera sees: no hand, two hands, the other hand.

A condition must last `min_duration_s` before it is reported (a hand lost for a frame or
two is tracking noise, not a patient who left), and each code is then quiet for
`repeat_after_s` so that the message never flickers.
"""

from __future__ import annotations

from .alerts import Alert, Code

MESSAGES = {
    Code.HAND_NOT_VISIBLE: "I can't see your hand. Hold it up in front of the camera.",
    Code.TWO_HANDS: "I can see two hands. Rest the other hand out of view.",
    Code.WRONG_HAND: "This exercise is for your {side} hand.",
}


class VisibilityMonitor:
    """Feed it each frame's hand count and side; it returns new alerts."""

    def __init__(self, prescribed_side: str | None = None, min_duration_s: float = 1.0,
                 repeat_after_s: float = 5.0) -> None:
        self.prescribed_side = prescribed_side
        self.min_duration_s = min_duration_s
        self.repeat_after_s = repeat_after_s
        self._since: dict[Code, float | None] = {code: None for code in MESSAGES}
        self._last_said: dict[Code, float] = {}

    def update(self, t: float, hands_in_view: int, side: str | None) -> list[Alert]:
        active = {
            Code.HAND_NOT_VISIBLE: hands_in_view == 0,
            Code.TWO_HANDS: hands_in_view >= 2,
            Code.WRONG_HAND: (self.prescribed_side is not None and side is not None
                              and side != self.prescribed_side),
        }
        out = []
        for code, on in active.items():
            if not on:
                self._since[code] = None
                continue
            start = self._since[code]
            if start is None:
                self._since[code] = start = t
            last = self._last_said.get(code)
            if t - start >= self.min_duration_s and (last is None or t - last
                                                     >= self.repeat_after_s):
                self._last_said[code] = t
                message = MESSAGES[code].format(side=self.prescribed_side)
                out.append(Alert(start, code, message))
        return out

    def finish(self, t: float) -> list[Alert]:
        """At the end of a video: a condition shorter than min_duration_s but covering the
        whole (short) recording still counts, so a clip with no hand at all says so."""
        out = []
        for code, start in self._since.items():
            if start is not None and start == 0.0 and code not in self._last_said:
                message = MESSAGES[code].format(side=self.prescribed_side)
                out.append(Alert(start, code, message))
        return out
