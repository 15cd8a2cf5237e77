"""Pose the mesh hand with HandPose joint angles: bone transforms and linear blend skinning.

The forward kinematics is that of hand_model.py, run on the mesh's own skeleton (its bone
lengths, knuckle and thumb-base positions): each finger abducts about the palm normal and
then flexes in one plane about the hinge `vision.kinematics` measures with (wrist->MCP x
palm normal); the thumb follows `hand_model.thumb_axes`; wrist and forearm motion use
`hand_model.hand_rotation`. Every bone gets a rigid transform from its bind frame to its
posed frame, and each vertex blends the transforms of its four strongest bones (LBS).

The truth a clip carries is read back from the posed joint centres with
`vision.kinematics.flexion_angles` (`PosedHand.true_angles`), so it is what the mesh shows;
it equals the HandPose angles to within a degree (abduction tilts the flexion plane a
little, as in hand_model.py).

Where the 21 landmarks sit: MediaPipe's annotators click each joint at the middle of the
digit where it bends, which is the bone joint centre seen from outside; those are the rig's
joint centres here. Fingertips: `PosedHand.landmarks` puts each tip on the distal bone's
axis (so the DIP and IP angles are unchanged by it), `TIP_INSET_MM` short of where that
axis leaves the skin, because MediaPipe does not put the tip on the very end of the digit:
on studio renders, palm view, its tips sat 6-8 px (about 5 mm) short of the skin end along
the digit, its index and little MCPs 6-8 px proximal of the rig's (MakeHuman's knuckle
joints sit near the finger webs) and its wrist 16 px (11 mm) distal of the rig's wrist joint
(explore/lmerr.py in the studio scratch). The wrist is kept at the joint centre, the
clinical reference of the MCP angle; moving it along the hand's axis changes flexion little.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from vision.kinematics import flexion_angles
from vision.landmarks import Side

from .hand_mesh import LANDMARK_JOINTS, HandMesh, load_hand_mesh
from .hand_model import HandPose, hand_rotation, thumb_axes

_ABD_SIGN = np.array([-1.0, -1.0, 1.0, 1.0])   # as hand_model: index, middle radial
_N = np.array([0.0, 0.0, 1.0])                  # palm normal in the hand frame
_MIRROR = np.array([-1.0, 1.0, 1.0])
#: fingertip landmarks sit this far (mm) inside the skin end of the digit, at the pulp
TIP_INSET_MM = 5.0
#: share of the forearm's rotation taken by its proximal and distal bones (the radius
#: turns about the ulna: the distal forearm turns with the hand, the elbow end hardly).
_FOREARM_TWIST = (0.2, 0.75)


def _rot(axis: np.ndarray, deg: float) -> np.ndarray:
    a = np.asarray(axis, float) / np.linalg.norm(axis)
    t = np.radians(deg)
    k = np.array([[0.0, -a[2], a[1]], [a[2], 0.0, -a[0]], [-a[1], a[0], 0.0]])
    return np.eye(3) + np.sin(t) * k + (1.0 - np.cos(t)) * (k @ k)


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def _frame(direction: np.ndarray, hinge: np.ndarray) -> np.ndarray:
    """Rotation whose columns are the bone direction, its hinge (made perpendicular) and
    their cross product: a bone's orientation, bind or posed, in one convention."""
    x = _unit(direction)
    y = _unit(hinge - (hinge @ x) * x)
    return np.stack([x, y, np.cross(x, y)], axis=1)


