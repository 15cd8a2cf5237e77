"""Appearance of a synthetic clip: skin tone, background, light and camera placement.

Varying these is how the test-suite checks that tracking does not depend on one lucky
look. The default view is the ulnar view: the hand turned 65 deg from palm-on, little-finger
side toward the camera. Finger flexion then happens mostly across the image rather than
toward the lens, where MediaPipe's depth estimate is weakest, and the fingers do not hide
one another as they do side-on. Measured on a tendon-glide cycle (full model, MCP/PIP
mean absolute error): palm-on 20/20 deg, 35 deg 10/10, 65 deg 6-7/7-8; thumb-side views
tracked worse still.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from vision.landmarks import PALM, HandLandmark

from .hand_model import HandGeometry, HandPose, Side, skeleton
from .raster import Camera, Lighting, SkinTone

#: sRGB albedos from light to dark skin; palms are lighter and pinker than the back of the
#: hand, the more so the darker the skin (palmar skin has little melanin).
SKIN_TONES: dict[str, SkinTone] = {
    "light": SkinTone("light", (228, 182, 158), (236, 188, 170), (238, 206, 200)),
    "medium": SkinTone("medium", (204, 148, 112), (222, 168, 142), (228, 190, 178)),
    "tan": SkinTone("tan", (172, 118, 84), (208, 152, 122), (218, 178, 162)),
    "brown": SkinTone("brown", (128, 84, 58), (192, 138, 112), (204, 164, 148)),
    "dark": SkinTone("dark", (86, 57, 42), (168, 118, 98), (184, 144, 128)),
}

BACKGROUNDS: tuple[str, ...] = ("wall", "gradient", "room")

LIGHTS: dict[str, Lighting] = {
    "soft": Lighting(),
    "side": Lighting(key_dir=(-0.85, -0.3, -0.45), key=1.1, fill=0.2, ambient=0.18),
    "dim": Lighting(key=0.65, fill=0.2, ambient=0.16, specular=0.06),
}

#: named camera angles: (yaw, pitch) in degrees; positive yaw turns the thumb side toward
#: the lens, negative the little-finger side.
VIEWS: dict[str, tuple[float, float]] = {
    "palm": (0.0, 0.0),
    "three_quarter": (-35.0, 10.0),
    "radial_three_quarter": (35.0, 10.0),
    "ulnar": (-65.0, 10.0),
    "side": (-75.0, 10.0),
}


@dataclass(frozen=True)
class SceneOptions:
    """Everything about a clip's look that does not change the joint angles."""

    skin: str = "medium"
    background: str = "wall"
    light: str = "soft"
    view: str = "ulnar"
    yaw_deg: float | None = None
    pitch_deg: float | None = None
    roll_deg: float = 8.0
    distance_m: float = 0.38
    width: int = 640
    height: int = 480
    side: Side = "right"
    hand_scale: float = 1.0
    supersample: int = 2
    noise_sigma: float = 2.0
    geometry: HandGeometry = field(default_factory=HandGeometry)

    def validated(self) -> SceneOptions:
        """Raise ValueError naming the bad option, so the CLI can report it in one line."""
        for name, value, allowed in (("skin", self.skin, SKIN_TONES),
                                     ("background", self.background, BACKGROUNDS),
                                     ("light", self.light, LIGHTS), ("view", self.view, VIEWS),
                                     ("side", self.side, ("left", "right"))):
            if value not in allowed:
                raise ValueError(f"unknown {name} {value!r}; expected one of: "
                                 f"{', '.join(allowed)}")
        return self


def _rx(d: float) -> np.ndarray:
    c, s = np.cos(np.radians(d)), np.sin(np.radians(d))
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])


def _ry(d: float) -> np.ndarray:
    c, s = np.cos(np.radians(d)), np.sin(np.radians(d))
    return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])


def _rz(d: float) -> np.ndarray:
    c, s = np.cos(np.radians(d)), np.sin(np.radians(d))
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])


def camera(opts: SceneOptions) -> Camera:
    """Pinhole intrinsics: focal 600 px at 640 px wide (~56 deg horizontal field of view,
    a typical laptop webcam), scaled with the image width."""
    return Camera(opts.width, opts.height, 600.0 * opts.width / 640.0)


