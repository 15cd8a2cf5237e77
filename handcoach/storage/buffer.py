"""What a recorder keeps in memory until the store has it, and when it tries to write.

- `FrameBuffer`: frames as they come, sealed into encoded chunks (encoded once, kept
  across failed writes until one succeeds).
- `FlushPolicy`: when the next write is due, in frame time: every `every_s` seconds,
  further apart after each failure (so a dead network does not stall the frame loop
  every couple of seconds).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from vision.landmarks import N_ANGLES

from . import codec

#: a failing store is retried at most this far apart (s of frame time).
MAX_RETRY_S = 30.0


@dataclass(frozen=True)
class Chunk:
    """Frames already encoded, waiting to be written."""

    seq: int
    t_start: float
    t_end: float
    n_frames: int
    times: bytes
    angles: bytes
    world: bytes | None

    def columns(self) -> dict[str, Any]:
        return {"seq": self.seq, "t_start": self.t_start, "t_end": self.t_end,
                "n_frames": self.n_frames, "codec": codec.CODEC_VERSION,
                "times": self.times, "angles": self.angles, "world": self.world}


class FrameBuffer:
    """Frames in, encoded chunks out (numbered in order)."""

    def __init__(self) -> None:
        self._t: list[float] = []
        self._angles: list[np.ndarray] = []
        self._world: list[np.ndarray | None] = []
        self._seq = 0
        self._nan_angles = np.full(N_ANGLES, np.nan)

    def __len__(self) -> int:
        return len(self._t)

    @property
    def last_t(self) -> float | None:
        """The time of the last frame added since the last seal (None: none since)."""
        return self._t[-1] if self._t else None

    def add(self, t: float, angles: np.ndarray | None, world: np.ndarray | None) -> None:
        """angles (14,) deg or None (no hand); world (21, 3) metres or None."""
        self._t.append(float(t))
        self._angles.append(self._nan_angles if angles is None
                            else np.asarray(angles, dtype=np.float64).reshape(N_ANGLES))
        self._world.append(None if world is None
                           else np.asarray(world, dtype=np.float64).reshape(21, 3))

    def seal(self) -> Chunk | None:
        """The frames so far as one encoded chunk (None when there are none)."""
        if not self._t:
            return None
        times = np.asarray(self._t)
        world = None
        if any(w is not None for w in self._world):
            nan = np.full((21, 3), np.nan)
            world = codec.encode_world(np.stack([nan if w is None else w
                                                 for w in self._world]))
        chunk = Chunk(seq=self._seq, t_start=float(times[0]), t_end=float(times[-1]),
                      n_frames=len(times), times=codec.encode_times(times, float(times[0])),
                      angles=codec.encode_angles(np.stack(self._angles)), world=world)
        self._seq += 1
        self._t, self._angles, self._world = [], [], []
        return chunk


class FlushPolicy:
    """When the next write is due, in frame time (s): every `every_s` while writes work;
    after each failure in a row the wait doubles, up to MAX_RETRY_S."""

    def __init__(self, every_s: float = 2.0) -> None:
        if every_s <= 0:
            raise ValueError(f"flush_s must be positive, got {every_s}")
        self.every_s = float(every_s)
        self.failures = 0
        self._next: float | None = None

    def due(self, t: float) -> bool:
        """Whether a frame at time t is due for a write (the first frame starts the clock)."""
        if self._next is None:
            self._next = t + self.every_s
            return False
        return t >= self._next

    def done(self, t: float | None, ok: bool) -> None:
        """A write was made (or only sealed, ok) at frame time t (None: not in frame time)."""
        self.failures = 0 if ok else self.failures + 1
        if t is not None:
            wait = self.every_s if ok else min(self.every_s * 2 ** self.failures, MAX_RETRY_S)
            self._next = t + wait
