"""The live overlay drawn on a real frame: skeleton, counter band, hold bar, warnings."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from app.overlay import AMBER, GREEN, RED, OverlayInput, draw_overlay
from exercises.alerts import Alert, Code
from exercises.engine import ExerciseEngine
from exercises.library import get_exercise
from vision.pipeline import HandPipeline
from vision.sources import VideoFileSource

SAMPLE = Path(__file__).resolve().parent.parent / "sample_videos" / "fist.mp4"


def first_frame_with_hand():
    with VideoFileSource(SAMPLE) as source, HandPipeline() as pipeline:
        for frame in source:
            r = pipeline.process(frame.t, frame.rgb)
            if r.hand is not None and frame.t > 0.5:
                return frame.rgb.copy(), r


def close(pixel: np.ndarray, colour: tuple[int, int, int], tol: int = 40) -> bool:
    return bool(np.all(np.abs(pixel.astype(int) - colour) <= tol))


def test_overlay_draws_skeleton_counter_hold_and_warning():
    rgb, r = first_frame_with_hand()
    engine = ExerciseEngine(get_exercise("fist"))
    engine.update(r)
    state = replace(engine.state(), hold_elapsed_s=1.5, hold_target_s=3.0, reps=4)
    h, w = rgb.shape[:2]
    plain = rgb.copy()
    alert = Alert(r.t, Code.PARTIAL_RANGE, "Go a little further: Curl all your fingers.")
    out = draw_overlay(rgb, OverlayInput(state, r.t, r.hand.image[:, :2], r.measures.flexion,
                                         ("pip",), alert))
    assert out is rgb
    # The skeleton: every landmark is covered by a drawn dot.
    pts = np.round(r.hand.image[:, :2]).astype(int)
    inside = [(x, y) for x, y in pts if 0 <= x < w and 0 <= y < h]
    assert sum(close(out[y, x], (255, 255, 255), 10) for x, y in inside) >= 0.8 * len(inside)
    # The top band is darkened for the counter; text in green is there.
    top = out[: int(70 * h / 480)]
    assert top.mean() < plain[: top.shape[0]].mean()
    assert any(close(p, GREEN, 30) for p in top.reshape(-1, 3)[::7])
    # Hold bar, under the band, half filled in amber (not yet complete).
    s = h / 480
    assert close(out[int(125 * s), w - int(185 * s)], AMBER, 30)
    assert not close(out[int(125 * s), w - int(30 * s)], AMBER, 30)
    # The warning sits on a band at the bottom in amber.
    bottom = out[h - int(60 * s):]
    assert any(close(p, AMBER, 30) for p in bottom.reshape(-1, 3)[::5])


def test_stop_warnings_are_red_and_old_ones_fade():
    rgb, r = first_frame_with_hand()
    engine = ExerciseEngine(get_exercise("fist"))
    state = engine.state(r.t)
    h = rgb.shape[0]
    s = h / 480
    stop = Alert(r.t, Code.PAIN_STOP, "Your pain is going up. Stop this exercise now.")
    out = draw_overlay(rgb.copy(), OverlayInput(state, r.t, alert=stop))
    assert any(close(p, RED, 30) for p in out[h - int(60 * s):].reshape(-1, 3)[::5])
    later = draw_overlay(rgb.copy(), OverlayInput(state, r.t + 10.0, alert=stop))
    assert not any(close(p, RED, 30) for p in later[h - int(60 * s):].reshape(-1, 3)[::5])


def test_the_skeleton_draws_exactly_mediapipes_bones():
    from app.overlay import _BONE_CHAINS
    from vision.landmarks import CONNECTIONS

    drawn = [tuple(sorted((int(c[i]), int(c[i + 1])))) for c in _BONE_CHAINS
             for i in range(len(c) - 1)]
    assert sorted(drawn) == sorted(tuple(sorted(p)) for p in CONNECTIONS)


def _luminance(rgb: np.ndarray) -> np.ndarray:
    """WCAG 2.1 relative luminance of sRGB colours (..., 3) in 0-255."""
    c = rgb.astype(float) / 255.0
    c = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return c @ np.array([0.2126, 0.7152, 0.0722])


def test_overlay_text_keeps_wcag_aa_contrast_even_on_a_white_wall():
    """Every text colour is drawn inside a dark outline: against it each glyph has at
    least the 4.5:1 that WCAG 2.1 AA asks of normal text, whatever is behind the hand."""
    engine = ExerciseEngine(get_exercise("fist"))
    white = np.full((480, 640, 3), 255, np.uint8)
    state = replace(engine.state(), reps=2)
    for code, colour in ((Code.PARTIAL_RANGE, AMBER), (Code.PAIN_STOP, RED)):
        out = draw_overlay(white.copy(), OverlayInput(
            state, 1.0, alert=Alert(1.0, code, "Go a little further, gently.")))
        for name, want in (("counter", GREEN), ("message", colour)):
            ys, xs = np.nonzero(np.all(np.abs(out.astype(int) - want) <= 12, axis=2))
            assert len(ys) > 50, f"no {name} text drawn in {want}"
            ratios = []
            for y, x in zip(ys[::9], xs[::9], strict=True):
                ring = out[max(y - 4, 0):y + 5, max(x - 4, 0):x + 5].reshape(-1, 3)
                dark = _luminance(ring).min()
                ratios.append((_luminance(out[y, x]) + 0.05) / (dark + 0.05))
            assert np.percentile(ratios, 5) >= 4.5, (name, want, np.percentile(ratios, 5))
