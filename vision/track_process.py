"""MediaPipe in a process of its own, beside the caller (vision.ahead's default).

Why a process and not a thread: MediaPipe's graph runs in C++ on one core, but every frame
also needs Python with the interpreter's lock held (making the image packet, the output
callbacks, unpacking the landmark protobufs). On a thread beside our own Python
(smoothing, kinematics, the engine, the overlay) the two took turns at that lock, and
MediaPipe slowed down by as much as our half cost. In a process of its own MediaPipe has a
lock of its own, and our half runs truly beside it on the other core.

Frames travel through shared memory (SLOTS slots, so that the next frame can be written
while MediaPipe works on the previous one; a frame larger than a slot goes through the
socket instead), timestamps and results through a socket pair as pickles: a Tracked is a
few hundred bytes (landmark arrays of one or two hands).

The worker is `python -m vision.track_process SOCK_FD MEM_FD SLOT_BYTES ARGS`, started
with subprocess, not multiprocessing, so nothing of the parent (a Streamlit server's
threads and modules) is re-imported or forked into it.
"""

from __future__ import annotations

import json
import mmap
import os
import socket
import subprocess
import sys
import tempfile
import threading
from collections import deque
from multiprocessing.connection import Connection

import numpy as np

from .frame import HandFrame
from .pipeline import HandPipeline

#: frames in flight at most: the one MediaPipe works on, and the next one written.
SLOTS = 2
#: seconds to wait for an answer (the first includes importing MediaPipe and building
#: its graphs); a worker that takes longer is treated as dead.
ANSWER_TIMEOUT_S = 60.0
#: seconds to wait for the worker to exit once asked to.
STOP_TIMEOUT_S = 5.0


class TrackerDied(RuntimeError):
    """The MediaPipe process ended or failed; the message is one line."""


def _shared_buffer(size: int) -> int:
    """A file descriptor of `size` bytes of memory both processes can map."""
    if hasattr(os, "memfd_create"):
        fd = os.memfd_create("handcoach-frames", 0)
    else:  # pragma: no cover - macOS: an unlinked temporary file
        fd, path = tempfile.mkstemp(prefix="handcoach-frames-")
        os.unlink(path)
    os.ftruncate(fd, size)
    return fd


