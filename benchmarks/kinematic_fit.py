"""Issue 13's suggested estimator, measured: a kinematic hand fitted to each frame's image
landmarks, against what HandCoach reports, on the real hands of ../shared/groundtruth.

    .venv/bin/python benchmarks/kinematic_fit.py [--frames N] [--iterations 5]

The fit (an experiment: nothing in the app uses it). Per session, a hand model is
calibrated from MediaPipe's world landmarks of the session's frames: the palm as a rigid
shape (wrist, thumb CMC, four MCPs; medians in the palm's own axes) and the median length
of every finger and thumb bone. Each frame then gets 27 parameters: the hand's rotation,
a weak-perspective scale and image offset, per finger MCP spread and flexion, PIP and DIP
flexion about one hinge (a planar finger), the thumb's metacarpal direction (2), MCP
flexion and spread, and IP flexion. Levenberg-Marquardt (forward-difference Jacobian, one
batched evaluation per step) from the last frame's solution minimises: the 21 image x, y
(in palm lengths), a depth prior (each joint's depth behind the wrist against MediaPipe's,
weight `--depth-weight`), joint limits, and a pull toward the last frame's angles. The
flexion reported is `vision.kinematics.flexion_angles` of the fitted joints, the convention
of the truth.

Rows: naive and HandCoach (as benchmarks/accuracy_real.py), the fit with MediaPipe's world
depth, with its image depth, and two bounds that read the truth and are no estimator: the
fit with the truth's depth, and with the truth's depth and its bone lengths and palm.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from accuracy_real import GROUNDTRUTH, GROUPS, naive_angles, truth_chirality  # noqa: E402

from vision.accuracy import ACCURACY_FILE  # noqa: E402
from vision.angle_model import DEFAULT_MODEL  # noqa: E402
from vision.kinematics import flexion_angles, hand_flexion, palm_frame  # noqa: E402
from vision.landmarks import FINGER_CHAINS, THUMB_CHAIN, WRIST, HandLandmark  # noqa: E402
from vision.measurer import HandMeasurer  # noqa: E402
from vision.smoothing import LandmarkSmoother  # noqa: E402
from vision.sources import VideoFileSource  # noqa: E402
from vision.tracker import HandTracker  # noqa: E402

RIGID = np.array([WRIST, HandLandmark.THUMB_CMC, *FINGER_CHAINS[:, 0]])
#: the model's axes are (distal, radial, palmar), a left-handed triple for a right hand;
#: flipping the third makes the rotation to the camera a proper one.
FLIP = np.array([1.0, 1.0, -1.0])
D2R = np.pi / 180.0
#: joint limits, deg: per finger (spread, MCP, PIP, DIP); thumb (metacarpal across the
#: palm, metacarpal out of it, MCP flexion, MCP spread, IP).
LOW = np.r_[np.tile([-25.0, -30.0, -10.0, -20.0], 4), -60.0, -60.0, -30.0, -30.0, -40.0] * D2R
HIGH = np.r_[np.tile([25.0, 100.0, 120.0, 100.0], 4), 60.0, 60.0, 90.0, 30.0, 100.0] * D2R
N_JOINT = len(LOW)


def rodrigues(axis: np.ndarray, angle: np.ndarray) -> np.ndarray:
    """Rotation matrices (..., 3, 3) about unit axes (..., 3) by angles (...) in radians."""
    x, y, z = axis[..., 0], axis[..., 1], axis[..., 2]
    c, s = np.cos(angle), np.sin(angle)
    k = 1.0 - c
    r = np.empty(np.shape(angle) + (3, 3))
    r[..., 0, 0], r[..., 0, 1], r[..., 0, 2] = c + x * x * k, x * y * k - z * s, x * z * k + y * s
    r[..., 1, 0], r[..., 1, 1], r[..., 1, 2] = y * x * k + z * s, c + y * y * k, y * z * k - x * s
    r[..., 2, 0], r[..., 2, 1], r[..., 2, 2] = z * x * k - y * s, z * y * k + x * s, c + z * z * k
    return r


def rotation_matrix(v: np.ndarray) -> np.ndarray:
    """Rotation matrices (..., 3, 3) of axis-angle vectors (..., 3)."""
    angle = np.linalg.norm(v, axis=-1)
    return rodrigues(v / np.maximum(angle, 1e-12)[..., None], angle)


def image_scale(points: np.ndarray, image: np.ndarray) -> float:
    """Least-squares pixels per unit of points' x, y against the image's x, y."""
    w, i = points[:, :2] - points[:, :2].mean(0), image[:, :2] - image[:, :2].mean(0)
    return float(np.sum(w * i) / np.sum(w * w))


def rotation_vector(m: np.ndarray) -> np.ndarray:
    """The axis-angle vector of a rotation matrix (angles below 180 deg)."""
    angle = np.arccos(np.clip((np.trace(m) - 1.0) / 2.0, -1.0, 1.0))
    w = np.array([m[2, 1] - m[1, 2], m[0, 2] - m[2, 0], m[1, 0] - m[0, 1]])
    return w * (angle / (2.0 * np.sin(angle))) if angle > 1e-9 else w / 2.0


class HandModel:
    """A right hand's rigid palm and bone lengths, calibrated from a session's landmarks."""

    def __init__(self, joints: np.ndarray) -> None:
        self.joints = joints

    def start(self) -> HandModel:
        pts = self.joints
        axes = np.array([np.stack(palm_frame(p, "right"), axis=1) for p in pts])
        local = np.einsum("nji,nkj->nki", axes, pts - pts[:, :1])
        self.palm = np.median(local[:, RIGID], axis=0)

        def length(a: int, b: int) -> float:
            return float(np.median(np.linalg.norm(pts[:, b] - pts[:, a], axis=1)))

        self.finger_bones = np.array([[length(c[j], c[j + 1]) for j in range(3)]
                                      for c in FINGER_CHAINS])
        self.thumb_bones = np.array([length(THUMB_CHAIN[j], THUMB_CHAIN[j + 1])
                                     for j in range(3)])
        meta = local[:, HandLandmark.THUMB_MCP] - local[:, HandLandmark.THUMB_CMC]
        direction = np.median(meta / np.linalg.norm(meta, axis=1, keepdims=True), axis=0)
        self.thumb_dir = direction / np.linalg.norm(direction)
        self.palm_length = float(np.linalg.norm(self.palm[3]))
        mcp = self.palm[2:6]
        self.finger_dir = mcp / np.linalg.norm(mcp, axis=1, keepdims=True)
        palmar = np.array([0.0, 0.0, 1.0])
        hinge = np.cross(self.finger_dir, palmar)
        hinge /= np.linalg.norm(hinge, axis=1, keepdims=True)
        self.finger_bend = np.cross(hinge, self.finger_dir)
        toward = np.array([0.0, -1.0, 1.0]) / np.sqrt(2.0)   # palmar and ulnar
        thumb_hinge = np.cross(self.thumb_dir, toward)
        self.thumb_hinge = thumb_hinge / np.linalg.norm(thumb_hinge)
        self.thumb_normal = np.cross(self.thumb_hinge, self.thumb_dir)
        return self

    def points(self, q: np.ndarray) -> np.ndarray:
        """The 21 joints (b, 21, 3) in the palm's axes for joint angles q (b, 21), radians."""
        b = len(q)
        out = np.empty((b, 21, 3))
        out[:, RIGID] = self.palm
        spread = q[:, 0:16:4]
        c, s = np.cos(spread)[..., None], np.sin(spread)[..., None]

        def about_palmar(v: np.ndarray) -> np.ndarray:
            turned = np.empty((b, 4, 3))
            turned[..., 0] = c[..., 0] * v[:, 0] - s[..., 0] * v[:, 1]
            turned[..., 1] = s[..., 0] * v[:, 0] + c[..., 0] * v[:, 1]
            turned[..., 2] = v[:, 2]
            return turned

        line, bend = about_palmar(self.finger_dir), about_palmar(self.finger_bend)
        total = np.cumsum(np.stack([q[:, 1:16:4], q[:, 2:16:4], q[:, 3:16:4]], axis=2), axis=2)
        bones = (np.cos(total)[..., None] * line[:, :, None]
                 + np.sin(total)[..., None] * bend[:, :, None]) * self.finger_bones[..., None]
        out[:, FINGER_CHAINS[:, 1:]] = self.palm[2:6][None, :, None] + np.cumsum(bones, axis=2)
        e = np.eye(3)
        meta = rodrigues(np.broadcast_to(e[2], (b, 3)), q[:, 16]) @ \
            rodrigues(np.broadcast_to(e[0], (b, 3)), q[:, 17])
        d0, h0, n0 = meta @ self.thumb_dir, meta @ self.thumb_hinge, meta @ self.thumb_normal
        turn = rodrigues(n0, q[:, 19])
        d1 = np.einsum("bij,bj->bi", turn @ rodrigues(h0, q[:, 18]), d0)
        h1 = np.einsum("bij,bj->bi", turn, h0)
        d2 = np.einsum("bij,bj->bi", rodrigues(h1, q[:, 20]), d1)
        out[:, HandLandmark.THUMB_MCP] = self.palm[1] + self.thumb_bones[0] * d0
        out[:, HandLandmark.THUMB_IP] = out[:, HandLandmark.THUMB_MCP] + self.thumb_bones[1] * d1
        out[:, HandLandmark.THUMB_TIP] = out[:, HandLandmark.THUMB_IP] + self.thumb_bones[2] * d2
        return out


