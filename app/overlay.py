"""The live view's overlay: what a patient reads at arm's length on top of their video.

Drawn in place on the RGB frame with OpenCV: the hand skeleton, the rep and set counter,
the position to make, the one hold timer (a filling bar, then "relax"), the rest
countdown, the bend of the joints that matter for the exercise in the patient's words,
and the latest message; before counting, the set-up advice and the 3-2-1. The counter
and the position are over a twelfth of the frame height, and all text sits on dark bands
so it reads on any background.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

from exercises.alerts import Alert, Code
from exercises.engine import EngineState
from vision.landmarks import FINGER_CHAINS, FINGERS, MCPS, THUMB_CHAIN, WRIST, angle_index

from .framing import SetupStatus
from .wording import PLAIN_JOINTS, bend_deg, hold_text

#: RGB colours: calm for progress, amber for advice, red for stop.
WHITE = (255, 255, 255)
GREEN = (80, 200, 120)
AMBER = (255, 190, 60)
RED = (235, 70, 60)
BONE = (120, 220, 255)
BAND = (20, 20, 20)

_FONT = cv2.FONT_HERSHEY_SIMPLEX
#: CONNECTIONS as chains: thumb, each finger from its knuckle, and the palm's ulnar edge.
_BONE_CHAINS = (np.array([WRIST, *THUMB_CHAIN]), np.array([WRIST, *FINGER_CHAINS[0]]),
                *(np.array([MCPS[i - 1], *FINGER_CHAINS[i]]) for i in range(1, 4)),
                np.array([WRIST, MCPS[3]]))
STOP_CODES = frozenset({Code.PAIN_STOP, Code.TOO_MANY_REPS})
#: degrees: live angles are shown rounded to this step.
ANGLE_STEP_DEG = 5
#: seconds a warning stays on screen after it was said.
SHOW_ALERT_S = 4.0
#: text scales at a 480-pixel-high picture: the counter and the position to make
#: (Hershey Simplex capitals are 22 px at scale 1: 1.85 is 41 px, over a twelfth of the
#: height), and the message bar at the bottom.
CUE_SCALE = 1.85
MESSAGE_SCALE = 1.1
#: heights of the top band (counter, position) and the bottom message bar, at 480 px.
BAND_H = 100
BOTTOM_H = 64


@dataclass(frozen=True)
class OverlayInput:
    """What one frame's overlay shows. landmarks_px: (21, 2) image pixels or None."""

    state: EngineState
    t: float
    landmarks_px: np.ndarray | None = None
    flexion: np.ndarray | None = None
    joints: Sequence[str] = ()
    alert: Alert | None = None
    #: what to do once a hold is long enough: the rest position's cue ("Open your hand").
    rest_cue: str = ""


def hold_reached(st: EngineState) -> bool:
    """The position is held as long as prescribed: time to relax (the panel and the
    overlay both say so, from this one test)."""
    return st.hold_target_s > 0 and st.position == st.target \
        and st.hold_elapsed_s >= st.hold_target_s


@lru_cache(maxsize=96)
def _sprite(text: str, scale: float, colour: tuple[int, int, int], thickness: int
            ) -> tuple[np.ndarray, np.ndarray, tuple[int, int]]:
    """A line of outlined text drawn once: (RGB patch, mask, baseline origin in it).

    Anti-aliased text at arm's-length size is the overlay's dearest part (putText was
    ~2 ms a frame on a 540x960 frame, a third of MediaPipe's own time); the counter, the
    labels and most angle readings repeat from frame to frame, so each is drawn once and
    copied after. 96 lines at most (a big counter line is ~48 KB with its mask), so
    memory stays flat through a long session whose counter keeps changing.
    """
    outline = thickness + 3
    (w, h), base = cv2.getTextSize(text, _FONT, scale, outline)
    pad = outline
    patch = np.zeros((h + base + 2 * pad, w + 2 * pad, 3), np.uint8)
    mask = np.zeros(patch.shape[:2], np.uint8)
    org = (pad, pad + h)
    cv2.putText(mask, text, org, _FONT, scale, 255, outline, cv2.LINE_AA)
    cv2.putText(patch, text, org, _FONT, scale, colour, thickness, cv2.LINE_AA)
    np.greater_equal(mask, 96, out=mask)  # the outline's anti-aliased fringe: in or out
    return patch, mask, org


