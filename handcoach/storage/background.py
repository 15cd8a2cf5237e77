"""A SessionRecorder driven from its own thread, for the live app's frame callback.

A flush can wait on the database (up to the connect timeout when PostgreSQL is away, a
slow disk): the frame callback must never wait with it, or the overlay would lag and the
rep counter would see fewer frames. So the callback only puts calls on a queue; one
writer thread makes them, in order, and retries a failed save every `flush_s` seconds
while nothing else arrives, so what is pending reaches the store once it is back.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Any

import numpy as np

from exercises.alerts import Alert
from exercises.counter import Rep

from .db import Store
from .recorder import SessionRecorder

_STOP = object()


class BackgroundRecorder:
    """The SessionRecorder calls the app needs, each returning at once (a SessionSink).

    `problem` is the recorder's one line for the patient (None when all is saved). The
    writer thread starts with the session (`start`).
    """

    def __init__(self, store: Store | None = None, flush_s: float = 2.0,
                 recorder: SessionRecorder | None = None) -> None:
        self.recorder = recorder if recorder is not None else SessionRecorder(store, flush_s)
        self.flush_s = self.recorder.flush_s
        self._calls: queue.Queue[Any] = queue.Queue()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="handcoach-recorder",
                                        daemon=True)

    @property
    def problem(self) -> str | None:
        return self.recorder.problem

    @property
    def session_id(self) -> int | None:
        return self.recorder.session_id

    def _running(self) -> None:
        """The writer thread, started by the first call (the session's `start`)."""
        if self._thread.ident is None:
            self._thread.start()

    def _call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        if self._closed:
            raise ValueError("this session is already finished")
        self._running()
        self._calls.put((fn, args, kwargs, None))

    def _call_and_wait(self, timeout_s: float, fn: Callable[..., Any], *args: Any,
                       **kwargs: Any) -> Any:
        self._running()
        done: dict[str, Any] = {}
        event = threading.Event()
        self._calls.put((fn, args, kwargs, (done, event)))
        if not event.wait(timeout_s):
            return None
        if "error" in done:
            raise done["error"]
        return done.get("value")

    def start(self, *args: Any, timeout_s: float = 10.0, **kwargs: Any) -> int | None:
        """SessionRecorder.start, waited for (a bad name or option raises here)."""
        return self._call_and_wait(timeout_s, self.recorder.start, *args, **kwargs)

    def add_frame(self, t: float, angles: np.ndarray | None,
                  world: np.ndarray | None = None, trusted: np.ndarray | None = None
                  ) -> None:
        self._call(self.recorder.add_frame, t, angles, world, trusted)

    def add_rep(self, rep: Rep) -> None:
        self._call(self.recorder.add_rep, rep)

    def add_warning(self, alert: Alert) -> None:
        self._call(self.recorder.add_warning, alert)

    def finish(self, status: str = "complete", timeout_s: float = 15.0, **kwargs: Any) -> bool:
        """Close the session and wait (at most `timeout_s`) for it to be written.

        True when everything is saved. False keeps the rest in memory: the writer goes on
        retrying until `close()`.
        """
        saved = self._call_and_wait(timeout_s, self.recorder.finish, status, **kwargs)
        self._closed = True
        return bool(saved)

    def wait(self, timeout_s: float = 10.0) -> bool:
        """Block until every call so far was made; True when nothing is left unsaved."""
        self._call_and_wait(timeout_s, lambda: None)
        return self.problem is None

    def close(self, timeout_s: float = 5.0) -> None:
        """Stop the writer after one last try to save."""
        self._closed = True
        if self._thread.ident is not None:
            self._calls.put(_STOP)
            self._thread.join(timeout_s)

    def _run(self) -> None:
        while True:
            try:
                item = self._calls.get(timeout=self.flush_s)
            except queue.Empty:
                if self.recorder.problem is not None:
                    self.recorder.flush()
                continue
            if item is _STOP:
                if self.recorder.problem is not None:
                    self.recorder.flush()
                return
            fn, args, kwargs, reply = item
            try:
                value = fn(*args, **kwargs)
            except Exception as exc:  # handed to the waiting caller, never lost silently
                if reply is None:
                    self.recorder.problem = f"Could not save: {exc}"
                    continue
                reply[0]["error"] = exc
            else:
                if reply is not None:
                    reply[0]["value"] = value
            if reply is not None:
                reply[1].set()
