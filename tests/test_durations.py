"""Honest durations: a session lasts what its video decoded, a file cut short is saved as
interrupted with a warning, impossible frame rates are refused and broken time stamps
are repaired and said (real files made with FFmpeg, a real SQLite store)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from handcoach.storage import Store, list_sessions
from helpers.paths import ROOT, ffmpeg
from vision.sources import SourceError, VideoFileSource

FIST = ROOT / "sample_videos" / "fist.mp4"     # 26.07 s, 782 frames at 30 fps


@pytest.fixture(scope="module")
def cut_short(tmp_path_factory):
    """The fist sample with its index first, the file then cut at 43%: it opens, says it
    lasts 26.07 s, and decodes about 11 s."""
    folder = tmp_path_factory.mktemp("cut")
    whole = folder / "whole.mp4"
    ffmpeg("-i", str(FIST), "-c", "copy", "-movflags", "+faststart", str(whole))
    data = whole.read_bytes()
    cut = folder / "cut.mp4"
    cut.write_bytes(data[: int(len(data) * 0.43)])
    return cut


def _cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "handcoach.cli", *args], capture_output=True,
                          text=True, timeout=600, env={**os.environ, **env})


def test_a_file_cut_short_is_stored_as_what_decoded_and_interrupted(cut_short, tmp_path):
    with VideoFileSource(cut_short) as source:
        frames = list(source)
        assert source.duration_s == pytest.approx(26.07, abs=0.01)
        assert "the file is cut short" in source.ended_early
    decoded = frames[-1].t + 1 / 30
    assert 5 < decoded < 20

    url = f"sqlite:///{tmp_path / 'results.db'}"
    proc = _cli("analyze", str(cut_short), "--exercise", "fist", "--json", "--save",
                "--patient", "Cut Short", HANDCOACH_DB_URL=url)
    assert proc.returncode == 0, proc.stderr
    (warning,) = proc.stderr.strip().splitlines()
    assert warning.startswith(f"warning: the video stops at {decoded:.1f} s of its 26.1 s")
    out = json.loads(proc.stdout)
    assert out["duration_s"] == pytest.approx(decoded, abs=0.01)
    assert out["notes"] and "cut short" in out["notes"][0]
    (session,) = list_sessions("Cut Short", store=Store(url))
    assert session.duration_s == pytest.approx(decoded, abs=0.01)
    assert session.status == "interrupted" and "cut short" in session.note
    assert (session.ended_at - session.started_at).total_seconds() == \
        pytest.approx(decoded, abs=0.01)


def test_a_whole_file_keeps_its_duration_and_says_nothing(tmp_path):
    with VideoFileSource(FIST) as source:
        frames = list(source)
    assert source.ended_early is None and source.retimed is None
    assert frames[-1].t + 1 / 30 == pytest.approx(source.duration_s, abs=0.01)


@pytest.fixture(scope="module")
def zero_times(tmp_path_factory):
    """Two seconds of the sample whose every frame has time stamp 0 (Matroska keeps it)."""
    path = tmp_path_factory.mktemp("zero") / "zero.mkv"
    ffmpeg("-i", str(FIST), "-t", "2", "-c:v", "mjpeg", "-bsf:v", "setts=pts=0:dts=0",
           str(path))
    return path


def test_zero_time_stamps_are_repaired_at_the_frame_rate_and_said(zero_times):
    with VideoFileSource(zero_times) as source:
        times = [f.t for f in source]
    assert len(times) == 60 and times[-1] == pytest.approx(59 / 30)
    assert all(b > a for a, b in zip(times, times[1:], strict=False))
    assert source.retimed.startswith("59 of 60 frames had no usable time")
    proc = _cli("analyze", str(zero_times), "--json")
    assert proc.returncode == 0, proc.stderr
    (warning,) = proc.stderr.strip().splitlines()
    assert warning.startswith("warning: 59 of 60 frames had no usable time")
    assert json.loads(proc.stdout)["duration_s"] == pytest.approx(2.0, abs=0.01)


def test_a_frame_rate_below_one_is_refused_in_one_line(tmp_path):
    slow = tmp_path / "slow.mp4"
    ffmpeg("-i", str(FIST), "-t", "2", "-r", "0.0001", str(slow))
    with pytest.raises(SourceError, match="0.0001 frames a second; HandCoach reads 1 to 1000"):
        VideoFileSource(slow)
    proc = _cli("analyze", str(slow))
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1
    assert proc.stderr.startswith("error: ") and "frames a second" in proc.stderr


def test_a_save_that_fails_mid_analysis_is_exactly_one_line(cut_short, tmp_path):
    """The results folder disappears while the video is analysed (a removed USB disk)."""
    import shutil
    import threading
    import time

    folder = tmp_path / "usb"
    folder.mkdir()
    url = f"sqlite:///{folder / 'results.db'}"
    proc = subprocess.Popen([sys.executable, "-m", "handcoach.cli", "analyze", str(cut_short),
                             "--exercise", "fist", "--save", "--patient", "Gone Away"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "HANDCOACH_DB_URL": url})

    def pull_the_disk() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            db = folder / "results.db"
            if db.exists() and db.stat().st_size > 0:
                time.sleep(1.0)
                shutil.rmtree(folder)
                return
            time.sleep(0.05)

    puller = threading.Thread(target=pull_the_disk)
    puller.start()
    out, err = proc.communicate(timeout=600)
    puller.join()
    assert proc.returncode == 2, err
    assert err.count("\n") == 2, err            # the cut-short warning, then the error
    warning, error = err.splitlines()
    assert warning.startswith("warning: the video stops at")
    assert error.startswith("error: could not save: ") and "retr" not in error
    assert "hand seen in" in out                # the results were printed all the same
