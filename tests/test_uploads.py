"""Uploads are deleted once used and at start-up when a stopped server left them; sizes
and resolutions are capped so memory stays bounded (real files, real decoding)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from app import videos
from helpers.paths import ROOT, ffmpeg
from vision.sources import MAX_SIDE, SourceError, VideoFileSource

FIST = ROOT / "sample_videos" / "fist.mp4"


@pytest.fixture
def uploads(tmp_path, monkeypatch):
    monkeypatch.setattr(videos, "UPLOADS", tmp_path / "uploads")
    monkeypatch.setattr(videos, "LEGACY", tmp_path)
    return tmp_path / "uploads"


def test_an_upload_is_kept_privately_until_discarded(uploads):
    path = videos.keep_upload("my fist.mp4", FIST.read_bytes())
    assert path.read_bytes() == FIST.read_bytes()
    assert path.parent.parent == uploads / str(os.getpid())
    assert oct(path.parent.stat().st_mode & 0o777) == "0o700"
    videos.discard(path)
    assert not path.exists() and not path.parent.exists()
    videos.discard(FIST)                                  # a sample is never deleted
    assert FIST.exists()


def test_refused_uploads_say_why_and_leave_nothing(uploads, monkeypatch):
    with pytest.raises(SourceError, match="broken.mp4 is not a video"):
        videos.keep_upload("broken.mp4", b"not a video at all" * 100)
    monkeypatch.setattr(videos, "MAX_UPLOAD_MB", 0.05)
    with pytest.raises(SourceError, match=r"big.mp4 is 0 MB; HandCoach takes videos up to"):
        videos.keep_upload("big.mp4", FIST.read_bytes())
    assert not any(p.is_file() for p in uploads.rglob("*"))


def test_leftovers_of_a_stopped_server_go_at_start_up(uploads):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (uploads / str(dead.pid) / "abc").mkdir(parents=True)
    (uploads / str(dead.pid) / "abc" / "hand.mp4").write_bytes(b"video")
    old = uploads.parent / "handcoach-upload-x1y2z3"           # the previous version's
    old.mkdir()
    os.utime(old, (0, 0))
    mine = videos.keep_upload("mine.mp4", FIST.read_bytes())
    gone = videos.clean_leftovers()
    assert gone == [uploads / str(dead.pid), old] and mine.exists()


@pytest.fixture(scope="module")
def huge(tmp_path_factory):
    """Three 8192x8192 frames."""
    path = tmp_path_factory.mktemp("huge") / "huge.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=8192x8192:rate=3", "-frames:v", "3",
           "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(path))
    return path


def test_large_frames_are_scaled_down_before_mediapipe(huge):
    with VideoFileSource(huge) as source:
        shapes = {f.rgb.shape for f in source}
    assert shapes == {(MAX_SIDE, MAX_SIDE, 3)}


def test_an_8k_square_video_is_analysed_in_bounded_memory(huge):
    # The child's own peak (VmHWM): getrusage's ru_maxrss keeps the parent's peak across
    # the fork and exec that start it, so it reports pytest's size after a long run.
    code = ("import sys\nfrom handcoach import cli\n"
            "code = cli.main(['analyze', sys.argv[1], '--json'])\n"
            "hwm = [x for x in open('/proc/self/status') if x.startswith('VmHWM:')][0]\n"
            "print(int(hwm.split()[1]) // 1024, code)")
    out = subprocess.run([sys.executable, "-c", code, str(huge)], capture_output=True,
                         text=True, timeout=300, check=True).stdout.splitlines()[-1]
    peak_mb, status = (int(v) for v in out.split())
    assert status == 0
    # MediaPipe and the rest take ~280 MB; the 8K decoder's own frames ~340 MB more (it
    # took 1.7 GB when the frames were converted at full size).
    assert peak_mb < 900, f"{peak_mb} MB"


def test_frames_too_large_to_decode_are_refused_in_one_line(tmp_path):
    wide = tmp_path / "wide.mkv"
    ffmpeg("-f", "lavfi", "-i", "color=size=8200x16:rate=2", "-frames:v", "2", "-c:v",
           "ffv1", str(wide))
    with pytest.raises(SourceError, match="frames of 8200x16; HandCoach reads videos up to "
                                          "8192 pixels a side"):
        VideoFileSource(wide)
