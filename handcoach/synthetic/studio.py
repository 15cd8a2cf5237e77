"""The studio: realistic webcam footage of the mesh hand doing an exercise, with its truth.

Per frame: HandPose -> bone transforms and LBS (skinning.py) -> world placement and a
per-vertex contact-occlusion term -> OpenGL render (gl_render.py) at a few instants across
the shutter (motion blur) -> a webcam's camera model (lens softness, vignetting, sensor
noise, tone curve, 8-bit) -> ffmpeg (H.264). The truth JSON has the shape of
docs/interfaces.md, its angles read back from the posed joint centres, plus (an
extension) the 21 landmarks in pixels per frame.

`render_exercise` has the role and signature of render.py's (the capsule hand), with the
studio's options (view, skin, hand) as keywords.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from exercises.placement import RECOMMENDED_VIEW
from vision.landmarks import Side, angles_to_dict

from .gl_render import GLRenderer
from .hand_mesh import HandMesh, load_hand_mesh
from .hand_model import HandPose
from .hand_shape import HandShape, reshape
from .motions import EXERCISES, MotionTrack, build_track
from .skinning import PosedHand, mesh_rig, pose_hand, skin
from .studio_scene import (
    BACKGROUNDS,
    LIGHTS,
    SKINS,
    VIEWS,
    Placement,
    light_matrix,
    placement,
    project,
    projection,
    room,
    view_matrix,
)


@dataclass(frozen=True)
class StudioOptions:
    """Everything about a studio clip's look that does not change the joint angles.

    view: one of studio_scene.VIEWS (None: the exercise's RECOMMENDED_VIEW); yaw_deg
    overrides the view's forearm turn. motion_blur: renders per frame across the shutter
    (1 = none). noise: sensor noise scale (1 = a typical laptop webcam indoors).
    shape: the hand's proportions (hand_shape.py; the default is the mesh's own hand).
    """

    view: str | None = None
    skin: str = "medium"
    side: Side = "right"
    background: str = "room"
    light: str = "window"
    width: int = 640
    height: int = 480
    yaw_deg: float | None = None
    lean_deg: float = 8.0
    roll_deg: float = 6.0
    distance_m: float = 0.42
    hand_scale: float = 1.0
    shape: HandShape = HandShape()
    motion_blur: int = 2
    shutter: float = 0.5
    noise: float = 1.0
    samples: int = 0

    def validated(self) -> StudioOptions:
        """Raise ValueError naming the bad option (the CLI shows it in one line)."""
        for name, value, allowed in (("view", self.view, (None, *VIEWS)),
                                     ("skin", self.skin, SKINS),
                                     ("background", self.background, BACKGROUNDS),
                                     ("light", self.light, LIGHTS),
                                     ("hand", self.side, ("left", "right"))):
            if value not in allowed:
                names = [a for a in allowed if a is not None]
                raise ValueError(f"unknown {name} {value!r}; expected one of: "
                                 f"{', '.join(names)}")
        if self.width % 2 or self.height % 2:
            raise ValueError("width and height must be even for H.264 yuv420p")
        if self.motion_blur < 1:
            raise ValueError("motion_blur must be at least 1")
        return self


@dataclass(frozen=True)
class StudioFrame:
    """One rendered frame: RGB image, the true angles and the landmarks in pixels.

    landmarks_px: (21, 3) x, y (pixels, y down) and depth from the camera (mm).
    """

    rgb: np.ndarray
    angles: np.ndarray
    landmarks_px: np.ndarray


def _bone_radii(mesh: HandMesh) -> np.ndarray:
    """Per bone, the median distance of its own vertices from its axis (mm): how thick
    each phalanx is, for the occlusion spheres."""
    rig = mesh_rig(mesh)
    radii = np.full(len(mesh.bone_names), 12.0)
    own = mesh.bone_index[:, 0]
    for b in range(len(mesh.bone_names)):
        pts = mesh.positions[(own == b) & (mesh.bone_weight[:, 0] > 0.6)]
        if len(pts) < 10:
            continue
        head = rig.heads[b]
        d = rig.bind[b][:, 0]
        rel = pts - head
        off = np.linalg.norm(rel - (rel @ d)[:, None] * d, axis=1)
        radii[b] = float(np.median(off))
    return radii


def _nearest_joint(points: np.ndarray, joints: np.ndarray, axes: np.ndarray,
                   radii: np.ndarray) -> np.ndarray:
    """(m,) index of the crease joint each point lies across (within 8 mm along the bone
    and 1.6 digit radii from its axis), -1 for none: the skin shader evaluates only that
    joint's creases."""
    d = points[:, None, :] - joints[None]
    a = np.einsum("mjc,jc->mj", d, axes)
    r = np.linalg.norm(d - a[..., None] * axes[None], axis=2)
    near = (np.abs(a) < 8.0) & (r < 1.6 * radii[None])
    best = np.where(near, np.abs(a), np.inf).argmin(axis=1)
    return np.where(near.any(axis=1), best, -1).astype(float)


