"""The exercise engine on generated landmark sequences with exactly known content.

Sequences come from the kinematic hand model (synthetic/), placed in front of a camera as
a patient would hold the hand for that exercise, with landmark noise and dropped frames.
Each test scripts what the patient does (clean reps, partial reps, too-fast reps, wrong
positions) and checks the count and the warnings a patient would see.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from exercises.alerts import Code
from exercises.catalog import EXERCISE_IDS
from exercises.library import get_exercise
from handcoach.synthetic.hand_model import HandPose
from handcoach.synthetic.motions import (
    FULL_FIST,
    HOOK,
    RELAXED,
    SPREAD,
    STRAIGHT,
    STRAIGHT_FIST,
    TABLETOP,
    TOGETHER,
    Keyframe,
    _fingers,
    opposition_pose,
    track_from_keyframes,
)
from handcoach.synthetic.sequences import landmark_sequence
from helpers.engine_runs import run_engine

PLACEMENT = {"forearm_rotation": "elbow_at_side", "wrist_flex_ext": "forearm_across",
             "pip_blocking": "ulnar", "dip_blocking": "ulnar", "tendon_glides": "ulnar"}
REST = {"finger_spread": TOGETHER, "forearm_rotation": RELAXED, "wrist_flex_ext": RELAXED,
        "wrist_deviation": RELAXED}


def mix(a: HandPose, b: HandPose, s: float) -> HandPose:
    """A pose s of the way from a to b (a partial movement)."""
    return HandPose.from_vector(a.to_vector() * (1 - s) + b.to_vector() * s)


def rep(exercise: str, hold: float, move: float = 0.7, n: int = 0) -> list[Keyframe]:
    """One clean repetition's keyframes, returning to the exercise's rest pose."""
    rest = REST.get(exercise, STRAIGHT)
    between = Keyframe(rest, 1.0, move)
    if exercise == "tendon_glides":
        out = []
        for pose in (HOOK, FULL_FIST, STRAIGHT_FIST, TABLETOP):
            out += [Keyframe(pose, hold, move), between]
        return out
    targets = {
        "fist": [FULL_FIST],
        "finger_spread": [SPREAD],
        "thumb_opposition": [opposition_pose(n % 4)],
        "pip_blocking": [_fingers(0.0, 90.0, 35.0)],
        "dip_blocking": [_fingers(0.0, 2.0, 65.0)],
        "forearm_rotation": [replace(RELAXED, forearm_rot=70.0),
                             replace(RELAXED, forearm_rot=-70.0)],
        "wrist_flex_ext": [replace(RELAXED, wrist_flex=60.0),
                           replace(RELAXED, wrist_flex=-55.0)],
        "wrist_deviation": [replace(RELAXED, wrist_dev=20.0),
                            replace(RELAXED, wrist_dev=-28.0)],
    }[exercise]
    return [Keyframe(p, hold, move) for p in targets] + [between]


#: per exercise: a partial attempt (goes part of the way, never reaches the target) and,
#: where the exercise has a typical substitution, a wrong position held.
PARTIAL = {
    "tendon_glides": mix(STRAIGHT, HOOK, 0.5),
    "fist": _fingers(50.0, 60.0, 30.0),  # half closed: fingertips far from the palm
    "finger_spread": mix(TOGETHER, SPREAD, 0.5),   # ~18 deg apart: out of "together"
    "thumb_opposition": mix(STRAIGHT, opposition_pose(0), 0.45),
    "pip_blocking": _fingers(0.0, 42.0, 15.0),
    "dip_blocking": _fingers(0.0, 2.0, 34.0),
    "forearm_rotation": replace(RELAXED, forearm_rot=38.0),
    "wrist_flex_ext": replace(RELAXED, wrist_flex=32.0),
    "wrist_deviation": replace(RELAXED, wrist_dev=9.0),
}
WRONG = {
    "tendon_glides": _fingers(65.0, 95.0, 60.0),  # hook fist with the knuckles bent
    "fist": TABLETOP,  # only the knuckles bend
    "finger_spread": replace(SPREAD, pip=np.full(4, 75.0)),
    "pip_blocking": _fingers(65.0, 80.0, 40.0),  # the knuckle is not blocked
    "dip_blocking": _fingers(0.0, 70.0, 50.0),  # the middle joint bends too
}


def sequence(exercise: str, keys: list[Keyframe], side: str = "right", seed: int = 0,
             noise_mm: float = 1.5, drop_rate: float = 0.03, **kw):
    track = track_from_keyframes(exercise, keys, seed=seed, start=REST.get(exercise, STRAIGHT),
                                 lead_s=1.0)
    return landmark_sequence(track, side, PLACEMENT.get(exercise, "palm_to_camera"),
                             noise_mm=noise_mm, drop_rate=drop_rate, seed=seed,
                             with_elbow=True, **kw)


def codes(engine) -> list[str]:
    return [a.code.value for a in engine.alerts]


@pytest.mark.parametrize("side", ["right", "left"])
@pytest.mark.parametrize("exercise", EXERCISE_IDS)
def test_clean_performance_is_counted_exactly_and_silently(exercise, side):
    hold = get_exercise(exercise).dose.hold_s + 0.5
    keys = [k for n in range(3) for k in rep(exercise, hold, n=n)]
    engine = run_engine(sequence(exercise, keys, side, seed=3), exercise)
    assert len(engine.reps) == 3, codes(engine)
    assert engine.alerts == []
    assert all(not r.flags for r in engine.reps)


@pytest.mark.parametrize("exercise", EXERCISE_IDS)
def test_partial_too_fast_and_wrong_reps_mixed_in(exercise):
    """clean, partial, clean, too fast, wrong position (if any), clean: 4 reps count.
    A touch has no shortest time (thumb_opposition's min_rep_s is 0: a touch is brief by
    nature): one quick touch is not too fast, a quick series is (next test)."""
    ex = get_exercise(exercise)
    hold = ex.dose.hold_s + 0.5
    rest = REST.get(exercise, STRAIGHT)
    fast_move = 0.12
    fast = [replace(k, hold_s=0.25 if k.pose is not rest else 0.3, move_s=fast_move)
            for k in rep(exercise, hold, n=2)]
    keys = (rep(exercise, hold, n=0)
            + [Keyframe(PARTIAL[exercise], 1.2, 0.7), Keyframe(rest, 1.2, 0.7)]
            + rep(exercise, hold, n=1) + fast)
    if exercise in WRONG:
        keys += [Keyframe(WRONG[exercise], 1.5, 0.8), Keyframe(rest, 1.2, 0.8)]
    keys += rep(exercise, hold, n=3)
    engine = run_engine(sequence(exercise, keys, seed=5, noise_mm=1.0), exercise)
    said = codes(engine)
    assert len(engine.reps) == 4, said
    assert "PARTIAL_RANGE" in said
    if ex.min_rep_s > 0:
        assert "TOO_FAST" in said
        assert [r.number for r in engine.reps if "too_fast" in r.flags] == [3]
    else:
        assert "TOO_FAST" not in said and not any(r.flags for r in engine.reps)
    if exercise in WRONG:
        assert "WRONG_POSITION" in said
    if ex.dose.hold_s > 0:
        assert "HOLD_TOO_SHORT" in said
    assert set(said) <= {"PARTIAL_RANGE", "TOO_FAST", "WRONG_POSITION", "HOLD_TOO_SHORT"}


@pytest.mark.parametrize("exercise", ["thumb_opposition", "fist"])
def test_a_rushed_series_is_too_fast_within_two_seconds_and_loads_the_day(exercise):
    """Movements quicker than the pace are said to be too fast within 2 s of starting,
    whether or not they are held long enough to count, and count toward the day's
    maximum: with 3 reps left for today, a rushed series is told to stop too."""
    target = {"thumb_opposition": opposition_pose(0), "fist": FULL_FIST}[exercise]
    rest = REST.get(exercise, STRAIGHT)
    taps = [Keyframe(target, 0.05, 0.15), Keyframe(rest, 0.05, 0.15)] * 12
    seq = sequence(exercise, taps, seed=2, noise_mm=1.0, drop_rate=0.0)
    engine = run_engine(seq, exercise)
    fast = [a for a in engine.alerts if a.code is Code.TOO_FAST]
    assert fast and fast[0].t <= 1.0 + 2.0, codes(engine)      # taps start after 1 s
    assert fast[0].message == "Slow down: make each one slow and full."
    assert engine.pace.excursions >= 10
    ex = get_exercise(exercise)
    tired = run_engine(seq, exercise, done_today=ex.dose.max_reps_per_day - 3)
    assert "TOO_MANY_REPS" in codes(tired)
    slow = [k for n in range(3) for k in rep(exercise, ex.dose.hold_s + 0.5, n=n)]
    assert "TOO_FAST" not in codes(run_engine(sequence(exercise, slow), exercise))


@pytest.mark.parametrize("exercise", ["fist", "tendon_glides", "thumb_opposition"])
def test_heavy_noise_and_frame_drops_do_not_change_the_count(exercise):
    hold = get_exercise(exercise).dose.hold_s + 0.5
    keys = [k for n in range(4) for k in rep(exercise, hold, n=n)]
    seq = sequence(exercise, keys, seed=7, noise_mm=3.0, drop_rate=0.15)
    assert len(run_engine(seq, exercise).reps) == 4


def test_wrong_position_messages_are_specific():
    keys = [Keyframe(WRONG["tendon_glides"], 2.0, 0.8), Keyframe(STRAIGHT, 1.5, 0.8)]
    engine = run_engine(sequence("tendon_glides", keys), "tendon_glides")
    wrong = [a.message for a in engine.alerts if a.code is Code.WRONG_POSITION]
    assert wrong == ["Keep your knuckles straight for the hook fist."]
    assert engine.reps == []


@pytest.mark.parametrize(("wrong", "message"), [
    (_fingers(84.0, 35.0, 5.0),
     "Bend the middle joints more, so your fingertips reach the base of your palm."),
    (_fingers(84.0, 95.0, 70.0), "Keep your fingertips straight for the straight fist."),
])
def test_straight_fist_substitutions(wrong, message):
    """After the hook and the full fist, the straight fist is expected next."""
    between = Keyframe(STRAIGHT, 1.0, 0.7)
    keys = [Keyframe(HOOK, 3.5, 0.7), between, Keyframe(FULL_FIST, 3.5, 0.7), between,
            Keyframe(wrong, 2.0, 0.8), between]
    engine = run_engine(sequence("tendon_glides", keys), "tendon_glides")
    assert [a.message for a in engine.alerts] == [message]


def test_a_straight_fist_entered_through_a_full_fist_is_the_straight_fist():
    """On the way into the straight fist the hand passes through a full fist for a moment
    and then holds a straight fist whose fingertips read a little bent (DIP 44: within
    the straight fist's targets, and within the margin that keeps a full fist from
    flickering). The position asked for wins: the straight fist is held and the rep
    counted, with nothing said. (The tracker's noise here is 1 mm: at the default 1.5 the
    DIP of a straight fist scatters by 15 deg either side and no bound holds it.)"""
    between = Keyframe(STRAIGHT, 1.0, 0.7)
    keys = [Keyframe(HOOK, 3.5, 0.7), between, Keyframe(FULL_FIST, 3.5, 0.7), between,
            Keyframe(FULL_FIST, 0.15, 0.7), Keyframe(_fingers(84.0, 95.0, 44.0), 3.5, 0.3),
            between, Keyframe(TABLETOP, 3.5, 0.7), between]
    engine = run_engine(sequence("tendon_glides", keys, noise_mm=1.0), "tendon_glides")
    assert len(engine.reps) == 1, codes(engine)
    assert engine.reps[0].positions == ("hook", "full_fist", "straight_fist", "tabletop")
    assert codes(engine) == []


def test_tabletop_with_bent_fingers():
    between = Keyframe(STRAIGHT, 1.0, 0.7)
    keys = [Keyframe(p, 3.5, 0.7) for p in (HOOK, FULL_FIST, STRAIGHT_FIST)]
    keys = [k for key in keys for k in (key, between)]
    keys += [Keyframe(_fingers(84.0, 65.0, 25.0), 2.0, 0.8), between]
    engine = run_engine(sequence("tendon_glides", keys), "tendon_glides")
    assert [a.message for a in engine.alerts] == [
        "Keep your fingers straight for the tabletop: bend only at the big knuckles."]
    assert engine.reps == []


def test_tendon_glides_out_of_order_names_the_next_position():
    keys = [Keyframe(TABLETOP, 2.0, 0.8), Keyframe(STRAIGHT, 1.5, 0.8)]
    engine = run_engine(sequence("tendon_glides", keys), "tendon_glides")
    assert [a.message for a in engine.alerts] == [
        "Next is the hook fist. Bend the middle and end joints; keep your big knuckles "
        "straight."]


def test_the_therapists_order_is_data():
    """Reordering the positions in a program changes what counts, not the code."""
    order = ["hook", "full_fist", "tabletop", "straight_fist"]
    program = {"exercises": {"tendon_glides": {"sequence": order}}}
    between = Keyframe(STRAIGHT, 1.0, 0.7)
    poses = {"hook": HOOK, "full_fist": FULL_FIST, "tabletop": TABLETOP,
             "straight_fist": STRAIGHT_FIST}
    keys = [k for name in order for k in (Keyframe(poses[name], 3.5, 0.7), between)]
    seq = sequence("tendon_glides", keys * 2)
    mine = run_engine(seq, "tendon_glides", program=program)
    assert len(mine.reps) == 2 and mine.alerts == []
    # Against the handout order (straight fist before tabletop), positions out of order
    # do not advance the rep and the patient is told what comes next: of the two passes,
    # only one complete pass in that order can be found.
    handout = run_engine(seq, "tendon_glides")
    assert len(handout.reps) == 1
    assert "Next is the straight fist." in handout.alerts[0].message


def test_rep_records_positions_holds_and_peak_angles():
    keys = rep("tendon_glides", 3.5)
    seq = sequence("tendon_glides", keys, noise_mm=0.0, drop_rate=0.0)
    (r,) = run_engine(seq, "tendon_glides").reps
    assert r.positions == ("hook", "full_fist", "straight_fist", "tabletop")
    # Held 3.5 s, plus the part of each 0.7 s move already inside the position's range.
    assert all(3.5 <= h <= 3.5 + 2 * 0.7 for h in r.holds_s)
    true = seq.true_angles
    # PIP peak is the full fist's, within a degree of the truth (no noise here).
    assert abs(np.nanmax(r.peak_flexion[1:12:3]) - np.max(true[:, 1:12:3])) < 1.0
    # The holds lie within the rep, with the moves between them.
    assert sum(r.holds_s) < r.duration_s


def test_hand_not_visible_two_hands_and_wrong_hand():
    hold = 3.5
    keys = rep("fist", hold) * 3
    seq = sequence("fist", keys, drop_spans=[(6.0, 8.5)])
    engine = run_engine(seq, "fist")
    assert codes(engine).count("HAND_NOT_VISIBLE") == 1
    two = np.ones(len(seq.times), dtype=int)
    two[(seq.times > 2.0) & (seq.times < 4.0)] = 2
    assert "TWO_HANDS" in codes(run_engine(seq, "fist", hands_in_view=two))
    # Blocking exercises expect the other hand on the finger: no TWO_HANDS there.
    block = sequence("pip_blocking", rep("pip_blocking", hold) * 2)
    two = np.full(len(block.times), 2)
    assert "TWO_HANDS" not in codes(run_engine(block, "pip_blocking", hands_in_view=two))
    wrong = run_engine(seq, "fist", prescribed_side="left")
    assert "WRONG_HAND" in codes(wrong)
    assert "WRONG_HAND" not in codes(run_engine(seq, "fist", prescribed_side="right"))


def test_elbow_out_of_view_is_said_and_counts_nothing_meanwhile():
    hold = get_exercise("wrist_flex_ext").dose.hold_s + 0.5
    keys = rep("wrist_flex_ext", hold) * 2
    seq = sequence("wrist_flex_ext", keys, elbow_hidden_spans=[(0.0, 100.0)])
    engine = run_engine(seq, "wrist_flex_ext")
    said = codes(engine)
    assert said and set(said) == {"ELBOW_NOT_VISIBLE"}
    assert np.all(np.diff([a.t for a in engine.alerts]) >= 4.0)  # a reminder, not a flicker
    assert engine.reps == []


PROGRAM = {"exercises": {"fist": {"dose": {"reps": 2, "sets": 2, "rest_s": 8.0,
                                           "max_reps_per_day": 30}}}}


def test_sets_rest_and_reps_past_the_prescription_are_recorded_as_extra():
    hold = 3.5
    slow = rep("fist", hold)
    keys = slow * 2 + [Keyframe(STRAIGHT, 9.0, 0.5)] + slow * 1 + slow * 2
    engine = run_engine(sequence("fist", keys), "fist", program=PROGRAM)
    said = [(a.code.value, a.message) for a in engine.alerts]
    assert said[0] == ("SET_COMPLETE", "Set 1 of 2 done. Rest for 8 seconds.")
    assert ("SET_COMPLETE", "All 4 done for this session. Well done!") in said
    assert [c for c, _ in said].count("TOO_MANY_REPS") == 1
    assert len(engine.reps) == 5
    assert [r.extra for r in engine.reps] == [False] * 4 + [True]
    assert engine.counted == 4
    assert [r.set_number for r in engine.reps[:4]] == [1, 1, 2, 2]


def test_a_rep_during_the_rest_countdown_is_flagged():
    hold = 3.5
    keys = rep("fist", hold) * 3  # no pause after the first set of 2
    engine = run_engine(sequence("fist", keys), "fist", program=PROGRAM)
    assert "rest_short" in engine.reps[2].flags
    assert any(a.code is Code.TOO_FAST and "countdown" in a.message for a in engine.alerts)


def test_daily_maximum_counts_earlier_sessions():
    keys = rep("fist", 3.5) * 3
    engine = run_engine(sequence("fist", keys), "fist", done_today=28)
    assert [r.extra for r in engine.reps] == [False, False, True]
    assert "TOO_MANY_REPS" in codes(engine)


@pytest.mark.parametrize(("ratings", "stops"), [
    ({0.5: 3, 6.0: 4}, False),  # a small rise: carry on
    ({0.5: 3, 6.0: 5}, True),  # up by 2
    ({0.5: 5, 6.0: 7}, True),  # reaches 7
    ({0.5: 8}, True),  # starts at 8: stop at once
])
def test_pain_stop(ratings, stops):
    keys = rep("fist", 3.5) * 3
    engine = run_engine(sequence("fist", keys), "fist", pain=ratings)
    assert ("PAIN_STOP" in codes(engine)) is stops
    if stops:
        after = [r for r in engine.reps if r.start > max(ratings)]
        assert after and all("after_pain_stop" in r.flags for r in after)
    else:
        assert codes(engine) == []