def _between(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The smallest rotation taking unit vector a to unit vector b."""
    axis = np.cross(a, b)
    s = np.linalg.norm(axis)
    if s < 1e-12:
        return np.eye(3)
    return _rot(axis, np.degrees(np.arctan2(s, a @ b)))


@dataclass(frozen=True)
class MeshRig:
    """The mesh's bind skeleton, in the hand frame (mm).

    chains: (5, 4, 3) thumb CMC, MCP, IP, tip and each finger's MCP, PIP, DIP and distal
    bone end. bind: (n_bones, 3, 3) bind orientation of each bone; heads: (n_bones, 3) its
    bind pivot. tip_skin: (5,) distance from the last joint to the skin along the distal
    bone. bind_abd: (4,) each finger's abduction in the bind pose (deg). forearm_align:
    (3, 3) turns the mesh's forearm onto -y (the hand in line with the forearm at neutral).
    thumb_pulp: (3,) the unit direction the bind thumb's pulp faces (its flexion side).
    """

    chains: np.ndarray
    bind: np.ndarray
    heads: np.ndarray
    tip_skin: np.ndarray
    bind_abd: np.ndarray
    forearm_align: np.ndarray
    thumb_pulp: np.ndarray
    bone_names: tuple[str, ...]


def _tip_skin(mesh: HandMesh, bone: int, head: np.ndarray, d: np.ndarray) -> float:
    """Distance from head to where the axis along d leaves the skin of `bone`'s vertices."""
    own = mesh.bone_weight[:, 0] * (mesh.bone_index[:, 0] == bone) > 0.8
    rel = mesh.positions[own] - head
    along = rel @ d
    off = np.linalg.norm(rel - along[:, None] * d, axis=1)
    near = off < np.percentile(off, 8)
    return float(np.max(along[near]))


def _thumb_pulp(mesh: HandMesh, chains: np.ndarray) -> np.ndarray:
    """The bind thumb's flexion direction: opposite its nail's normal, across its axis."""
    nail = _nail_vertices(mesh)
    tip_bone = mesh.bone("finger1-3")
    own = (mesh.bone_index[:, 0] == tip_bone) & (mesh.bone_weight[:, 0] > 0.8) & nail
    d = _unit(chains[0, 3] - chains[0, 2])
    n = -mesh.bind_normals[own].mean(axis=0)
    return _unit(n - (n @ d) * d)


def _nail_vertices(mesh: HandMesh) -> np.ndarray:
    """(n,) True for positions that carry nail (sampled from the nail mask by UV)."""
    h, w = mesh.nail_mask.shape
    u = np.clip((mesh.uv[:, 0] * w).astype(int), 0, w - 1)
    v = np.clip((mesh.uv[:, 1] * h).astype(int), 0, h - 1)
    on = mesh.nail_mask[v, u] > 128
    out = np.zeros(len(mesh.positions), bool)
    out[mesh.render_vertex[on]] = True
    return out


@lru_cache(maxsize=2)
def mesh_rig(mesh: HandMesh | None = None) -> MeshRig:
    """The bind skeleton and bone frames of the mesh (computed once)."""
    mesh = mesh or load_hand_mesh()
    j = mesh.joints
    chains = np.stack([[j[f"finger-{i}-{k}"] for k in range(1, 5)] for i in range(1, 6)])
    names = mesh.bone_names
    bind = np.tile(np.eye(3), (len(names), 1, 1))
    heads = np.zeros((len(names), 3))
    bind_abd = np.zeros(4)
    for f in range(4):
        mcp = chains[f + 1, 0]
        d0 = _unit(mcp)
        hinge = _unit(np.cross(d0, _N))
        p = chains[f + 1, 1] - mcp
        p_plane, d_plane = p - (p @ _N) * _N, d0 - (d0 @ _N) * _N
        ang = np.degrees(np.arctan2(np.cross(d_plane, p_plane) @ _N, d_plane @ p_plane))
        bind_abd[f] = ang * _ABD_SIGN[f]
        h_bind = _rot(_N, ang) @ hinge
        for k in range(3):
            b = names.index(f"finger{f + 2}-{k + 1}")
            bind[b] = _frame(chains[f + 1, k + 1] - chains[f + 1, k], h_bind)
            heads[b] = chains[f + 1, k]
    pulp = _thumb_pulp(mesh, chains)
    for k in range(3):
        b = names.index(f"finger1-{k + 1}")
        d = chains[0, k + 1] - chains[0, k]
        bind[b] = _frame(d, np.cross(_unit(d), pulp))
        heads[b] = chains[0, k]
    tip_skin = np.array([
        _tip_skin(mesh, names.index(f"finger{i + 1}-3"), chains[i, 2],
                  _unit(chains[i, 3] - chains[i, 2])) for i in range(5)])
    align = _between(_unit(-j["elbow"]), np.array([0.0, 1.0, 0.0]))
    return MeshRig(chains=chains, bind=bind, heads=heads, tip_skin=tip_skin,
                   bind_abd=bind_abd, forearm_align=align, thumb_pulp=pulp, bone_names=names)


@dataclass(frozen=True)
class PosedHand:
    """One posed hand in the forearm frame of hand_model.py (mm), already mirrored for a
    left hand.

    transforms: (n_bones, 3, 4) bind -> posed rigid transform of each bone (right-hand
    coordinates; `skin` mirrors). joints: (21, 3) joint centres in MediaPipe order with
    the bone ends as tips. landmarks: the same with the tips at the fingertip pulp, where
    MediaPipe puts them (TIP_INSET_MM inside the skin end). hand_rot: (3, 3) the hand
    frame's axes in the forearm frame (mirrored). thumb_hinge: (3,) the thumb's flexion
    axis, which signs its angles in `true_angles`.
    """

    transforms: np.ndarray
    joints: np.ndarray
    landmarks: np.ndarray
    hand_rot: np.ndarray
    side: Side
    thumb_hinge: np.ndarray

    def true_angles(self) -> np.ndarray:
        """(14,) flexion read back from the posed joint centres (vision.kinematics).

        The thumb's two angles keep the magnitude flexion_angles reads, signed about the
        thumb's own hinge: flexion_angles signs a thumb by whether it bends palmar and
        ulnar, which a thumb wrapped over a fist's fingers fails (a 29 deg flexed IP reads
        -29), while the mesh shows flexion.
        """
        out = flexion_angles(self.landmarks, self.side)
        chain = self.landmarks[[1, 2, 3, 4]]
        bones = np.diff(chain, axis=0)
        turn = np.einsum("ij,j->i", np.cross(bones[:-1], bones[1:]), self.thumb_hinge)
        out[12:] = np.abs(out[12:]) * np.where(turn < 0, -1.0, 1.0)
        return out


def _rigid(posed_rot: np.ndarray, posed_head: np.ndarray, bind_rot: np.ndarray,
           bind_head: np.ndarray) -> np.ndarray:
    r = posed_rot @ bind_rot.T
    return np.concatenate([r, (posed_head - r @ bind_head)[:, None]], axis=1)


def pose_hand(pose: HandPose, side: Side = "right", rig: MeshRig | None = None) -> PosedHand:
    """Bone transforms, joint centres and landmarks of the mesh hand in `pose`."""
    rig = rig or mesh_rig()
    names = rig.bone_names
    hand = hand_rotation(pose)
    tf = np.zeros((len(names), 3, 4))
    tf[:] = np.concatenate([hand, np.zeros((3, 1))], axis=1)     # palm and carpus: rigid
    for b, share in zip(("lowerarm01", "lowerarm02"), _FOREARM_TWIST, strict=True):
        twist = _rot(np.array([0.0, 1.0, 0.0]), -share * pose.forearm_rot)
        tf[names.index(b)] = np.concatenate([twist @ rig.forearm_align, np.zeros((3, 1))],
                                            axis=1)
    joints = np.zeros((21, 3))
    tips = np.zeros((5, 3))
    flex = np.stack([pose.mcp, pose.pip, pose.dip], axis=1)
    for f in range(4):
        mcp = rig.chains[f + 1, 0]
        d0 = _unit(mcp)
        hinge = _unit(np.cross(d0, _N))
        spin = _rot(_N, _ABD_SIGN[f] * float(pose.abd[f]))
        d, h = spin @ d0, spin @ hinge
        q = np.cross(h, d)
        phi = np.radians(np.cumsum(flex[f]))
        dirs = np.cos(phi)[:, None] * d + np.sin(phi)[:, None] * q
        lengths = np.linalg.norm(np.diff(rig.chains[f + 1], axis=0), axis=1)
        pts = mcp + np.concatenate([[np.zeros(3)], np.cumsum(dirs * lengths[:, None], 0)])
        for k in range(3):
            b = names.index(f"finger{f + 2}-{k + 1}")
            tf[b] = _rigid(hand @ _frame(dirs[k], h), hand @ pts[k], rig.bind[b], rig.heads[b])
        joints[5 + 4 * f:9 + 4 * f] = pts
        tips[f + 1] = pts[2] + dirs[2] * (rig.tip_skin[f + 1] - TIP_INSET_MM)
    u, fdir = thumb_axes(pose)
    phi = np.radians(np.cumsum([0.0, pose.thumb_mcp, pose.thumb_ip]))
    dirs = np.cos(phi)[:, None] * u + np.sin(phi)[:, None] * fdir
    lengths = np.linalg.norm(np.diff(rig.chains[0], axis=0), axis=1)
    pts = rig.chains[0, 0] + np.concatenate([[np.zeros(3)],
                                             np.cumsum(dirs * lengths[:, None], 0)])
    hinge = np.cross(u, fdir)
    for k in range(3):
        b = names.index(f"finger1-{k + 1}")
        tf[b] = _rigid(hand @ _frame(dirs[k], hinge), hand @ pts[k], rig.bind[b], rig.heads[b])
    joints[1:5] = pts
    tips[0] = pts[2] + dirs[2] * (rig.tip_skin[0] - TIP_INSET_MM)
    joints = joints @ hand.T
    landmarks = joints.copy()
    landmarks[[4, 8, 12, 16, 20]] = tips @ hand.T
    rot = hand
    hinge = hand @ hinge
    if side == "left":
        joints, landmarks = joints * _MIRROR, landmarks * _MIRROR
        rot = np.diag(_MIRROR) @ hand
        hinge = -hinge * _MIRROR        # a mirror flips the sense of a rotation axis
    return PosedHand(transforms=tf, joints=joints, landmarks=landmarks, hand_rot=rot,
                     side=side, thumb_hinge=hinge)


def skin(mesh: HandMesh, posed: PosedHand) -> tuple[np.ndarray, np.ndarray]:
    """Linear blend skinning: (n, 3) posed positions (mm) and unit normals, forearm frame.

    A left hand is mirrored here (x negated), after skinning the right-hand mesh.
    """
    m = np.einsum("nk,nkij->nij", mesh.bone_weight, posed.transforms[mesh.bone_index])
    pos = np.einsum("nij,nj->ni", m[:, :, :3], mesh.positions) + m[:, :, 3]
    nrm = np.einsum("nij,nj->ni", m[:, :, :3], mesh.bind_normals)
    nrm /= np.linalg.norm(nrm, axis=1, keepdims=True)
    if posed.side == "left":
        pos, nrm = pos * _MIRROR, nrm * _MIRROR
    return pos, nrm


__all__ = ["LANDMARK_JOINTS", "MeshRig", "PosedHand", "mesh_rig", "pose_hand", "skin"]
