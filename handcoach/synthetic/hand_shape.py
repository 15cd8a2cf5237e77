"""Other people's hands: the studio mesh with its palm and each phalanx made longer or shorter.

Why: MakeHuman's hand is one hand. A learned correction trained on renders of it alone
can learn that hand's proportions (how long a middle phalanx is against the proximal
one, how wide the palm is against its length) as if they were MediaPipe's errors, and then
err on hands built otherwise. Adult hands differ in these ratios by several per cent
(phalanx lengths vary with a coefficient of about 5-8% between adults, and the finger
length ratios independently of hand size: Buryanov & Kotiuk 2010, Alexander et al. 2010).

    shape = HandShape.random(rng)            # or HandShape() for the mesh as it is
    mesh = reshape(load_hand_mesh(), shape)  # a new HandMesh; mesh_rig(mesh) follows it

The bind pose is deformed, before any posing: the whole hand is scaled across (palm
width) and along (palm length) its axes, then each phalanx is stretched along its bone
from its proximal joint, the distal part of the digit moving with it. Each vertex blends
its bones' deformations with its own skin weights, as posing does, so the skin between
two phalanges stays smooth. Joint centres move exactly with their bones, so the truth the
posed mesh carries stays what it shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from .hand_mesh import HandMesh

#: how far (as a fraction) a random hand's proportions stray from the mesh's (1 sd).
DIGIT_SD = 0.05
SEGMENT_SD = 0.04
LIMIT = 0.15


@dataclass(frozen=True)
class HandShape:
    """Proportions relative to the mesh. palm_width: across (x); palm_length: along (y)
    the whole hand; segments: (5, 3) length factor of each digit's three bones (thumb
    metacarpal, proximal, distal; each finger's proximal, middle, distal phalanx)."""

    palm_width: float = 1.0
    palm_length: float = 1.0
    segments: tuple[tuple[float, float, float], ...] = field(
        default=((1.0, 1.0, 1.0),) * 5)

    @classmethod
    def random(cls, rng: np.random.Generator) -> HandShape:
        """A plausible other hand: each digit longer or shorter as a whole, and each
        phalanx a little against its neighbours."""
        digit = rng.normal(0.0, DIGIT_SD, (5, 1))
        seg = np.clip(1.0 + digit + rng.normal(0.0, SEGMENT_SD, (5, 3)), 1 - LIMIT, 1 + LIMIT)
        return cls(palm_width=float(rng.uniform(0.92, 1.08)),
                   palm_length=float(rng.uniform(0.94, 1.06)),
                   segments=tuple(tuple(float(v) for v in row) for row in seg))


def reshape(mesh: HandMesh, shape: HandShape) -> HandMesh:
    """The mesh with `shape`'s proportions (a new HandMesh; `mesh` is unchanged)."""
    if shape == HandShape():
        return mesh
    scale = np.array([shape.palm_width, shape.palm_length, 1.0])
    pos = mesh.positions * scale
    joints = {k: v * scale for k, v in mesh.joints.items()}
    n_bones = len(mesh.bone_names)
    shift = np.zeros((n_bones, len(pos), 3))   # each bone's displacement of every vertex
    for i in range(1, 6):
        offset = np.zeros(3)
        for k in range(1, 4):
            head, tail = joints[f"finger-{i}-{k}"], joints[f"finger-{i}-{k + 1}"]
            length = float(np.linalg.norm(tail - head))
            d = (tail - head) / length
            s = shape.segments[i - 1][k - 1]
            along = (pos - head) @ d
            along = np.clip(along, 0.0, None if k == 3 else length)
            b = mesh.bone(f"finger{i}-{k}")
            shift[b] = offset + (s - 1.0) * along[:, None] * d
            joints[f"finger-{i}-{k}"] = head + offset
            offset = offset + (s - 1.0) * length * d
        joints[f"finger-{i}-4"] = joints[f"finger-{i}-4"] + offset
    moved = np.einsum("nk,nkc->nc", mesh.bone_weight,
                      shift[mesh.bone_index, np.arange(len(pos))[:, None]])
    normals = mesh.bind_normals / scale
    normals /= np.linalg.norm(normals, axis=1, keepdims=True)
    return replace(mesh, positions=pos + moved, bind_normals=normals, joints=joints,
                   finger_bases=mesh.finger_bases * scale)


__all__ = ["HandShape", "reshape"]
