"""Every bad program file, and every dose no therapist would write, is one line: `error:`
and exit 2 from the command line, one line and the default program in the app."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from exercises.library import LibraryError
from exercises.program import load_program
from handcoach import cli
from helpers.paths import ROOT, handcoach

#: (file, what the one line says); the first five are the structure a typo breaks, then
#: numbers that parse but are no prescription.
BAD_FILES = [
    ("exercises = 5", "exercises must be a table, got 5"),
    ("[exercises]\nfist = 5", "exercises.fist must be a table, got 5"),
    ("[exercises.fist.positions]\nfist = 5", "exercises.fist.positions.fist must be a table"),
    ("[exercises.fist]\npositions = [1, 2]", "exercises.fist.positions must be a table"),
    ("[exercises.fist]\ndose = {reps = inf}", "exercises.fist.dose.reps must be a whole number"),
    ("[exercises.fist]\ndose = {reps = 1e20}", "dose.reps must be between 1 and 100"),
    ("[exercises.fist]\ndose = {hold_s = inf}", "dose.hold_s must be a number, got inf"),
    ("[exercises.fist]\ndose = {hold_s = nan}", "dose.hold_s must be a number, got nan"),
    ("[exercises.fist]\ndose = {max_reps_per_day = -1}", "max_reps_per_day must be between 1"),
    ("[exercises.fist]\ndose = {sessions_per_day = 0}", "sessions_per_day must be between 1"),
    ("[exercises.fist]\npace = {min_rep_s = -5}", "pace.min_rep_s must be between 0 and 60"),
    ("[exercises.fist]\ndwell_s = -1", "exercises.fist.dwell_s must be between 0 and 5"),
    ("[exercises.fist.positions.fist]\ntargets = {pip = [nan, nan]}",
     "positions.fist.targets.pip must be a number, got nan"),
    ("[exercises.fist]\ndose = {reps = 20, max_reps_per_day = 10}",
     "max_reps_per_day (10) is fewer than one session's reps x sets (20)"),
    ("[exercises.fist]\nneeds_elbow = \"yes\"", "needs_elbow must be true or false"),
    ("[exercise.fist]\ndose = {reps = 5}", "the program: unknown key 'exercise'"),
    ("[program]\nexercises = \"fist\"", "program.exercises must be a list of names"),
    ("[program]\nnote = 5", "program.note must be text"),
]


@pytest.fixture
def bad(tmp_path):
    def write(text: str, name: str = "p.toml"):
        path = tmp_path / name
        path.write_text(text + "\n")
        return path
    return write


@pytest.mark.parametrize(("text", "message"), BAD_FILES)
def test_each_bad_file_is_one_error_line_and_exit_2(bad, text, message, capsys, monkeypatch):
    monkeypatch.setenv("HANDCOACH_NATIVE_LOGS", "1")   # keep pytest's own stderr capture
    path = bad(text)
    with pytest.raises(LibraryError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_program(path)
    code = cli.main(["analyze", str(path.with_name("clip.mp4")), "--exercise", "fist",
                     "--program", str(path)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and err.startswith(f"error: {path}: "), err
    assert message in err


@pytest.mark.parametrize(("text", "message"), [BAD_FILES[0], BAD_FILES[4]])
def test_the_real_command_answers_in_one_line_without_an_exercise_too(bad, text, message):
    path = bad(text)
    for extra in ([], ["--exercise", "fist"]):
        proc = handcoach("analyze", str(path.with_name("clip.mp4")), "--program", str(path),
                         *extra)
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.count("\n") == 1 and message in proc.stderr
        assert "Traceback" not in proc.stderr


def test_an_unreadable_or_binary_program_file_is_one_line(bad, tmp_path):
    binary = tmp_path / "b.toml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(LibraryError, match="not valid TOML"):
        load_program(binary)
    with pytest.raises(LibraryError, match="is a folder"):
        load_program(tmp_path)


@pytest.mark.parametrize(("text", "message"), [BAD_FILES[1], BAD_FILES[5], BAD_FILES[12]])
def test_the_app_says_it_in_one_line_and_uses_the_default_program(bad, text, message,
                                                                  tmp_path, monkeypatch):
    monkeypatch.setenv("HANDCOACH_DB_URL", f"sqlite:///{tmp_path / 'results.db'}")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("HANDCOACH_PROGRAM", str(bad(text)))
    at = AppTest.from_file(str(ROOT / "app" / "main.py"), default_timeout=60).run()
    assert not at.exception, at.exception
    (error,) = at.sidebar.error
    assert message in error.value and "\n" not in error.value
    assert [s.value for s in at.subheader] == ["Tendon glides", "Full fist", "Finger spread",
                                               "Thumb opposition"]


def test_nonsense_prescriptions_are_refused_like_files():
    from handcoach.storage.prescriptions import check_prescription

    dose = {"reps": 10, "sets": 1, "hold_s": 3, "rest_s": 60, "sessions_per_day": 3,
            "max_reps_per_day": 30}
    for key, value, message in (("reps", 1e20, "between 1 and 100"),
                                ("hold_s", float("nan"), "must be a number"),
                                ("sessions_per_day", 0, "between 1 and 24"),
                                ("max_reps_per_day", -1, "between 1 and 24000")):
        with pytest.raises(LibraryError, match=message) as info:
            check_prescription("right", ["fist"], {"fist": {**dose, key: value}}, {}, None)
        assert str(info.value).startswith("fist dose.") and "\n" not in str(info.value)
    with pytest.raises(LibraryError, match="must be 0-120 degrees"):
        check_prescription("right", ["fist"], {"fist": dose}, {"index": {"pip": float("nan")}},
                           None)

