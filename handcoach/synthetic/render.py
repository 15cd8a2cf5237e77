"""Render an exercise to frames, an H.264 file, and its ground-truth joint angles.

This is what `handcoach render` calls. The video is encoded by an ffmpeg subprocess that
reads raw RGB frames on stdin (no temporary image files); the truth JSON has the shape
promised in docs/interfaces.md.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from vision.landmarks import angles_to_dict

from .body import hand_capsules
from .hand_model import HandPose, skeleton
from .motions import EXERCISES, MotionTrack, build_track
from .raster import Backdrop, Capsules, rasterize, shade
from .scene import LIGHTS, SKIN_TONES, SceneOptions, background, camera, placement


@dataclass(frozen=True)
class RenderResult:
    """What was written: paths, frame count, frame rate, repetitions and duration."""

    video: Path
    truth: Path | None
    frames: int
    fps: float
    reps: int
    duration_s: float


class Renderer:
    """Renders poses for one clip: the backdrop and camera placement are computed once."""

    def __init__(self, options: SceneOptions | None = None, seed: int = 0) -> None:
        self.opts = (options or SceneOptions()).validated()
        self.camera = camera(self.opts)
        self.rot, self.trans = placement(self.opts)
        self.backdrop = Backdrop(background(self.opts, seed), self.opts.supersample)
        self.rng = np.random.default_rng(seed + 1)
        # A small bank of sensor-noise images, drawn from per frame (cheaper than fresh noise).
        shape = (4, self.opts.height, self.opts.width, 3)
        self.noise = self.rng.normal(0.0, self.opts.noise_sigma, shape).astype(np.float32)

    def capsules(self, pose: HandPose) -> Capsules:
        """The posed hand and forearm as capsules in camera coordinates (metres)."""
        sk = skeleton(pose, self.opts.geometry, self.opts.side)
        p0, p1, r0, r1, palmar, material, group = hand_capsules(sk, self.opts.geometry,
                                                         pose.forearm_rot)
        k = self.opts.hand_scale / 1000.0
        return Capsules(p0=p0 * k @ self.rot.T + self.trans, p1=p1 * k @ self.rot.T + self.trans,
                        r0=r0 * k, r1=r1 * k, palmar=palmar @ self.rot.T, material=material,
                        group=group)

    def frame(self, pose: HandPose) -> np.ndarray:
        """(H, W, 3) uint8 RGB image of the pose."""
        caps = self.capsules(pose)
        g = rasterize(caps, self.camera, self.opts.supersample, margin=self.opts.height // 12)
        noise = self.noise[self.rng.integers(len(self.noise))] if self.opts.noise_sigma else None
        return shade(g, caps, self.backdrop, SKIN_TONES[self.opts.skin],
                     LIGHTS[self.opts.light], noise)


def _options(options: SceneOptions | None, scene: dict[str, Any]) -> SceneOptions:
    opts = options or SceneOptions()
    if scene:
        unknown = set(scene) - set(SceneOptions.__dataclass_fields__)
        if unknown:
            raise ValueError(f"unknown scene option(s): {', '.join(sorted(unknown))}")
        opts = replace(opts, **scene)
    return opts.validated()


def _check_exercise(exercise: str) -> None:
    if exercise not in EXERCISES:
        raise ValueError(f"unknown exercise {exercise!r}; expected one of: "
                         f"{', '.join(EXERCISES)}")


def iter_frames(track: MotionTrack, options: SceneOptions | None = None,
                seed: int = 0) -> Iterator[np.ndarray]:
    """Yield one RGB frame per pose of the track."""
    renderer = Renderer(options, seed)
    for pose in track.poses:
        yield renderer.frame(pose)


def truth_json(track: MotionTrack) -> dict[str, Any]:
    """The ground truth in the docs/interfaces.md shape."""
    angles = track.true_angles()
    return {"exercise": track.exercise, "fps": track.fps, "reps": track.reps,
            "frames": [{"t": round(float(t), 4), "angles": angles_to_dict(a)}
                       for t, a in zip(track.times, angles, strict=True)]}


def render_exercise(exercise: str, out: Path, truth: Path | None = None,
                    reps: int | None = None, seed: int = 0,
                    options: SceneOptions | None = None, fps: float = 30.0,
                    hold_s: float | None = None, crf: int = 26, **scene: Any) -> RenderResult:
    """Render `exercise` to the H.264 mp4 `out` and, if given, its truth JSON `truth`.

    Scene keywords (skin, background, light, view, yaw_deg, width, height, side, ...)
    override `options`. Raises ValueError for an unknown exercise or option and
    RuntimeError if ffmpeg is missing or fails.
    """
    _check_exercise(exercise)
    opts = _options(options, scene)
    if opts.width % 2 or opts.height % 2:
        raise ValueError("width and height must be even for H.264 yuv420p")
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise RuntimeError("ffmpeg not found on PATH; it is needed to encode the video")
    track = build_track(exercise, reps, seed, fps, hold_s)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    cmd = [ffmpeg, "-y", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "rgb24",
           "-s", f"{opts.width}x{opts.height}", "-r", f"{fps:g}", "-i", "-",
           "-c:v", "libx264", "-preset", "medium", "-crf", str(crf), "-pix_fmt", "yuv420p",
           "-movflags", "+faststart", str(out)]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdin is not None
    try:
        for frame in iter_frames(track, opts, seed):
            proc.stdin.write(np.ascontiguousarray(frame).tobytes())
    finally:
        proc.stdin.close()
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        code = proc.wait()
    if code != 0:
        raise RuntimeError(f"ffmpeg failed ({code}): {err.strip()[:500]}")
    if truth is not None:
        truth = Path(truth)
        truth.parent.mkdir(parents=True, exist_ok=True)
        truth.write_text(json.dumps(truth_json(track), separators=(",", ":")) + "\n")
    return RenderResult(video=out, truth=truth, frames=len(track.poses), fps=track.fps,
                        reps=track.reps, duration_s=float(len(track.poses) / fps))
