"""The videos a patient can use instead of a webcam: the bundled samples and their own
uploads (kept in a private temporary folder for this browser session, never stored)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from vision.sources import SourceError, VideoFileSource

SAMPLES = Path(__file__).resolve().parent.parent / "sample_videos"
UPLOAD_TYPES = ["mp4", "mov", "avi", "mkv", "webm"]


def samples() -> dict[str, Path]:
    """Bundled sample clips by label ("fist", "tendon glides"), in name order."""
    return {p.stem.replace("_", " "): p for p in sorted(SAMPLES.glob("*.mp4"))}


def check_video(path: Path) -> None:
    """Raise SourceError (one line) unless the file opens and has at least one frame."""
    with VideoFileSource(path) as source:
        for _ in source:
            return
    raise SourceError(f"{path.name} holds no video frames")


def keep_upload(name: str, data: bytes) -> Path:
    """Write an uploaded file to a fresh private folder and check that it is a video.

    Raises SourceError with a one-line reason for an empty, corrupt or non-video file.
    """
    if not data:
        raise SourceError(f"{name} is empty")
    folder = Path(tempfile.mkdtemp(prefix="handcoach-upload-"))
    path = folder / Path(name).name
    path.write_bytes(data)
    try:
        check_video(path)
    except SourceError as exc:
        raise SourceError(str(exc).replace(str(path), path.name)) from None
    return path
