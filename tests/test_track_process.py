"""MediaPipe in a process of its own (vision.track_process): the same answers as in
this process, frame for frame, and a clear one-line error when that process dies."""

from __future__ import annotations

import os
import signal

import numpy as np
import pytest

from helpers.paths import ROOT
from vision.ahead import TrackAhead
from vision.pipeline import HandPipeline
from vision.sources import VideoFileSource
from vision.track_process import TrackerDied, TrackProcess

SAMPLE = ROOT / "sample_videos" / "fist.mp4"


def sample_frames(n: int = 90) -> list[tuple[float, np.ndarray]]:
    with VideoFileSource(SAMPLE) as source:
        out = []
        for frame in source:
            out.append((frame.t, frame.rgb))
            if len(out) == n:
                return out
    return out


def test_the_worker_gives_exactly_what_tracking_here_gives():
    frames = sample_frames()
    here = HandPipeline(model="lite")
    expected = [here.track(t, rgb) for t, rgb in frames]
    here.close()
    with TrackAhead(HandPipeline(model="lite")) as ahead:
        got = [tracked for _, tracked in ahead.run((t, rgb, None) for t, rgb in frames)]
        assert ahead.worker_pid is not None and ahead.worker_pid != os.getpid()
    assert len(got) == len(expected) == 90
    assert sum(g.hand is not None for g in got) >= 80
    for a, b in zip(got, expected, strict=True):
        assert a.t == b.t
        assert (a.hand is None) == (b.hand is None)
        if a.hand is not None:
            assert a.hand.side == b.hand.side
            assert np.array_equal(a.hand.world, b.hand.world)


def test_a_frame_bigger_than_its_slot_still_goes_through():
    (t, rgb), = sample_frames(1)
    worker = TrackProcess(slot_bytes=rgb.nbytes // 4)
    try:
        tracked = worker.submit(t, rgb).result()
        assert tracked.hand is not None
        assert (tracked.width, tracked.height) == (rgb.shape[1], rgb.shape[0])
    finally:
        worker.close()


def test_a_dead_worker_is_one_line_and_closing_does_not_hang():
    frames = sample_frames(3)
    worker = TrackProcess(slot_bytes=frames[0][1].nbytes)
    try:
        worker.submit(*frames[0]).result()
        os.kill(worker.pid, signal.SIGKILL)
        with pytest.raises(TrackerDied) as died:
            worker.submit(*frames[1]).result()
            worker.submit(*frames[2]).result()
        assert str(died.value).startswith("the hand tracker stopped")
        assert "\n" not in str(died.value)
    finally:
        worker.close()
    with pytest.raises(TrackerDied, match="closed"):
        worker.submit(*frames[0])