class ContactShadow:
    """Per-vertex ambient occlusion from the other bones, approximated as spheres.

    Why: the key light's shadow map gives cast shadows, but not the darkening where
    fingers press together or curl into the palm, which is what makes a fist read as a
    fist rather than a flat-lit blob. Each bone is a few spheres along its posed axis;
    a vertex is occluded by spheres of other bones in proportion to their solid angle
    and to how much they face its normal.
    """

    def __init__(self, mesh: HandMesh, strength: float = 0.9) -> None:
        self.mesh = mesh
        self.strength = strength
        self._segs: list[tuple[int, np.ndarray, np.ndarray, float]] = []

    def start(self) -> ContactShadow:
        """Measure the bones' thickness and lay out their spheres (once per clip)."""
        mesh = self.mesh
        self.radii = _bone_radii(mesh)
        self.owner = mesh.bone_index[:, 0]
        rig = mesh_rig(mesh)
        names = mesh.bone_names
        segs = []
        for b, name in enumerate(names):
            if name.startswith("finger"):
                i, j = int(name[6]), int(name[8])
                segs.append((b, rig.chains[i - 1, j - 1], rig.chains[i - 1, j],
                             self.radii[b]))
        for k, name in enumerate(("metacarpal1", "metacarpal2", "metacarpal3",
                                  "metacarpal4")):
            b = names.index(name)
            segs.append((b, 0.55 * rig.chains[k + 1, 0], 0.95 * rig.chains[k + 1, 0], 11.0))
        self._segs = segs
        return self

    def __call__(self, posed: PosedHand, positions: np.ndarray, normals: np.ndarray
                 ) -> np.ndarray:
        """(n,) occlusion factor, 1 = open sky, for the posed vertices (forearm frame)."""
        centres, radii, owners = [], [], []
        for b, head, tail, r in self._segs:
            t = posed.transforms[b]
            h = t[:, :3] @ head + t[:, 3]
            e = t[:, :3] @ tail + t[:, 3]
            for s in (0.3, 0.75):
                centres.append(h + s * (e - h))
                radii.append(r)
                owners.append(b)
        c = np.array(centres, np.float32)
        if posed.side == "left":
            c = c * np.array([-1.0, 1.0, 1.0], np.float32)
        r2 = np.array(radii, np.float32) ** 2
        p = positions.astype(np.float32)
        n = normals.astype(np.float32)
        # |c - p|^2 and (c - p).n / |c - p| through matrix products: (n, k) arrays only
        d2 = (p * p).sum(1)[:, None] + (c * c).sum(1)[None, :] - 2.0 * (p @ c.T)
        np.maximum(d2, r2[None, :], out=d2)
        facing = (n @ c.T - (p * n).sum(1)[:, None]) / np.sqrt(d2)
        np.clip(facing, 0.0, 1.0, out=facing)
        occ = r2[None, :] / d2 * facing
        occ[np.array(owners)[None, :] == self.owner[:, None]] = 0.0
        return np.clip(1.0 - self.strength * occ.sum(axis=1), 0.35, 1.0)