def placement(opts: SceneOptions) -> tuple[np.ndarray, np.ndarray]:
    """(R, T) taking forearm-frame millimetres to camera metres: p_cam = R @ p / 1000 + T.

    Fixed for a whole clip (the forearm rests while the hand moves). The forearm frame has
    fingers along +y and the palm along +z; the base view turns fingers up in the image and
    the palm toward the lens, then yaw, pitch and roll tilt it.
    """
    yaw, pitch = VIEWS[opts.view]
    yaw = yaw if opts.yaw_deg is None else opts.yaw_deg
    pitch = pitch if opts.pitch_deg is None else opts.pitch_deg
    sign = 1.0 if opts.side == "right" else -1.0
    base = np.diag([1.0, -1.0, -1.0])
    rot = _rz(sign * opts.roll_deg) @ _rx(pitch) @ _ry(sign * yaw) @ base
    rest = skeleton(HandPose(), opts.geometry, opts.side).joints
    centre = rest[[*PALM, HandLandmark.MIDDLE_FINGER_TIP]].mean(axis=0) / 1000.0
    cam = camera(opts)
    target = np.array([0.0, -0.03 * cam.height / cam.focal, 1.0]) * opts.distance_m
    return rot, target - rot @ centre


def background(opts: SceneOptions, seed: int = 0) -> np.ndarray:
    """(H*ss, W*ss, 3) float32 linear RGB backdrop for the whole clip."""
    rng = np.random.default_rng(seed + 7919)
    w, h = opts.width, opts.height
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    if opts.background == "wall":
        base = np.array(rng.choice([[214, 210, 200], [190, 200, 205], [170, 178, 160]]),
                        np.float32)
        shade = 1.0 - 0.18 * ((xx / w - 0.3) ** 2 + (yy / h - 0.2) ** 2)
        img = base[None, None] * shade[..., None]
    elif opts.background == "gradient":
        top = np.array([60, 80, 110], np.float32)
        bottom = np.array([150, 150, 140], np.float32)
        a = (yy / h)[..., None]
        img = top * (1 - a) + bottom * a
    else:
        img = _room(w, h, rng)
    texture = cv2.GaussianBlur(rng.normal(0, 4.0, (h, w)).astype(np.float32), (0, 0), 1.2)
    img = np.clip(img + texture[..., None], 0, 255)
    ss = opts.supersample
    img = cv2.resize(img, (w * ss, h * ss), interpolation=cv2.INTER_LINEAR)
    return ((img / 255.0) ** 2.2).astype(np.float32)


def _room(w: int, h: int, rng: np.random.Generator) -> np.ndarray:
    """A defocused domestic room: wall, door frame, shelf with books, window, table edge.

    Colours avoid skin hues so that the backdrop adds clutter, not decoy hands.
    """
    img = np.zeros((h, w, 3), np.float32)
    img[:] = (198, 200, 192)
    cv2.rectangle(img, (int(0.05 * w), int(0.05 * h)), (int(0.3 * w), int(0.7 * h)),
                  (235, 240, 245), -1)
    cv2.rectangle(img, (int(0.05 * w), int(0.05 * h)), (int(0.3 * w), int(0.7 * h)),
                  (120, 120, 125), 6)
    cv2.line(img, (int(0.175 * w), int(0.05 * h)), (int(0.175 * w), int(0.7 * h)),
             (120, 120, 125), 4)
    cv2.rectangle(img, (int(0.68 * w), int(0.0 * h)), (int(0.74 * w), int(0.8 * h)),
                  (90, 90, 100), -1)
    shelf_y = int(0.35 * h)
    cv2.rectangle(img, (int(0.7 * w), shelf_y), (w, shelf_y + 8), (70, 60, 55), -1)
    x = int(0.72 * w)
    palette = [(40, 70, 140), (150, 40, 50), (40, 110, 70), (220, 200, 60), (60, 60, 60),
               (100, 60, 130)]
    while x < w - 10:
        bw = int(rng.integers(10, 22))
        bh = int(rng.integers(40, 80))
        cv2.rectangle(img, (x, shelf_y - bh), (x + bw, shelf_y), palette[rng.integers(6)], -1)
        x += bw + 2
    cv2.rectangle(img, (int(0.38 * w), int(0.1 * h)), (int(0.55 * w), int(0.3 * h)),
                  (60, 80, 90), -1)
    cv2.rectangle(img, (int(0.39 * w), int(0.12 * h)), (int(0.54 * w), int(0.28 * h)),
                  (120, 160, 190), -1)
    cv2.rectangle(img, (0, int(0.85 * h)), (w, h), (110, 85, 60), -1)
    return cv2.GaussianBlur(img, (0, 0), 2.5)
