"""MediaPipe Hands, loaded from the installed package, in tracking (video) mode.

Models: mediapipe 0.10.21 ships palm detection and hand landmark models (lite and full)
inside the wheel (mediapipe/modules/...); nothing is ever downloaded.

Speed: MediaPipe runs its palm detector on every frame that shows fewer hands than
`max_num_hands`, so asking for two hands costs about 2.5x on a one-hand exercise (measured
on a 540x960 clip, 2 cores: lite 93 vs 35 fps). The tracker therefore follows one hand and
looks for a second with a cheap single-frame probe about once a second; only while two
hands are really in view does it track both, to pick the prescribed one.

Handedness: MediaPipe labels hands as if the image were a mirrored selfie. For the frames
it is given, its "Left" therefore means right-hand geometry. `mirrored` says whether the
frames handed to the tracker are mirror images of the scene, so that the patient's
anatomical side can be reported.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from .landmarks import HandObservation, Side, TrackedFrame

Model = Literal["lite", "full"]
HandChoice = Literal["left", "right", "auto"]
MODELS: tuple[str, ...] = ("lite", "full")

_OTHER: dict[str, Side] = {"left": "right", "right": "left"}


class _Graph:
    """One MediaPipe Hands graph fed with the frame's real timestamp (microseconds)."""

    def __init__(self, max_hands: int, model: Model, static: bool,
                 min_detection: float, min_tracking: float) -> None:
        from mediapipe.python.solutions import hands

        self._hands = hands.Hands(static_image_mode=static, max_num_hands=max_hands,
                                  model_complexity=MODELS.index(model),
                                  min_detection_confidence=min_detection,
                                  min_tracking_confidence=min_tracking)
        self._last_us = -1

    def process(self, t: float, rgb: np.ndarray):
        # SolutionBase.process() stamps each packet with a private counter that it advances
        # by 33333 us; setting it first gives the graph the frame's real time instead.
        us = max(int(round(t * 1e6)), self._last_us + 1)
        self._hands._simulated_timestamp = us - 33333
        self._last_us = us
        return self._hands.process(rgb)

    def close(self) -> None:
        self._hands.close()


class HandTracker:
    """Finds the exercising hand in each frame.

    hand: the prescribed side ("left"/"right"), or "auto" for whichever hand is in view.
    mirrored: True when the frames are mirror images (a selfie preview saved as shown).
    probe_every_s: how often (s) to look for a second hand while tracking one.
    """

    def __init__(self, model: Model = "lite", hand: HandChoice = "auto", mirrored: bool = False,
                 probe_every_s: float = 1.0, min_detection: float = 0.5,
                 min_tracking: float = 0.5) -> None:
        if model not in MODELS:
            raise ValueError(f"unknown model {model!r} (choose lite or full)")
        if hand not in ("left", "right", "auto"):
            raise ValueError(f"unknown hand {hand!r} (choose left, right or auto)")
        self.model = model
        self.hand = hand
        self.mirrored = mirrored
        self.probe_every_s = probe_every_s
        self._conf = (min_detection, min_tracking)
        self._single = _Graph(1, model, False, *self._conf)
        self._dual: _Graph | None = None
        self._probe: _Graph | None = None
        self._two_hands = False
        self._last_probe = -np.inf
        self._last_two_seen = -np.inf

    def process(self, t: float, rgb: np.ndarray) -> TrackedFrame:
        """Track one RGB frame (h, w, 3) uint8 taken at time t (s, increasing)."""
        h, w = rgb.shape[:2]
        if not self._two_hands and t - self._last_probe >= self.probe_every_s:
            self._last_probe = t
            if self._probe is None:
                self._probe = _Graph(2, "lite", True, *self._conf)
            if len(self._observations(self._probe.process(t, rgb), w, h)) >= 2:
                self._two_hands = True
        if self._two_hands:
            if self._dual is None:
                self._dual = _Graph(2, self.model, False, *self._conf)
            hands = self._observations(self._dual.process(t, rgb), w, h)
            if len(hands) >= 2:
                self._last_two_seen = t
            elif t - self._last_two_seen > self.probe_every_s:
                self._two_hands = False   # back to fast single-hand tracking
        else:
            hands = self._observations(self._single.process(t, rgb), w, h)
        chosen, others = self._choose(hands)
        return TrackedFrame(t=t, width=w, height=h, hand=chosen, others=tuple(others))

    def _observations(self, result, w: int, h: int) -> list[HandObservation]:
        if not result.multi_hand_landmarks:
            return []
        scale = np.array([w, h, w], dtype=float)
        out = []
        for img, world, label in zip(result.multi_hand_landmarks,
                                     result.multi_hand_world_landmarks,
                                     result.multi_handedness, strict=True):
            cls = label.classification[0]
            chirality: Side = _OTHER[cls.label.lower()]
            side = _OTHER[chirality] if self.mirrored else chirality
            image = np.array([(p.x, p.y, p.z) for p in img.landmark]) * scale
            world_xyz = np.array([(p.x, p.y, p.z) for p in world.landmark])
            out.append(HandObservation(image=image, world=world_xyz, side=side,
                                       chirality=chirality, score=float(cls.score)))
        return out

    def _choose(self, hands: list[HandObservation]
                ) -> tuple[HandObservation | None, list[HandObservation]]:
        """The prescribed side if it is in view, else the largest hand; the rest are others."""
        if not hands:
            return None, []

        def size(o: HandObservation) -> float:
            return float(np.ptp(o.image[:, 0]) * np.ptp(o.image[:, 1]))

        ranked = sorted(hands, key=size, reverse=True)
        if self.hand != "auto":
            ranked.sort(key=lambda o: o.side != self.hand)   # stable: size order kept
        return ranked[0], ranked[1:]

    def close(self) -> None:
        for graph in (self._single, self._dual, self._probe):
            if graph is not None:
                graph.close()

    def __enter__(self) -> HandTracker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
