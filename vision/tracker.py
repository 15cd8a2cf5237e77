"""MediaPipe Hands, loaded from the installed package, in tracking (video) mode.

Models: mediapipe 0.10.21 ships palm detection and hand landmark models (lite and full)
inside the wheel (mediapipe/modules/...); nothing is ever downloaded.

Speed: MediaPipe runs its palm detector on every frame that shows fewer hands than
`max_num_hands`, so asking for two hands costs about 2.5x on a one-hand exercise (measured
on a 540x960 clip, 2 cores: lite 93 vs 35 fps). The tracker therefore follows one hand and
looks for a second with a single-frame probe about once a second; only while two hands
are really in view does it track both, to pick the prescribed one. A probe costs about
14 ms (palm detection at full strength), which once a second was 9% of the lite model's
own time at 30 fps; it runs on a thread of its own, on the core that MediaPipe's tracking
leaves free, and its answer is taken PROBE_LAG_FRAMES frames later (waiting for it then
if it is not done, so that a video's result does not depend on the machine's speed).

Handedness: MediaPipe labels hands as if the image were a mirrored selfie. For the frames
it is given, its "Left" therefore means right-hand geometry. `mirrored` says whether the
frames handed to the tracker are mirror images of the scene, so that the patient's
anatomical side can be reported.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from typing import Literal, NamedTuple

import numpy as np

from .frame import HandFrame, HandObservation
from .landmarks import Side

Model = Literal["lite", "full"]
HandChoice = Literal["left", "right", "auto"]
MODELS: tuple[str, ...] = ("lite", "full")

_OTHER: dict[str, Side] = {"left": "right", "right": "left"}
#: frames between a probe's frame and the frame that acts on its answer (at 30 fps,
#: 200 ms later): a probe takes ~14 ms, and when frames come faster than the camera's
#: (a loaded machine, or a video analysed at 6x real time) a 3-frame wait often made
#: tracking wait for it (benchmarks/README.md).
PROBE_LAG_FRAMES = 6


class _Outputs(NamedTuple):
    """What a Hands graph gives for one frame (MediaPipe's protobuf lists, or None)."""

    multi_hand_landmarks: list | None
    multi_hand_world_landmarks: list | None
    multi_handedness: list | None


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
        self._image_type = self._hands._input_stream_type_info["image"]

    def process(self, t: float, rgb: np.ndarray) -> _Outputs:
        """One frame, stamped with its real time (us; SolutionBase.process would stamp a
        private counter advanced by 33333 us). Feeds the graph the way SolutionBase.process
        does (mediapipe 0.10.21, pinned), minus the NamedTuple type it builds for every
        frame (~0.3 ms of Python holding the GIL, a twentieth of the lite model's time)."""
        us = max(int(round(t * 1e6)), self._last_us + 1)
        self._last_us = us
        if rgb.ndim != 3 or rgb.shape[2] != 3:
            raise ValueError("a frame must be RGB: (height, width, 3)")
        sb = self._hands
        sb._graph_outputs.clear()
        sb._graph.add_packet_to_input_stream(
            stream="image", packet=sb._make_packet(self._image_type, rgb).at(us))
        sb._graph.wait_until_idle()
        got = sb._graph_outputs
        types = sb._output_stream_type_info
        return _Outputs(*(sb._get_packet_content(types[name], got[name]) if name in got
                          else None for name in _Outputs._fields))

    def close(self) -> None:
        self._hands.close()


#: a hand found within another (this share of its box inside the other's) and under
#: this share of the other's box area is the same hand found twice.
SAME_HAND_INSIDE = 0.7
SAME_HAND_AREA = 0.5


def _box(o: HandObservation) -> np.ndarray:
    """(x0, y0, x1, y1) of a hand's image landmarks, pixels."""
    xy = o.image[:, :2]
    return np.concatenate((xy.min(axis=0), xy.max(axis=0)))


def distinct_hands(hands: list[HandObservation]) -> list[HandObservation]:
    """The hands less those that are part of another hand found twice.

    Asked for two hands, MediaPipe sometimes finds a second, small "hand" inside the
    first: in a rendered hook fist from the little-finger side, a left hand in the box of
    the curled fingers (a quarter of the hand's box, all within it) for over a second, and
    the patient was told to put the other hand away. A second hand really in view, even
    one holding a finger of the first (blocking), is about as large as the first.
    """
    if len(hands) < 2:
        return hands
    boxes = [_box(o) for o in hands]
    area = [max(float(np.prod(b[2:] - b[:2])), 1e-9) for b in boxes]
    keep = []
    for i, b in enumerate(boxes):
        inside = False
        for j, c in enumerate(boxes):
            if j == i or area[i] >= SAME_HAND_AREA * area[j]:
                continue
            wh = np.clip(np.minimum(b[2:], c[2:]) - np.maximum(b[:2], c[:2]), 0.0, None)
            inside = inside or float(np.prod(wh)) >= SAME_HAND_INSIDE * area[i]
        if not inside:
            keep.append(hands[i])
    return keep


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
        self._single: _Graph | None = None
        self._dual: _Graph | None = None
        self._probe: _Graph | None = None
        self._probe_pool: ThreadPoolExecutor | None = None
        self._probe_answer: Future[int] | None = None
        self._probe_age = 0
        self._two_hands = False
        self._last_probe = -np.inf
        self._last_two_seen = -np.inf

    def start(self) -> HandTracker:
        """Build MediaPipe's graph now (else the first `process` does, ~1 s)."""
        if self._single is None:
            self._single = _Graph(1, self.model, False, *self._conf)
        return self

    def process(self, t: float, rgb: np.ndarray) -> HandFrame:
        """Track one RGB frame (h, w, 3) uint8 taken at time t (s, increasing)."""
        self.start()
        assert self._single is not None
        h, w = rgb.shape[:2]
        if self._probe_answer is not None:
            self._probe_age += 1
            if self._probe_age >= PROBE_LAG_FRAMES:
                if self._probe_answer.result() >= 2:
                    self._two_hands = True
                self._probe_answer = None
        if not self._two_hands and self._probe_answer is None \
                and t - self._last_probe >= self.probe_every_s:
            self._last_probe = t
            if self._probe_pool is None:
                self._probe_pool = ThreadPoolExecutor(1, thread_name_prefix="handcoach-probe")
            # A copy: the caller may reuse the frame's memory before the probe is done
            # (TrackProcess's shared slots); once a second, 0.1 ms.
            self._probe_answer = self._probe_pool.submit(self._count_hands, t, rgb.copy())
            self._probe_age = 0
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
        return HandFrame(t=t, width=w, height=h, hand=chosen, others=tuple(others))

    def _count_hands(self, t: float, rgb: np.ndarray) -> int:
        """The probe: how many hands one frame shows (the frame is only read)."""
        if self._probe is None:
            self._probe = _Graph(2, "lite", True, *self._conf)
        h, w = rgb.shape[:2]
        return len(self._observations(self._probe.process(t, rgb), w, h))

    def _observations(self, result, w: int, h: int) -> list[HandObservation]:
        """The distinct hands of a result (`distinct_hands`)."""
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
        return distinct_hands(out)

    def _choose(self, hands: list[HandObservation]
                ) -> tuple[HandObservation | None, list[HandObservation]]:
        """The prescribed side if it is in view, else the largest hand; the rest are others."""
        if not hands:
            return None, []

        def size(o: HandObservation) -> float:
            box = _box(o)
            return float(np.prod(box[2:] - box[:2]))

        ranked = sorted(hands, key=size, reverse=True)
        if self.hand != "auto":
            ranked.sort(key=lambda o: o.side != self.hand)   # stable: size order kept
        return ranked[0], ranked[1:]

    def close(self) -> None:
        if self._probe_pool is not None:
            self._probe_pool.shutdown(wait=True)
        for graph in (self._single, self._dual, self._probe):
            if graph is not None:
                graph.close()

    def __enter__(self) -> HandTracker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
