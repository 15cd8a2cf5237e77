"""The whole pipeline on the bundled rendered samples: video -> MediaPipe -> engine.

Each sample's truth file says how many reps were rendered; the samples are clean
performances at the default dose, so nothing should be said either.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from helpers.footage_runs import run_on_frames, tracked_frames
from helpers.paths import handcoach

SAMPLES = Path(__file__).resolve().parent.parent / "sample_videos"


@pytest.mark.parametrize("name", ["tendon_glides", "fist", "finger_spread",
                                  "thumb_opposition"])
def test_rendered_samples_are_counted_exactly(name):
    truth = json.loads((SAMPLES / f"{name}.json").read_text())
    engine = run_on_frames(tracked_frames(SAMPLES / f"{name}.mp4"), name)
    assert len(engine.reps) == truth["reps"]
    assert [a.code.value for a in engine.alerts] == []
    if name == "tendon_glides":
        assert all(r.positions == ("hook", "full_fist", "straight_fist", "tabletop")
                   for r in engine.reps)


def test_analyze_with_exercise_fills_reps_and_details():
    proc = handcoach("analyze", str(SAMPLES / "fist.mp4"), "--exercise", "fist", "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["exercise"] == "fist"
    assert out["reps"] == 3 and out["extra_reps"] == 0
    assert out["reps_by_position"] == {"fist": 3}
    assert out["warnings"] == []
    details = out["rep_details"]
    assert [d["number"] for d in details] == [1, 2, 3]
    assert all(d["positions"] == ["fist"] and d["holds_s"][0] >= 3.0 for d in details)
    assert all(d["peak_flexion"]["index"]["pip"] > 60 for d in details)


def test_analyze_with_a_program_file(tmp_path):
    program = tmp_path / "program.toml"
    program.write_text("[exercises.fist]\ndose = { reps = 2, hold_s = 3.0 }\n")
    proc = handcoach("analyze", str(SAMPLES / "fist.mp4"), "--exercise", "fist", "--json",
                     "--program", str(program))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["reps"] == 3 and out["extra_reps"] == 1
    codes = [w["code"] for w in out["warnings"]]
    assert codes == ["SET_COMPLETE", "TOO_MANY_REPS"]
    assert out["rep_details"][2]["flags"] == ["extra"]
