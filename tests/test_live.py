"""The live session without a browser: LiveCoach on real MediaPipe, fed a rendered clip
frame by frame as streamlit-webrtc would (at 15 fps, the slowest rate we promise), and the
background recorder writing to a real SQLite file."""

from __future__ import annotations

import threading
import wave
from io import BytesIO
from pathlib import Path

import numpy as np
import pytest

from app.coach import LiveCoach
from app.live_session import DONE, LiveSession
from app.sounds import REP_TONE_HZ, tone
from exercises.alerts import Code
from exercises.library import LibraryError, get_exercise
from exercises.program import DEFAULT_EXERCISES, load_program, parse_program
from handcoach.storage import (
    BackgroundRecorder,
    SessionRecorder,
    Store,
    list_sessions,
    load_frames,
    load_reps,
)
from helpers.paths import ROOT
from vision.sources import VideoFileSource

SAMPLE_FIST = ROOT / "sample_videos" / "fist.mp4"  # 3 reps, a right hand, palm side on


def frames_at(path: Path, fps: float, until_s: float | None = None):
    """The clip's frames as a 15 fps camera would deliver them (stale ones dropped)."""
    step = 1.0 / fps
    next_t = 0.0
    with VideoFileSource(path) as source:
        for frame in source:
            if until_s is not None and frame.t > until_s:
                return
            if frame.t + 1e-6 >= next_t:
                next_t += step
                yield frame


@pytest.fixture(scope="module")
def fist_frames():
    return list(frames_at(SAMPLE_FIST, 15.0))


def test_the_live_coach_counts_the_clip_at_15_fps_mirrored_like_a_selfie(fist_frames):
    coach = LiveCoach(get_exercise("fist"), side="right")
    first = fist_frames[0].rgb
    shown = coach.process(first, 100.0)  # any timestamp origin
    # The patient sees a mirror image with the overlay on it: the right edge of the view,
    # below the counter band, is the camera's left edge.
    assert shown.shape == first.shape and shown is not first
    np.testing.assert_array_equal(shown[200:240, -20:], first[200:240, :20][:, ::-1])
    for frame in fist_frames[1:]:
        coach.process(frame.rgb, 100.0 + frame.t)
    coach.stream_ended()  # the last frame is finished when the stream ends
    s = coach.status()
    assert s.state.reps == 3 and s.rep_cues == 3 and s.hold_cues == 3
    assert s.frames == len(fist_frames) and s.frames_with_hand > 0.9 * s.frames
    # The right hand, mirrored, is still the right hand: no "wrong hand" warning.
    assert Code.WRONG_HAND not in {a.code for a in s.alerts}, s.alerts
    assert 20 < s.t < 27
    assert np.nanmax(s.rom.hi[[1, 4, 7, 10]]) > 80, "PIP flexion of a full fist"
    coach.close()


def test_the_other_hand_is_called_out(fist_frames):
    coach = LiveCoach(get_exercise("fist"), side="left")
    for frame in fist_frames[:60]:
        coach.process(frame.rgb, frame.t)
    assert Code.WRONG_HAND in {a.code for a in coach.status().alerts}
    coach.close()


def test_a_stream_that_ends_mid_rep_keeps_the_reps_before_it(tmp_path, fist_frames):
    store = Store(f"sqlite:///{tmp_path / 'r.db'}")
    live = LiveSession.begin(get_exercise("fist"), "Mid Rep", store, side=None,
                             pain_before=3, flush_s=1.0)
    # The camera stops while the third fist is held (about 17-20 s into the clip).
    for frame in fist_frames:
        if frame.t > 18.0:
            break
        live.coach.process(frame.rgb, frame.t)
    live.coach.stream_ended()
    s = live.coach.status()
    assert s.stream_ended and s.state.reps == 2
    # Saved as it went: both reps are in the store before the patient presses Finish.
    assert live.recorder.wait() and live.problem is None
    assert [r.number for r in load_reps(live.recorder.session_id, store)] == [1, 2]

    assert live.end(pain_after=4) and live.stage == DONE
    (info,) = list_sessions("Mid Rep", store=store)
    assert (info.reps, info.status, info.pain_before, info.pain_after) == \
        (2, "complete", 3, 4)
    assert info.frames == s.frames and len(load_frames(info.id, store=store)) == s.frames
    rows = {r["joint"]: r for r in live.summary_rows(previous=None)}
    assert set(rows) == {f"{f} {j}" for f in ("index", "middle", "ring", "little")
                         for j in ("MCP", "PIP", "DIP")}
    assert rows["middle PIP"]["most bend today (deg)"] > 80
    assert rows["middle PIP"]["normal (deg)"] == 100  # AAOS
    store.close()


def test_session_clock_survives_a_restarted_stream():
    coach = LiveCoach(get_exercise("fist"))
    blank = np.zeros((120, 160, 3), np.uint8)
    for t in (50.0, 50.1, 50.2, 3.0, 3.1):  # the camera restarts with a new time origin
        coach.process(blank, t)
    coach.stream_ended()
    s = coach.status()
    assert s.frames == 5 and s.t == pytest.approx(0.2 + 1 / 15 + 0.1)
    coach.close()


