"""What a patient reads: times, pain, bends and texts in plain words, the set-up check
before counting, and the spoken cues. No MediaPipe here: synthetic hands and states."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from app.coach import CoachStatus
from app.framing import COUNTDOWN_S, READY_S, SetupGate, framing_advice
from app.joints import bends, closes_fist
from app.speech import SpokenCoach, speak_html
from app.wording import bend_deg, duration_text, hold_text, pain_text, patient_text
from exercises.alerts import Alert, Code
from exercises.engine import ExerciseEngine
from exercises.library import get_exercise, load_library
from vision.frame import HandFrame, HandObservation
from vision.rom import RomSummary


@pytest.mark.parametrize(("seconds", "shown"), [
    (42.0, "42 s"), (59.4, "59 s"), (60.0, "1 min"), (102.0, "1 min 42 s"),
    (754.0, "13 min"), (None, "-"), (float("nan"), "-")])
def test_durations_read_as_a_clock_would(seconds, shown):
    assert duration_text(seconds) == shown


def test_pain_and_bends_are_whole_numbers_without_none_or_negatives():
    assert pain_text(1.0) == "1 / 10" and pain_text(None) == "not rated"
    assert bend_deg(-5.0) == 0 and bend_deg(91.6) == 92 and bend_deg(float("nan")) is None
    assert hold_text(1.9, 3.0) == "hold 1 of 3 s" and hold_text(4.0, 2.0) == "relax"


def test_patient_texts_carry_no_references_or_clinical_terms_in_brackets():
    for ex in load_library().values():
        for text in (ex.instructions, ex.purpose, ex.benefit):
            shown = patient_text(text)
            assert "1985" not in shown and "(composite flexion)" not in shown, shown
            assert "(PIP)" not in shown and "(interossei)" not in shown, shown
    assert patient_text(get_exercise("fist").purpose) == \
        "Moves every finger joint through its whole range together."


def test_only_exercises_that_close_the_fist_get_a_total_active_motion():
    library = load_library()
    assert {i for i, ex in library.items() if closes_fist(ex)} == {"tendon_glides", "fist"}
    assert not bends(library["finger_spread"]) and bends(library["pip_blocking"])


def _hand(xs: tuple[float, float], ys: tuple[float, float], side: str = "right"
          ) -> HandObservation:
    image = np.zeros((21, 3))
    image[:, 0] = np.linspace(*xs, 21)
    image[:, 1] = np.linspace(*ys, 21)
    return HandObservation(image=image, world=np.zeros((21, 3)), side=side,
                           chirality=side, score=0.9)


def _frame(hand: HandObservation | None, others=()) -> HandFrame:
    return HandFrame(t=0.0, width=640, height=480, hand=hand, others=tuple(others))


def test_the_set_up_says_one_plain_correction_then_counts_3_2_1():
    good = _frame(_hand((220, 420), (120, 400)))
    assert framing_advice(good, 120.0, "right") is None
    assert "outside the picture" in framing_advice(_frame(_hand((2, 300), (120, 400))),
                                                   120.0, "right")
    assert "closer" in framing_advice(_frame(_hand((300, 340), (200, 260))), 120.0, None)
    assert "further" in framing_advice(_frame(_hand((100, 600), (20, 470))), 120.0, None)
    assert "too dark" in framing_advice(_frame(None), 20.0, None)
    assert framing_advice(good, 20.0, None) is None      # a hand found in a dim room
    assert "right hand" in framing_advice(_frame(None, [_hand((220, 420), (120, 400),
                                                              "left")]), 120.0, "right")

    gate = SetupGate("right")
    assert not gate.update(0.0, _frame(None), 120.0).done
    t, shown = 1.0, []
    while not gate.done and t < 20:
        s = gate.update(t, good, 120.0)
        shown.append(s.countdown)
        t += 0.25
    counted = [c for c in dict.fromkeys(shown) if c is not None]
    assert counted == [3, 2, 1], shown
    assert READY_S + COUNTDOWN_S <= t - 1.0 <= READY_S + COUNTDOWN_S + 0.6


def _status(state, t: float, alerts=(), setup=None) -> CoachStatus:
    rom = RomSummary(np.full(14, np.nan), np.full(14, np.nan))
    return CoachStatus(t=t, frames=1, frames_with_hand=1, state=state, hand_in_view=True,
                       alerts=tuple(alerts), rep_cues=state.reps, hold_cues=0, rom=rom,
                       stream_ended=False, save_problem=None, setup=setup)


def test_the_spoken_coach_says_the_position_the_hold_countdown_the_rep_and_set_done():
    ex = get_exercise("fist")
    base = ExerciseEngine(ex).state(0.0)
    coach = SpokenCoach()
    said: list[str] = []
    fist = replace(base, target="fist", target_cue="Curl all your fingers into your palm.")
    said += coach.update(_status(replace(fist, position="open"), 0.0))
    for held in (0.1, 0.5, 1.2, 1.6, 2.1, 2.6, 3.1, 3.4):
        said += coach.update(_status(replace(fist, position="fist", hold_elapsed_s=held,
                                             hold_target_s=3.0), 1.0 + held))
    opened = replace(base, target="open", target_cue="Open your hand.", reps=1)
    said += coach.update(_status(opened, 5.0))
    said += coach.update(_status(opened, 5.3))        # a redraw says nothing again
    done = Alert(6.0, Code.SET_COMPLETE, "All 1 done for this session. Well done!")
    said += coach.update(_status(replace(opened, finished=True), 6.0, [done]))
    assert said == ["Curl all your fingers into your palm.", "hold... 3", "2", "1",
                    "and relax.", "Rep 1.", "Open your hand.",
                    "All 1 done for this session. Well done!"]


def test_spoken_lines_cannot_end_the_script_they_are_in():
    html = speak_html([("c1", ["</script><img src=x onerror=alert(1)>"])])
    assert html.count("</script>") == 1 and "<img" not in html


def test_set_done_praise_is_not_counted_as_a_warning(tmp_path):
    from handcoach.storage import SessionRecorder, Store, list_sessions

    store = Store(f"sqlite:///{tmp_path / 'r.db'}")
    rec = SessionRecorder(store)
    rec.start("Pat", "fist", "right", "live")
    rec.add_warning(Alert(3.0, Code.HOLD_TOO_SHORT, "Hold the fist a little longer."))
    rec.add_warning(Alert(9.0, Code.SET_COMPLETE, "All 3 done for this session. Well done!"))
    assert rec.finish()
    (info,) = list_sessions("Pat", store=store)
    assert (info.warnings, info.cautions) == (2, 1)   # the export keeps counting both
    store.close()
