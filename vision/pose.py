"""MediaPipe Pose, loaded from the installed package: the elbow and wrist of one arm.

Why: wrist flexion/extension is the angle between the hand and the forearm, and MediaPipe
Hands stops at the wrist. Pose gives the elbow, hence the forearm direction.

Models: mediapipe 0.10.21's wheel ships only the "full" pose landmark model
(mediapipe/modules/pose_landmark/pose_landmark_full.tflite, model_complexity=1) and the pose
detector. For "lite" (0) and "heavy" (2) `mp.solutions.pose.Pose` would fetch the model
from the internet on construction, so `ArmTracker` refuses any model whose file is not in
the package before MediaPipe sees it.

Side: Pose names landmarks for the person's own left and right, as they appear in an
unmirrored image of someone facing the camera: LEFT_* lies on the image's right. (Unlike
MediaPipe Hands, which labels hands as if the image were a mirrored selfie.) So the
patient's left arm is LEFT_* unless `mirrored` says the frames are mirror images, in which
case it is RIGHT_*; HandTracker applies the same `mirrored` to hands, so both report the
same anatomical side for the same arm (they agreed on every frame of the four frontal clips
of our real test footage where both saw that wrist; on small distant hands Hands' handedness
can be wrong where Pose, which sees the whole body, is not).

In frame: Pose always returns all 33 landmarks, extrapolating those outside the image
(an elbow below the bottom edge) with a high `visibility`. The landmark's `presence` (the
model's estimate that it is inside the image) tells those apart, but `Pose.process` clears
it; the tracker therefore reads the graph's output through `SolutionBase.process`.

Made-up people: on a close-up of a hand with no body in view, Pose sometimes fits a whole
small person onto the hand, often upside down (fingers as legs, hips above the shoulders),
with visible, present landmarks. A patient is never upside down in front of the camera,
so a pose whose torso points up is rejected. An upright person fitted onto a hand is
not caught here (a few % of frames of a forearm-only clip): a caller that also tracks the
hand should check that the arm's wrist lies at the hand's wrist.
"""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path
from typing import Literal

import numpy as np

from .frame import ArmObservation
from .landmarks import Side

PoseModel = Literal["lite", "full", "heavy"]

#: MediaPipe's model_complexity for each pose landmark model, and its file in the wheel.
MODEL_FILES: dict[str, tuple[int, str]] = {
    "lite": (0, "pose_landmark_lite.tflite"),
    "full": (1, "pose_landmark_full.tflite"),
    "heavy": (2, "pose_landmark_heavy.tflite"),
}



class PoseLandmark(IntEnum):
    """The Pose landmarks used here (mediapipe.python.solutions.pose.PoseLandmark)."""

    LEFT_SHOULDER = 11
    RIGHT_SHOULDER = 12
    LEFT_ELBOW = 13
    RIGHT_ELBOW = 14
    LEFT_WRIST = 15
    RIGHT_WRIST = 16
    LEFT_HIP = 23
    RIGHT_HIP = 24


P = PoseLandmark
_ELBOW: dict[str, int] = {"left": P.LEFT_ELBOW, "right": P.RIGHT_ELBOW}
_WRIST: dict[str, int] = {"left": P.LEFT_WRIST, "right": P.RIGHT_WRIST}
_SHOULDERS, _HIPS = (P.LEFT_SHOULDER, P.RIGHT_SHOULDER), (P.LEFT_HIP, P.RIGHT_HIP)
_OTHER: dict[str, Side] = {"left": "right", "right": "left"}

#: a torso (shoulders -> hips) further than this from image-down is an upside-down person:
#: lying down (90 deg) passes; the made-up people measured on hand close-ups were 155-180.
MAX_TORSO_TILT_DEG = 135.0

#: an elbow closer to the wrist than this (m, 3-D) gives no forearm direction; real
#: forearms measured 0.19-0.24 m, a pose fitted onto a hand still 0.04 m.
MIN_FOREARM_M = 0.1


def _modules_dir() -> Path:
    import mediapipe

    return Path(mediapipe.__file__).resolve().parent / "modules"


def available_models() -> tuple[str, ...]:
    """The pose landmark models whose files the installed mediapipe ships (usable offline)."""
    folder = _modules_dir() / "pose_landmark"
    return tuple(name for name, (_, file) in MODEL_FILES.items() if (folder / file).is_file())


