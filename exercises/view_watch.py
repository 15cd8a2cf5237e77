"""Whether the exercise can be judged from what the camera sees of the hand.

A finger exercise cannot be judged when fewer of its fingers than `min_readable` can be
read (the others hidden behind a straight finger in an edge-on view, vision.occlusion),
and a wrist exercise needs the view that shows its motion (`view`: "side" for flexion, "face"
for deviation, vision.wrist). Kept for VIEW_BAD_S with a hand in view, the patient is
told how to turn the hand (VIEW); positions are not judged meanwhile (the features of
guessed fingers are not read, exercises.features), so no wrong-position message is ever
said about fingers that cannot be seen.
"""

from __future__ import annotations

from vision.frame import HandFrame
from vision.landmarks import FINGERS

from .alerts import Alert, Code
from .feedback import VIEW_MESSAGES
from .library import Exercise

#: a view that cannot judge the exercise must last this long (s) before advice.
VIEW_BAD_S = 1.0


class ViewWatch:
    """Feed it every frame; it returns VIEW when the view has been wrong long enough."""

    def __init__(self, exercise: Exercise) -> None:
        self.exercise = exercise
        self._fingers = [FINGERS.index(f) for f in exercise.fingers]
        self._need = min(exercise.min_readable, len(self._fingers))
        self._bad_since: float | None = None

    def problem(self, frame: HandFrame) -> str | None:
        """What this frame's view lacks ("fingers", "side", "face"), or None."""
        ex, view = self.exercise, frame.view
        if frame.measures is None or view is None:
            return None
        if ex.view == "any":
            if not ex.joints:
                return None
            readable = sum(bool(view.readable[i]) for i in self._fingers)
            return "fingers" if readable < self._need else None
        return ex.view if view.facing is not None and view.facing != ex.view else None

    def update(self, frame: HandFrame) -> list[Alert]:
        bad = self.problem(frame)
        if bad is None:
            self._bad_since = None
            return []
        if self._bad_since is None:
            self._bad_since = frame.t
        if frame.t - self._bad_since >= VIEW_BAD_S:
            return [Alert(self._bad_since, Code.VIEW, VIEW_MESSAGES[bad])]
        return []
