"""The videos a patient can use instead of a webcam: the bundled samples and their own
uploads.

An upload is a patient's hand on video: it is kept only while it is needed, in a private
folder of this server process (`UPLOADS/<pid>/`, mode 0700, UPLOADS being
handcoach-uploads-<uid> in the temporary folder), and deleted when its
analysis is done or its live session ends (`discard`); folders left by a server that
stopped (a crash, a power cut) are deleted when the next one starts (`clean_leftovers`).
Uploads are at most MAX_UPLOAD_MB (Streamlit refuses bigger files in the browser; this
says so in words too), and frames larger than vision.sources reads are refused.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import uuid
from pathlib import Path

import streamlit as st

from app.safe_text import plain
from handcoach.app_command import MAX_UPLOAD_MB
from vision.sources import SourceError, VideoFileSource

SAMPLES = Path(__file__).resolve().parent.parent / "sample_videos"
UPLOAD_TYPES = ["mp4", "mov", "avi", "mkv", "webm"]
UPLOADS = Path(tempfile.gettempdir()) / f"handcoach-uploads-{os.getuid()}"
#: where the HandCoach before this one kept uploads (`mkdtemp(prefix="handcoach-upload-")`),
#: and how old such a folder must be to be removed (s): a server of that version may
#: still be running.
LEGACY = Path(tempfile.gettempdir())
_OLD_FOLDERS_AFTER_S = 3600.0


def samples() -> dict[str, Path]:
    """Bundled sample clips by label ("fist", "tendon glides"), in name order."""
    return {p.stem.replace("_", " "): p for p in sorted(SAMPLES.glob("*.mp4"))}


def check_video(path: Path) -> None:
    """Raise SourceError (one line) unless the file opens and has at least one frame."""
    with VideoFileSource(path) as source:
        for _ in source:
            return
    raise SourceError(f"{path.name} holds no video frames")


def _mine() -> Path:
    UPLOADS.mkdir(exist_ok=True, mode=0o700)
    folder = UPLOADS / str(os.getpid())
    folder.mkdir(exist_ok=True, mode=0o700)
    return folder


def keep_upload(name: str, data: bytes) -> Path:
    """Write an uploaded file to a private folder and check that it is a video.

    Raises SourceError with a one-line reason for an empty, too big, corrupt or non-video
    file (nothing is kept then).
    """
    if not data:
        raise SourceError(f"{name} is empty")
    if len(data) > MAX_UPLOAD_MB * 1024 * 1024:
        raise SourceError(f"{name} is {len(data) / 2**20:.0f} MB; HandCoach takes videos up "
                          f"to {MAX_UPLOAD_MB} MB")
    folder = _mine() / uuid.uuid4().hex
    folder.mkdir(mode=0o700)
    path = folder / (Path(name).name or "upload")
    path.write_bytes(data)
    try:
        check_video(path)
    except SourceError as exc:
        discard(path)
        raise SourceError(str(exc).replace(str(path), path.name)) from None
    return path


def discard(path: Path | None) -> None:
    """Delete an upload (and its folder) now that nothing needs it; samples are kept."""
    if path is None or UPLOADS not in path.parents:
        return
    shutil.rmtree(path.parent, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_leftovers() -> list[Path]:
    """Delete the upload folders of servers that are no longer running; returns them."""
    gone = []
    if UPLOADS.is_dir():
        for folder in UPLOADS.iterdir():
            if folder.is_dir() and folder.name.isdigit() and not _alive(int(folder.name)):
                shutil.rmtree(folder, ignore_errors=True)
                gone.append(folder)
    now = time.time()
    for folder in LEGACY.glob("handcoach-upload-*"):
        try:
            old = now - folder.stat().st_mtime > _OLD_FOLDERS_AFTER_S
        except OSError:
            continue
        if folder.is_dir() and old:
            shutil.rmtree(folder, ignore_errors=True)
            gone.append(folder)
    return gone


@st.cache_resource(show_spinner=False)
def cleaned_at_start() -> int:
    """Once per server process, at its first page: the leftovers of earlier ones go."""
    return len(clean_leftovers())


def upload_field(label: str, refused: str) -> Path | None:
    """A file uploader whose file is kept and checked once per upload.

    Returns the kept video, or None (nothing uploaded, or a bad file: `refused`, with
    {reason} in it, is shown as one error line). Every widget click reruns the page; the
    same upload keeps the same path across reruns, or results computed from it (the
    analyze page's, before "Save") would no longer match the file shown. A file deleted
    after its analysis is written again from the uploader if it is needed again.
    """
    upload = st.file_uploader(label, type=UPLOAD_TYPES,
                              help=f"A video of up to {MAX_UPLOAD_MB} MB. It is deleted "
                                   "as soon as it has been used.")
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
    if not got.exists():
        got.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        got.write_bytes(upload.getvalue())
    return got
