"""The app's pages without video, driven by Streamlit's AppTest (no browser, no webcam),
against a real SQLite results file. The live view is in test_browser.py."""

from __future__ import annotations

import re
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
    assert len(at.dataframe) == 1, "no per-rep table shown"
    (rom,) = at.table       # every joint shown, none behind a scroll bar
    assert "index middle joint" in str(rom.value.index.tolist())
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
    (video,) = [h for h in at.get("html") if "demo-clip" in h.proto.body]
    # The clip inline, in the browser's own looping player.
    assert " loop " in video.proto.body and "data:video/mp4;base64," in video.proto.body
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
    # Spoken coaching on, and the rest of the program follows this exercise on its own.
    toggles = {t.label: t for t in at.toggle}
    assert toggles["Spoken coaching"].value
    assert toggles["Then the next exercises on their own"].value
    sources.set_value("A video file").run()
    start = [b for b in at.button if b.label == "Start session"][0]
    assert start.disabled, "a session could start with no video chosen"


# -- what a patient reads ------------------------------------------------------------------
CLINICAL = re.compile(r"\b(MCP|PIP|DIP|TAM)\b|None|nan\b")


def patient_texts(at: AppTest) -> str:
    """Everything written on a patient page, tables included."""
    parts = [e.value for kind in ("markdown", "caption", "info", "warning", "error",
                                  "success", "title", "subheader", "header")
             for e in getattr(at, kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    parts += [t.value.to_string() for t in at.table]
    parts += [d.value.to_string() for d in at.dataframe]
    return "\n".join(str(p) for p in parts)


def record(store: Store, exercise: str, open_deg: float, closed_deg: float,
           pain: tuple[int | None, int | None], status: str = "complete",
           alerts: tuple = ()) -> None:
    """A session saved as the live page saves one: frames of an open hand (its fingers
    bent back a little: negative flexion) and of the exercise's most bent position."""
    import numpy as np

    from handcoach.storage import SessionRecorder

    rec = SessionRecorder(store)
    rec.start("Pat Example", exercise, "right", "live", pain_before=pain[0])
    for i in range(20):
        rec.add_frame(i / 10, np.full(14, open_deg if i % 2 else closed_deg))
    for alert in alerts:
        rec.add_warning(alert)
    assert rec.finish(status, pain_after=pain[1], duration_s=42.0)


def test_my_progress_is_in_plain_words_and_charts_bends_only_of_bending_exercises(env):
    from exercises.alerts import Alert, Code

    store = Store()
    record(store, "fist", -5.0, 95.0, (2, 4),
           alerts=(Alert(9.0, Code.SET_COMPLETE, "All 3 done for this session. Well done!"),))
    record(store, "finger_spread", -5.0, 15.0, (1, 1))
    record(store, "fist", -5.0, 90.0, (3, None), status="interrupted")
    store.close()
    at = page("progress")
    text = patient_texts(at)
    assert not CLINICAL.search(text), CLINICAL.search(text)
    assert not re.search(r"(?<![\d-])-\d", text), "a negative bend or pain shown to the patient"
    table = at.dataframe[0].value
    assert list(table["pain after"]) == ["not rated", "1 / 10", "4 / 10"]
    assert list(table["time"]) == ["42 s"] * 3
    # "Well done!" is no warning.
    assert list(table["messages to change something"]) == [0, 0, 0]
    # The bend chart: the fist only (finger spread keeps its fingers straight), by the
    # patient's names of the joints.
    (exercise,) = [s for s in at.selectbox if s.label == "Exercise"]
    assert exercise.options == ["Full fist"]
    joint = at.get("button_group")[0]
    assert [o.content for o in joint.proto.options] == ["knuckle", "middle joint",
                                                        "end joint"]


def summary_page(env, exercise: str, pain: tuple[int, int]) -> AppTest:
    """The exercise page's summary of a finished session, as the live page leaves it
    (a coach's last status of 42 s with 3 reps, saved)."""
    import numpy as np

    from app.coach import CoachStatus
    from app.live_session import DONE, LiveSession
    from exercises.alerts import Alert, Code
    from exercises.engine import ExerciseEngine
    from exercises.library import get_exercise
    from handcoach.storage import BackgroundRecorder
    from vision.rom import RomSummary

    ex = get_exercise(exercise)
    recorder = BackgroundRecorder(Store())
    recorder.start("Pat Example", exercise, "right", "live", pain_before=pain[0])
    angles = np.vstack([np.full((15, 14), -5.0), np.full((15, 14), 95.0)])   # 0.5 s each
    times = np.arange(30) / 30.0
    state = ExerciseEngine(ex).state(42.0)
    from dataclasses import replace
    final = CoachStatus(
        t=42.0, frames=400, frames_with_hand=400, state=replace(state, reps=3, finished=True),
        hand_in_view=False, rep_cues=3, hold_cues=3, rom=RomSummary.of(times, angles),
        alerts=(Alert(40.0, Code.SET_COMPLETE, "All 3 done for this session. Well done!"),),
        stream_ended=True, save_problem=None)
    live = LiveSession(ex, "Pat Example", "camera", coach=None, recorder=recorder,
                       pain_before=pain[0], stage=DONE, pain_after=pain[1], saved=True,
                       final=final)
    at = AppTest.from_file(MAIN, default_timeout=60)
    at.session_state["live"] = live
    at.run()
    at.switch_page("views/exercise.py").run()
    assert not at.exception, at.exception
    return at


def test_the_summary_says_the_time_the_pain_rise_and_every_joint_in_plain_words(env):
    at = summary_page(env, "fist", (2, 4))
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Time"] == "42 s"
    assert metrics["Pain before / after"] == "2 / 10 → 4 / 10"
    assert any("pain went up from 2 / 10 to 4 / 10" in w.value for w in at.warning)
    (table,) = at.table
    assert len(table.value) == 12            # every finger joint, none scrolled away
    assert table.value["most bend today"].iloc[0] == "95°"
    text = patient_texts(at)
    assert not CLINICAL.search(text) and not re.search(r"(?<![\d-])-\d", text), text
    assert "All three joints of each finger together" in text
    assert "Your fist closed to" in text


def test_a_finger_spread_summary_shows_no_fist_measures(env):
    at = summary_page(env, "finger_spread", (1, 1))
    text = patient_texts(at)
    assert not at.table and "All three joints" not in text and "fist closed" not in text
    assert not at.warning, "a pain rise called out where there was none"



@pytest.mark.parametrize("exercise, words", [
    ("fist", "turned so that your little finger is nearest the camera"),
    ("finger_spread", "with your palm toward the camera")])
def test_the_set_up_says_and_shows_the_view_each_exercise_is_filmed_in(env, exercise, words):
    """The views the angles are read best in (exercises/placement.py), in plain words and
    in a picture of the studio's hand."""
    at = AppTest.from_file(MAIN, default_timeout=120).run()
    at.switch_page("views/exercise.py").run()
    at.selectbox[0].set_value(exercise).run()
    assert not at.exception, at.exception
    steps = next(m.value for m in at.markdown if "Rest your elbow" in m.value)
    assert words in steps, steps
    (picture,) = at.get("image")
    assert picture.proto.imgs[0].caption == "Your hand in the picture, like this."
