"""The forearm's axis from the image, beside MediaPipe's hand landmarks (no Pose needed).

Why: MediaPipe Hands stops at the wrist, and MediaPipe Pose needs a whole person (on a
close-up of a hand and forearm it found no body in 94% of the frames of
wrist_flex_ext_overlay). The forearm is usually in the picture anyway: a band of skin
leaving the wrist. `forearm_axis` follows it:

1. The hand's skin colour (vision.skin, learnt from the palm in this frame).
2. A polar grid around the wrist landmark: N_ANGLES rays x N_RADII radii from R_MIN to
   R_MAX palm lengths. A sample is "hand" inside the (slightly grown) hull of the 21
   landmarks, else skin or not.
3. Per ray, the run of skin outward from the first sample outside the hand. The longest
   run among rays pointing away from the hand (within MAX_FROM_BACK of wrist ->
   knuckles reversed) seeds the forearm; at each radius the contiguous arc of skin around
   it gives one point on the forearm's mid-line (the arc's centre) and its width there.
4. Rings past the first few that are much wider than the band so far end it (the elbow,
   the upper arm, a torso behind); the axis is the line through the mid-line points,
   refitted once without points far off it, oriented elbow -> wrist.

Cost: N_ANGLES * N_RADII (640) pixel samples plus ~30 in the palm, whatever the frame
size; 1.4-1.9 ms a call measured on the real clips (benchmarks/README.md has the stage's
cost per frame).

Limits: it needs colour contrast between skin and background (a skin-coloured wall or a
bare torso behind widens the band; `ForearmAxis.width_palms` and `confidence` say so), and
the forearm in view beyond the wrist for about a palm length. A long sleeve ends the band
at the wrist: no axis (the patient is asked to show the forearm).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .landmarks import WRIST, HandLandmark
from .skin import SkinModel, is_skin, palm_px, polar_grid, skin_model, skin_runs

N_ANGLES = 64
N_RADII = 10
R_MIN, R_MAX = 0.45, 2.2          # palm lengths from the wrist landmark
#: the forearm leaves the wrist at most this far from straight back from the knuckles
#: (wrist flexion or extension of 90 deg, plus deviation and landmark error).
MAX_FROM_BACK = 125.0
#: palm lengths added around the landmarks' hull: skin there is the hand's own.
HULL_MARGIN = 0.12
#: palm lengths of skin needed beyond the wrist.
MIN_RUN = 0.55
#: a ring this much wider than the band's median so far ends the band.
WIDENING = 1.5
#: mid-line points this far (palm lengths) off the first fit are dropped before a refit.
OFF_LINE = 0.15

_ANG, _RAYS = polar_grid(N_ANGLES)
_MIDDLE_MCP = HandLandmark.MIDDLE_FINGER_MCP
_RADII = np.linspace(R_MIN, R_MAX, N_RADII)
_STEP = float(_RADII[1] - _RADII[0])


@dataclass(frozen=True, slots=True)
class ForearmAxis:
    """The forearm in one frame (image pixels, x right, y down).

    direction: (2,) unit, proximal -> distal (elbow toward wrist). anchor: (2,) a point
    on the axis near the wrist. length_palms: how far from the wrist the band of skin was
    followed (palm lengths). width_palms: its median width (a forearm is ~0.6-1.2).
    confidence: 0..1, from the band's length, straightness and width.
    """

    direction: np.ndarray
    anchor: np.ndarray
    length_palms: float
    width_palms: float
    confidence: float


def _convex_hull(pts: np.ndarray) -> np.ndarray:
    """Monotone chain convex hull of (N, 2) points, counter-clockwise."""
    p = pts[np.lexsort((pts[:, 1], pts[:, 0]))]

    def half(seq: np.ndarray) -> list[np.ndarray]:
        out: list[np.ndarray] = []
        for q in seq:
            while len(out) >= 2:
                o, a = out[-2], out[-1]
                if (a[0] - o[0]) * (q[1] - o[1]) - (a[1] - o[1]) * (q[0] - o[0]) > 0:
                    break
                out.pop()
            out.append(q)
        return out

    lower, upper = half(p), half(p[::-1])
    return np.array(lower[:-1] + upper[:-1])


def _inside_hull(hull: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """Whether each point (N, 2) lies inside the convex polygon `hull` (K, 2)."""
    e = np.roll(hull, -1, axis=0) - hull
    rel = pts[:, None, :] - hull[None, :, :]
    cross = e[None, :, 0] * rel[..., 1] - e[None, :, 1] * rel[..., 0]
    return np.all(cross >= 0, axis=1) | np.all(cross <= 0, axis=1)


def _in_hand(image: np.ndarray, scale: float, pts: np.ndarray) -> np.ndarray:
    """Whether each point (N, 2) lies in the hand: the landmarks' hull, grown by
    HULL_MARGIN palm lengths."""
    hull = _convex_hull(image[:, :2])
    centre = hull.mean(axis=0)
    r = np.maximum(np.linalg.norm(hull - centre, axis=1), 1.0)
    grown = centre + (hull - centre) * (1.0 + HULL_MARGIN * scale / r)[:, None]
    reach = float(np.sqrt(((grown - centre) ** 2).sum(axis=1)).max())
    near = ((pts - centre) ** 2).sum(axis=1) <= reach * reach
    out = np.zeros(len(pts), dtype=bool)
    out[near] = _inside_hull(grown, pts[near])
    return out


def line_fit(pts: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Total least squares line through 2-D points: (mean, unit direction, minor/major
    spread ratio). Closed form (np.linalg.svd of a 10x2 matrix cost ~1 ms of BLAS
    threading under load)."""
    m = pts.mean(axis=0)
    d = pts - m
    sxx, syy = float((d[:, 0] ** 2).sum()), float((d[:, 1] ** 2).sum())
    sxy = float((d[:, 0] * d[:, 1]).sum())
    a = 0.5 * np.arctan2(2 * sxy, sxx - syy)
    tr, det = sxx + syy, sxx * syy - sxy * sxy
    disc = np.sqrt(max(tr * tr / 4 - det, 0.0))
    l1, l2 = tr / 2 + disc, max(tr / 2 - disc, 0.0)
    ratio = float(np.sqrt(l2 / l1)) if l1 > 0 else 0.0
    return m, np.array([np.cos(a), np.sin(a)]), ratio


