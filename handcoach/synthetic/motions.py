"""Keyframed joint-angle trajectories for every exercise id of docs/interfaces.md.

Each exercise is a list of held poses joined by minimum-jerk moves (Flash & Hogan 1985:
s = 10t^3 - 15t^4 + 6t^5, the smooth profile of voluntary reaching), repeated `reps`
times with per-rep jitter from a seed, so that synthetic footage is neither robotic nor
identical between repetitions. Target angles follow docs/clinical.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
from scipy.optimize import minimize

from vision.landmarks import FINGER_CHAINS, THUMB_IP, THUMB_TIP

from .hand_model import HandGeometry, HandPose, Skeleton, skeleton

EXERCISES: tuple[str, ...] = ("tendon_glides", "fist", "finger_spread", "thumb_opposition",
                              "pip_blocking", "dip_blocking", "forearm_rotation",
                              "wrist_flex_ext", "wrist_deviation")
DEFAULT_REPS: dict[str, int] = {"tendon_glides": 2, "fist": 3, "finger_spread": 3,
                                "thumb_opposition": 4, "pip_blocking": 3, "dip_blocking": 3,
                                "forearm_rotation": 3, "wrist_flex_ext": 3,
                                "wrist_deviation": 3}


def _fingers(mcp: float, pip: float, dip: float, spread: float = 0.0, **thumb: float
             ) -> HandPose:
    """A pose with the four fingers alike, with the small natural ulnar-ward increase in
    flexion of the ring and little fingers (a relaxed cascade)."""
    cascade = np.array([0.0, 1.0, 2.0, 3.0])
    return HandPose(mcp=mcp + cascade, pip=pip + cascade * 0.5, dip=dip + cascade * 0.3,
                    abd=np.array([1.0, 0.3, 1.0, 1.5]) * spread, **thumb)


# Tendon-glide positions (Wehbe & Hunter 1985 as summarised in docs/clinical.md); degrees
# MCP/PIP/DIP chosen inside the ranges the team agreed: straight 0-5, hook 0-10/90-100/
# 60-75, full fist 80-90/95-105/55-70, tabletop 80-90/0-10/0-10, straight fist
# 80-90/90-100/0-15. Thumb positions are what people commonly do with it in each.
STRAIGHT = _fingers(2.0, 3.0, 2.0, spread=2.0, thumb_radial=38.0, thumb_palmar=22.0,
                    thumb_pronation=15.0, thumb_mcp=6.0, thumb_ip=4.0)
HOOK = _fingers(5.0, 95.0, 68.0, thumb_radial=30.0, thumb_palmar=25.0, thumb_pronation=20.0,
                thumb_mcp=12.0, thumb_ip=10.0)
FULL_FIST = _fingers(84.0, 99.0, 61.0, thumb_radial=0.0, thumb_palmar=70.0,
                     thumb_pronation=0.0, thumb_mcp=45.0, thumb_ip=30.0)
TABLETOP = _fingers(84.0, 4.0, 3.0, thumb_radial=30.0, thumb_palmar=28.0,
                    thumb_pronation=20.0, thumb_mcp=10.0, thumb_ip=5.0)
STRAIGHT_FIST = _fingers(84.0, 94.0, 7.0, thumb_radial=10.0, thumb_palmar=45.0,
                         thumb_pronation=20.0, thumb_mcp=30.0, thumb_ip=20.0)
# Finger spread: the fingers pressed together (their axes converge, as real adducted
# fingers touch), then abducted about 20-30 deg each, a full active spread. The studio's
# MakeHuman fingers are slender on widely spaced knuckles: at -4 they still stood a
# finger's width apart and MediaPipe read the neighbours 15-16.5 deg apart, palm-on (true
# 9.9; the exercise's "together" is <= 15); at -8, 13.6-14.1 (true 6.6).
TOGETHER = _fingers(2.0, 3.0, 2.0, spread=-8.0, thumb_radial=30.0, thumb_palmar=22.0,
                    thumb_pronation=15.0, thumb_mcp=6.0, thumb_ip=4.0)
SPREAD = _fingers(2.0, 3.0, 2.0, spread=20.0, thumb_radial=55.0, thumb_palmar=15.0,
                  thumb_pronation=10.0, thumb_mcp=4.0, thumb_ip=2.0)
RELAXED = _fingers(10.0, 15.0, 8.0, thumb_radial=32.0, thumb_palmar=25.0, thumb_mcp=10.0,
                   thumb_ip=8.0)

#: IK start and pull-back values: thumb radial, palmar, pronation, MCP, IP, then the
#: target finger's MCP, PIP, DIP (tip pinch: finger flexed roughly 40/45/20).
_OPPOSE_NOMINAL = np.array([0.0, 50.0, 60.0, 20.0, 15.0, 40.0, 45.0, 20.0])
_OPPOSE_BOUNDS = [(-30.0, 60.0), (0.0, 80.0), (0.0, 100.0), (-10.0, 55.0), (-15.0, 70.0),
                  (0.0, 90.0), (0.0, 100.0), (0.0, 70.0)]


@lru_cache(maxsize=8)
def opposition_pose(finger: int) -> HandPose:
    """Thumb tip pad touching fingertip pad `finger` (0 index .. 3 little), by small IK.

    Eight angles (five of the thumb, three of the target finger) are solved with Powell's
    method so that the two pulps meet and face each other, gently pulled toward a natural
    pinch posture; the other fingers stay straight.
    """
    g = HandGeometry()
    tip = FINGER_CHAINS[finger, 3]
    r_tip, r_thumb = g.finger_radii[finger][3], g.thumb_radii[2]

    def pose_of(x: np.ndarray) -> HandPose:
        p = replace(STRAIGHT, mcp=STRAIGHT.mcp.copy(), pip=STRAIGHT.pip.copy(),
                    dip=STRAIGHT.dip.copy(), thumb_radial=x[0], thumb_palmar=x[1],
                    thumb_pronation=x[2], thumb_mcp=x[3], thumb_ip=x[4])
        p.mcp[finger], p.pip[finger], p.dip[finger] = x[5:8]
        return p

    def pad(s: Skeleton, end: int, r: float) -> np.ndarray:
        d = s.joints[end] - s.joints[end - 1]
        return s.joints[end] - s.dorsal[end - 1] * r * 0.8 - d / np.linalg.norm(d) * r * 0.5

    def cost(x: np.ndarray) -> float:
        s = skeleton(pose_of(x), g)
        gap = pad(s, THUMB_TIP, r_thumb) - pad(s, tip, r_tip)
        facing = 1.0 + float(np.dot(s.dorsal[THUMB_IP], s.dorsal[tip - 1]))
        return float(gap @ gap + 20.0 * facing
                     + 2e-3 * np.sum((x - _OPPOSE_NOMINAL) ** 2))

    res = minimize(cost, _OPPOSE_NOMINAL, method="Powell", bounds=_OPPOSE_BOUNDS,
                   options={"xtol": 0.05, "ftol": 1e-4})
    return pose_of(res.x)


@dataclass(frozen=True)
class Keyframe:
    """A pose to reach in `move_s` seconds and then hold for `hold_s` seconds."""

    pose: HandPose
    hold_s: float
    move_s: float = 0.6


def rep_keyframes(exercise: str, rep: int, hold_s: float | None) -> list[Keyframe]:
    """The keyframes of one repetition, starting from (and returning to) its rest pose."""
    h = hold_s
    if exercise == "tendon_glides":
        hold = 1.2 if h is None else h
        out: list[Keyframe] = []
        # Common handout order: straight, hook, full fist, straight fist, tabletop, with the
        # straight hand between positions (docs/clinical.md).
        for pose in (HOOK, FULL_FIST, STRAIGHT_FIST, TABLETOP):
            out += [Keyframe(pose, hold, 0.7), Keyframe(STRAIGHT, 0.5 * hold, 0.7)]
        return out
    if exercise == "fist":
        hold = 1.0 if h is None else h
        return [Keyframe(FULL_FIST, hold, 0.8), Keyframe(STRAIGHT, 0.7 * hold, 0.8)]
    if exercise == "finger_spread":
        hold = 1.0 if h is None else h
        return [Keyframe(SPREAD, hold, 0.7), Keyframe(TOGETHER, 0.7 * hold, 0.7)]
    if exercise == "thumb_opposition":
        hold = 0.8 if h is None else h
        return [Keyframe(opposition_pose(rep % 4), hold, 0.8), Keyframe(STRAIGHT, 0.4 * hold,
                                                                          0.7)]
    if exercise == "pip_blocking":
        hold = 1.0 if h is None else h
        bent = _fingers(0.0, 90.0, 35.0)
        return [Keyframe(bent, hold, 0.8), Keyframe(STRAIGHT, 0.6 * hold, 0.8)]
    if exercise == "dip_blocking":
        hold = 1.0 if h is None else h
        bent = _fingers(0.0, 2.0, 65.0)
        return [Keyframe(bent, hold, 0.7), Keyframe(STRAIGHT, 0.6 * hold, 0.7)]
    if exercise == "forearm_rotation":
        hold = 0.8 if h is None else h
        return [Keyframe(replace(RELAXED, forearm_rot=70.0), hold, 1.2),
                Keyframe(replace(RELAXED, forearm_rot=-70.0), hold, 1.8),
                Keyframe(RELAXED, 0.3 * hold, 1.0)]
    if exercise == "wrist_flex_ext":
        hold = 0.8 if h is None else h
        return [Keyframe(replace(RELAXED, wrist_flex=60.0), hold, 1.0),
                Keyframe(replace(RELAXED, wrist_flex=-55.0), hold, 1.6),
                Keyframe(RELAXED, 0.3 * hold, 1.0)]
    if exercise == "wrist_deviation":
        # Radial 20, ulnar 30 deg: the normal range (docs/clinical.md).
        hold = 0.8 if h is None else h
        return [Keyframe(replace(RELAXED, wrist_dev=20.0), hold, 0.8),
                Keyframe(replace(RELAXED, wrist_dev=-30.0), hold, 1.2),
                Keyframe(RELAXED, 0.3 * hold, 0.8)]
    raise ValueError(f"unknown exercise {exercise!r}; expected one of: {', '.join(EXERCISES)}")


def _jitter(pose: HandPose, rng: np.random.Generator, deg: float) -> HandPose:
    """The same target, a few degrees off, as no two human repetitions are alike."""
    v = pose.to_vector()
    v[:12] += rng.normal(0.0, deg, 12)
    v[16:21] += rng.normal(0.0, deg * 0.7, 5)
    v[:12] = np.maximum(v[:12], -3.0)
    return HandPose.from_vector(v)


@dataclass(frozen=True)
class MotionTrack:
    """Joint angles sampled at the video frame rate. poses[i] is the pose at times[i]."""

    exercise: str
    fps: float
    reps: int
    times: np.ndarray
    poses: tuple[HandPose, ...]

    def true_angles(self) -> np.ndarray:
        """(n_frames, 14) true flexion, ANGLE_NAMES order."""
        return np.stack([p.true_angles() for p in self.poses])


def _min_jerk(s: np.ndarray) -> np.ndarray:
    return s ** 3 * (10.0 - 15.0 * s + 6.0 * s ** 2)


def _rest_pose(exercise: str) -> HandPose:
    """The pose an exercise starts and ends in."""
    if exercise == "finger_spread":
        return TOGETHER
    return RELAXED if exercise in ("forearm_rotation", "wrist_flex_ext", "wrist_deviation") \
        else STRAIGHT


def _vary(key: Keyframe, rng: np.random.Generator, deg: float) -> Keyframe:
    """A keyframe as a person would actually do it: pose a few degrees off, timing +-15 %.

    The draw order (pose, hold, move) is part of build_track's seeded output: keep it.
    """
    return Keyframe(_jitter(key.pose, rng, deg), key.hold_s * rng.uniform(0.85, 1.15),
                    key.move_s * rng.uniform(0.85, 1.2))


def track_from_keyframes(exercise: str, keyframes: Sequence[Keyframe], fps: float = 30.0,
                         seed: int | np.random.Generator = 0, start: HandPose | None = None,
                         lead_s: float = 0.8, jitter_deg: float = 0.0, reps: int = 0
                         ) -> MotionTrack:
    """Sample a scripted list of keyframes at `fps`: the motion behind every exercise track.

    `start` (default: the exercise's rest pose, RELAXED for forearm_rotation and
    wrist_flex_ext, else STRAIGHT) is held for `lead_s`; then each keyframe is reached by a
    minimum-jerk move over its `move_s` (0 or a tiny value gives a jump or a too-fast
    move) and held for its `hold_s`. Nothing is appended at the end. A slow wander of wrist
    flexion (+-3 deg) and deviation (+-2 deg), with a seeded phase, is always added; it
    leaves finger angles untouched. With `jitter_deg` > 0 every keyframe is varied as a
    person would (see `_vary`); at 0 the keyframes are followed exactly.

    `exercise` and `reps` are labels stored in the track (reps: how many repetitions the
    script holds, as truth for a counter). `seed` may be a Generator, whose stream then
    continues (build_track relies on it to keep its seeded output).
    """
    if any(k.hold_s < 0 or k.move_s < 0 for k in keyframes) or lead_s < 0:
        raise ValueError("hold, move and lead times must not be negative")
    if fps <= 0:
        raise ValueError(f"fps must be positive, got {fps}")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    rest = _rest_pose(exercise) if start is None else start
    if jitter_deg > 0:
        keyframes = [_vary(k, rng, jitter_deg) for k in keyframes]
    keys = [(rest.to_vector(), lead_s, 0.0)]
    keys += [(k.pose.to_vector(), float(k.hold_s), float(k.move_s)) for k in keyframes]

    # Piecewise: move from the previous key (minimum jerk), then hold. Frame i belongs to
    # the first key whose hold has not ended (the last key past the end).
    moves = np.array([move for _, _, move in keys])
    holds = np.array([hold for _, hold, _ in keys])
    elapsed = np.cumsum(moves + holds)
    t0 = np.concatenate([[0.0], elapsed[:-1]])
    t1 = t0 + moves
    ends = t1 + holds
    targets = np.stack([v for v, _, _ in keys])
    sources = np.concatenate([targets[:1], targets[:-1]])
    n = int(np.floor(elapsed[-1] * fps)) + 1
    times = np.arange(n) / fps
    # cummax: zero-length keys can make `ends` dip by an ulp; the first key with end >= t
    # is unchanged by it, and searchsorted needs sorted input.
    k = np.minimum(np.searchsorted(np.maximum.accumulate(ends), times, side="left"),
                   len(keys) - 1)
    moving = t1[k] > t0[k]
    span = np.where(moving, t1[k] - t0[k], 1.0)
    s = np.where(moving, np.clip((times - t0[k]) / span, 0.0, 1.0), 1.0)
    vecs = sources[k] + (targets[k] - sources[k]) * _min_jerk(s)[:, None]
    # A slow, small wander of the wrist keeps the hand alive without touching finger truth.
    phase = rng.uniform(0, 2 * np.pi, 2)
    vecs[:, 21] += 3.0 * np.sin(2 * np.pi * 0.13 * times + phase[0])
    vecs[:, 22] += 2.0 * np.sin(2 * np.pi * 0.09 * times + phase[1])
    poses = [HandPose.from_vector(v) for v in vecs]
    return MotionTrack(exercise=exercise, fps=float(fps), reps=int(reps), times=times,
                       poses=tuple(poses))


def build_track(exercise: str, reps: int | None = None, seed: int = 0, fps: float = 30.0,
                hold_s: float | None = None, lead_s: float = 0.8) -> MotionTrack:
    """Sample an exercise's trajectory at `fps`.

    Starts with `lead_s` of the rest pose (so a tracker can lock on, as a patient settles
    before starting), then `reps` repetitions, each keyframe varied a little (2.5 deg,
    timing +-15 %), then back to rest. Raises ValueError for an unknown exercise.
    """
    if exercise not in EXERCISES:
        raise ValueError(f"unknown exercise {exercise!r}; expected one of: "
                         f"{', '.join(EXERCISES)}")
    n_reps = DEFAULT_REPS[exercise] if reps is None else int(reps)
    if n_reps < 1:
        raise ValueError(f"reps must be at least 1, got {n_reps}")
    rng = np.random.default_rng(seed)
    rest = _rest_pose(exercise)
    keys = [_vary(k, rng, 2.5) for rep in range(n_reps)
            for k in rep_keyframes(exercise, rep, hold_s)]
    keys.append(Keyframe(rest, 0.5, 0.6))
    return track_from_keyframes(exercise, keys, fps=fps, seed=rng, start=rest, lead_s=lead_s,
                                reps=n_reps)
