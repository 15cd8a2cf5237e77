"""The hand's flesh: tapered capsules hung on the kinematic skeleton.

Sizes are adult means in millimetres: palm breadth ~80 mm at the knuckles and thickness
~25-30 mm, wrist ~60 x 40 mm, forearm ~65 mm wide below the wrist (anthropometric
summaries such as Greiner 1991, US Army hand anthropometry). The palm is a row of
overlapping capsules along the metacarpals with fillers between them, so that it reads as
one smooth slab; thenar and hypothenar masses sit on its palmar side; the forearm is two
side-by-side capsules to get its flattened cross-section.
"""

from __future__ import annotations

import numpy as np

from vision.landmarks import FINGER_CHAINS, MCPS, THUMB_CMC, THUMB_IP, THUMB_MCP, THUMB_TIP

from .hand_model import HandGeometry, Skeleton
from .raster import NAIL, SKIN


class _Builder:
    """Accumulates capsules (forearm frame, mm) with their palmar direction and material."""

    def __init__(self) -> None:
        self.rows: list[tuple[np.ndarray, np.ndarray, float, float, np.ndarray, int, int]] = []
        self.group = 0

    def add(self, a: np.ndarray, b: np.ndarray, ra: float, rb: float, palmar: np.ndarray,
            material: int = SKIN) -> None:
        self.rows.append((np.asarray(a, float), np.asarray(b, float), float(ra), float(rb),
                          np.asarray(palmar, float), material, self.group))

    def arrays(self) -> tuple[np.ndarray, ...]:
        p0 = np.array([r[0] for r in self.rows])
        p1 = np.array([r[1] for r in self.rows])
        r0 = np.array([r[2] for r in self.rows])
        r1 = np.array([r[3] for r in self.rows])
        palmar = np.array([r[4] for r in self.rows])
        material = np.array([r[5] for r in self.rows], dtype=np.int8)
        group = np.array([r[6] for r in self.rows], dtype=np.int8)
        return p0, p1, r0, r1, palmar, material, group


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v)


def hand_capsules(sk: Skeleton, geometry: HandGeometry | None = None,
                  forearm_rot_deg: float = 0.0) -> tuple[np.ndarray, ...]:
    """(p0, p1, r0, r1, palmar, material, group) arrays for the hand and forearm (mm).

    group 1 is the palm slab and 2 the forearm (smooth surfaces), 0 everything else.
    """
    g = geometry or HandGeometry()
    j = sk.joints
    rot = sk.hand_rot
    mirror = -1.0 if sk.side == "left" else 1.0
    palm_n = rot[:, 2]
    b = _Builder()

    def hp(x: float, y: float, z: float) -> np.ndarray:
        """A point given in the right-hand frame, placed like the hand (and mirrored)."""
        return rot @ np.array([x, y, z])

    # Forearm: runs from the wrist along -y of the forearm frame; it turns with pronation.
    t = np.radians(forearm_rot_deg)
    across = np.array([np.cos(t), 0.0, -np.sin(t)])
    fore_palm = np.array([np.sin(t), 0.0, np.cos(t)])
    b.group = 2
    for s in (-1.0, 1.0):
        off = across * 9.0 * s
        b.add(off + [0, -12.0, 0], off * 1.3 + [0, -280.0, 0], 18.0, 24.0, fore_palm)
    b.group = 1
    b.add(hp(-11.0, 2.0, 0.0), hp(10.0, 2.0, 0.0), 17.0, 17.0, palm_n)

    # Palm: a fan of overlapping capsules from the carpus to the knuckle line, spaced
    # closely enough (< 9 mm for 13 mm radii) that the grooves between them stay under
    # 1 mm and the palm reads as one smooth slab ~26 mm thick.
    mcp = j[MCPS]
    knuckle = [g.finger_radii[i][0] * 1.22 for i in range(4)]
    fan = np.linspace(0.0, 3.0, 8)
    for u in fan:
        i = min(int(u), 2)
        a = u - i
        top = (1 - a) * mcp[i] + a * mcp[i + 1] - rot[:, 1] * 3.0
        r_top = (1 - a) * knuckle[i] + a * knuckle[i + 1]
        x_base = 16.0 - u / 3.0 * 32.0
        b.add(hp(x_base, 16.0, 1.0), top, 13.5, r_top, palm_n)
    # Distal palmar pad in front of the knuckles, and the hypothenar mass on the ulnar side.
    b.add(mcp[0] + palm_n * 3.5 - rot[:, 1] * 9.0, mcp[3] + palm_n * 3.5 - rot[:, 1] * 8.0,
          10.5, 9.5, palm_n)
    b.add(hp(-20.0, 14.0, 5.0), hp(-26.0, 60.0, 4.0), 13.5, 11.0, palm_n)

    # Thumb: metacarpal inside the thenar mass, web to the index, phalanges.
    radial = rot[:, 0] * mirror
    cmc, mcp_t, ip, tip = j[THUMB_CMC], j[THUMB_MCP], j[THUMB_IP], j[THUMB_TIP]
    b.add(cmc - radial * 2.0, mcp_t, g.thumb_radii[0] + 2.0, g.thumb_radii[0], palm_n)
    b.add(hp(10.0, 14.0, 7.0), 0.45 * cmc + 0.55 * mcp_t + palm_n * 3.0, 18.0, 13.0, palm_n)
    web_end = hp(g.mcp_xy[0][0] - 4.0, g.mcp_xy[0][1] - 20.0, 1.0)
    b.add(0.2 * cmc + 0.8 * mcp_t, web_end, 7.0, 9.0, palm_n)
    b.group = 0
    tr = g.thumb_radii
    b.add(mcp_t, ip, tr[0], tr[1], -sk.dorsal[THUMB_MCP])
    b.add(ip, tip - _unit(tip - ip) * tr[2] * 0.9, tr[1], tr[2], -sk.dorsal[THUMB_IP])
    _nail(b, ip, tip, sk.dorsal[THUMB_IP], tr[2], 0.95)

    # Fingers: three phalanges each, nails on the dorsal side of the distal phalanx.
    for i in range(4):
        c = FINGER_CHAINS[i, 0]
        rr = g.finger_radii[i]
        for k in range(3):
            a, e = j[c + k], j[c + k + 1]
            if k == 2:
                e = e - _unit(e - a) * rr[3] * 0.9
            b.add(a, e, rr[k], rr[k + 1], -sk.dorsal[c + k])
        _nail(b, j[c + 2], j[c + 3], sk.dorsal[c + 2], rr[3], 1.0)
    return b.arrays()


def _nail(b: _Builder, dip: np.ndarray, tip: np.ndarray, dorsal: np.ndarray, r: float,
          width: float) -> None:
    """A nail plate: a slim capsule just proud of the distal phalanx's dorsal surface."""
    axis = _unit(tip - dip)
    length = float(np.linalg.norm(tip - dip))
    a = dip + axis * length * 0.42 + dorsal * r * 0.62
    c = tip - axis * r * 1.05 + dorsal * r * 0.55
    b.add(a, c, r * 0.5 * width, r * 0.52 * width, -dorsal, NAIL)