class CameraModel:
    """What a laptop webcam does to the light: softness, vignetting, noise, tone, 8 bits.

    Noise is Poisson-Gaussian in linear light (shot noise grows with brightness, read
    noise does not), drawn from a small bank of pre-blurred noise images (demosaicking
    correlates neighbouring pixels; a bank is much cheaper than fresh noise per frame).
    """

    def __init__(self, width: int, height: int, noise: float, seed: int) -> None:
        self.width, self.height, self.noise = width, height, noise
        self.rng = np.random.default_rng(seed + 17)
        self._bank: np.ndarray | None = None
        self._vignette: np.ndarray | None = None
        self.gain = np.array([1.0, 1.0, 1.0], np.float32)

    def start(self) -> None:
        h, w = self.height, self.width
        bank = self.rng.normal(0.0, 1.0, (4, h + 16, w + 16, 3)).astype(np.float32)
        for k in range(len(bank)):
            bank[k] = cv2.GaussianBlur(bank[k], (0, 0), 0.55) * 1.6
        self._bank = bank
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        r2 = ((xx - w / 2) ** 2 + (yy - h / 2) ** 2) / (w / 2) ** 2
        self._vignette = (1.0 - 0.22 * r2)[..., None]
        tint = self.rng.normal(0.0, 0.03, 3)
        self.gain = np.array([1.02, 1.0, 0.97] * np.exp(tint), np.float32)
        # Tone curve and noise as look-up tables over 4096 linear levels: the sRGB-like
        # curve with a webcam's slight contrast boost, and the noise's standard deviation
        # after that curve (Poisson-Gaussian in linear light, carried through the
        # curve's slope), both in 8-bit units.
        lin = (np.arange(4096, dtype=np.float64) + 0.5) / 4096.0
        tone = lin ** (1.0 / 2.2)
        tone = tone + 0.08 * tone * (1.0 - tone) * (tone - 0.5) * 4.0
        slope = np.gradient(tone, lin)
        sigma_lin = self.noise * np.sqrt(0.0009 * lin + 0.00002)
        self._tone = (tone * 255.0).astype(np.float32)
        self._sigma = np.minimum(slope * sigma_lin * 255.0, 12.0).astype(np.float32)

    def __call__(self, linear: np.ndarray, exposure: float = 1.0) -> np.ndarray:
        assert self._bank is not None and self._vignette is not None
        img = cv2.GaussianBlur(np.nan_to_num(linear, copy=False), (0, 0), 0.65)
        img *= self._vignette * (self.gain * (exposure * 4095.0))
        idx = np.clip(img, 0.0, 4095.0).astype(np.uint16)
        k = int(self.rng.integers(len(self._bank)))
        oy, ox = self.rng.integers(0, 16, 2)
        noise = self._bank[k, oy:oy + self.height, ox:ox + self.width]
        out = self._tone[idx] + noise * self._sigma[idx]
        return np.clip(out + 0.5, 0, 255).astype(np.uint8)


