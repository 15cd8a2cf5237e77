"""Keeping at it (issue 16): the run of days with every session done, this week's
sessions, words that follow the dose, the reminders file and the larger-text switch."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone

import pytest
from icalendar import Calendar
from streamlit.testing.v1 import AppTest

from exercises.program import parse_program
from handcoach.review.adherence import DayAdherence, program_days
from handcoach.review.keeping import keeping_at_it, streak
from handcoach.review.reminders import DAYS, reminder_calendar
from handcoach.storage import Store, list_sessions
from helpers.clinic import days_ago, record_session
from helpers.paths import ROOT

MAIN = str(ROOT / "app" / "main.py")
WED = date(2026, 12, 2)


def day(d: date, prescribed: int, done: int, extra: int = 0) -> DayAdherence:
    return DayAdherence(day=d, prescribed=prescribed, done=done, reps=done * 10,
                        extra_reps=extra)


def back(n: int) -> date:
    return WED - timedelta(days=n)


def test_a_run_of_complete_days_is_counted_and_a_missed_day_ends_it():
    days = [day(back(6), 3, 3), day(back(5), 3, 1), day(back(4), 3, 3), day(back(3), 0, 0),
            day(back(2), 3, 3), day(back(1), 3, 3), day(WED, 3, 1)]
    # Today is under way (1 of 3): the run is the days before it; a day with nothing
    # prescribed is passed over; the half-done day 5 days back ends it.
    assert streak(days, WED) == 3
    assert streak([*days[:-1], day(WED, 3, 3)], WED) == 4
    k = keeping_at_it(days, WED)
    assert (k.today_done, k.today_prescribed) == (1, 3)
    assert (k.week_done, k.week_prescribed) == (3 + 3 + 1, 3 + 3 + 3)   # Monday to today
    assert k.words == "3 days in a row so far. 2 more sessions today, with rest in between: " \
                      "steady beats hard."


def test_the_words_never_ask_for_more_than_the_dose():
    assert keeping_at_it([day(WED, 2, 2)], WED).words.startswith(
        "All of today's sessions are done. Resting now is part of the treatment.")
    over = keeping_at_it([day(WED, 2, 2, extra=6)], WED).words
    assert "6 more reps than your therapist asked" in over and "More is not better" in over
    assert keeping_at_it([day(WED, 2, 0)], WED).words == \
        "2 more sessions today, with rest in between. A little every day beats a lot now " \
        "and then."
    assert keeping_at_it([day(WED, 0, 0)], WED).words == "Nothing is prescribed for today."


def test_the_week_starts_on_monday():
    days = [day(WED - timedelta(days=n), 2, 2) for n in range(9)]   # Mon 23 Nov to Wed
    k = keeping_at_it(days, WED)
    assert (k.week_done, k.week_prescribed) == (6, 6)
    assert k.streak_days == 9


def test_a_program_day_counts_each_exercise_up_to_its_sessions_a_day(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'results.db'}")
    start = datetime(2026, 12, 1, 9, tzinfo=timezone.utc)
    for k, (exercise, reps) in enumerate((("fist", 3), ("fist", 3), ("fist", 3),
                                          ("tendon_glides", 0))):
        record_session(store, "Pat", started=start + timedelta(minutes=10 * k),
                       exercise=exercise, reps=reps)
    sessions = list_sessions("Pat", store=store)
    store.close()
    (d,) = program_days(sessions, {"fist": 2, "tendon_glides": 1}, date(2026, 12, 1),
                        date(2026, 12, 1), timezone.utc)
    # A third fist does not make up for the glides, and a glide without a rep is not done.
    assert (d.prescribed, d.done, d.reps) == (3, 2, 9)


def test_the_reminders_file_holds_each_exercise_as_often_a_day_as_prescribed():
    program = parse_program({"program": {"exercises": ["fist", "tendon_glides",
                                                       "finger_spread"]},
                             "exercises": {"fist": {"dose": {"sessions_per_day": 3}},
                                           "tendon_glides": {"dose": {"sessions_per_day": 2,
                                                                      "reps": 5}},
                                           "finger_spread": {"dose": {"sessions_per_day": 1}}}},
                            source="test")
    cal = Calendar.from_ical(reminder_calendar(program.exercises, start=WED))
    events = sorted(cal.walk("VEVENT"), key=lambda e: e.decoded("dtstart"))
    assert [e.decoded("dtstart") for e in events] == [
        datetime.combine(WED, time(h)) for h in (9, 14, 19)]
    for e in events:
        rule = e.get("rrule")
        assert rule["FREQ"] == ["DAILY"] and rule["COUNT"] == [DAYS]
        assert e.walk("VALARM"), "no alarm: the calendar would not remind"
    per_day = {ex.name: sum(ex.name in str(e.get("summary")) for e in events)
               for ex in program.exercises}
    assert per_day == {"Full fist": 3, "Tendon glides": 2, "Finger spread": 1}
    glides = [e for e in events if "Tendon glides" in str(e.get("summary"))]
    assert [e.decoded("dtstart").hour for e in glides] == [9, 19]      # spread apart
    assert "Tendon glides: 5 reps, hold" in str(glides[0].get("description"))
    assert "Pat" not in reminder_calendar(program.exercises, start=WED).decode()


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("HANDCOACH_DB_URL", f"sqlite:///{tmp_path / 'results.db'}")
    monkeypatch.setenv("HANDCOACH_PATIENT", "Pat Example")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    program = tmp_path / "program.toml"
    program.write_text('[program]\nexercises = ["fist"]\n\n'
                       "[exercises.fist]\ndose = { reps = 3, sessions_per_day = 1 }\n")
    monkeypatch.setenv("HANDCOACH_PROGRAM", str(program))
    return tmp_path


def test_today_shows_the_run_of_days_what_is_left_and_the_reminders(env):
    store = Store()
    for n in (3, 2, 1):
        record_session(store, "Pat Example", started=days_ago(n), reps=3)
    assert len(list_sessions("Pat Example", store=store)) == 3
    store.close()
    at = AppTest.from_file(MAIN, default_timeout=60).run()
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Days in a row, all done"] == "3"
    assert metrics["Today"] == "0 of 1 sessions"
    text = [m.value for m in at.markdown]
    assert "3 days in a row so far. 1 more session today, with rest in between: steady " \
           "beats hard." in text, text
    assert "Still to do today: Full fist (1 more)." in text, text
    (button,) = at.get("download_button")
    assert button.label == "Add reminders to my calendar"


def test_larger_text_is_one_switch_on_every_page(env):
    def larger(at: AppTest) -> bool:
        return any("font-size: 130%" in h.proto.body for h in at.get("html"))

    at = AppTest.from_file(MAIN, default_timeout=60).run()
    assert not larger(at)
    at.sidebar.toggle(key="large_text").set_value(True).run()
    assert larger(at)
    at.switch_page("views/learn.py").run()
    assert not at.exception, at.exception
    assert larger(at), "the switch did not follow to the next page"
