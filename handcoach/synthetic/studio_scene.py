"""The studio's scene: where the camera, the patient's forearm, the lights and the room are.

A patient sits at a table in front of a laptop webcam, elbow on the table, forearm nearly
upright, and turns the forearm to show the hand to the camera from one side or another.
So a *view* is a turn of the forearm about its own long axis (the camera and the room stay
put, as at home): palm toward the camera, back, thumb side, little-finger side, or oblique
(45 deg from palm-on toward the little-finger side). World frame: metres, +y up (the table
top is y = 0), +x to the camera's right, +z from the table toward the camera (OpenGL's).

Everything here is pure NumPy (matrices, procedural room textures), built once per clip.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from vision.landmarks import Side

from .gl_render import Lighting, SkinLook, Surface

#: forearm turn (deg, about its long axis) for each view of a right hand; a left hand turns
#: the other way. 0 = palm toward the camera; + turns the little-finger side toward it.
VIEWS: dict[str, float] = {
    "palm": 0.0,
    "oblique": 45.0,
    "little-side": 90.0,
    "back": 180.0,
    "thumb-side": -90.0,
}


def _lin(srgb: tuple[int, int, int]) -> tuple[float, float, float]:
    return tuple(float((c / 255.0) ** 2.2) for c in srgb)


#: skin albedos (sRGB, then made linear) of the back of the hand, the palm and the nail
#: plate; darker skin has the larger dorsal/palmar contrast (palmar skin has little
#: melanin). Values picked to fall in the ranges of published hand-skin colour
#: measurements (dorsal L* ~ 65 light to ~ 35 dark).
SKINS: dict[str, SkinLook] = {
    "light": SkinLook(_lin((224, 186, 166)), _lin((228, 180, 168)), _lin((214, 162, 156)),
                      (1.0, 0.86, 0.86)),
    "medium": SkinLook(_lin((184, 138, 112)), _lin((206, 156, 136)), _lin((190, 136, 126)),
                       (1.0, 0.86, 0.84)),
    "dark": SkinLook(_lin((100, 68, 52)), _lin((172, 124, 106)), _lin((146, 100, 90)),
                     (1.0, 0.88, 0.86), wrap=(0.45, 0.25, 0.18)),
}


def _u(*v: float) -> tuple[float, float, float]:
    a = np.array(v, float)
    return tuple(float(x) for x in a / np.linalg.norm(a))


#: a window to the camera's left, daylight; or a warm desk lamp above right.
LIGHTS: dict[str, Lighting] = {
    "window": Lighting(key_dir=_u(-0.75, 0.5, 0.38), key_col=(1.75, 1.72, 1.65),
                       sky_col=(0.26, 0.28, 0.31), ground_col=(0.20, 0.16, 0.12),
                       fill_dir=_u(0.2, 0.1, 1.0), fill_col=(0.10, 0.11, 0.13),
                       shadow_radius=0.0035),
    "lamp": Lighting(key_dir=_u(0.5, 0.8, 0.35), key_col=(1.8, 1.45, 1.1),
                     sky_col=(0.22, 0.20, 0.18), ground_col=(0.20, 0.15, 0.10),
                     fill_dir=_u(-0.3, 0.0, 1.0), fill_col=(0.08, 0.09, 0.11),
                     shadow_radius=0.0025),
}

BACKGROUNDS: tuple[str, ...] = ("room", "plain")


@dataclass(frozen=True)
class Placement:
    """Where things are for one clip.

    forearm_to_world: (3, 3) rotation of hand_model's forearm frame into the world; wrist:
    (3,) world position of the wrist joint (m); cam_pos, cam_target: the webcam; focal: px.
    """

    forearm_to_world: np.ndarray
    wrist: np.ndarray
    cam_pos: np.ndarray
    cam_target: np.ndarray
    focal: float
    width: int
    height: int


def _rx(d: float) -> np.ndarray:
    c, s = np.cos(np.radians(d)), np.sin(np.radians(d))
    return np.array([[1, 0, 0], [0, c, -s], [0, s, c]])


def _ry(d: float) -> np.ndarray:
    c, s = np.cos(np.radians(d)), np.sin(np.radians(d))
    return np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]])


def _rz(d: float) -> np.ndarray:
    c, s = np.cos(np.radians(d)), np.sin(np.radians(d))
    return np.array([[c, -s, 0], [s, c, 0], [0, 0, 1]])


def placement(view: str, side: Side, width: int = 640, height: int = 480,
              yaw_deg: float | None = None, lean_deg: float = 8.0, roll_deg: float = 6.0,
              distance_m: float = 0.42, forearm_mm: float = 226.0) -> Placement:
    """Camera and forearm for a view. lean: forearm tipped back from upright (deg); roll:
    the forearm leaning sideways in the image; focal 600 px at 640 wide (a ~56 deg laptop
    webcam), scaled with the width."""
    yaw = VIEWS[view] if yaw_deg is None else yaw_deg
    sign = 1.0 if side == "right" else -1.0
    # Forearm frame (x radial of a right hand, y distal, z palmar) -> world: palm on
    # (identity) turned about the forearm axis, then leaned back and sideways.
    rot = _rz(-sign * roll_deg) @ _rx(-lean_deg) @ _ry(sign * yaw)
    elbow = np.array([0.02 * sign, 0.035, -0.03])
    wrist = elbow + rot @ np.array([0.0, forearm_mm / 1000.0, 0.0])
    target = wrist + rot @ np.array([0.0, 0.075, 0.0])
    cam = target + np.array([0.0, -0.02, distance_m])
    return Placement(rot, wrist, cam, target, 600.0 * width / 640.0, width, height)


def view_matrix(p: Placement) -> np.ndarray:
    """World -> camera (OpenGL: the camera looks down -z, +y up)."""
    f = p.cam_target - p.cam_pos
    f = f / np.linalg.norm(f)
    r = np.cross(f, [0.0, 1.0, 0.0])
    r /= np.linalg.norm(r)
    u = np.cross(r, f)
    m = np.eye(4)
    m[0, :3], m[1, :3], m[2, :3] = r, u, -f
    m[:3, 3] = -m[:3, :3] @ p.cam_pos
    return m


def projection(p: Placement, near: float = 0.05, far: float = 5.0) -> np.ndarray:
    m = np.zeros((4, 4))
    m[0, 0] = 2.0 * p.focal / p.width
    m[1, 1] = 2.0 * p.focal / p.height
    m[2, 2] = -(far + near) / (far - near)
    m[2, 3] = -2.0 * far * near / (far - near)
    m[3, 2] = -1.0
    return m


def light_matrix(light: Lighting, centre: np.ndarray, half: float = 0.45) -> np.ndarray:
    """Orthographic view-projection of the key light around `centre` (shadow map)."""
    d = np.array(light.key_dir)
    eye = centre + d * 1.5
    f = -d
    up = np.array([0.0, 1.0, 0.0]) if abs(d[1]) < 0.95 else np.array([0.0, 0.0, 1.0])
    r = np.cross(f, up)
    r /= np.linalg.norm(r)
    u = np.cross(r, f)
    v = np.eye(4)
    v[0, :3], v[1, :3], v[2, :3] = r, u, -f
    v[:3, 3] = -v[:3, :3] @ eye
    near, far = 0.1, 3.5
    o = np.diag([1.0 / half, 1.0 / half, -2.0 / (far - near), 1.0])
    o[2, 3] = -(far + near) / (far - near)
    return o @ v


def project(p: Placement, world: np.ndarray) -> np.ndarray:
    """(n, 3) world points -> (n, 3) pixel x, y (y down) and depth along the view (m)."""
    v = view_matrix(p)
    c = world @ v[:3, :3].T + v[:3, 3]
    z = -c[:, 2]
    return np.stack([p.focal * c[:, 0] / z + p.width / 2.0,
                     -p.focal * c[:, 1] / z + p.height / 2.0, z], axis=1)


def _quad(corner: np.ndarray, ex: np.ndarray, ey: np.ndarray, texture: np.ndarray,
          uv_scale: tuple[float, float] = (1.0, 1.0), **kw: float | bool) -> Surface:
    """Two triangles spanning corner + s ex + t ey, s and t in 0..1; uv (0,0) at corner."""
    n = np.cross(ex, ey)
    n = n / np.linalg.norm(n)
    st = np.array([[0, 0], [1, 0], [1, 1], [0, 0], [1, 1], [0, 1]], float)
    pos = corner + st[:, :1] * ex + st[:, 1:] * ey
    return Surface(pos, np.tile(n, (6, 1)), st * np.array(uv_scale), texture, **kw)


def _wood(rng: np.random.Generator, size: int = 512) -> np.ndarray:
    """A varnished wooden table top: distorted rings along one axis, a warm colour."""
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32) / size
    warp = cv2.GaussianBlur(rng.normal(0, 1, (size, size)).astype(np.float32), (0, 0), 24)
    warp /= np.abs(warp).max() + 1e-6
    rings = np.sin((yy * 38 + warp * 3.0 + 0.3 * np.sin(xx * 6)) * np.pi)
    fine = cv2.GaussianBlur(rng.normal(0, 1, (size, size)).astype(np.float32), (0, 0),
                            0.8)
    fine = cv2.resize(cv2.resize(fine, (size, size // 16)), (size, size))
    t = 0.55 + 0.18 * rings + 0.08 * fine
    base = np.array(rng.choice([[150, 104, 66], [120, 84, 56], [176, 138, 96]]), np.float32)
    return np.clip(base[None, None] * t[..., None] * 1.25, 0, 255).astype(np.uint8)


def _wall(rng: np.random.Generator, room: bool, w: int = 1024, h: int = 640) -> np.ndarray:
    """The wall behind the hand, slightly out of focus: paint, and in a room a door, a
    shelf of books, a picture and a plant. Hues avoid skin tones (no decoy hands).

    The texture spans the wall quad of `room` (2.4 m wide from x = -1.2, 1.5 m high from
    the table top): 427 px per metre, row r at height 1.5 (1 - r / h) m. The webcam sees
    about x -0.9..1.1 m and heights 0..0.9 m of it, so the furniture is put there (a real
    webcam's background is cluttered, and a detector must not rely on a bare wall).
    """
    colour = rng.choice([[206, 208, 200], [186, 196, 204], [200, 196, 178], [172, 182, 168]])
    img = np.empty((h, w, 3), np.float32)
    img[:] = colour
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    img *= (1.0 - 0.12 * ((xx / w - 0.3) ** 2 + (yy / h - 0.3) ** 2))[..., None]
    if room:
        px_m = w / 2.4

        def col(x_m: float) -> int:
            return int((x_m + 1.2) * px_m)

        def row(y_m: float) -> int:
            return int(h * (1.0 - y_m / 1.5))

        # a door on the left, its frame and handle
        x0 = col(rng.uniform(-0.78, -0.66))
        x1 = x0 + int(0.5 * px_m)
        cv2.rectangle(img, (x0, row(1.4)), (x1, h), (238, 238, 232), -1)
        cv2.rectangle(img, (x0, row(1.4)), (x1, h), (150, 150, 150), 5)
        cv2.circle(img, (x1 - 18, row(0.35)), 6, (90, 90, 95), -1)
        # a shelf of books on the right
        sx, sy = col(rng.uniform(0.34, 0.44)), row(rng.uniform(0.42, 0.55))
        cv2.rectangle(img, (sx, sy), (w, sy + 10), (70, 58, 50), -1)
        palette = [(40, 70, 140), (150, 40, 50), (40, 110, 70), (220, 200, 60), (60, 60, 60),
                   (100, 60, 130), (30, 90, 120)]
        x = sx + 8
        while x < w - 14:
            bw, bh = int(rng.integers(12, 26)), int(rng.integers(50, 95))
            cv2.rectangle(img, (x, sy - bh), (x + bw, sy), palette[rng.integers(7)], -1)
            x += bw + int(rng.integers(1, 4))
        # a picture above the door's right, a landscape in it
        px, py = col(rng.uniform(-0.42, -0.3)), row(rng.uniform(0.78, 0.86))
        cv2.rectangle(img, (px, py), (px + 120, py + 90), (40, 40, 45), -1)
        cv2.rectangle(img, (px + 7, py + 7), (px + 113, py + 83), (110, 150, 180), -1)
        cv2.ellipse(img, (px + 60, py + 64), (48, 16), 0, 0, 360, (60, 120, 80), -1)
        # a plant in a pot on the table, well right of the hand (its leaves behind the
        # fingers would be a decoy no real room puts there on purpose)
        pot = col(rng.uniform(0.55, 0.65))
        cv2.rectangle(img, (pot - 22, h - 90), (pot + 22, h), (60, 70, 110), -1)
        for k in range(9):
            a = np.radians(200 + k * 16)
            cv2.line(img, (pot, h - 90), (int(pot + 90 * np.cos(a)), int(h - 90 + 110 *
                     np.sin(a))), (40, 100, 50), 7)
    img += cv2.GaussianBlur(rng.normal(0, 3.0, (h, w)).astype(np.float32), (0, 0), 1.0
                            )[..., None]
    img = cv2.GaussianBlur(img, (0, 0), 1.6)
    return np.clip(img, 0, 255).astype(np.uint8)


def room(background: str, seed: int) -> list[Surface]:
    """The table and the walls: a wooden table and a furnished wall ("room"), or a light
    desk and a plain wall ("plain")."""
    if background not in BACKGROUNDS:
        raise ValueError(f"unknown background {background!r}; expected one of: "
                         f"{', '.join(BACKGROUNDS)}")
    rng = np.random.default_rng(seed + 7919)
    furnished = background == "room"
    table = _wood(rng) if furnished else np.full((64, 64, 3), (214, 212, 206), np.uint8)
    if not furnished:
        table = np.clip(table + rng.normal(0, 3, table.shape), 0, 255).astype(np.uint8)
    wall = _wall(rng, furnished)
    side = np.full((64, 64, 3), rng.choice([[196, 196, 188], [180, 188, 196]]), np.uint8)
    x, y, z = np.eye(3)
    return [
        _quad(np.array([-1.2, 0.0, 0.8]), 2.4 * x, -1.6 * z, table, (1.6, 1.1), gloss=0.25),
        _quad(np.array([-1.2, 0.0, -0.8]), 2.4 * x, 1.5 * y, wall),
        _quad(np.array([-1.2, 0.0, 0.8]), -1.6 * z, 1.5 * y, side),
        _quad(np.array([1.2, 0.0, -0.8]), 1.6 * z, 1.5 * y, side),
    ]
