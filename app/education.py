"""Short looping clips of the rendered hand doing each exercise, for the Learn page.

Made by our own renderer, the studio (handcoach/synthetic/studio.py: a skinned human hand
at a table), not stock images: one slow repetition at a small size, from the exercise's
recommended camera view, rendered on first view and kept in the user's cache folder, so
the app ships no video and downloads nothing. A teaching clip needs no webcam artefacts:
no motion blur (half the rendering time) and a tenth of the sensor noise.
"""

from __future__ import annotations

from pathlib import Path

#: bump when the renderer's look changes, so old clips are made again.
CLIP_VERSION = 2
CLIP_SIZE = (480, 360)
CLIP_FPS = 15.0
#: held positions last this long in the demonstration (s): long enough to see each one.
CLIP_HOLD_S = 1.0


def clip_folder() -> Path:
    from platformdirs import user_cache_path

    return user_cache_path("handcoach", appauthor=False) / f"clips-v{CLIP_VERSION}"


def demo_clip(exercise_id: str, folder: Path | None = None) -> Path:
    """The exercise's demonstration clip (H.264 mp4), rendered if not yet cached.

    Raises RuntimeError (no headless OpenGL, ffmpeg missing or failing) or OSError (cache
    not writable).
    """
    from handcoach.synthetic.studio import render_exercise

    folder = folder or clip_folder()
    path = folder / f"{exercise_id}.mp4"
    if path.is_file() and path.stat().st_size > 0:
        return path
    folder.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part.mp4")
    render_exercise(exercise_id, partial, reps=1, fps=CLIP_FPS, hold_s=CLIP_HOLD_S,
                    width=CLIP_SIZE[0], height=CLIP_SIZE[1], motion_blur=1, noise=0.1)
    partial.replace(path)
    return path