class TrackProcess:
    """`HandPipeline.track` run by a worker process: `submit(t, rgb)` returns a handle
    whose `result()` is the frame's tracked HandFrame. Frames must come in time order; at
    most SLOTS are in flight (a third submit first waits for the oldest answer).
    `start()` starts the worker."""

    def __init__(self, model: str = "lite", hand: str = "auto", mirrored: bool = False,
                 track_arm: bool = False, slot_bytes: int = 960 * 540 * 3) -> None:
        self.model = model
        self.hand = hand
        self.mirrored = mirrored
        self.track_arm = track_arm
        self.slot_bytes = int(slot_bytes)
        self._proc: subprocess.Popen | None = None
        self._next = 0
        self._waiting: deque[int] = deque()
        self._answers: dict[int, object] = {}
        self._lock = threading.Lock()
        self._closed = False
        self._ready = False

    def start(self) -> TrackProcess:
        """Start the worker (it imports MediaPipe and builds its graphs: about a second;
        `wait_ready` waits for it). Raises OSError when no process can be started."""
        if self._proc is not None:
            return self
        parent_sock, child_sock = socket.socketpair()
        self._mem_fd = _shared_buffer(self.slot_bytes * SLOTS)
        self._mem = mmap.mmap(self._mem_fd, self.slot_bytes * SLOTS)
        args = json.dumps({"model": self.model, "hand": self.hand, "mirrored": self.mirrored,
                           "track_arm": self.track_arm})
        root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            p for p in (root, os.environ.get("PYTHONPATH")) if p)}
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "vision.track_process", str(child_sock.fileno()),
                 str(self._mem_fd), str(self.slot_bytes), args],
                pass_fds=(child_sock.fileno(), self._mem_fd), env=env,
                stdin=subprocess.DEVNULL)
        except OSError:
            parent_sock.close()
            self._mem.close()
            os.close(self._mem_fd)
            raise
        finally:
            child_sock.close()
        self._conn = Connection(parent_sock.detach())
        return self

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def wait_ready(self, timeout_s: float = ANSWER_TIMEOUT_S) -> bool:
        """Wait until MediaPipe's graphs are built in the worker; False if not in time."""
        with self._lock:
            return self._await_ready(timeout_s)

    def _await_ready(self, timeout_s: float) -> bool:
        if not self._ready:
            try:
                if not self._conn.poll(timeout_s):
                    return False
                self._conn.recv()               # the worker's ("ready",)
            except (EOFError, OSError) as exc:
                raise self._died(exc) from None
            self._ready = True
        return True

    def submit(self, t: float, rgb: np.ndarray) -> Answer:
        self.start()
        with self._lock:
            if self._closed:
                raise TrackerDied("the hand tracker was closed")
            while len(self._waiting) >= SLOTS:
                self._collect()          # a slot is free once its frame is answered
            seq = self._next
            self._next += 1
            slot = seq % SLOTS
            frame = np.ascontiguousarray(rgb, dtype=np.uint8)
            if frame.nbytes <= self.slot_bytes:
                view = np.ndarray(frame.shape, np.uint8, self._mem, slot * self.slot_bytes)
                np.copyto(view, frame)
                message = ("frame", seq, t, slot, frame.shape, None)
            else:
                message = ("frame", seq, t, slot, frame.shape, frame.tobytes())
            try:
                self._conn.send(message)
            except OSError as exc:
                raise self._died(exc) from None
            self._waiting.append(seq)
        return Answer(self, seq)

    def _collect(self) -> None:
        """Receive the oldest outstanding answer (the worker answers in order)."""
        if not self._await_ready(ANSWER_TIMEOUT_S):
            raise self._died(TimeoutError("not started"))
        try:
            if not self._conn.poll(ANSWER_TIMEOUT_S):
                raise self._died(TimeoutError("no answer"))
            kind, seq, value = self._conn.recv()
        except (EOFError, OSError) as exc:
            raise self._died(exc) from None
        self._waiting.popleft()
        self._answers[seq] = TrackerDied(value) if kind == "error" else value

    def result(self, seq: int) -> HandFrame:
        with self._lock:
            while seq not in self._answers:
                self._collect()
            value = self._answers.pop(seq)
        if isinstance(value, TrackerDied):
            raise value
        return value  # type: ignore[return-value]

    def _died(self, exc: BaseException) -> TrackerDied:
        code = self._proc.poll() if self._proc is not None else None
        why = f"exit status {code}" if code is not None else type(exc).__name__
        return TrackerDied(f"the hand tracker stopped ({why})")

    def close(self) -> None:
        with self._lock:
            if self._closed:
                return
            self._closed = True
            if self._proc is None:
                return
            try:
                self._conn.send(("close",))
            except OSError:
                pass
        try:
            self._proc.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._conn.close()
        self._mem.close()
        os.close(self._mem_fd)


class Answer:
    """A submitted frame's handle (the part of concurrent.futures.Future callers use):
    `result()` waits for the frame's answer, and gives the same answer when asked again."""

    __slots__ = ("_owner", "_seq", "_value")

    def __init__(self, owner: TrackProcess, seq: int) -> None:
        self._owner = owner
        self._seq = seq
        self._value: HandFrame | TrackerDied | None = None

    def result(self) -> HandFrame:
        if self._value is None:
            try:
                self._value = self._owner.result(self._seq)
            except TrackerDied as exc:
                self._value = exc
        if isinstance(self._value, TrackerDied):
            raise self._value
        return self._value


def _serve(sock_fd: int, mem_fd: int, slot_bytes: int, args: dict) -> None:
    """The worker: track each frame it is sent, answer in order, until told to close."""
    conn = Connection(sock_fd)
    mem = mmap.mmap(mem_fd, slot_bytes * SLOTS)
    pipeline = HandPipeline(**args)
    try:
        pipeline.start()                    # ready before the first frame comes
        conn.send(("ready",))
        while True:
            message = conn.recv()
            if message[0] == "close":
                return
            _, seq, t, slot, shape, inline = message
            if inline is None:
                rgb = np.ndarray(shape, np.uint8, mem, slot * slot_bytes)
            else:
                rgb = np.frombuffer(inline, np.uint8).reshape(shape)
            try:
                answer = ("ok", seq, pipeline.track(t, rgb))
            except Exception as exc:  # noqa: BLE001 - reported to the parent in one line
                answer = ("error", seq, str(exc).splitlines()[0] if str(exc)
                          else type(exc).__name__)
            conn.send(answer)
    except (EOFError, OSError):
        return                              # the parent is gone
    finally:
        pipeline.close()
        mem.close()


if __name__ == "__main__":
    _serve(int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), json.loads(sys.argv[4]))