def _text(img: np.ndarray, text: str, org: tuple[int, int], scale: float,
          colour: tuple[int, int, int], thickness: int) -> None:
    """Outlined text with its baseline starting at `org`, clipped to the image."""
    patch, mask, (ox, oy) = _sprite(text, round(scale, 3), colour, thickness)
    x0, y0 = org[0] - ox, org[1] - oy
    h, w = img.shape[:2]
    ph, pw = mask.shape
    cx0, cy0 = max(x0, 0), max(y0, 0)
    cx1, cy1 = min(x0 + pw, w), min(y0 + ph, h)
    if cx0 >= cx1 or cy0 >= cy1:
        return
    src = (slice(cy0 - y0, cy1 - y0), slice(cx0 - x0, cx1 - x0))
    cv2.copyTo(patch[src], mask[src], img[cy0:cy1, cx0:cx1])


def _fit(text: str, scale: float, thickness: int, width: int) -> float:
    """The text scale, shrunk (to at most 60% of it) so the line fits in `width` pixels."""
    (w, _), _ = cv2.getTextSize(text, _FONT, scale, thickness + 3)
    return scale if w <= width else max(scale * width / w, 0.6 * scale)


def _band(img: np.ndarray, y0: int, y1: int) -> None:
    """Darken a horizontal band in place (text stays readable on a bright wall)."""
    region = img[y0:y1]
    cv2.convertScaleAbs(region, dst=region, alpha=1 / 3, beta=BAND[0] // 2)


def _band_box(img: np.ndarray, y0: int, y1: int, x0: int, x1: int) -> None:
    """Darken a box in place (the hold timer's background)."""
    region = img[max(y0, 0):y1, max(x0, 0):x1]
    cv2.convertScaleAbs(region, dst=region, alpha=1 / 3, beta=BAND[0] // 2)


def _wrapped(img: np.ndarray, text: str, scale: float, colour: tuple[int, int, int],
             thick: int) -> None:
    """A message on the bottom bar, on two lines when one would shrink it below 80%."""
    h, w = img.shape[:2]
    s = h / 480.0
    room = w - int(24 * s)
    one = _fit(text, scale, thick, room)
    words = text.split()
    if one >= 0.8 * scale or len(words) < 4:
        _band(img, h - int(BOTTOM_H * s), h)
        _text(img, text, (int(12 * s), h - int(24 * s)), one, colour, thick)
        return
    cut = len(words) // 2
    while cut < len(words) - 1 and _fit(" ".join(words[cut:]), scale, thick, room) < \
            _fit(" ".join(words[:cut]), scale, thick, room):
        cut += 1
    lines = (" ".join(words[:cut]), " ".join(words[cut:]))
    size = min(_fit(line, scale, thick, room) for line in lines)
    _band(img, h - int(2 * BOTTOM_H * s), h)
    _text(img, lines[0], (int(12 * s), h - int(24 * s) - int(BOTTOM_H * s) + int(8 * s)),
          size, colour, thick)
    _text(img, lines[1], (int(12 * s), h - int(24 * s)), size, colour, thick)


def _shown(deg: float) -> float:
    """An angle as the overlay shows it: in steps of ANGLE_STEP_DEG, finer than the
    measurement's own error (vision/models/accuracy.json) would justify showing, and
    steady on screen."""
    return round(deg / ANGLE_STEP_DEG) * ANGLE_STEP_DEG if np.isfinite(deg) else deg


def draw_skeleton(img: np.ndarray, landmarks_px: np.ndarray) -> None:
    """The 21 landmarks and their bones (the bones as six polylines: one OpenCV call)."""
    pts = np.round(landmarks_px[:, :2]).astype(np.int32)
    thick = max(2, img.shape[0] // 180)
    cv2.polylines(img, [pts[c] for c in _BONE_CHAINS], False, BONE, thick, cv2.LINE_AA)
    for x, y in pts:
        cv2.circle(img, (int(x), int(y)), thick + 2, WHITE, -1, cv2.LINE_AA)


def draw_overlay(img: np.ndarray, o: OverlayInput) -> np.ndarray:
    """Draw everything on `img` (RGB uint8, modified in place) and return it."""
    if o.landmarks_px is not None:
        draw_skeleton(img, o.landmarks_px)
    return draw_panel(img, o)


def draw_panel(img: np.ndarray, o: OverlayInput) -> np.ndarray:
    """Everything but the skeleton (which needs the frame's own landmarks): the live path
    draws this while MediaPipe is still looking at the frame.

    Sizes for arm's length: the counter and the position to make are at least a twelfth
    of the picture's height; the joint readout is small (it is for the curious, not a cue).
    """
    h, w = img.shape[:2]
    s = h / 480.0
    thick = max(2, round(2 * s))
    thin = max(1, thick - 1)
    st = o.state

    _band(img, 0, int(BAND_H * s))
    counter = f"{st.reps}/{st.reps_per_set * st.sets}"
    if st.extra_reps:
        counter += f" +{st.extra_reps}"
    _text(img, counter, (int(12 * s), int(58 * s)), CUE_SCALE * s, GREEN, thick + 1)
    (cw, _), _ = cv2.getTextSize(counter, _FONT, CUE_SCALE * s, thick + 4)
    _text(img, f"set {st.set_number} of {st.sets}", (int(12 * s), int(90 * s)), 0.8 * s,
          WHITE, thin)
    x = int(12 * s) + cw + int(24 * s)
    label = "Rest" if st.rest_remaining_s > 0 else st.target_label
    _text(img, label, (x, int(58 * s)), _fit(label, CUE_SCALE * s, thick, w - x - int(12 * s)),
          WHITE, thick)

    if st.rest_remaining_s > 0:
        _text(img, f"{st.rest_remaining_s:.0f} s", (x, int(90 * s)), 0.9 * s, AMBER, thin)
    elif st.hold_target_s > 0 and st.hold_elapsed_s > 0:
        share = min(st.hold_elapsed_s / st.hold_target_s, 1.0)
        x0, x1 = w - int(190 * s), w - int(20 * s)
        y0, y1 = int(BAND_H * s) + int(10 * s), int(BAND_H * s) + int(40 * s)
        words = hold_text(st.hold_elapsed_s, st.hold_target_s)
        (tw, _), _ = cv2.getTextSize(words, _FONT, 1.0 * s, thick + 3)
        _band_box(img, y0 - int(6 * s), y1 + int(44 * s), min(x0, x1 - tw) - int(8 * s), w)
        cv2.rectangle(img, (x0, y0), (x1, y1), WHITE, max(1, thick // 2))
        cv2.rectangle(img, (x0, y0), (x0 + int((x1 - x0) * share), y1),
                      GREEN if share >= 1.0 else AMBER, -1)
        _text(img, words, (x1 - tw, y1 + int(34 * s)), 1.0 * s,
              GREEN if share >= 1.0 else WHITE, thick)

    if o.flexion is not None and o.joints:
        y = h - int(BOTTOM_H * s) - int(12 * s) - int(22 * s) * (len(o.joints) - 1)
        for joint in o.joints:
            if joint.startswith("thumb_"):
                deg = o.flexion[angle_index("thumb", joint.removeprefix("thumb_"))]
                name = f"thumb {PLAIN_JOINTS[joint.removeprefix('thumb_')]}"
            else:
                deg = np.nanmean([o.flexion[angle_index(f, joint)] for f in FINGERS])
                name = PLAIN_JOINTS[joint]
            shown = bend_deg(_shown(deg))
            if shown is not None:
                _text(img, f"{name} {shown} deg", (int(12 * s), y), 0.55 * s, WHITE, 1)
            y += int(22 * s)

    alert = o.alert
    if alert is not None and o.t - alert.t <= SHOW_ALERT_S:
        colour = RED if alert.code in STOP_CODES else \
            GREEN if alert.code == Code.SET_COMPLETE else AMBER
        _wrapped(img, alert.message[:120], MESSAGE_SCALE * s, colour, thick)
    elif hold_reached(st):
        _wrapped(img, f"Relax. {o.rest_cue}"[:120], MESSAGE_SCALE * s, GREEN, thick)
    elif st.position is None or st.position != st.target:
        _wrapped(img, st.target_cue[:120], MESSAGE_SCALE * s, WHITE, thick)
    return img


def draw_setup(img: np.ndarray, status: SetupStatus) -> np.ndarray:
    """The set-up before counting: one plain correction at the bottom, or the 3-2-1
    countdown, big, in the middle of the picture."""
    h, w = img.shape[:2]
    s = h / 480.0
    thick = max(2, round(2 * s))
    if status.countdown is not None:
        _band(img, 0, int(BAND_H * s))
        _text(img, "Get ready", (int(12 * s), int(58 * s)), CUE_SCALE * s, WHITE, thick)
        number = str(status.countdown)
        (tw, th), _ = cv2.getTextSize(number, _FONT, 5 * s, thick * 5)
        _text(img, number, ((w - tw) // 2, (h + th) // 2), 5 * s, GREEN, thick * 5)
        return img
    _band(img, 0, int(BAND_H * s))
    _text(img, "Set-up", (int(12 * s), int(58 * s)), CUE_SCALE * s, WHITE, thick)
    _wrapped(img, status.advice or "", MESSAGE_SCALE * s, AMBER, thick)
    return img
