"""Compact storage of per-frame series: times, 14 angles and 21x3 world landmarks.

A therapist replays a rep's angle curves from stored landmarks, so every frame is kept,
but raw float32 would be 5.6 MB per 10-minute 30 fps session. Values are quantized far
below what MediaPipe can resolve (0.25 mm, 0.1 deg, 1 us), delta-coded frame to frame
(hands move little in 1/30 s), split into byte planes (the high bytes of small deltas are
all 0x00 or 0xFF) and zlib-compressed: 1.3-1.4 MB of frames, a 1.6 MB SQLite file, per
10 minutes (`benchmarks/storage_size.py`). NaN (no hand) survives the round trip.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import numpy as np

from vision.landmarks import N_ANGLES

#: format of the blobs; stored with each chunk so that a later format can be added.
CODEC_VERSION = 1
#: quanta: times in microseconds, angles in 0.1 deg, landmarks in 0.25 mm (MediaPipe's
#: world landmarks are good to millimetres; a 0.125 mm rounding moves a joint angle by
#: about 0.1 deg, at most 0.5 deg on the shortest bones).
TIME_SCALE = 1e6
ANGLE_SCALE = 10.0
WORLD_SCALE = 4e3
N_WORLD = 21 * 3

_MISSING = {np.dtype("<i4"): np.iinfo(np.int32).min, np.dtype("<i8"): np.iinfo(np.int64).min}


@dataclass
class FrameSeries:
    """Frames of one session (or part of it).

    times: (n,) s from the session start. angles: (n, 14) deg, NaN rows without a hand.
    world: (n, 21, 3) metres, NaN where not recorded; None when no frame has landmarks
    (video analysis stores angles only).
    """

    times: np.ndarray
    angles: np.ndarray
    world: np.ndarray | None

    def __len__(self) -> int:
        return len(self.times)


def _pack(values: np.ndarray, scale: float, dtype: str) -> bytes:
    """(n, k) floats -> quantized, delta-coded, byte-plane-split, compressed bytes."""
    dt = np.dtype(dtype)
    missing = _MISSING[dt]
    info = np.iinfo(dt)
    scaled = np.asarray(values, dtype=np.float64) * scale
    bad = ~np.isfinite(scaled)
    q = np.clip(np.round(np.where(bad, 0.0, scaled)), info.min + 1, info.max).astype(dt)
    q[bad] = missing
    deltas = q.copy()
    # Integer arrays wrap around on overflow, and so does the cumulative sum that undoes
    # this: the round trip is exact even across the NaN sentinel.
    deltas[1:] = q[1:] - q[:-1]
    n, k = deltas.shape
    planes = np.ascontiguousarray(deltas.T).view(np.uint8).reshape(k, n, dt.itemsize)
    # Level 9: 15 % smaller than the default on these planes, well under 1 ms per chunk.
    return zlib.compress(np.ascontiguousarray(planes.transpose(2, 0, 1)).tobytes(), 9)


def _unpack(blob: bytes, n: int, k: int, scale: float, dtype: str) -> np.ndarray:
    dt = np.dtype(dtype)
    planes = np.frombuffer(zlib.decompress(blob), dtype=np.uint8).reshape(dt.itemsize, k, n)
    deltas = np.ascontiguousarray(planes.transpose(1, 2, 0)).view(dt).reshape(k, n).T
    q = np.cumsum(deltas, axis=0, dtype=dt)
    out = q.astype(np.float64) / scale
    out[q == _MISSING[dt]] = np.nan
    return out


def encode_times(times: np.ndarray, t_start: float) -> bytes:
    """Frame times relative to the chunk's first frame (int64 microseconds)."""
    return _pack((np.asarray(times, dtype=np.float64) - t_start)[:, None], TIME_SCALE, "<i8")


def decode_times(blob: bytes, n: int, t_start: float) -> np.ndarray:
    return _unpack(blob, n, 1, TIME_SCALE, "<i8")[:, 0] + t_start


def encode_angles(angles: np.ndarray) -> bytes:
    return _pack(np.asarray(angles).reshape(-1, N_ANGLES), ANGLE_SCALE, "<i4")


def decode_angles(blob: bytes, n: int) -> np.ndarray:
    return _unpack(blob, n, N_ANGLES, ANGLE_SCALE, "<i4")


def encode_world(world: np.ndarray) -> bytes:
    return _pack(np.asarray(world).reshape(-1, N_WORLD), WORLD_SCALE, "<i4")


def decode_world(blob: bytes, n: int) -> np.ndarray:
    return _unpack(blob, n, N_WORLD, WORLD_SCALE, "<i4").reshape(n, 21, 3)
