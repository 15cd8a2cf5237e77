"""The videos a patient can use instead of a webcam: the bundled samples and their own
uploads (kept in a private temporary folder for this browser session, never stored)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from app.safe_text import plain
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


def upload_field(label: str, refused: str) -> Path | None:
    """A file uploader whose file is kept and checked once per upload.

    Returns the kept video, or None (nothing uploaded, or a bad file: `refused`, with
    {reason} in it, is shown as one error line). Every widget click reruns the page; the
    same upload must keep the same path across reruns, or results computed from it (the
    analyze page's, before "Save") would no longer match the file shown.
    """
    upload = st.file_uploader(label, type=UPLOAD_TYPES)
    if upload is None:
        return None
    kept: dict[str, Path | str] = st.session_state.setdefault("kept_uploads", {})
    if upload.file_id not in kept:
        try:
            kept[upload.file_id] = keep_upload(upload.name, upload.getvalue())
        except SourceError as exc:
            kept[upload.file_id] = str(exc)
    got = kept[upload.file_id]
    if isinstance(got, str):
        st.error(refused.format(reason=plain(got)))
        return None
    return got
