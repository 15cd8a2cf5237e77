"""The app's pages without video, driven by Streamlit's AppTest (no browser, no webcam),
against a real SQLite results file. The live view is in test_browser.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from handcoach.storage import Store, list_sessions

ROOT = Path(__file__).resolve().parent.parent
MAIN = str(ROOT / "app" / "main.py")


@pytest.fixture
def env(tmp_path, monkeypatch) -> Path:
    """A private results file, data and cache folders, and patient name for each test."""
    monkeypatch.setenv("HANDCOACH_DB_URL", f"sqlite:///{tmp_path / 'results.db'}")
    monkeypatch.setenv("HANDCOACH_PATIENT", "Pat Example")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("HANDCOACH_PROGRAM", raising=False)
    return tmp_path


def page(name: str, timeout: float = 60) -> AppTest:
    at = AppTest.from_file(MAIN, default_timeout=timeout).run()
    at.switch_page(f"views/{name}.py").run()
    assert not at.exception, at.exception
    return at


def analyze_and_save(sample: str = "fist") -> AppTest:
    at = page("analyze", timeout=240)
    at.radio[0].set_value(sample).run()
    at.button[0].click().run()
    assert not at.exception, at.exception
    at.button(key="save-session").click().run()
    assert not at.exception, at.exception
    return at


def test_today_lists_the_default_program_with_nothing_done(env):
    at = AppTest.from_file(MAIN, default_timeout=60).run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Today's exercises"
    assert [s.value for s in at.subheader] == ["Tendon glides", "Full fist", "Finger spread",
                                               "Thumb opposition"]
    assert "Hello Pat Example" in at.markdown[0].value
    assert "prescription comes first" in at.markdown[0].value


def test_today_follows_the_program_file(env, monkeypatch):
    program = env / "program.toml"
    program.write_text('[program]\nexercises = ["fist", "pip_blocking"]\nhand = "left"\n'
                       'note = "Gently, no forcing."\n\n'
                       "[exercises.fist]\ndose = { reps = 5, sets = 2 }\n")
    monkeypatch.setenv("HANDCOACH_PROGRAM", str(program))
    at = AppTest.from_file(MAIN, default_timeout=60).run()
    assert not at.exception, at.exception
    assert [s.value for s in at.subheader] == ["Full fist", "PIP blocking"]
    assert at.info[0].value.replace("\\", "") == "From your therapist: Gently, no forcing."
    assert any("5 reps x 2 sets" in m.value for m in at.markdown)
    assert any("**left** hand" in m.value for m in at.markdown)


def test_a_broken_program_file_is_one_line_and_the_default_is_used(env, monkeypatch):
    program = env / "program.toml"
    program.write_text('[program]\nexercises = ["fist", "juggling"]\n')
    monkeypatch.setenv("HANDCOACH_PROGRAM", str(program))
    at = AppTest.from_file(MAIN, default_timeout=60).run()
    assert not at.exception
    (error,) = at.sidebar.error
    assert "unknown exercise 'juggling'" in error.value and "\n" not in error.value
    assert len(at.subheader) == 4


def test_analyze_a_sample_and_save_it_as_a_session(env):
    at = analyze_and_save("fist")
    assert at.metric[1].label == "Repetitions" and at.metric[1].value == "3"
    assert len(at.dataframe) == 2, "no per-rep or range-of-motion table shown"
    assert at.success and "Saved as session" in at.success[0].value
    (session,) = list_sessions("Pat Example", store=Store())
    assert (session.exercise, session.source, session.reps) == ("fist", "video", 3)
    assert session.video_name == "fist.mp4"

    # The Today page counts it, and so does My progress.
    at.switch_page("views/today.py").run()
    assert any("Done today: 1 of 3 sessions, 3 reps" in p.proto.text
               for p in at.get("progress")), [p.proto.text for p in at.get("progress")]
    at.switch_page("views/progress.py").run()
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Reps, last 7 days"] == "3"
    assert metrics["Days exercised, last 7"] == "1"


def test_saving_when_the_store_cannot_be_written_keeps_the_results_on_screen(env,
                                                                              monkeypatch):
    at = page("analyze", timeout=240)
    at.radio[0].set_value("fist").run()
    at.button[0].click().run()
    # The results folder disappears (a removed USB disk, a deleted folder).
    monkeypatch.setenv("HANDCOACH_DB_URL", f"sqlite:///{env / 'gone' / 'results.db'}")
    at.button(key="save-session").click().run()
    assert not at.exception, at.exception
    (error,) = at.error
    assert error.value.startswith("Not saved:") and "\n" not in error.value
    assert at.metric[1].value == "3", "the results vanished with the failed save"


def test_progress_without_sessions_says_how_to_start(env):
    at = page("progress")
    assert "No sessions saved yet" in at.info[0].value


def test_learn_shows_the_rendered_hand_doing_the_exercise(env):
    # The studio renders each loop on first view (tendon glides: 206 frames at 480x360),
    # minutes on a loaded 2-core machine; the other exercise is a short one (75 frames).
    at = page("learn", timeout=400)
    assert at.header[0].value == "Tendon glides"
    (video,) = at.get("video")
    assert video.proto.url, "no demonstration clip"
    clip = env / "cache" / "handcoach" / "clips-v2" / "tendon_glides.mp4"
    assert clip.stat().st_size > 5_000
    at.radio[0].set_value("dip_blocking").run()
    assert at.header[0].value == "DIP blocking"
    assert (clip.parent / "dip_blocking.mp4").stat().st_size > 5_000
    assert any("not in your program" in i.value for i in at.info)


def test_exercise_page_offers_the_program_the_samples_and_the_pain_scale(env):
    at = page("exercise")
    assert at.selectbox[0].options == ["Tendon glides", "Full fist", "Finger spread",
                                       "Thumb opposition"]
    assert at.select_slider[0].label == "How much does your hand hurt right now?"
    assert at.select_slider[0].value == 0
    at.selectbox[0].set_value("fist").run()
    (sources,) = [r for r in at.radio if r.label == "Video"]
    assert sources.options[:2] == ["My camera", "Sample: fist"]
    assert "A video file" in sources.options
    sources.set_value("A video file").run()
    start = [b for b in at.button if b.label == "Start session"][0]
    assert start.disabled, "a session could start with no video chosen"