def test_background_recorder_keeps_trying_on_its_own_until_the_store_is_back(tmp_path):
    folder = tmp_path / "usb-stick"
    rec = BackgroundRecorder(Store(f"sqlite:///{folder / 'r.db'}"), flush_s=0.2)
    assert rec.start("Later Saved", "fist", None) is None
    for i in range(30):
        rec.add_frame(i / 30, np.full(14, 10.0))
    assert not rec.wait() and "Could not save" in rec.problem
    folder.mkdir()                       # the disk is back; nobody calls anything
    for _ in range(50):
        if rec.problem is None:
            break
        threading.Event().wait(0.1)
    assert rec.problem is None and rec.session_id is not None
    assert rec.finish()
    (info,) = list_sessions("Later Saved", store=Store(f"sqlite:///{folder / 'r.db'}"))
    assert info.frames == 30 and info.status == "complete"
    rec.close()


def test_frame_calls_never_wait_for_a_locked_database(tmp_path):
    """Another program holds the SQLite file locked: the frame thread goes on at once;
    the writer waits, then writes everything."""
    import sqlite3

    path = tmp_path / "r.db"
    store = Store(f"sqlite:///{path}")
    rec = BackgroundRecorder(store, flush_s=0.05)
    rec.start("Busy Disk", "fist", None)
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    done = threading.Event()

    def frames() -> None:
        for i in range(300):
            rec.add_frame(i / 30, np.full(14, 5.0))
        done.set()

    threading.Thread(target=frames).start()
    assert done.wait(5), "the frame thread waited for the database"
    other.execute("ROLLBACK")
    other.close()
    assert rec.finish(timeout_s=60)
    (info,) = list_sessions("Busy Disk", store=store)
    assert info.frames == 300
    rec.close()


def test_the_rep_tone_is_a_short_wav_and_each_cue_is_new():
    a, b = tone(REP_TONE_HZ, tail_samples=1), tone(REP_TONE_HZ, tail_samples=2)
    with wave.open(BytesIO(a)) as w:
        assert (w.getnchannels(), w.getsampwidth()) == (1, 2)
        assert 0.1 < w.getnframes() / w.getframerate() < 0.3
    assert a != b


def test_program_defaults_and_overrides(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("HANDCOACH_PROGRAM", raising=False)
    plan = load_program()
    assert plan.ids == DEFAULT_EXERCISES and plan.hand is None and plan.source == "default"
    own = tmp_path / "data" / "handcoach" / "program.toml"
    own.parent.mkdir(parents=True)
    own.write_text('[program]\nexercises = ["tendon_glides"]\nhand = "right"\n'
                   "[exercises.tendon_glides]\ndose = { reps = 4, hold_s = 5 }\n")
    plan = load_program()
    assert plan.ids == ("tendon_glides",) and plan.hand == "right"
    assert (plan.get("tendon_glides").dose.reps, plan.get("tendon_glides").dose.hold_s) == \
        (4, 5.0)
    with pytest.raises(LibraryError, match="not in this program"):
        plan.get("fist")


@pytest.mark.parametrize(("table", "message"), [
    ({"program": {"exercises": []}}, "must be a list of exercise ids"),
    ({"program": {"exercises": ["fist", "fist"]}}, "listed twice"),
    ({"program": {"hand": "both"}}, 'must be "left" or "right"'),
    ({"program": {"days": 3}}, "program: unknown key 'days'"),
    ({"exercises": {"fist": {"dose": {"reps": "ten"}}}}, "dose.reps must be a whole number"),
])
def test_program_errors_are_one_line(table, message):
    with pytest.raises(LibraryError, match=message) as err:
        parse_program(table, source="p.toml")
    assert "\n" not in str(err.value)


def test_a_session_left_open_by_a_crash_is_closed_when_the_next_one_starts(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'r.db'}")
    crashed = SessionRecorder(store, flush_s=1.0)
    old = crashed.start("Tab Closed", "fist", None)
    for i in range(90):  # 3 s of frames, saved; then the tab is closed: no finish
        crashed.add_frame(i / 30, np.full(14, 20.0))
    crashed.flush()
    live = LiveSession.begin(get_exercise("fist"), "Tab Closed", store, side=None,
                             pain_before=None)
    for _ in range(50):
        if list_sessions("Tab Closed", store=store)[0].status != "open":
            break
        threading.Event().wait(0.1)
    first, second = list_sessions("Tab Closed", store=store)
    assert (first.id, first.status) == (old, "interrupted")
    assert first.duration_s == pytest.approx(89 / 30) and first.frames == 90
    assert (second.id, second.status) == (live.recorder.session_id, "open")
    live.end(pain_after=None)
    live.recorder.close()
    store.close()
