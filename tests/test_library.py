"""The exercise library is data: complete, validated, and changeable without code."""

from __future__ import annotations

import pytest

from exercises.catalog import EXERCISE_IDS
from exercises.library import LibraryError, get_exercise, load_library
from helpers.paths import handcoach


def test_every_exercise_is_defined_with_its_education_and_dose():
    library = load_library()
    assert tuple(library) == EXERCISE_IDS
    for ex in library.values():
        assert ex.name and ex.instructions and ex.purpose and ex.benefit
        assert ex.rest in ex.positions and all(p in ex.positions for p in ex.sequence)
        assert ex.dose.reps >= 1 and ex.dose.max_reps_per_day >= ex.dose.reps_per_session
        for p in ex.positions.values():
            assert p.label and p.cue and p.targets


def test_tendon_glides_follow_the_clinical_reference():
    ex = get_exercise("tendon_glides")
    assert ex.rest == "straight"
    assert set(ex.sequence) == {"hook", "full_fist", "straight_fist", "tabletop"}
    hook = {r.feature: (r.lo, r.hi) for r in ex.positions["hook"].targets}
    assert hook["mcp"][1] <= 40 and hook["pip"][0] >= 60  # MCP extended, PIP flexed
    tabletop = {r.feature: (r.lo, r.hi) for r in ex.positions["tabletop"].targets}
    assert tabletop["mcp"][0] >= 50 and tabletop["pip"][1] <= 40


def test_a_program_overrides_dose_and_order_only_where_it_says():
    program = {"exercises": {"tendon_glides": {
        "dose": {"reps": 5, "hold_s": 5},
        "sequence": ["straight_fist", "hook", "full_fist", "tabletop"]}}}
    ex = get_exercise("tendon_glides", program)
    assert ex.dose.reps == 5 and ex.dose.hold_s == 5.0
    assert ex.dose.sets == get_exercise("tendon_glides").dose.sets
    assert ex.sequence[0] == "straight_fist"
    assert get_exercise("fist", program) == get_exercise("fist")


@pytest.mark.parametrize(("program", "message"), [
    ({"exercises": {"fist": {"dose": {"repz": 5}}}}, "exercises.fist.dose: unknown key 'repz'"),
    ({"exercises": {"fist": {"sequence": ["fisst"]}}}, "position 'fisst' is not defined"),
    ({"exercises": {"fist": {"positions": {"fist": {"targets": {"pip": [90, 10]}}}}}},
     "expected [low, high] numbers"),
    ({"exercises": {"fist": {"positions": {"fist": {"targets": {"elbow": [0, 1]}}}}}},
     "unknown feature 'elbow'"),
    ({"exercises": {"yoga": {}}}, "unknown exercise 'yoga'"),
])
def test_bad_programs_are_one_line_errors(program, message):
    with pytest.raises(LibraryError) as err:
        get_exercise("fist", program)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_cli_bad_program_file(tmp_path):
    bad = tmp_path / "p.toml"
    bad.write_text("[exercises.fist\n")
    video = tmp_path / "v.mp4"
    video.write_bytes(b"")
    proc = handcoach("analyze", str(video), "--exercise", "fist", "--program", str(bad))
    assert proc.returncode == 2
    err = proc.stderr.strip()
    assert err.startswith("error: ") and "not valid TOML" in err and "\n" not in err
