"""Frame sources: video files, webcams and image folders, as RGB frames with timestamps.

Video files are decoded with PyAV (FFmpeg) rather than OpenCV because OpenCV drops two
things a coach needs: the container's real presentation timestamps (phones record at a
variable frame rate, and hold times are measured in seconds) and the rotation tag of
phone clips (a portrait clip would reach the tracker sideways).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".webp")
#: below one frame a second there is no movement to follow (a 0.0001 fps file would be
#: one frame "lasting" 10000 s).
MIN_FPS = 1.0
#: above this no camera records (slow-motion phones reach 960); a higher rate is a file
#: whose time stamps are broken.
MAX_FPS = 1000.0
#: a step between two frames shorter than this share of the frame interval is no real
#: time (a file whose 60 frames all fall within a millisecond).
MIN_STEP_SHARE = 0.05
#: frames are handed on with their longest side at most this (px): MediaPipe looks at a
#: 224-256 px crop anyway, and a 4K or 8K frame would cost 25-200 MB of memory each.
MAX_SIDE = 1920
#: larger frames than this (a side, px) are refused: no camera records them, and the
#: decoder alone would need hundreds of MB per frame.
MAX_DECODE_SIDE = 8192
#: above this many pixels the decoder works on one frame at a time (slice threads)
#: instead of several at once (frame threads, each holding its own frames).
ONE_FRAME_AT_A_TIME = 3840 * 2160
#: how much shorter than its container says a video may decode before it is called cut
#: short: a frame or two and audio that outlasts the picture are normal.
CUT_SHORT_S = 1.0
CUT_SHORT_SHARE = 0.02


class SourceError(Exception):
    """A source that cannot be opened or read; the message is one line for the user."""


@dataclass(frozen=True, slots=True)
class Frame:
    """One decoded frame: RGB pixels (h, w, 3) uint8 and its time in seconds from the start."""

    index: int
    t: float
    rgb: np.ndarray


class FrameSource:
    """Base for all sources: iterate for frames; `ended_early` says why a stream stopped
    before its end, `retimed` why some frames' times were not the file's own."""

    name: str = ""
    fps: float = 30.0
    duration_s: float | None = None
    ended_early: str | None = None
    retimed: str | None = None

    def __iter__(self) -> Iterator[Frame]:
        raise NotImplementedError

    def close(self) -> None:
        """Release the device or file."""

    def __enter__(self) -> FrameSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class VideoFileSource(FrameSource):
    """Any file FFmpeg reads, rotation applied, timestamps from the container.

    mirror: flip horizontally (for a clip saved as a mirrored selfie preview).
    """

    def __init__(self, path: str | Path, mirror: bool = False) -> None:
        import av  # imported here: webcam-only users never pay for it

        self.path = Path(path)
        self.name = str(path)
        self.mirror = mirror
        if not self.path.exists():
            raise SourceError(f"no such file: {path}")
        if self.path.is_dir():
            raise SourceError(f"{path} is a folder, not a video")
        if self.path.stat().st_size == 0:
            raise SourceError(f"{path} is empty")
        try:
            self._container = av.open(str(self.path))
        except (av.error.FFmpegError, UnicodeDecodeError, ValueError) as exc:
            raise SourceError(f"{path} is not a video FFmpeg can read ({_reason(exc)})") from None
        if not self._container.streams.video:
            self._container.close()
            raise SourceError(f"{path} has no video stream")
        stream = self._container.streams.video[0]
        codec = stream.codec_context
        if codec is None:
            self._container.close()
            raise SourceError(f"{path} has a video stream FFmpeg cannot decode")
        width, height = codec.width or 0, codec.height or 0
        if max(width, height) > MAX_DECODE_SIDE:
            self._container.close()
            raise SourceError(f"{path} has frames of {width}x{height}; HandCoach reads videos "
                              f"up to {MAX_DECODE_SIDE} pixels a side")
        stream.thread_type = "SLICE" if width * height > ONE_FRAME_AT_A_TIME else "AUTO"
        self._stream = stream
        rate = stream.average_rate or stream.guessed_rate
        self.fps = float(rate) if rate else 30.0
        if not MIN_FPS <= self.fps <= MAX_FPS:
            self._container.close()
            raise SourceError(f"{path} has {self.fps:.4g} frames a second; HandCoach reads "
                              f"{MIN_FPS:g} to {MAX_FPS:g}")
        if stream.duration is not None and stream.time_base is not None:
            self.duration_s = float(stream.duration * stream.time_base)
        elif self._container.duration is not None:
            self.duration_s = self._container.duration / 1e6

    def __iter__(self) -> Iterator[Frame]:
        import av

        t0: float | None = None
        t = -1.0
        index = retimed = 0
        try:
            for vf in self._container.decode(self._stream):
                rgb = vf.to_ndarray(format="rgb24", **_fit(vf.width, vf.height))
                quarter_turns = round((vf.rotation or 0) / 90) % 4
                if quarter_turns:
                    rgb = np.ascontiguousarray(np.rot90(rgb, quarter_turns))
                if self.mirror:
                    rgb = np.ascontiguousarray(rgb[:, ::-1])
                t_abs = vf.time if vf.time is not None else index / self.fps
                if t0 is None:
                    t0 = t_abs
                t_file = float(t_abs - t0)
                if index and not t_file > t + MIN_STEP_SHARE / self.fps:
                    # A time stamp repeated or going back (every frame at 0, a bad
                    # remux): timed at the frame rate, and said, rather than a session
                    # of 0 s or one whose holds run backwards.
                    t_file = t + 1.0 / self.fps
                    retimed += 1
                t = t_file
                yield Frame(index, t, rgb)
                index += 1
        except av.error.FFmpegError as exc:
            if index == 0:
                raise SourceError(f"{self.name} could not be decoded ({_reason(exc)})") from None
            self.ended_early = f"video is damaged after frame {index} ({_reason(exc)})"
        if index == 0:
            raise SourceError(f"{self.name} contains no decodable video frames")
        if retimed:
            self.retimed = (f"{retimed} of {index} frames had no usable time (repeated, going "
                            "back or too close together); they were timed at "
                            f"{self.fps:g} frames a second")
        decoded = t + 1.0 / self.fps
        if self.ended_early is None and self.duration_s \
                and decoded < self.duration_s - max(CUT_SHORT_S,
                                                    CUT_SHORT_SHARE * self.duration_s):
            self.ended_early = (f"the video stops at {decoded:.1f} s of its "
                                f"{self.duration_s:.1f} s (the file is cut short)")

    def close(self) -> None:
        self._container.close()


class CameraSource(FrameSource):
    """A webcam by index; timestamps from the monotonic clock at capture."""

    def __init__(self, index: int = 0, width: int = 640, height: int = 480,
                 mirror: bool = False) -> None:
        import cv2

        self.name = f"camera {index}"
        self.mirror = mirror
        self._cap = cv2.VideoCapture(index)
        if not self._cap.isOpened():
            raise SourceError(f"camera {index} could not be opened (is it connected and free?)")
        self._cap.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        self._cap.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        self.fps = float(self._cap.get(cv2.CAP_PROP_FPS) or 30.0)

    def __iter__(self) -> Iterator[Frame]:
        import cv2

        t0 = time.monotonic()
        index = 0
        while True:
            ok, bgr = self._cap.read()
            if not ok:
                self.ended_early = f"{self.name} stopped sending frames"
                return
            rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
            if self.mirror:
                rgb = np.ascontiguousarray(rgb[:, ::-1])
            yield Frame(index, time.monotonic() - t0, rgb)
            index += 1

    def close(self) -> None:
        self._cap.release()


class ImageFolderSource(FrameSource):
    """Images in a folder, in name order, at a nominal frame rate (images carry no time)."""

    def __init__(self, folder: str | Path, fps: float = 30.0) -> None:
        self.folder = Path(folder)
        self.name = str(folder)
        self.fps = fps
        if not self.folder.is_dir():
            raise SourceError(f"no such folder: {folder}")
        self._paths = sorted(p for p in self.folder.iterdir()
                             if p.suffix.lower() in IMAGE_SUFFIXES)
        if not self._paths:
            raise SourceError(f"{folder} holds no images ({', '.join(IMAGE_SUFFIXES)})")
        self.duration_s = len(self._paths) / fps

    def __iter__(self) -> Iterator[Frame]:
        for index, path in enumerate(self._paths):
            yield Frame(index, index / self.fps, read_image(path))


def read_image(path: str | Path) -> np.ndarray:
    """One image file as RGB uint8; SourceError if it is not an image."""
    import cv2

    bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if bgr is None:
        raise SourceError(f"{path} is not an image OpenCV can read")
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def open_source(spec: str | int | Path, mirror: bool = False) -> FrameSource:
    """A source from what a user types: a camera index ("0"), a folder, or a video file."""
    if isinstance(spec, int) or (isinstance(spec, str) and spec.isdigit()):
        return CameraSource(int(spec), mirror=mirror)
    path = Path(spec)
    if path.is_dir():
        return ImageFolderSource(path)
    return VideoFileSource(path, mirror=mirror)


def _fit(width: int, height: int) -> dict[str, int]:
    """The size a frame is converted to: as it is, or its longest side MAX_SIDE (scaled
    by FFmpeg while converting, so the full-size RGB frame never exists)."""
    side = max(width, height)
    if side <= MAX_SIDE:
        return {}
    scale = MAX_SIDE / side
    return {"width": max(2, round(width * scale / 2) * 2),
            "height": max(2, round(height * scale / 2) * 2)}


def _reason(exc: BaseException) -> str:
    """FFmpeg's own words for an error, without the file name PyAV appends."""
    text = getattr(exc, "strerror", None) or str(exc)
    return str(text).splitlines()[0].strip().rstrip(":") or type(exc).__name__
