"""Frame sources on real files: rotation tags, real timestamps, folders, bad files."""

from fractions import Fraction

import numpy as np
import pytest

from helpers.paths import ffmpeg, footage
from vision.sources import ImageFolderSource, SourceError, VideoFileSource, open_source


@pytest.fixture(scope="module")
def portrait_clip(tmp_path_factory):
    """A 320x240 clip whose rotation tag says: show it turned a quarter (portrait)."""
    d = tmp_path_factory.mktemp("rot")
    ffmpeg("-f", "lavfi", "-i", "testsrc=size=320x240:rate=10", "-t", "1", "-c:v", "libx264",
           "-pix_fmt", "yuv420p", str(d / "plain.mp4"))
    ffmpeg("-i", str(d / "plain.mp4"), "-c", "copy", "-metadata:s:v:0", "rotate=90",
           str(d / "tagged.mp4"))
    # what FFmpeg itself shows for the tagged clip (it applies the tag)
    ffmpeg("-i", str(d / "tagged.mp4"), "-frames:v", "1", "-f", "rawvideo", "-pix_fmt",
           "rgb24", str(d / "shown.rgb"))
    return d


def test_rotation_tag_is_applied(portrait_clip):
    frame = next(iter(VideoFileSource(portrait_clip / "tagged.mp4")))
    assert frame.rgb.shape == (320, 240, 3)
    shown = np.fromfile(portrait_clip / "shown.rgb", np.uint8).reshape(320, 240, 3)
    assert np.abs(frame.rgb.astype(int) - shown).mean() < 2


def test_untagged_clip_is_untouched(portrait_clip):
    frame = next(iter(VideoFileSource(portrait_clip / "plain.mp4")))
    assert frame.rgb.shape == (240, 320, 3)


def test_variable_frame_rate_keeps_real_timestamps(tmp_path):
    """10 frames at 10 fps, then 10 at 40 fps (a phone changing rate as the light drops)."""
    import av

    expected = np.r_[np.arange(10) * 0.1, 1.0 + np.arange(10) * 0.025]
    out = tmp_path / "vfr.mkv"
    with av.open(str(out), "w") as container:
        stream = container.add_stream("libx264", rate=40)
        stream.width, stream.height, stream.pix_fmt = 160, 120, "yuv420p"
        stream.codec_context.time_base = Fraction(1, 1000)
        for i, t in enumerate(expected):
            frame = av.VideoFrame.from_ndarray(np.full((120, 160, 3), i * 10, np.uint8),
                                               format="rgb24")
            frame.pts, frame.time_base = round(t * 1000), Fraction(1, 1000)
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    times = np.array([f.t for f in VideoFileSource(out)])
    np.testing.assert_allclose(times, expected, atol=0.002)


def test_real_phone_clip_reads_upright_with_its_frame_rate():
    source = VideoFileSource(footage("phone_fist_1_then_close.mp4"))
    frames = list(source)
    assert frames[0].rgb.shape == (640, 352, 3)       # portrait, as recorded
    assert len(frames) == 160
    assert source.fps == pytest.approx(30)
    assert frames[-1].t == pytest.approx(159 / 30, abs=0.01)


def test_image_folder(tmp_path):
    still = footage("stills/hagrid_10_palm.jpg")
    for i in range(3):
        (tmp_path / f"{i:03d}.jpg").write_bytes(still.read_bytes())
    (tmp_path / "notes.txt").write_text("not an image")
    frames = list(open_source(tmp_path))
    assert [f.t for f in frames] == pytest.approx([0, 1 / 30, 2 / 30])
    assert frames[0].rgb.shape == (300, 300, 3)
    with pytest.raises(SourceError, match="holds no images"):
        ImageFolderSource(tmp_path / "empty" if (tmp_path / "empty").mkdir() is None else "")


@pytest.mark.parametrize("content,message", [
    (None, "no such file"),
    (b"", "is empty"),
    (b"this is a text file, not a video\n" * 20, "not a video"),
])
def test_bad_files_give_one_line_errors(tmp_path, content, message):
    path = tmp_path / "clip.mp4"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(SourceError, match=message) as info:
        list(VideoFileSource(path))
    assert "\n" not in str(info.value)


def test_truncated_video_keeps_the_frames_before_the_damage(tmp_path):
    good = footage("webcam_fist_1.mp4").read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(good[: len(good) // 2])          # the moov atom is at the end: unreadable
    cut_front = tmp_path / "front.mkv"
    ffmpeg("-i", str(footage("webcam_fist_1.mp4")), "-c", "copy", str(cut_front))
    data = cut_front.read_bytes()
    (tmp_path / "half.mkv").write_bytes(data[: len(data) // 2])
    frames = list(VideoFileSource(tmp_path / "half.mkv"))
    assert 10 < len(frames) < 73
    with pytest.raises(SourceError):
        list(VideoFileSource(cut))