class Studio:
    """Renders HandPoses of one clip. Construct with options, `start()`, then `frame()`."""

    def __init__(self, options: StudioOptions | None = None, seed: int = 0,
                 exercise: str | None = None) -> None:
        opts = (options or StudioOptions()).validated()
        if opts.view is None:
            opts = replace(opts, view=RECOMMENDED_VIEW.get(exercise or "", "oblique"))
        self.opts = opts
        self.seed = seed
        self.place: Placement | None = None
        self._gl: GLRenderer | None = None

    def start(self) -> Studio:
        o = self.opts
        self.mesh = reshape(load_hand_mesh(), o.shape)
        self.rig = mesh_rig(self.mesh)
        self.occlusion = ContactShadow(self.mesh).start()
        self.place = placement(o.view or "oblique", o.side, o.width, o.height, o.yaw_deg,
                               o.lean_deg, o.roll_deg, o.distance_m)
        self.light = LIGHTS[o.light]
        self.skin_look = SKINS[o.skin]
        self.view_proj = projection(self.place) @ view_matrix(self.place)
        centre = self.place.wrist + self.place.forearm_to_world @ np.array([0, 0.04, 0])
        self.light_vp = light_matrix(self.light, centre)
        rv = self.mesh.render_vertex
        # Mirror the bind positions for a left hand too: the skin's noise pattern is then
        # the mirror of the right's, as the mesh is.
        bind = self.mesh.positions[rv] * (np.array([-1.0, 1, 1]) if o.side == "left" else 1.0)
        joints, axes, radii = self._crease_joints()
        gl = GLRenderer(o.width, o.height, o.samples, shadow_size=1024)
        gl.start(room(o.background, self.seed), self.mesh.triangles, self.mesh.uv,
                 self.mesh.palmar[rv], bind, self.mesh.nail_mask, self.mesh.shadow_triangles,
                 _nearest_joint(bind, joints, axes, radii))
        gl.set_creases(joints, axes, radii, mirror=-1.0 if o.side == "left" else 1.0)
        self._gl = gl
        self.camera = CameraModel(o.width, o.height, o.noise, self.seed)
        self.camera.start()
        return self

    def _crease_joints(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The bind joints the skin creases at (finger PIP and DIP, the palmar digital
        crease at the base of the visible finger, thumb MCP and IP), their bone axes and
        digit radii."""
        rig, radii = self.rig, _bone_radii(self.mesh)
        pos, axis, rad = [], [], []
        for i in range(5):
            for k in ((1, 2) if i == 0 else (0, 1, 2)):
                a = rig.chains[i, min(k + 1, 3)] - rig.chains[i, k]
                b = self.mesh.bone_names.index(f"finger{i + 1}-{min(k + 1, 3)}")
                pos.append(self.mesh.finger_bases[i - 1] if i and k == 0
                           else rig.chains[i, k])
                axis.append(a / np.linalg.norm(a))
                rad.append(radii[b])
        pos, axis = np.array(pos), np.array(axis)
        if self.opts.side == "left":
            pos, axis = pos * [-1.0, 1, 1], axis * [-1.0, 1, 1]
        return pos, axis, np.array(rad)

    def _to_world(self, mm: np.ndarray) -> np.ndarray:
        assert self.place is not None
        k = self.opts.hand_scale / 1000.0
        return (mm * k) @ self.place.forearm_to_world.T + self.place.wrist

    def render_linear(self, pose: HandPose, ao: np.ndarray | None = None
                      ) -> tuple[np.ndarray, PosedHand]:
        """One instant: linear RGB image and the posed hand (ao: reuse this occlusion)."""
        assert self._gl is not None and self.place is not None
        posed = pose_hand(pose, self.opts.side, self.rig)
        pos, nrm = skin(self.mesh, posed)
        if ao is None:
            ao = self.occlusion(posed, pos, nrm)
        rv = self.mesh.render_vertex
        world = self._to_world(pos[rv])
        normals = nrm[rv] @ self.place.forearm_to_world.T
        img = self._gl.render(world, normals, ao[rv], self.view_proj, self.light_vp,
                              self.place.cam_pos, self.light, self.skin_look)
        return img, posed

    def frame(self, pose: HandPose, before: HandPose | None = None,
              after: HandPose | None = None) -> StudioFrame:
        """The frame showing `pose`, blurred toward its neighbours' poses (the poses one
        frame before and after) over the shutter time."""
        n = self.opts.motion_blur
        v = pose.to_vector()
        # n instants spread evenly over the shutter, in frames from this one's centre; a
        # frame whose pose barely changes over them is rendered once.
        offsets = self.opts.shutter * ((np.arange(n) + 0.5) / n - 0.5)
        subs = []
        for s in offsets:
            other = after if s > 0 else before
            w = v if other is None else other.to_vector()
            subs.append(v + (w - v) * abs(s))
        moving = n > 1 and max(float(np.max(np.abs(x - v))) for x in subs) > 0.2
        if moving:
            # the contact occlusion hardly changes within a shutter time: computed once
            posed = pose_hand(pose, self.opts.side, self.rig)
            ao = self.occlusion(posed, *skin(self.mesh, posed))
            img = sum(self.render_linear(HandPose.from_vector(x), ao)[0] for x in subs) / n
        else:
            img, posed = self.render_linear(pose)
        rgb = self.camera(img)
        lm = project(self.place, self._to_world(posed.landmarks))
        lm[:, 2] *= 1000.0
        return StudioFrame(rgb=rgb, angles=posed.true_angles(), landmarks_px=lm)

    def frames(self, track: MotionTrack) -> Iterator[StudioFrame]:
        poses = track.poses
        for i, pose in enumerate(poses):
            yield self.frame(pose, poses[i - 1] if i > 0 else None,
                             poses[i + 1] if i + 1 < len(poses) else None)

    def close(self) -> None:
        if self._gl is not None:
            self._gl.close()
            self._gl = None


@dataclass(frozen=True)
class StudioResult:
    """What was written: paths, frame count, frame rate, repetitions, duration, view."""

    video: Path
    truth: Path | None
    frames: int
    fps: float
    reps: int
    duration_s: float
    view: str


def _options(options: StudioOptions | None, scene: dict[str, Any]) -> StudioOptions:
    opts = options or StudioOptions()
    if "hand" in scene:
        scene = dict(scene)
        scene["side"] = scene.pop("hand")
    unknown = set(scene) - set(StudioOptions.__dataclass_fields__)
    if unknown:
        raise ValueError(f"unknown scene option(s): {', '.join(sorted(unknown))}")
    return replace(opts, **scene).validated()


def render_exercise(exercise: str, out: Path, truth: Path | None = None,
                    reps: int | None = None, seed: int = 0,
                    options: StudioOptions | None = None, fps: float = 30.0,
                    hold_s: float | None = None, crf: int = 23, preset: str = "veryfast",
                    **scene: Any) -> StudioResult:
    """Render `exercise` with the mesh hand to the H.264 mp4 `out` and, if given, its truth
    JSON `truth` ({"exercise", "fps", "reps", "frames": [{"t", "angles", "landmarks"}]}).

    Scene keywords (view, skin, hand or side, background, light, ...) override `options`.
    Raises ValueError for an unknown exercise or option and RuntimeError if ffmpeg is
    missing or fails.
    """
    if exercise not in EXERCISES:
        raise ValueError(f"unknown exercise {exercise!r}; expected one of: "
                         f"{', '.join(EXERCISES)}")
    opts = _options(options, dict(scene))
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise RuntimeError("ffmpeg not found on PATH; it is needed to encode the video")
    track = build_track(exercise, reps, seed, fps, hold_s)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    cmd = [ffmpeg, "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "rgb24",
           "-s", f"{opts.width}x{opts.height}", "-r", f"{fps:g}", "-i", "-",
           "-c:v", "libx264", "-preset", preset, "-crf", str(crf), "-pix_fmt", "yuv420p",
           "-movflags", "+faststart", str(out)]
    studio = Studio(opts, seed, exercise).start()
    records = []
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdin is not None
    try:
        for t, fr in zip(track.times, studio.frames(track), strict=True):
            proc.stdin.write(np.ascontiguousarray(fr.rgb).tobytes())
            records.append({"t": round(float(t), 4), "angles": angles_to_dict(fr.angles),
                            "landmarks": np.round(fr.landmarks_px, 1).tolist()})
    finally:
        studio.close()
        proc.stdin.close()
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        code = proc.wait()
    if code != 0:
        raise RuntimeError(f"ffmpeg failed ({code}): {err.strip()[:500]}")
    view = studio.opts.view or ""
    if truth is not None:
        truth = Path(truth)
        truth.parent.mkdir(parents=True, exist_ok=True)
        doc = {"exercise": exercise, "fps": track.fps, "reps": track.reps,
               "renderer": "studio", "view": view, "skin": opts.skin, "hand": opts.side,
               "landmarks_note": "landmarks: 21 x [x px, y px, depth mm], MediaPipe order",
               "frames": records}
        truth.write_text(json.dumps(doc, separators=(",", ":")) + "\n")
    return StudioResult(video=out, truth=truth, frames=len(track.poses), fps=track.fps,
                        reps=track.reps, duration_s=float(len(track.poses) / fps), view=view)
