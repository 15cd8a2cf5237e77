"""A kinematic hand: anatomical bone lengths, joint angles in, 21 joint centres out.

The model exists so that synthetic video comes with *exact* joint angles. It is built so
that the clinical convention (docs/clinical.md), applied to its own joint centres,
returns the angles that drove it: at MCP flexion 0 the proximal phalanx continues the
wrist->MCP line, and each finger flexes in one plane, about a hinge axis perpendicular to
that line and to the palm normal (the same hinge `vision.kinematics.flexion_angles` uses).

Hand frame (right hand, millimetres): origin at the wrist landmark, +x radial (toward the
thumb), +y distal (toward the fingers), +z palmar (out of the palm). A left hand is the
mirror image (x negated). Wrist and forearm motion then place that frame in the forearm
frame, whose forearm runs from the wrist along -y.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

import numpy as np

from vision.landmarks import FINGER_CHAINS, FINGERS, N_ANGLES, THUMB_CHAIN, THUMB_CMC, Side


def _rot(axis: np.ndarray, deg: float) -> np.ndarray:
    """Rotation matrix about a unit axis (right-hand rule), angle in degrees."""
    a = np.asarray(axis, dtype=float)
    a = a / np.linalg.norm(a)
    t = np.radians(deg)
    k = np.array([[0.0, -a[2], a[1]], [a[2], 0.0, -a[0]], [-a[1], a[0], 0.0]])
    return np.eye(3) + np.sin(t) * k + (1.0 - np.cos(t)) * (k @ k)


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v)


@dataclass(frozen=True)
class HandGeometry:
    """Bone lengths and joint positions of an adult hand, millimetres.

    Phalanx lengths: mean adult values of Alexander & Viktor 2010 ("Proportions of hand
    segments", Int. J. Morphol. 28(3)): proximal index 39.8, middle 44.6, ring 41.4,
    little 32.7; middle 22.4 / 26.3 / 25.7 / 18.1; distal 15.8 / 17.4 / 16.7 / 16.0.
    Thumb metacarpal 46.2, proximal 31.6, distal 21.7 (Buryanov & Kotiuk 2010, "Proportions
    of hand segments", Int. J. Morphol. 28(3):755-758). The distal lengths are lengthened by
    3 mm of fingertip pulp because MediaPipe's tip landmark sits on the skin, not the bone.
    MCP positions: metacarpal lengths 68 / 65 / 58 / 54 mm (Buryanov & Kotiuk 2010) plus
    ~20 mm of carpus above the wrist crease; knuckle spacing ~18 mm across an ~80 mm palm.
    """

    proximal: tuple[float, float, float, float] = (39.8, 44.6, 41.4, 32.7)
    middle: tuple[float, float, float, float] = (22.4, 26.3, 25.7, 18.1)
    distal: tuple[float, float, float, float] = (18.8, 20.4, 19.7, 19.0)
    #: MCP joint centres in the hand frame (x radial, y distal), the palm plane z = 0.
    mcp_xy: tuple[tuple[float, float], ...] = ((24.0, 86.0), (5.0, 88.0), (-13.0, 82.0),
                                               (-29.0, 72.0))
    thumb_cmc: tuple[float, float, float] = (22.0, 24.0, 8.0)
    thumb_lengths: tuple[float, float, float] = (46.2, 31.6, 24.7)
    #: finger radii at the base of the proximal phalanx, PIP, DIP and near the tip (mm);
    #: adult finger breadth at the PIP is ~18-21 mm (so radius ~9-10.5 mm).
    finger_radii: tuple[tuple[float, float, float, float], ...] = (
        (9.6, 8.7, 7.6, 6.6), (9.9, 9.0, 7.9, 6.8), (9.3, 8.4, 7.4, 6.4),
        (8.2, 7.4, 6.6, 5.8),
    )
    thumb_radii: tuple[float, float, float] = (11.0, 9.6, 8.0)

    def scaled(self, k: float) -> HandGeometry:
        """The same hand, uniformly bigger or smaller (k = 1.0 is the mean adult)."""
        def s(v):  # noqa: ANN001, ANN202 - nested tuples of floats
            return tuple(s(x) for x in v) if isinstance(v, tuple) else v * k
        return replace(self, **{f.name: s(getattr(self, f.name)) for f in fields(self)})


#: which way each finger's abduction rotates about the palm normal (right hand): index and
#: middle spread radially, ring and little ulnarly.
_ABD_SIGN = np.array([-1.0, -1.0, 1.0, 1.0])


@dataclass
class HandPose:
    """Joint angles in degrees. Flexion positive toward the palm, 0 = straight.

    Finger arrays are (4,) in index, middle, ring, little order; `abd` spreads each finger
    away from the middle-finger axis (middle: radially). Thumb: `thumb_radial` is the
    metacarpal's angle from the hand's long axis toward the radial side in the palm plane,
    `thumb_palmar` its lift out of the palm plane (palmar abduction), `thumb_pronation` the
    turn of its hinge plane toward the palm (opposition); `thumb_mcp` and `thumb_ip` are
    hinge flexions. Wrist flexion positive toward the palm, deviation positive radially,
    forearm rotation positive in pronation.
    """

    mcp: np.ndarray = field(default_factory=lambda: np.zeros(4))
    pip: np.ndarray = field(default_factory=lambda: np.zeros(4))
    dip: np.ndarray = field(default_factory=lambda: np.zeros(4))
    abd: np.ndarray = field(default_factory=lambda: np.zeros(4))
    thumb_radial: float = 40.0
    thumb_palmar: float = 25.0
    thumb_pronation: float = 20.0
    thumb_mcp: float = 10.0
    thumb_ip: float = 5.0
    wrist_flex: float = 0.0
    wrist_dev: float = 0.0
    forearm_rot: float = 0.0

    _N = 4 * 4 + 8

    def to_vector(self) -> np.ndarray:
        """All angles as one flat vector, for interpolation and random variation."""
        return np.concatenate([self.mcp, self.pip, self.dip, self.abd,
                               [self.thumb_radial, self.thumb_palmar, self.thumb_pronation,
                                self.thumb_mcp, self.thumb_ip, self.wrist_flex,
                                self.wrist_dev, self.forearm_rot]]).astype(float)

    @classmethod
    def from_vector(cls, v: np.ndarray) -> HandPose:
        v = np.asarray(v, dtype=float)
        return cls(v[0:4].copy(), v[4:8].copy(), v[8:12].copy(), v[12:16].copy(),
                   *(float(x) for x in v[16:24]))

    def true_angles(self) -> np.ndarray:
        """(14,) flexion in `vision.landmarks.ANGLE_NAMES` order (fingers, then thumb)."""
        out = np.empty(N_ANGLES)
        out[:12] = np.stack([self.mcp, self.pip, self.dip], axis=1).reshape(-1)
        out[12:] = (self.thumb_mcp, self.thumb_ip)
        return out


@dataclass(frozen=True)
class Skeleton:
    """Joint centres plus the per-bone directions the renderer needs (forearm frame, mm).

    joints: (21, 3) in MediaPipe landmark order. dorsal: (21, 3) unit vector pointing to the
    back of the bone that *starts* at each joint (nails and knuckles go there; zero where
    unused). hand_rot: (3, 3) columns are the hand frame's radial, distal and palmar axes
    as seen in the forearm frame (already mirrored for a left hand).
    """

    joints: np.ndarray
    dorsal: np.ndarray
    hand_rot: np.ndarray
    side: Side


def _finger_chain(mcp: np.ndarray, d0: np.ndarray, flex: np.ndarray, abd: float,
                  abd_sign: float, lengths: tuple[float, float, float]
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Joint centres (PIP, DIP, tip) and dorsal directions (MCP, PIP, DIP) of one finger.

    The proximal phalanx starts along d0 (wrist->MCP, the clinical zero), is abducted in the
    palm plane, and the finger then bends in one plane: a bone at cumulative flexion phi
    points along d cos(phi) + n sin(phi), with n the palm normal.
    """
    n = np.array([0.0, 0.0, 1.0])
    d = _rot(n, abd_sign * abd) @ d0
    phi = np.radians(np.cumsum(flex))
    dirs = np.cos(phi)[:, None] * d + np.sin(phi)[:, None] * n
    dorsal = np.sin(phi)[:, None] * d - np.cos(phi)[:, None] * n
    pts = mcp + np.cumsum(dirs * np.asarray(lengths)[:, None], axis=0)
    return pts, dorsal


def thumb_axes(pose: HandPose) -> tuple[np.ndarray, np.ndarray]:
    """Thumb metacarpal direction u and the unit direction f it flexes toward (right hand).

    f starts as the ulnar direction (across the palm) made perpendicular to u, then turns
    about u toward the palm by `thumb_pronation`: the thumb's axial rotation in opposition.
    """
    n = np.array([0.0, 0.0, 1.0])
    r = np.radians(pose.thumb_radial)
    base = np.array([np.sin(r), np.cos(r), 0.0])
    p = np.radians(pose.thumb_palmar)
    u = np.cos(p) * base + np.sin(p) * n
    ulnar = np.array([-1.0, 0.0, 0.0])
    f0 = _unit(ulnar - np.dot(ulnar, u) * u)
    side = np.cross(u, f0)
    if side[2] < 0:
        side = -side
    q = np.radians(pose.thumb_pronation)
    return u, _unit(np.cos(q) * f0 + np.sin(q) * side)


def hand_rotation(pose: HandPose) -> np.ndarray:
    """Rotation of the hand frame into the forearm frame (wrist, then forearm rotation)."""
    x, y, z = np.eye(3)
    return _rot(y, -pose.forearm_rot) @ _rot(x, pose.wrist_flex) @ _rot(z, -pose.wrist_dev)


def skeleton(pose: HandPose, geometry: HandGeometry | None = None,
             side: Side = "right") -> Skeleton:
    """Joint centres and bone orientations for a pose (forearm frame, millimetres)."""
    g = geometry or HandGeometry()
    joints = np.zeros((21, 3))
    dorsal = np.zeros((21, 3))
    for i, _name in enumerate(FINGERS):
        mcp = np.array([*g.mcp_xy[i], 0.0])
        d0 = _unit(mcp)
        flex = np.array([pose.mcp[i], pose.pip[i], pose.dip[i]])
        pts, dors = _finger_chain(mcp, d0, flex, float(pose.abd[i]), _ABD_SIGN[i],
                                  (g.proximal[i], g.middle[i], g.distal[i]))
        chain = FINGER_CHAINS[i]
        joints[chain[0]] = mcp
        joints[chain[1:]] = pts
        dorsal[chain[:3]] = dors

    u, f = thumb_axes(pose)
    phi = np.radians(np.cumsum([0.0, pose.thumb_mcp, pose.thumb_ip]))
    dirs = np.cos(phi)[:, None] * u + np.sin(phi)[:, None] * f
    joints[THUMB_CMC] = g.thumb_cmc
    joints[THUMB_CHAIN[1:]] = joints[THUMB_CMC] + np.cumsum(
        dirs * np.asarray(g.thumb_lengths)[:, None], axis=0)
    dorsal[THUMB_CHAIN[:3]] = np.sin(phi)[:, None] * u - np.cos(phi)[:, None] * f

    rot = hand_rotation(pose)
    joints = joints @ rot.T
    dorsal = dorsal @ rot.T
    if side == "left":
        mirror = np.diag([-1.0, 1.0, 1.0])
        joints, dorsal, rot = joints @ mirror, dorsal @ mirror, mirror @ rot
    return Skeleton(joints=joints, dorsal=dorsal, hand_rot=rot, side=side)