def _model_complexity(model: str) -> int:
    """MediaPipe's model_complexity for `model`; ValueError unless its file is installed."""
    if model not in MODEL_FILES:
        raise ValueError(f"unknown pose model {model!r} (choose one of "
                         f"{', '.join(available_models()) or 'none installed'})")
    complexity, file = MODEL_FILES[model]
    required = (_modules_dir() / "pose_landmark" / file,
                _modules_dir() / "pose_detection" / "pose_detection.tflite")
    missing = [p.name for p in required if not p.is_file()]
    if missing:
        raise ValueError(f"pose model {model!r} is not shipped with the installed mediapipe "
                         f"({', '.join(missing)} missing; it is never downloaded); choose "
                         f"one of {', '.join(available_models()) or 'none installed'}")
    return complexity


def _upside_down(landmarks) -> bool:
    """Whether the pose's torso points up in the image (hips above the shoulders)."""
    def mid(pair: tuple[int, int]) -> np.ndarray:
        return np.mean([(landmarks[i].x, landmarks[i].y) for i in pair], axis=0)

    torso = mid(_HIPS) - mid(_SHOULDERS)
    norm = float(np.hypot(*torso))
    return norm > 0 and torso[1] / norm < np.cos(np.radians(MAX_TORSO_TILT_DEG))


class ArmTracker:
    """Follows the most prominent person with MediaPipe Pose (video mode, smoothed).

    model: a pose landmark model shipped in the installed mediapipe (see `available_models`;
        0.10.21 ships only "full"); anything else raises ValueError, never downloads.
    mirrored: True when the frames are mirror images (a selfie preview saved as shown).
    min_visibility: below this `ArmObservation.visibility` the arm is reported as not seen.
    """

    def __init__(self, model: PoseModel = "full", mirrored: bool = False,
                 min_visibility: float = 0.5) -> None:
        self._complexity = _model_complexity(model)
        if not 0.0 <= min_visibility <= 1.0:
            raise ValueError(f"min_visibility must be within 0..1, not {min_visibility}")
        self.model = model
        self.mirrored = mirrored
        self.min_visibility = min_visibility
        self._pose = None
        self._last_us = -1
        self._last_t: float | None = None
        self._result = None

    def start(self) -> ArmTracker:
        """Build MediaPipe Pose's graph now (else the first `process` does)."""
        if self._pose is None:
            from mediapipe.python.solutions import pose

            self._pose = pose.Pose(static_image_mode=False, model_complexity=self._complexity,
                                   smooth_landmarks=True, enable_segmentation=False)
        return self

    def process(self, t: float, rgb: np.ndarray, side: Side) -> ArmObservation | None:
        """The patient's `side` arm in one RGB frame (h, w, 3) uint8 taken at time t (s).

        None when no person is found, or that arm's elbow or wrist is outside the image or
        less visible than `min_visibility`. Calling again with the same t reads the other
        arm from the same inference instead of running the model twice.
        """
        if side not in _ELBOW:
            raise ValueError(f"unknown side {side!r} (choose left or right)")
        if t != self._last_t:
            self._result = self._infer(t, rgb)
            self._last_t = t
        result = self._result
        if result is None or not result.pose_landmarks or not result.pose_world_landmarks:
            return None
        label = _OTHER[side] if self.mirrored else side
        h, w = rgb.shape[:2]
        image = result.pose_landmarks.landmark
        world = result.pose_world_landmarks.landmark
        elbow, wrist = image[_ELBOW[label]], image[_WRIST[label]]
        visibility = min(elbow.visibility, elbow.presence, wrist.visibility, wrist.presence)
        px = np.array([(elbow.x * w, elbow.y * h), (wrist.x * w, wrist.y * h)])
        inside = np.all((px >= 0) & (px < (w, h)))
        if visibility < self.min_visibility or not inside or _upside_down(image):
            return None
        we, ww = world[_ELBOW[label]], world[_WRIST[label]]
        elbow_m, wrist_m = np.array([we.x, we.y, we.z]), np.array([ww.x, ww.y, ww.z])
        if np.linalg.norm(wrist_m - elbow_m) < MIN_FOREARM_M:
            return None
        return ArmObservation(side=side, elbow=elbow_m, wrist=wrist_m, elbow_px=px[0],
                              wrist_px=px[1], visibility=float(visibility))

    def _infer(self, t: float, rgb: np.ndarray):
        from mediapipe.python.solution_base import SolutionBase

        self.start()
        # SolutionBase.process() stamps each packet with a private counter that it advances
        # by 33333 us; setting it first gives the graph the frame's real time, which the
        # landmark smoothing and tracking use.
        us = max(int(round(t * 1e6)), self._last_us + 1)
        self._pose._simulated_timestamp = us - 33333
        self._last_us = us
        # The base class's process: Pose.process would clear each landmark's presence.
        return SolutionBase.process(self._pose, {"image": rgb})

    def close(self) -> None:
        if self._pose is not None:
            self._pose.close()

    def __enter__(self) -> ArmTracker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
