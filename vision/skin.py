"""The hand's own skin colour, and which pixels around it share it (pure NumPy).

Why: the forearm (vision.forearm) and, when MediaPipe loses the hand, the hand itself
(vision.silhouette) are found as bands of skin leaving the wrist. No fixed skin colour
works across people, lighting and cameras, so the colour is learnt from the hand, every
frame: pixels sampled inside the palm (between the wrist and the finger knuckles), in
chroma (r, g) = (R, G) / (R + G + B), which shading along an arm hardly changes. A
robust mean and covariance (the 25% farthest samples dropped: drawn marks, nails,
shadows) and the palm's median brightness make the model.

Only a few hundred pixels are ever read (nearest-pixel samples at given points), never a
whole-frame pass: the cost does not grow with the frame size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .landmarks import MCPS, THUMB_CMC, WRIST

#: squared Mahalanobis distance in chroma under which a pixel is the hand's colour.
SKIN_D2 = 12.0
#: brightness relative to the palm's median that still counts as skin (shade to glare).
LUMA_RANGE = (0.3, 2.5)
#: floor on the chroma covariance (flat, dim palms would otherwise accept nothing).
MIN_COV = 2.5e-5
#: pixels darker than this (R + G + B) carry no colour.
MIN_SUM = 30.0

_PALM = np.array([WRIST, THUMB_CMC, *MCPS])


def _palm_weights() -> np.ndarray:
    """Sample points inside the palm as weights over _PALM (wrist, thumb CMC, 4 MCPs):
    along wrist -> each finger MCP and wrist -> between neighbouring MCPs."""
    rows = []
    for k in range(2, 6):
        for f in (0.25, 0.45, 0.65, 0.85):
            row = np.zeros(6)
            row[0], row[k] = 1 - f, f
            rows.append(row)
            if k < 5:
                row = np.zeros(6)
                row[0], row[k], row[k + 1] = 1 - f, f / 2, f / 2
                rows.append(row)
    return np.array(rows)


_PALM_WEIGHTS = _palm_weights()                                  # (28, 6)


@dataclass(frozen=True, slots=True)
class SkinModel:
    """mean: (2,) chroma; inv_cov: (2, 2); luma: the palm's median R + G + B."""

    mean: np.ndarray
    inv_cov: np.ndarray
    luma: float


def sample(rgb: np.ndarray, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pixels at float positions xy (..., 2) (nearest pixel), and whether each is inside
    the image."""
    h, w = rgb.shape[:2]
    xi = np.rint(xy[..., 0]).astype(np.int64)
    yi = np.rint(xy[..., 1]).astype(np.int64)
    inside = (xi >= 0) & (xi < w) & (yi >= 0) & (yi < h)
    px = rgb[np.clip(yi, 0, h - 1), np.clip(xi, 0, w - 1)].astype(np.float32)
    return px, inside


def _chroma(px: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    s = px.sum(axis=-1)
    return px[..., :2] / np.maximum(s, 1.0)[..., None], s


def palm_px(image: np.ndarray) -> float:
    """Palm length in pixels: the longest of wrist -> index, middle, little MCP in the
    image, which shrinks least when the hand turns edge-on."""
    d = image[MCPS[[0, 1, 3]], :2] - image[WRIST, :2]
    return float(np.sqrt((d * d).sum(axis=1)).max())


def skin_model(rgb: np.ndarray, image: np.ndarray) -> SkinModel | None:
    """The hand's skin colour from pixels inside its palm (image: (21, >=2) pixels);
    None when too few palm pixels are in the image or bright enough to have a colour."""
    px, inside = sample(rgb, _PALM_WEIGHTS @ image[_PALM, :2])
    c, s = _chroma(px[inside])
    c = c[s > MIN_SUM]
    s = s[s > MIN_SUM]
    if len(c) < 10:
        return None
    d = ((c - np.median(c, axis=0)) ** 2).sum(axis=1)
    k = (3 * len(d)) // 4
    c = c[d <= np.partition(d, k)[k]]
    mean = c.mean(axis=0)
    dc = c - mean
    a = float((dc[:, 0] ** 2).mean()) + MIN_COV
    b = float((dc[:, 0] * dc[:, 1]).mean())
    e = float((dc[:, 1] ** 2).mean()) + MIN_COV
    # The 2x2 inverse by hand: np.linalg.inv costs milliseconds under BLAS threads on a
    # loaded machine.
    inv = np.array([[e, -b], [-b, a]]) / (a * e - b * b)
    return SkinModel(mean, inv, float(np.median(s)))


def is_skin(rgb: np.ndarray, xy: np.ndarray, skin: SkinModel) -> np.ndarray:
    """Whether the pixel at each point of xy (N, 2) has the hand's colour (and is in the
    image)."""
    px, inside = sample(rgb, xy)
    c, s = _chroma(px)
    d = c - skin.mean
    ic = skin.inv_cov
    d2 = ic[0, 0] * d[:, 0] ** 2 + 2 * ic[0, 1] * d[:, 0] * d[:, 1] + ic[1, 1] * d[:, 1] ** 2
    luma = s / max(skin.luma, 1.0)
    return (d2 < SKIN_D2) & (luma > LUMA_RANGE[0]) & (luma < LUMA_RANGE[1]) & inside


def skin_runs(ok: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Per ray (a row of an (A, R) bool array of samples outward from the wrist), how
    many samples of skin follow `start` (A,), one missing sample bridged: a drawn mark or
    a crease does not end a forearm."""
    _, r = ok.shape
    j = np.arange(r)[None, :]
    before = j < start[:, None]
    miss = ~(ok | before)
    stop_at = np.concatenate([miss[:, :-1] & miss[:, 1:], miss[:, -1:]], axis=1)
    stop = np.where(stop_at.any(axis=1), np.argmax(stop_at, axis=1), r)
    real = ok & ~before & (j < stop[:, None])
    last = np.where(real.any(axis=1), r - 1 - np.argmax(real[:, ::-1], axis=1), -1)
    return np.where(last >= 0, last + 1 - start, 0)


def polar_grid(n_angles: int) -> tuple[np.ndarray, np.ndarray]:
    """(angles (A,), unit rays (A, 2)) of a polar sampling grid, rays at equal steps."""
    ang = np.linspace(0.0, 2 * np.pi, n_angles, endpoint=False)
    return ang, np.stack([np.cos(ang), np.sin(ang)], axis=1)