def _arc(col: np.ndarray, best: int) -> tuple[int, int] | None:
    """The contiguous run of True around index `best` of a circular column, as (lo, hi)
    (lo may be negative); None when it goes all the way round (no band)."""
    n = len(col)
    lo = hi = best
    while col[(lo - 1) % n] and best - lo < n // 2:
        lo -= 1
    while col[(hi + 1) % n] and hi - best < n // 2:
        hi += 1
    return None if hi - lo >= n // 2 else (lo, hi)


def forearm_axis(rgb: np.ndarray, image: np.ndarray, skin: SkinModel | None = None
                 ) -> ForearmAxis | None:
    """The forearm's axis beside a hand (image: MediaPipe's (21, >=2) pixel landmarks).

    None when no band of skin leaves the wrist away from the hand (a sleeve, the arm out
    of view, no colour contrast)."""
    image = np.asarray(image, dtype=float)
    scale = palm_px(image)
    if scale < 8.0:
        return None
    skin = skin if skin is not None else skin_model(rgb, image)
    if skin is None:
        return None
    wrist = image[WRIST, :2]
    flat = (wrist + (_RADII[None, :, None] * scale) * _RAYS[:, None, :]).reshape(-1, 2)
    in_hand = _in_hand(image, scale, flat).reshape(N_ANGLES, N_RADII)
    # Skin inside the hand's hull is the hand, not the forearm.
    ok = is_skin(rgb, flat, skin).reshape(N_ANGLES, N_RADII) & ~in_hand
    first_free = np.argmax(~in_hand, axis=1)
    runs = skin_runs(ok, first_free)
    runs[in_hand.all(axis=1)] = 0
    back = image[WRIST, :2] - image[_MIDDLE_MCP, :2]
    nb = float(np.linalg.norm(back))
    if nb > 0.25 * scale:
        runs[_RAYS @ (back / nb) < np.cos(np.radians(MAX_FROM_BACK))] = 0
    best = int(np.argmax(runs))
    run = int(runs[best])
    if run == 0 or _RADII[min(run, N_RADII) - 1] - R_MIN + _STEP < MIN_RUN:
        return None
    pts, widths = [], []
    for j in range(first_free[best], min(first_free[best] + run, N_RADII)):
        if not ok[best, j]:
            continue
        arc = _arc(ok[:, j], best)
        if arc is None:
            continue                                  # skin all around: no band here
        lo, hi = arc
        mid = _ANG[lo % N_ANGLES] + 0.5 * (hi - lo) * (2 * np.pi / N_ANGLES)
        r = _RADII[j]
        pts.append(wrist + r * scale * np.array([np.cos(mid), np.sin(mid)]))
        widths.append(2 * r * np.sin(0.5 * (hi - lo + 1) * np.pi * 2 / N_ANGLES))
    # The band ends where it widens. (A fit weighted by radius, tried first, let the
    # elbow's ring tilt the axis by ~20 deg in flexed frames of wrist_flex_ext_overlay.)
    keep = len(pts)
    for k in range(3, len(pts)):
        if widths[k] > WIDENING * float(np.median(widths[:k])):
            keep = k
            break
    if keep < 3:
        return None
    p = np.array(pts[:keep])
    m, axis, straight = line_fit(p)
    if len(p) >= 4:
        rel = p - m
        good = np.abs(rel[:, 0] * axis[1] - rel[:, 1] * axis[0]) <= OFF_LINE * scale
        if good.sum() >= 3 and not good.all():
            p = p[good]
            m, axis, straight = line_fit(p)
    if np.dot(axis, p[-1] - p[0]) > 0:               # the far points are proximal
        axis = -axis
    length = float(_RADII[min(max(first_free[best] + keep, 1), N_RADII) - 1])
    width = float(np.sort(widths[:keep])[keep // 2])
    # Full confidence from ~1 palm length of forearm beyond the innermost ring: a palm-on
    # hand at a webcam often shows no more (the frame's edge or a sleeve ends it).
    conf = float(np.clip((length - R_MIN) / 0.6, 0, 1) * np.clip(1 - 3 * straight, 0, 1)
                 * (1.0 if 0.25 <= width <= 1.6 else 0.3))
    return ForearmAxis(axis, m, length, width, conf)


def _wrap(a: np.ndarray | float) -> np.ndarray | float:
    return (a + np.pi) % (2 * np.pi) - np.pi


class ForearmTracker:
    """forearm_axis frame by frame, smoothed: the forearm moves slowly during hand
    exercises, so its direction is the circular median of the last `window` confident
    estimates (none older than `max_age_s`).

    An estimate more than `max_jump_deg` from the current direction is held back until
    `confirm` estimates in a row agree with it (the forearm really moved): with a face or
    a bare torso behind the hand the band can swing by 100+ deg from one frame to the
    next (control_thumbs_up read deviations of -28, 96, -27, 117 within 0.3 s). After the
    hand has been lost (the estimates aged out), the direction last followed stays the
    reference for that test for `hold_s`: on wrist_flex_ext_overlay the first frame
    after a second without the hand gave a forearm 43 deg off, which, taken as it came,
    made the flexion swing by 150 deg and a false "too fast".
    A forearm followed for less than `min_length_palms` gives no axis: a palm-on webcam
    view cut by the frame's edge or a sleeve (kapandji_overlay: 0.84-1.03 palm lengths)
    is too short to measure against (deviations read -27..+47 deg on that clip, whose
    wrist hardly moves, and made 3 false reps).
    """

    def __init__(self, window: int = 5, min_confidence: float = 0.25,
                 max_age_s: float = 0.5, max_jump_deg: float = 25.0, confirm: int = 3,
                 min_length_palms: float = 1.2, hold_s: float = 3.0) -> None:
        self.window = window
        self.min_confidence = min_confidence
        self.max_age_s = max_age_s
        self.max_jump_deg = max_jump_deg
        self.confirm = confirm
        self.min_length_palms = min_length_palms
        self.hold_s = hold_s
        self._hist: list[tuple[float, float]] = []     # (t, direction in rad)
        self._ref: tuple[float, float] | None = None   # the last followed (t, direction)
        self._candidates: list[float] = []
        self.last: ForearmAxis | None = None

    def _current(self) -> float | None:
        if not self._hist:
            return None
        angs = np.array([a for _, a in self._hist])
        ref = float(angs[-1])
        return ref + float(np.median(_wrap(angs - ref)))

    def update(self, t: float, axis: ForearmAxis | None) -> np.ndarray | None:
        """This frame's estimate (None: none this frame); returns the tracked direction
        (2,) unit, proximal -> distal, or None when no recent estimate is good enough."""
        if axis is not None and axis.confidence >= self.min_confidence \
                and axis.length_palms >= self.min_length_palms:
            self._add(t, axis)
        self._hist = [(tt, a) for tt, a in self._hist if t - tt <= self.max_age_s]
        a = self._current()
        return None if a is None else np.array([np.cos(a), np.sin(a)])

    def _add(self, t: float, axis: ForearmAxis) -> None:
        a = float(np.arctan2(axis.direction[1], axis.direction[0]))
        cur = self._current()
        if cur is None and self._ref is not None and t - self._ref[0] <= self.hold_s:
            cur = self._ref[1]
        jump = np.radians(self.max_jump_deg)
        if cur is None or abs(_wrap(a - cur)) <= jump:
            self._candidates.clear()
            self._hist = (self._hist + [(t, a)])[-self.window:]
            self._ref = (t, a)
            self.last = axis
            return
        c = self._candidates
        if c and abs(_wrap(a - c[-1])) > jump:
            c.clear()
        c.append(a)
        if len(c) >= self.confirm:                    # it really moved: follow it
            self._hist = [(t, x) for x in c]
            self._ref = (t, a)
            c.clear()
            self.last = axis
