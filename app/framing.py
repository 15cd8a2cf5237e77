"""The camera set-up before counting: is the right hand in frame, whole, near enough, lit?

A patient in pain should not have to read a manual to place a laptop. Before the first
rep counts, each tracked frame is checked here and one plain correction is said at a time
("Move your hand to the middle: part of it is outside the picture"); once the framing
has been good for READY_S, a 3-2-1 countdown runs and counting starts. Frames before then
are not counted (a half-framed hand would count wrong reps) but the clock runs.

Only for a live camera: a recorded video is already framed, and its first seconds may be
its first rep.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from exercises.placement import ELBOW
from vision.frame import HandFrame

#: seconds the framing must stay good before the countdown starts (a hand passing
#: through the picture is not a patient ready to start).
READY_S = 0.5
#: the get-ready countdown, seconds ("3, 2, 1").
COUNTDOWN_S = 3
#: share of the picture's width and height kept clear at its edges: a fingertip at the
#: very edge is often outside it a moment later.
EDGE = 0.02
#: the hand's size (its largest extent in the picture) as a share of the picture's
#: height: below SMALL the joints are a few pixels each and the angles unreliable; above
#: LARGE the fingertips leave the picture as the hand opens.
SMALL, LARGE = 0.28, 0.9
#: mean brightness (0-255) below which a picture without a hand is called too dark (a
#: hand found in a dim room is tracked: webcam_lowlight_7fps of the shared footage).
DARK = 45.0


@dataclass(frozen=True)
class SetupStatus:
    """What the patient is told during set-up. advice: one plain sentence (None when the
    framing is good); countdown: whole seconds left of 3-2-1 (None before it starts);
    done: counting has started."""

    advice: str | None
    countdown: int | None
    done: bool


def framing_advice(frame: HandFrame, brightness: float, side: str | None,
                   allow_other_hand: bool = False, needs_forearm: bool = False) -> str | None:
    """The one correction the patient needs now, or None when the picture is right.

    brightness: the picture's mean brightness (0-255). side: the prescribed hand or None.
    """
    if frame.hand is None:
        other = next((o.side for o in frame.others if side and o.side != side), None)
        if other is not None:
            return f"That is your {other} hand: show the camera your {side} hand."
        if brightness < DARK:
            return "The picture is too dark: turn on a light or face a window."
        return "Hold your hand up in front of the camera, fingers up, palm toward it."
    if side is not None and frame.side is not None and frame.side != side:
        return f"That is your {frame.side} hand: show the camera your {side} hand."
    if frame.others and not allow_other_hand:
        return "Show only the hand you are exercising: rest the other one."
    pts = frame.hand.image[:, :2]
    w, h = frame.width, frame.height
    if (pts[:, 0].min() < EDGE * w or pts[:, 0].max() > (1 - EDGE) * w
            or pts[:, 1].min() < EDGE * h or pts[:, 1].max() > (1 - EDGE) * h):
        return "Move your hand to the middle: part of it is outside the picture."
    size = float(np.ptp(pts, axis=0).max()) / h
    if size < SMALL:
        return "Bring your hand a little closer to the camera."
    if size > LARGE:
        return "Move your hand a little further from the camera."
    if needs_forearm and frame.arm is None and frame.wrist is None:
        # The wrist is measured against the forearm found in the picture (vision.wrist)
        # or against Pose's elbow: either is enough.
        return ELBOW
    return None


class SetupGate:
    """Set-up, then 3-2-1, then counting: fed every tracked frame until `done`."""

    def __init__(self, side: str | None, allow_other_hand: bool = False,
                 needs_forearm: bool = False) -> None:
        self.side = side
        self.allow_other_hand = allow_other_hand
        self.needs_forearm = needs_forearm
        self._good_since: float | None = None
        self._countdown_from: float | None = None
        self.status = SetupStatus("Hold your hand up in front of the camera.", None, False)

    @property
    def done(self) -> bool:
        return self.status.done

    def update(self, t: float, frame: HandFrame, brightness: float) -> SetupStatus:
        """One tracked frame, at t seconds of wall-clock time (the countdown is said in
        real seconds). Once the countdown has started, only
        a hand that leaves the picture stops it: a patient getting ready moves a little."""
        if self.done:
            return self.status
        advice = framing_advice(frame, brightness, self.side, self.allow_other_hand,
                                self.needs_forearm)
        if self._countdown_from is not None:
            if frame.hand is None:
                self._countdown_from = self._good_since = None
                self.status = SetupStatus(advice, None, False)
                return self.status
            left = COUNTDOWN_S - (t - self._countdown_from)
            self.status = SetupStatus(None, max(int(np.ceil(left)), 1), False) if left > 0 \
                else SetupStatus(None, None, True)
            return self.status
        if advice is not None:
            self._good_since = None
            self.status = SetupStatus(advice, None, False)
            return self.status
        if self._good_since is None:
            self._good_since = t
        if t - self._good_since >= READY_S:
            self._countdown_from = t
            self.status = SetupStatus(None, COUNTDOWN_S, False)
        else:
            self.status = SetupStatus("Good. Hold your hand there.", None, False)
        return self.status