class HandFit:
    """Frame by frame: the model's pose that best explains the image landmarks."""

    def __init__(self, model: HandModel, depth_weight: float = 1.0, iterations: int = 5,
                 smooth: float = 0.05, limit_weight: float = 10.0) -> None:
        self.model = model
        self.depth_weight = depth_weight
        self.iterations = iterations
        self.smooth = smooth
        self.limit_weight = limit_weight

    def start(self) -> HandFit:
        self.last: np.ndarray | None = None
        return self

    def _camera(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        cam = np.einsum("bij,bkj->bki", rotation_matrix(x[:, :3]),
                        self.model.points(x[:, 6:]) * FLIP)
        return x[:, 3, None, None] * cam[..., :2] + x[:, None, 4:6], cam[..., 2] - cam[:, :1, 2]

    def _residuals(self, x: np.ndarray, xy: np.ndarray, depth: np.ndarray, px: float
                   ) -> np.ndarray:
        uv, z = self._camera(x)
        q = x[:, 6:]
        parts = [((uv - xy) / px).reshape(len(x), -1),
                 self.depth_weight * (z - depth) / self.model.palm_length,
                 self.limit_weight * (np.maximum(q - HIGH, 0.0) + np.minimum(q - LOW, 0.0))]
        if self.last is not None:
            parts.append(self.smooth * (q - self.last[6:]) / (10.0 * D2R))
        return np.concatenate(parts, axis=1)

    def _first(self, world: np.ndarray, image: np.ndarray) -> np.ndarray:
        rot = np.stack(palm_frame(world, "right"), axis=1) * FLIP
        flex = hand_flexion(world, image, "right") * D2R
        q = np.zeros(N_JOINT)
        for f in range(4):
            q[4 * f + 1:4 * f + 4] = flex[3 * f:3 * f + 3]
        q[18], q[20] = flex[12], flex[13]
        q = np.clip(q, LOW, HIGH)
        cam = (self.model.points(q[None])[0] * FLIP) @ rot.T
        scale = image_scale(cam, image)
        shift = image[:, :2].mean(0) - scale * cam[:, :2].mean(0)
        return np.r_[rotation_vector(rot), scale, shift, q]

    def update(self, world: np.ndarray, image: np.ndarray, depth: np.ndarray) -> np.ndarray:
        """Fitted joints (21, 3), camera axes, for a right hand's landmarks; depth: each
        joint's depth behind the wrist (metres) that the prior pulls toward."""
        x = self._first(world, image) if self.last is None else self.last.copy()
        px = float(np.linalg.norm(image[HandLandmark.MIDDLE_FINGER_MCP, :2] - image[WRIST, :2]))
        args = (image[:, :2], depth, px)
        step = np.r_[1e-4, 1e-4, 1e-4, x[3] * 1e-4, px * 1e-4, px * 1e-4, np.full(N_JOINT, 1e-4)]
        r = self._residuals(x[None], *args)[0]
        cost, damping = r @ r, 1e-2
        batch = np.empty((len(x) + 1, len(x)))
        for _ in range(self.iterations):
            batch[:] = x
            batch[1:] += np.diag(step)
            rb = self._residuals(batch, *args)
            jac = (rb[1:] - rb[0]).T / step
            grad, hess = jac.T @ r, jac.T @ jac
            while damping < 1e6:
                nx = x - np.linalg.solve(hess + damping * np.diag(np.diag(hess) + 1e-9), grad)
                nr = self._residuals(nx[None], *args)[0]
                if nr @ nr < cost:
                    x, r, cost, damping = nx, nr, nr @ nr, max(damping / 3.0, 1e-6)
                    break
                damping *= 4.0
        self.last = x
        return (self.model.points(x[None, 6:])[0] * FLIP) @ rotation_matrix(x[:3]).T


def read(folder: Path, mp_model: str, limit: int | None) -> dict[str, np.ndarray]:
    """Each frame with a hand: MediaPipe's smoothed landmarks, HandCoach's reading, truth."""
    data = json.loads((folder / "truth.json").read_text())
    joints = np.array([f["joints_mm"] for f in data["frames"]], dtype=float) / 1000.0
    side = truth_chirality(joints)
    measurer = HandMeasurer(DEFAULT_MODEL, ACCURACY_FILE).start()
    smoother = LandmarkSmoother()
    rows: dict[str, list] = {k: [] for k in ("world", "image", "ours", "naive", "truth",
                                              "joints")}
    with VideoFileSource(folder / "sequence.mp4") as source, \
            HandTracker(model=mp_model) as tracker:
        for i, frame in enumerate(source):
            if i >= len(joints) or (limit is not None and i >= limit):
                break
            measured = measurer.update(smoother.update(tracker.process(frame.t, frame.rgb)))
            hand = measured.hand
            if hand is None or measured.measures is None:
                continue
            # Fitted as a right hand: a left hand's landmarks mirrored in x.
            mirror = np.array([-1.0, 1.0, 1.0]) if hand.chirality == "left" else np.ones(3)
            rows["world"].append(hand.world * mirror)
            rows["image"].append(hand.image * mirror)
            rows["joints"].append(joints[i] * (np.array([-1.0, 1.0, 1.0])
                                               if side == "left" else np.ones(3)))
            rows["ours"].append(measured.measures.flexion)
            rows["naive"].append(naive_angles(hand.world))
            rows["truth"].append(flexion_angles(joints[i], side))
    return {k: np.array(v) for k, v in rows.items()}


def fitted(rows: dict[str, np.ndarray], depth: str, calibrate: str, **kw: float
           ) -> np.ndarray:
    model = HandModel(rows["joints"] if calibrate == "truth" else rows["world"]).start()
    fit = HandFit(model, **kw).start()
    out = []
    for world, image, joints in zip(rows["world"], rows["image"], rows["joints"], strict=True):
        if depth == "world":
            z = world[:, 2] - world[WRIST, 2]
        elif depth == "image":
            z = (image[:, 2] - image[WRIST, 2]) / (fit.last[3] if fit.last is not None else
                                                   image_scale(world, image))
        else:
            z = joints[:, 2] - joints[WRIST, 2]
        out.append(flexion_angles(fit.update(world, image, z), "right"))
    return np.array(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frames", type=int, help="at most this many frames per clip")
    ap.add_argument("--model", choices=("lite", "full"), default="lite")
    ap.add_argument("--iterations", type=int, default=5)
    ap.add_argument("--depth-weight", type=float, default=1.0)
    args = ap.parse_args()
    folders = sorted(p for p in GROUNDTRUTH.glob("*") if (p / "truth.json").exists())
    if not folders:
        print(f"no ground truth found in {GROUNDTRUTH}")
        return 1
    kw = {"iterations": args.iterations, "depth_weight": args.depth_weight}
    print(f"{'set':<22}{'estimator':<44} frames" + "".join(f" | {g:^11}" for g in GROUPS))
    for folder in folders:
        rows = read(folder, args.model, args.frames)
        estimates = {
            "naive": rows["naive"], "HandCoach": rows["ours"],
            "fit, MediaPipe's world depth": fitted(rows, "world", "world", **kw),
            "fit, MediaPipe's image depth": fitted(rows, "image", "world", **kw),
            "bound: fit, truth's depth": fitted(rows, "truth", "world", **kw),
            "bound: fit, truth's depth and bones": fitted(rows, "truth", "truth", **kw),
        }
        for name, est in estimates.items():
            err = est - rows["truth"]
            cells = "".join(f" | {np.abs(err[:, ix]).mean():4.1f} {err[:, ix].mean():+5.1f}"
                            for ix in GROUPS.values())
            print(f"{folder.name:<22}{name:<44}{len(err):>6}{cells}")
    print("(MAE bias, deg)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
