"""Analytic hand landmarks with exactly known joint angles, for kinematics tests.

Built independently of the renderer: a right hand in a frame with x radial, y distal,
z palmar (right-handed), each finger a planar chain bent about its own hinge axis.
"""

from __future__ import annotations

import numpy as np

# wrist -> MCP positions (mm) and phalanx lengths (mm), typical adult proportions.
MCP = np.array([[25.0, 88.0, 0.0], [3.0, 90.0, 0.0], [-17.0, 84.0, 0.0], [-35.0, 76.0, 0.0]])
PHALANGES = np.array([[40, 22, 16], [45, 26, 17], [41, 26, 17], [33, 18, 16]], dtype=float)
THUMB_CMC = np.array([20.0, 25.0, 8.0])
THUMB_BONES = np.array([45.0, 32.0, 26.0])


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v)


def right_hand(flexion: np.ndarray, abduction: np.ndarray | None = None) -> np.ndarray:
    """(21, 3) landmarks for 14 flexion angles (deg, ANGLE_NAMES order).

    abduction: (4,) deg per finger at the MCP, positive toward the thumb (radial).
    """
    flexion = np.radians(np.asarray(flexion, dtype=float))
    abduction = np.zeros(4) if abduction is None else np.radians(abduction)
    z = np.array([0.0, 0.0, 1.0])
    pts = np.zeros((21, 3))
    for f in range(4):
        d0 = _unit(MCP[f])
        c, s = np.cos(abduction[f]), np.sin(abduction[f])
        radial = np.cross(d0, z)          # toward the thumb (+x)
        d0 = c * d0 + s * radial
        base = 5 + 4 * f
        pts[base] = MCP[f]
        total = 0.0
        for k in range(3):
            total += flexion[3 * f + k]
            direction = np.cos(total) * d0 + np.sin(total) * z
            pts[base + k + 1] = pts[base + k] + PHALANGES[f, k] * direction
    u0 = _unit(np.array([1.0, 1.0, 0.4]))
    toward = _unit(z - np.array([1.0, 0.0, 0.0]))          # palmar and ulnar
    v = _unit(toward - np.dot(toward, u0) * u0)
    pts[1] = THUMB_CMC
    pts[2] = THUMB_CMC + THUMB_BONES[0] * u0
    total = 0.0
    for k, angle in enumerate(flexion[12:14]):
        total += angle
        pts[3 + k] = pts[2 + k] + THUMB_BONES[1 + k] * (np.cos(total) * u0 + np.sin(total) * v)
    return pts


def rotation(yaw: float, pitch: float, roll: float) -> np.ndarray:
    """A rotation matrix from three angles (deg) about z, y and x."""
    a, b, g = np.radians([yaw, pitch, roll])
    rz = np.array([[np.cos(a), -np.sin(a), 0], [np.sin(a), np.cos(a), 0], [0, 0, 1]])
    ry = np.array([[np.cos(b), 0, np.sin(b)], [0, 1, 0], [-np.sin(b), 0, np.cos(b)]])
    rx = np.array([[1, 0, 0], [0, np.cos(g), -np.sin(g)], [0, np.sin(g), np.cos(g)]])
    return rz @ ry @ rx


def mirror(points: np.ndarray) -> np.ndarray:
    """The mirror image (x flipped): right-hand geometry becomes left-hand geometry."""
    return points * np.array([-1.0, 1.0, 1.0])
