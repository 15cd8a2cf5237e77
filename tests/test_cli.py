"""`handcoach` as a user and a script call it: a real process, real files."""

from __future__ import annotations

import json

import pytest

from helpers.paths import ffmpeg, footage, handcoach
from vision.accuracy import TRUST_MAX_DEG, AccuracyTable
from vision.landmarks import ANGLE_NAMES


def test_analyze_json_has_the_promised_shape():
    proc = handcoach("analyze", str(footage("webcam_fist_1.mp4")), "--json", "--frames")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""                 # no MediaPipe chatter on the user's terminal
    out = json.loads(proc.stdout)
    assert out["frames"] == 73 and out["fps"] == pytest.approx(20)
    assert out["duration_s"] == pytest.approx(3.65, abs=0.06)
    assert out["frames_with_hand"] >= 70
    assert out["reps"] == 0 and out["exercise"] is None and out["model"] == "lite"
    for finger, joint in ANGLE_NAMES:
        r = out["rom"][finger][joint]
        assert r["min"] is None or r["min"] <= r["max"]
    assert set(out["tam"]) == {"index", "middle", "ring", "little"}
    # A palm-on fist: where the measured DIP error palm-on is over the trust limit, no
    # DIP range and so no TAM is given (vision/models/accuracy.json); else a full fist.
    dip = ANGLE_NAMES.index(("index", "dip"))
    if AccuracyTable.load().error("palm")[dip] > TRUST_MAX_DEG:
        assert out["rom"]["index"]["dip"]["max"] is None
        assert all(v is None for v in out["tam"].values())
        assert out["rom"]["index"]["pip"]["max"] > 90      # the PIP is trusted and bent
    else:
        assert all(150 < v < 330 for v in out["tam"].values())
    assert len(out["per_frame"]) == 73
    first = out["per_frame"][0]
    assert first["hand"] is True and set(first["angles"]["thumb"]) == {"mcp", "ip"}
    assert out["per_frame"][-1]["t"] == pytest.approx(3.6, abs=0.01)


def test_analyze_without_frames_omits_them_and_prints_a_summary():
    path = str(footage("webcam_fist_1.mp4"))
    out = json.loads(handcoach("analyze", path, "--json").stdout)
    assert "per_frame" not in out
    text = handcoach("analyze", path).stdout
    assert "hand seen in" in text and "index   PIP" in text


def test_a_video_without_a_hand_is_a_result_not_an_error(tmp_path):
    clip = tmp_path / "wall.mp4"
    ffmpeg("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=15", "-t", "2", "-c:v", "libx264",
           "-pix_fmt", "yuv420p", str(clip))
    proc = handcoach("analyze", str(clip), "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["frames"] == 30 and out["frames_with_hand"] == 0
    assert [w["code"] for w in out["warnings"]] == ["HAND_NOT_VISIBLE"]
    assert out["rom"]["index"]["pip"] == {"min": None, "max": None, "frames": 0}


@pytest.mark.parametrize("setup,args,message", [
    (None, ["analyze", "{missing}"], "no such file"),
    (b"", ["analyze", "{file}"], "is empty"),
    (b"hello, I am a text file\n" * 50, ["analyze", "{file}"], "not a video"),
    (None, ["analyze", "{missing}", "--exercise", "jumping"], "invalid choice"),
    (None, ["analyze", "{missing}", "--model", "huge"], "invalid choice"),
    (None, ["render", "fist"], "required: --out"),
    (None, ["render", "juggling", "--out", "{file}"], "invalid choice"),
    (None, ["render", "fist", "--out", "{file}", "--view", "side"], "invalid choice"),
    (None, ["render", "fist", "--out", "{file}", "--skin", "green"], "invalid choice"),
    (None, ["render", "fist", "--out", "{file}", "--hand", "both"], "invalid choice"),
    (None, ["render", "fist", "--out", "{file}", "--renderer", "blender"], "invalid choice"),
    (None, ["render", "fist", "--out", "{file}", "--renderer", "capsule", "--view", "palm"],
     "--view goes with --renderer studio"),
    (None, ["render", "fist", "--out", "{missing}/x.mp4"], "does not exist"),
    (None, ["render", "fist", "--out", "{file}", "--reps", "0"], "at least 1"),
    (None, ["frobnicate"], "invalid choice"),
])
def test_bad_input_is_one_error_line_and_exit_2(tmp_path, setup, args, message):
    path = tmp_path / "clip.mp4"
    if setup is not None:
        path.write_bytes(setup)
    args = [a.format(missing=tmp_path / "nope.mp4", file=path) for a in args]
    proc = handcoach(*args)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), proc.stderr
    assert message in lines[0]
    assert "Traceback" not in proc.stderr


def test_render_writes_a_video_and_its_truth(tmp_path):
    """The studio by default, in the exercise's recommended view; the truth JSON has the
    promised shape plus the studio's keys (docs/interfaces.md)."""
    out, truth = tmp_path / "fist.mp4", tmp_path / "fist.json"
    proc = handcoach("render", "fist", "--out", str(out), "--truth", str(truth), "--reps", "1",
                     "--hand", "left", "--skin", "dark")
    assert proc.returncode == 0, proc.stderr
    assert "little-side view" in proc.stdout
    data = json.loads(truth.read_text())
    assert data["exercise"] == "fist" and data["reps"] == 1
    assert (data["renderer"], data["view"], data["skin"], data["hand"]) == (
        "studio", "little-side", "dark", "left")
    assert len(data["frames"][0]["landmarks"]) == 21
    frames = data["frames"]
    pip = [f["angles"]["index"]["pip"] for f in frames]
    assert max(pip) > 80 and min(pip) < 10         # open -> full fist -> open
    # What a user checks of footage of a left hand with dark skin: it is counted and read.
    analysed = json.loads(handcoach("analyze", str(out), "--exercise", "fist", "--json",
                                    "--frames").stdout)
    assert analysed["frames"] == len(frames)
    assert analysed["reps"] == 1      # (its hold is the motion's own, under the dose's 3 s)
    seen = [(p, f) for p, f in zip(analysed["per_frame"], frames, strict=True) if p["hand"]]
    assert len(seen) >= 0.95 * len(frames)
    err = [abs(p["angles"][finger][joint] - f["angles"][finger][joint]) for p, f in seen
           for finger in ("index", "middle", "ring", "little") for joint in ("mcp", "pip")]
    assert sum(err) / len(err) <= 15, sum(err) / len(err)


def test_render_keeps_the_capsule_hand_behind_an_option(tmp_path):
    out, truth = tmp_path / "fist.mp4", tmp_path / "fist.json"
    proc = handcoach("render", "fist", "--out", str(out), "--truth", str(truth), "--reps", "1",
                     "--renderer", "capsule", "--hand", "left")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(truth.read_text())
    assert set(data) == {"exercise", "fps", "reps", "frames"}     # the promised shape only
    assert out.stat().st_size > 5_000
