"""A small software renderer for unions of tapered capsules (pure NumPy + OpenCV).

A hand is well approximated by sphere-swept segments: phalanges, metacarpals, the thenar
and hypothenar masses, the forearm. Each capsule is rasterised over its screen bounding
box: the closest point on the projected axis gives coverage, a depth and a surface normal
(the 2.5D "impostor" shortcut: exact for a sphere, close for a capsule), and a z-buffer
keeps the nearest. Shading then adds what a detector trained on real hands keys on:
Lambert key and fill light with wrap-around (a cheap subsurface look), a warm tint in the
terminator, lighter palmar skin, glossy nails, screen-space contact occlusion between
fingers, a soft drop shadow on the background, supersampled anti-aliasing and sensor noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

SKIN, NAIL = 0, 1


@dataclass(frozen=True)
class Capsules:
    """N tapered capsules in camera coordinates (metres; x right, y down, z forward).

    palmar: (N, 3) unit vector toward the palmar skin of each part (for the lighter palm
    tint); material: SKIN or NAIL; group: capsules with the same positive group number
    are one smooth surface (the palm slab, the forearm) whose normals are blended across
    the seams between them.
    """

    p0: np.ndarray
    p1: np.ndarray
    r0: np.ndarray
    r1: np.ndarray
    palmar: np.ndarray
    material: np.ndarray
    group: np.ndarray | None = None


@dataclass(frozen=True)
class Camera:
    """Pinhole camera at the origin looking along +z; intrinsics in output pixels."""

    width: int
    height: int
    focal: float

    def project(self, p: np.ndarray) -> np.ndarray:
        """(N, 3) camera points -> (N, 2) pixel coordinates."""
        return np.stack([self.focal * p[:, 0] / p[:, 2] + self.width / 2,
                         self.focal * p[:, 1] / p[:, 2] + self.height / 2], axis=1)


@dataclass
class GBuffer:
    """Nearest surface per supersampled pixel, over a crop of the image.

    depth (m, inf = background), normal (nx, ny, nz) and capsule id (-1 = background) cover
    rows y0.. and columns x0.. of the supersampled image; shading is only paid there.
    """

    depth: np.ndarray
    nx: np.ndarray
    ny: np.ndarray
    nz: np.ndarray
    ident: np.ndarray
    x0: int
    y0: int


def rasterize(caps: Capsules, camera: Camera, ss: int = 2, margin: int = 0) -> GBuffer:
    """Z-buffer the capsules at `ss` times the output resolution.

    The buffers cover the capsules' joint bounding box grown by `margin` output pixels
    (room for the drop shadow), aligned to whole output pixels.
    """
    w, h = camera.width * ss, camera.height * ss
    f = np.float32(camera.focal * ss)
    z0, z1 = caps.p0[:, 2], caps.p1[:, 2]
    u0 = np.stack([f * caps.p0[:, 0] / z0 + w / 2, f * caps.p0[:, 1] / z0 + h / 2], 1)
    u1 = np.stack([f * caps.p1[:, 0] / z1 + w / 2, f * caps.p1[:, 1] / z1 + h / 2], 1)
    rho0, rho1 = f * caps.r0 / z0, f * caps.r1 / z1
    lo = np.floor(np.minimum(u0 - rho0[:, None], u1 - rho1[:, None])).astype(int)
    hi = np.ceil(np.maximum(u0 + rho0[:, None], u1 + rho1[:, None])).astype(int) + 1
    lo = np.maximum(lo, 0)
    hi = np.minimum(hi, [w, h])
    visible = (hi[:, 0] > lo[:, 0]) & (hi[:, 1] > lo[:, 1]) & (np.minimum(z0, z1) > 0.01)
    if visible.any():
        cx0, cy0 = (lo[visible].min(axis=0) // ss - margin) * ss
        cx1, cy1 = (-(-hi[visible].max(axis=0) // ss) + margin) * ss
        cx0, cy0 = max(int(cx0), 0), max(int(cy0), 0)
        cx1, cy1 = min(int(cx1), w), min(int(cy1), h)
    else:
        cx0 = cy0 = 0
        cx1 = cy1 = ss
    bh, bw = cy1 - cy0, cx1 - cx0
    depth = np.full((bh, bw), np.inf, np.float32)
    nx = np.zeros((bh, bw), np.float32)
    ny = np.zeros((bh, bw), np.float32)
    nz = np.full((bh, bw), -1.0, np.float32)
    ident = np.full((bh, bw), -1, np.int16)
    for i in np.flatnonzero(visible):
        (x0, y0), (x1, y1) = lo[i], hi[i]
        xs = np.arange(x0, x1, dtype=np.float32)[None, :] + 0.5 - np.float32(u0[i, 0])
        ys = np.arange(y0, y1, dtype=np.float32)[:, None] + 0.5 - np.float32(u0[i, 1])
        sx, sy = np.float32(u1[i, 0] - u0[i, 0]), np.float32(u1[i, 1] - u0[i, 1])
        l2 = sx * sx + sy * sy
        if l2 > 1e-6:
            t = np.clip((xs * (sx / l2)) + (ys * (sy / l2)), 0.0, 1.0)
        else:
            t = np.zeros((y1 - y0, x1 - x0), np.float32)
        dx = xs - t * sx
        dy = ys - t * sy
        rho = np.float32(rho0[i]) + t * np.float32(rho1[i] - rho0[i])
        q = (dx * dx + dy * dy) / (rho * rho)
        inside = q < 1.0
        if not inside.any():
            continue
        hh = np.sqrt(np.maximum(1.0 - q, 0.0))
        r = np.float32(caps.r0[i]) + t * np.float32(caps.r1[i] - caps.r0[i])
        d = np.float32(z0[i]) + t * np.float32(z1[i] - z0[i]) - r * hh
        win = (slice(y0 - cy0, y1 - cy0), slice(x0 - cx0, x1 - cx0))
        dv = depth[win]
        m = inside & (d < dv)
        dv[m] = d[m]
        inv = 1.0 / rho
        nx[win][m] = (dx * inv)[m]
        ny[win][m] = (dy * inv)[m]
        nz[win][m] = -hh[m]
        ident[win][m] = i
    return GBuffer(depth, nx, ny, nz, ident, cx0, cy0)


@dataclass(frozen=True)
class Lighting:
    """Directions point from the surface toward the light, camera coordinates."""

    key_dir: tuple[float, float, float] = (-0.45, -0.55, -0.70)
    key: float = 1.0
    fill_dir: tuple[float, float, float] = (0.6, 0.1, -0.8)
    fill: float = 0.3
    ambient: float = 0.22
    specular: float = 0.12


@dataclass(frozen=True)
class SkinTone:
    """Albedo (sRGB 0-255) of the back of the hand, the palm, and the nails."""

    name: str
    dorsal: tuple[int, int, int]
    palm: tuple[int, int, int]
    nail: tuple[int, int, int]


def _to_linear(rgb: tuple[int, int, int]) -> np.ndarray:
    return (np.asarray(rgb, np.float32) / 255.0) ** 2.2


class Backdrop:
    """A static background: linear RGB at the supersampled size for compositing under the
    hand, and the finished 8-bit-range image at output size for everywhere else."""

    def __init__(self, linear_ss: np.ndarray, ss: int) -> None:
        self.linear = linear_ss.astype(np.float32)
        self.ss = ss
        h, w = linear_ss.shape[:2]
        out = cv2.resize(linear_ss, (w // ss, h // ss), interpolation=cv2.INTER_AREA)
        self.srgb = (np.clip(out, 0, 1) ** (1 / 2.2) * 255.0).astype(np.float32)


def _unit3(v: tuple[float, float, float] | np.ndarray) -> np.ndarray:
    a = np.asarray(v, np.float32)
    return a / np.linalg.norm(a)


def _smooth_groups(g: GBuffer, group: np.ndarray, k: int) -> None:
    """Blend normals within each smooth group (in place), hiding capsule seams."""
    gid = np.where(g.ident >= 0, group[np.maximum(g.ident, 0)], 0)
    for grp in np.unique(group[group > 0]):
        m = (gid == grp).astype(np.float32)
        if not m.any():
            continue
        wsum = cv2.blur(m, (k, k)) + 1e-6
        sm = [cv2.blur(c * m, (k, k)) / wsum for c in (g.nx, g.ny, g.nz)]
        norm = np.sqrt(sm[0] ** 2 + sm[1] ** 2 + sm[2] ** 2) + 1e-6
        sel = m > 0
        for c, v in zip((g.nx, g.ny, g.nz), sm, strict=True):
            c[sel] = (v / norm)[sel]


def shade(g: GBuffer, caps: Capsules, backdrop: Backdrop, tone: SkinTone, light: Lighting,
          noise: np.ndarray | None = None) -> np.ndarray:
    """Light the G-buffer over the backdrop -> (H, W, 3) uint8 RGB at output size.

    noise: optional (H, W, 3) float32 sensor noise added to the whole frame.
    """
    ss = backdrop.ss
    h, w = g.depth.shape
    hand = g.ident >= 0
    if caps.group is not None:
        _smooth_groups(g, caps.group, max(3, (backdrop.linear.shape[0] // 40) | 1))
    ident = g.ident[hand]
    nx, ny, nz = g.nx[hand], g.ny[hand], g.nz[hand]

    def dot(v: np.ndarray) -> np.ndarray:
        return nx * v[0] + ny * v[1] + nz * v[2]

    # All per-pixel lighting works on the 1D list of hand pixels only.
    lk, lf = _unit3(light.key_dir), _unit3(light.fill_dir)
    ndl = dot(lk)
    wrap = np.clip((ndl + 0.35) * np.float32(1 / 1.35), 0.0, 1.0)
    lam = np.maximum(ndl, 0.0)
    fill = np.maximum(dot(lf), 0.0)
    half = _unit3(lk + np.array([0.0, 0.0, -1.0], np.float32))
    spec = np.maximum(dot(half), 0.0)
    spec *= spec
    spec *= spec
    spec *= spec
    spec = spec * spec * spec  # ** 24, without a slow float power

    # Palmar skin is lighter; use the part's palmar direction (camera coordinates).
    palmar = caps.palmar.astype(np.float32)[ident]
    pal = nx * palmar[:, 0] + ny * palmar[:, 1] + nz * palmar[:, 2]
    pal = np.clip(pal * 1.4 + 0.2, 0.0, 1.0)
    nail = caps.material[ident] == NAIL
    dorsal_c, palm_c, nail_c = (_to_linear(c) for c in (tone.dorsal, tone.palm, tone.nail))
    albedo = dorsal_c + pal[:, None] * (palm_c - dorsal_c)
    albedo[nail] = nail_c

    # Contact occlusion: a pixel clearly farther than its neighbourhood sits in a crease or
    # behind a finger, where real skin is darker. A few mm of slack ignores capsule seams.
    far = float(g.depth[hand].max()) + 0.05 if hand.any() else 1.0
    dz = np.where(hand, g.depth, np.float32(far))
    k = max(3, (backdrop.linear.shape[0] // 30) | 1)
    occl = (dz - cv2.blur(dz, (k, k)))[hand] - np.float32(0.004)
    ao = 1.0 - 0.5 * np.clip(occl * np.float32(1 / 0.015), 0.0, 1.0)

    # Subsurface scattering look: light wrapping past the terminator comes out reddish.
    sss = ((wrap - lam)[:, None] * np.array([0.35, 0.10, 0.05], np.float32)) * np.sqrt(albedo)
    diffuse = (light.ambient + light.key * 0.85 * wrap + light.fill * fill)[:, None] * albedo
    gloss = light.specular * spec
    gloss[nail] *= 3.0
    color = (diffuse + light.key * sss + gloss[:, None]) * ao[:, None]

    # Soft drop shadow of the hand on the background (light from upper left).
    full_h = backdrop.linear.shape[0]
    sx, sy = int(round(0.02 * full_h)), int(round(0.03 * full_h))
    mask = hand.astype(np.float32)
    m = np.zeros_like(mask)
    m[sy:, sx:] = mask[:h - sy, :w - sx]
    kb = max(3, (full_h // 15) | 1)
    shadow = cv2.blur(cv2.blur(m, (kb, kb)), (kb, kb))
    img = backdrop.linear[g.y0:g.y0 + h, g.x0:g.x0 + w] * (1.0 - 0.35 * shadow)[..., None]
    img[hand] = color
    img = cv2.pow(np.clip(img, 0.0, 1.0), 1 / 2.2)
    if ss > 1:
        img = cv2.resize(img, (w // ss, h // ss), interpolation=cv2.INTER_AREA)
    out = backdrop.srgb.copy()
    oy, ox = g.y0 // ss, g.x0 // ss
    out[oy:oy + h // ss, ox:ox + w // ss] = img * 255.0
    if noise is not None:
        out += noise
    return np.clip(out, 0, 255).astype(np.uint8)
