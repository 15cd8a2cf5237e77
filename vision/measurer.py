"""The kinematics stage of the per-frame path: a frame in, the same frame measured out.

    measurer = HandMeasurer().start()         # loads the angle model and accuracy table
    frame = measurer.update(frame)            # frame.measures: angles, view, trust

Each hand's measures (vision.kinematics.measure) with the flexion HandCoach reports (the
learned correction of vision.angle_model), the view the hand is seen from
(vision.views), each reading's measured error in that view and whether it is trusted
(vision.accuracy): not when its joint errs by more than TRUST_MAX_DEG on average in that
view, nor when it is outside what a joint can do (PLAUSIBLE_DEG), nor when its finger
points at the lens, nor when the whole hand does (end-on, where no view is clear).

A hand whose landmarks are the mirror image of the hand MediaPipe names (its depth read
back to front: a fist seen from the little-finger side does it for frames at a time)
reads its bent fingers as bent backward, 200-250 deg at the PIP. When at least
MIRROR_MIN finger joints read beyond what a joint can do, the frame is measured again as
the other chirality and kept so if that reads fewer such joints (its `hand.chirality`
then says so): on a rendered full fist those frames read MCP/PIP/DIP about 70/110/65
deg against a true 85/100/63.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from .accuracy import (
    ACCURACY_FILE,
    MIRROR_MIN,
    PLAUSIBLE_DEG,
    TRUST_MAX_DEG,
    AccuracyTable,
    implausible,
)
from .angle_model import DEFAULT_MODEL, AngleModel
from .frame import HandFrame
from .kinematics import arm_forearm, measure
from .landmarks import N_ANGLES, finger_joints
from .views import classify_view


class HandMeasurer:
    """model: the angle model file, or None for the uncorrected estimate (the blend of
    MediaPipe's two 3D estimates; benchmarks compare the two). accuracy: the table of
    measured errors by view, or None to mark nothing (the benchmark that makes it)."""

    def __init__(self, model: str | Path | None = DEFAULT_MODEL,
                 accuracy: str | Path | None = ACCURACY_FILE) -> None:
        self.model = model
        self.accuracy = accuracy
        self._angles: AngleModel | None = None
        self._table: AccuracyTable | None = None
        self._started = False

    def start(self) -> HandMeasurer:
        """Load the model and the table (ValueError, one line, for a broken file)."""
        if not self._started:
            self._angles = None if self.model is None else AngleModel(self.model).start()
            self._table = None if self.accuracy is None else AccuracyTable.load(self.accuracy)
            self._started = True
        return self

    def update(self, frame: HandFrame) -> HandFrame:
        hand = frame.hand
        if hand is None:
            return frame
        if not self._started:
            self.start()
        forearm = arm_forearm(frame.arm, hand)
        m = measure(hand.world, hand.chirality, hand.image, forearm, self._angles)
        bad = int(implausible(m.pose_flexion).sum())
        if bad >= MIRROR_MIN:
            other = "left" if hand.chirality == "right" else "right"
            alt = measure(hand.world, other, hand.image, forearm, self._angles)
            if int(implausible(alt.pose_flexion).sum()) < bad:
                m, hand = alt, replace(hand, chirality=other)
                frame = replace(frame, hand=hand)
        view = classify_view(hand.world, hand.chirality)
        if self._table is None:
            return replace(frame, measures=replace(m, view=view.name))
        error = self._table.error(view.name)
        lo, hi = PLAUSIBLE_DEG
        trusted = (error <= TRUST_MAX_DEG) & (m.flexion >= lo) & (m.flexion <= hi)
        if view.end_on:
            trusted = np.zeros(N_ANGLES, dtype=bool)
        elif m.pointing is not None and m.pointing.any():
            trusted = trusted & ~finger_joints(m.pointing)
        return replace(frame, measures=replace(m, view=view.name, error_deg=error,
                                               trusted=trusted))
