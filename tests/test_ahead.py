"""vision.ahead.LiveSchedule: every frame of a live stream is finished exactly once, in
time order, and the right one is shown, whether the caller keeps up or falls behind
(real MediaPipe in its own process, as the live coach runs it, and on a thread; on the
rendered fist sample)."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.paths import ROOT
from vision.ahead import LiveSchedule, TrackAhead
from vision.pipeline import HandPipeline
from vision.sources import VideoFileSource

SAMPLE = ROOT / "sample_videos" / "fist.mp4"


@pytest.fixture(scope="module")
def frames() -> list[tuple[float, np.ndarray]]:
    with VideoFileSource(SAMPLE) as source:
        return [(f.t, f.rgb) for f, _ in zip(source, range(24), strict=False)]


@pytest.fixture(params=[True, False], ids=["process", "thread"])
def separate_process(request) -> bool:
    return request.param


def run(frames, behind: list[bool], separate_process: bool):
    """Push every frame; returns (times finished, in order; time shown per push). The
    shown frame's tracking is asked for twice, as the live coach does: to draw it, then
    to finish it at the next call."""
    finished: list[float] = []
    shown: list[float | None] = []
    with TrackAhead(HandPipeline(), separate_process=separate_process) as ahead:
        schedule = LiveSchedule(ahead)
        for (t, rgb), late in zip(frames, behind, strict=True):
            step = schedule.push(t, rgb, t, late)
            finished += [p.result().t for item, p in step.finish if item == p.result().t]
            if step.show is None:
                shown.append(None)
            else:
                item, pending = step.show
                assert pending.result().t == item     # the picture and its landmarks
                shown.append(item)
        finished += [p.result().t for item, p in schedule.drain() if item == p.result().t]
    return finished, shown


def test_keeping_up_each_frame_is_shown_at_once_and_finished_one_call_later(
        frames, separate_process):
    finished, shown = run(frames, [False] * len(frames), separate_process)
    times = [t for t, _ in frames]
    assert shown == times
    assert finished == times


def test_behind_the_previous_frame_is_shown_and_none_is_lost(frames, separate_process):
    finished, shown = run(frames, [True] * len(frames), separate_process)
    times = [t for t, _ in frames]
    assert shown == [None, *times[:-1]]
    assert finished == times


def test_switching_between_keeping_up_and_behind_keeps_every_frame_once_in_order(
        frames, separate_process):
    pattern = [False, True, True, False, True, False, False, True, True, True, False, True]
    behind = (pattern * 2)[:len(frames)]
    finished, shown = run(frames, behind, separate_process)
    times = [t for t, _ in frames]
    assert finished == times
    for i, late in enumerate(behind):
        if not late:
            assert shown[i] == times[i]
        elif shown[i] is not None:
            assert shown[i] == times[i - 1]
