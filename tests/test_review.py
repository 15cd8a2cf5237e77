"""The therapist's review (review/): adherence, flags, TAM grading, trends and exports.

Patients are built the way the store hands them over (storage.records dataclasses), with
days in the patient's time zone, and each check is what a therapist would look at.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from exercises.counter import Rep
from handcoach.review import (
    FLAG_CODES,
    DayAdherence,
    adherence_days,
    adherence_rate,
    best_tam,
    csv_text,
    grade_tam,
    pain_trend,
    patient_flags,
    rep_columns,
    rep_rows,
    rom_trend,
    tam_trend,
)
from handcoach.review.flags import (
    FORM_WARNINGS,
    MISSED_DAYS,
    OVER_PRESCRIPTION,
    PAIN_RISING,
    ROM_FALLING,
    ROM_NOISE,
)
from handcoach.review.rom_noise import (
    DROP_FLOOR_DEG,
    RomNoise,
    drop_threshold,
    median_change_p95,
)
from handcoach.storage.records import PrescriptionInfo, SessionInfo
from vision.landmarks import ANGLE_NAMES, FINGERS, angle_index

UTC = timezone.utc
TZ = ZoneInfo("Europe/Berlin")
TODAY = date(2026, 11, 30)

#: max flexion of a stiff but progressing hand in a fist, degrees.
FIST_MAX = {"mcp": 80.0, "pip": 95.0, "dip": 70.0}
THUMB_MAX = {"mcp": 45.0, "ip": 60.0}
_ids = itertools.count(1)


def rom(**overrides: float) -> dict:
    """Stored ROM ({finger: {joint: {min, max}}}); overrides like index_pip=87."""
    out = {f: {j: {"min": 0.0, "max": v} for j, v in FIST_MAX.items()} for f in FINGERS}
    out["thumb"] = {j: {"min": 0.0, "max": v} for j, v in THUMB_MAX.items()}
    for key, value in overrides.items():
        finger, joint = key.split("_")
        out[finger][joint]["max"] = value
    return out


def tam_of(r: dict | None) -> dict | None:
    """TAM per finger as the recorder computes it for straight-starting fingers."""
    if r is None:
        return None
    return {f: sum(r[f][j]["max"] - r[f][j]["min"] for j in ("mcp", "pip", "dip"))
            for f in FINGERS}


def session(day: date, exercise: str = "fist", *, at: time = time(10), hand: str | None = "right",
            reps: int = 10, extra: int = 0, pain: tuple[int | None, int | None] = (None, None),
            rom_: dict | None = None, tam: dict | None = None,
            warnings: dict[str, int] | None = None) -> SessionInfo:
    """One saved session, started at `at` on `day` in the patient's time zone."""
    start = datetime.combine(day, at, tzinfo=TZ).astimezone(UTC)
    if rom_ is None and exercise in ("fist", "tendon_glides"):
        rom_ = rom()
    warnings = dict(warnings or {})
    return SessionInfo(
        id=next(_ids), patient="Ana Pereira", exercise=exercise, hand_side=hand,
        source="live", video_name=None, model="full", started_at=start,
        ended_at=start + timedelta(minutes=4), duration_s=240.0, status="complete",
        reps=reps, extra_reps=extra, prescribed_reps=10, prescribed_sets=1,
        warnings=sum(warnings.values()), pain_before=pain[0], pain_after=pain[1],
        frames=7200, frames_with_hand=7000, rom=rom_, tam=tam if tam is not None else tam_of(rom_),
        warning_codes=warnings)


def prescription(version: int, created: datetime, doses: dict[str, tuple[int, int]],
                 hand: str = "right", targets: dict | None = None) -> PrescriptionInfo:
    """A version of a prescription; doses: {exercise: (sessions_per_day, max_reps_per_day)}."""
    return PrescriptionInfo(
        id=version, patient_id=1, patient="Ana Pereira", hand=hand, version=version,
        created_at=created.astimezone(UTC), created_by="Dr Silva", exercises=tuple(doses),
        doses={ex: {"reps": 10, "sets": 1, "hold_s": 3.0, "rest_s": 2.0,
                    "sessions_per_day": spd, "max_reps_per_day": mx}
               for ex, (spd, mx) in doses.items()},
        rom_targets=targets or {})


def berlin(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TZ)


# --- TAM grading -----------------------------------------------------------------------

def test_grade_boundaries_against_260():
    grades = grade_tam({"index": 260, "middle": 197.6, "ring": 195, "little": 130})
    assert [(g.finger, g.percent, g.grade) for g in grades] == [
        ("index", 100, "excellent"), ("middle", 76, "good"), ("ring", 75, "fair"),
        ("little", 50, "poor")]
    assert {g.reference for g in grades} == {"normal (260°)"}
    assert {g.reference_deg for g in grades} == {260.0}
    assert grade_tam({"index": 132.0})[0].grade == "fair"  # 50.8% -> 51%


def test_grade_against_the_other_hand_falls_back_to_260_per_finger():
    grades = grade_tam({"index": 150, "middle": 150, "ring": None},
                       other_hand={"index": 200, "middle": None, "little": 240})
    assert [g.finger for g in grades] == ["index", "middle"]  # ring never measured
    index, middle = grades
    assert (index.reference, index.reference_deg, index.percent, index.grade) == \
        ("other hand", 200.0, 75, "fair")
    assert (middle.reference, middle.reference_deg, middle.percent, middle.grade) == \
        ("normal (260°)", 260.0, 58, "fair")
    # the same TAM is good against a stiffer other hand
    assert grade_tam({"index": 150}, {"index": 190})[0].grade == "good"


def test_best_tam_is_the_largest_per_finger_of_that_hand_only():
    day = date(2026, 11, 2)
    sessions = [session(day, tam={"index": 200, "middle": 210, "ring": None, "little": 150}),
                session(day, tam={"index": 220, "middle": 190, "ring": 180, "little": None}),
                session(day, hand="left", tam={"index": 255, "middle": 255, "ring": 255,
                                               "little": 255})]
    assert best_tam(sessions, "right") == {"index": 220, "middle": 210, "ring": 180,
                                           "little": 150}
    assert best_tam(sessions, "left")["index"] == 255


# --- adherence -------------------------------------------------------------------------

def test_adherence_across_a_prescription_change():
    d0, d1, d2, d3, d4 = (date(2026, 11, 1) + timedelta(days=n) for n in range(5))
    versions = [prescription(1, berlin(d1, 9), {"fist": (2, 40)}),
                prescription(2, berlin(d3, 18), {"fist": (2, 40), "tendon_glides": (1, 20)})]
    sessions = [
        session(d0, reps=10),                                 # before any prescription
        *[session(d1, at=time(h), reps=10) for h in (10, 13, 16)],   # 3 done, 2 count
        session(d2, reps=10), session(d2, at=time(15), reps=0),       # 0 reps: not done
        session(d3, at=time(8)), session(d3, at=time(12), extra=2, reps=12),
        session(d3, "tendon_glides", at=time(9)),  # before v2 was saved: v2 counts for d3
    ]
    days = adherence_days(sessions, versions, d0, d4, TZ)
    assert [(d.day, d.prescribed, d.done) for d in days] == [
        (d0, 0, 0), (d1, 2, 2), (d2, 2, 1), (d3, 3, 3), (d4, 3, 0)]
    assert days[3] == DayAdherence(d3, 3, 3, reps=32, extra_reps=2)
    assert adherence_rate(days) == pytest.approx(6 / 10)


def test_adherence_days_are_the_patients_calendar_days():
    day = date(2026, 11, 10)
    versions = [prescription(1, berlin(day - timedelta(days=1), 9), {"fist": (1, 40)})]
    # 23:30 UTC on the 9th is 00:30 on the 10th in Berlin
    late = session(day, at=time(0, 30))
    assert late.started_at.astimezone(UTC).date() == day - timedelta(days=1)
    days = adherence_days([late], versions, day - timedelta(days=1), day, TZ)
    assert [d.done for d in days] == [0, 1]


def test_a_session_without_a_side_counts_only_when_one_hand_is_prescribed():
    day = date(2026, 11, 10)
    right = prescription(1, berlin(day, 8), {"fist": (1, 40)})
    left = prescription(2, berlin(day, 8), {"fist": (1, 40)}, hand="left")
    sessions = [session(day, hand="right"), session(day, at=time(12), hand=None)]
    one_hand = adherence_days(sessions[1:], [right], day, day, TZ)[0]
    assert (one_hand.prescribed, one_hand.done) == (1, 1)
    both = adherence_days(sessions, [right, left], day, day, TZ)[0]
    assert (both.prescribed, both.done) == (2, 1)
    # the left hand's session does not count for the right hand's fist
    left_only = adherence_days([session(day, hand="left")], [right], day, day, TZ)[0]
    assert (left_only.prescribed, left_only.done) == (1, 0)


def test_adherence_rate_is_none_without_a_prescription():
    day = date(2026, 11, 10)
    days = adherence_days([session(day)], [], day, day + timedelta(days=2), TZ)
    assert [d.prescribed for d in days] == [0, 0, 0]
    assert days[0].reps == 10
    assert adherence_rate(days) is None


# --- flags -----------------------------------------------------------------------------

FIRST_DAY = date(2026, 11, 16)


def clean_patient(skip: tuple[date, ...] = ()) -> tuple[list[SessionInfo], list[PrescriptionInfo]]:
    """Two weeks of fist twice a day as prescribed: steady ROM, no pain, few warnings."""
    versions = [prescription(1, berlin(FIRST_DAY, 8), {"fist": (2, 40)})]
    sessions = []
    day = FIRST_DAY
    while day <= TODAY:
        if day not in skip:
            for hour in (9, 18):
                sessions.append(session(day, at=time(hour), reps=10, pain=(1, 1),
                                        warnings={"PARTIAL_RANGE": 1, "HAND_NOT_VISIBLE": 2}))
        day += timedelta(days=1)
    return sessions, versions


def flags_of(sessions, versions, today=TODAY) -> dict[str, str]:
    return {f.code: f.message for f in patient_flags(sessions, versions, today, TZ)}


def set_last(sessions: list[SessionInfo], n: int, **changes) -> None:
    """Change the last n sessions (in time order) in place."""
    for s in sorted(sessions, key=lambda s: s.started_at)[-n:]:
        for key, value in changes.items():
            assert hasattr(s, key), key
            setattr(s, key, value)


def test_a_clean_patient_has_no_flags():
    sessions, versions = clean_patient()
    assert flags_of(sessions, versions) == {}
    assert set(FLAG_CODES) == {MISSED_DAYS, PAIN_RISING, ROM_FALLING, OVER_PRESCRIPTION,
                               FORM_WARNINGS}


def test_missed_days():
    sessions, versions = clean_patient(skip=(date(2026, 11, 26), date(2026, 11, 28)))
    assert flags_of(sessions, versions) == {MISSED_DAYS: "No exercise on 2 of the last 7 days"}
    one_missed, _ = clean_patient(skip=(date(2026, 11, 26),))
    assert MISSED_DAYS not in flags_of(one_missed, versions)
    # days missed before the last 7 do not count
    old, _ = clean_patient(skip=(date(2026, 11, 20), date(2026, 11, 21)))
    assert MISSED_DAYS not in flags_of(old, versions)
    # a session with no rep is not exercise
    zero, _ = clean_patient(skip=(date(2026, 11, 26),))
    for s in zero:
        if s.started_at.astimezone(TZ).date() == date(2026, 11, 27):
            s.reps = 0
    assert flags_of(zero, versions)[MISSED_DAYS] == "No exercise on 2 of the last 7 days"


def test_missed_days_start_at_the_first_prescription():
    new = [prescription(1, berlin(date(2026, 11, 28), 10), {"fist": (2, 40)})]
    sessions = [session(TODAY)]
    assert flags_of(sessions, new)[MISSED_DAYS] == "No exercise on 2 of the last 3 days"
    newer = [prescription(1, berlin(date(2026, 11, 29), 10), {"fist": (2, 40)})]
    assert MISSED_DAYS not in flags_of(sessions, newer)


def test_pain_rising_during_a_session():
    sessions, versions = clean_patient()
    set_last(sessions, 1, pain_before=2, pain_after=3)
    assert PAIN_RISING not in flags_of(sessions, versions)
    set_last(sessions, 1, pain_before=2, pain_after=4)
    assert flags_of(sessions, versions)[PAIN_RISING] == \
        "Pain rose from 2 to 4 during fist on 2026-11-30"
    # four sessions back is not among the last three
    sessions, versions = clean_patient()
    ordered = sorted(sessions, key=lambda s: s.started_at)
    ordered[-4].pain_before, ordered[-4].pain_after = 2, 6
    assert PAIN_RISING not in flags_of(sessions, versions)


def test_pain_before_exercise_rising():
    sessions, versions = clean_patient()
    set_last(sessions, 3, pain_before=2, pain_after=2)
    assert PAIN_RISING not in flags_of(sessions, versions)  # 2 vs 1: up by 1
    set_last(sessions, 3, pain_before=3, pain_after=3)
    assert flags_of(sessions, versions)[PAIN_RISING] == (
        "Pain before exercise up from 1.0 to 3.0 (last 3 sessions vs 3 before)")


def test_rom_falling():
    pip = ROM_NOISE.drop_deg("index", "pip")
    tam = ROM_NOISE.drop_deg("index", "tam")
    sessions, versions = clean_patient()
    low = rom(index_pip=95.0 - (pip - 2))
    set_last(sessions, 3, rom=low, tam=tam_of(low))
    assert ROM_FALLING not in flags_of(sessions, versions)  # within the camera's noise
    fall = max(pip, tam) + 5
    low = rom(index_pip=95.0 - fall)
    set_last(sessions, 3, rom=low, tam=tam_of(low))
    message = flags_of(sessions, versions)[ROM_FALLING]
    # the therapist reads how far the camera alone moves this joint between sessions
    assert f"index PIP flexion from 95° to {95 - fall:.0f}° in fist (camera noise {pip:.0f}°)" \
        in message
    assert f"index TAM from 245° to {245 - fall:.0f}° in fist (camera noise {tam:.0f}°)" \
        in message
    # one bad session is not a trend (median of the last three)
    sessions, versions = clean_patient()
    set_last(sessions, 1, rom=rom(index_pip=40.0), tam=tam_of(rom(index_pip=40.0)))
    assert ROM_FALLING not in flags_of(sessions, versions)


def test_a_fall_within_a_joints_measured_noise_is_not_flagged():
    """The MCP's readings move more between sessions than the DIP's: the same fall can be
    noise for one and more than noise for the other."""
    mcp, dip = ROM_NOISE.drop_deg("index", "mcp"), ROM_NOISE.drop_deg("index", "dip")
    assert mcp > dip >= DROP_FLOOR_DEG
    fall = (mcp + dip) / 2
    sessions, versions = clean_patient()
    set_last(sessions, 3, rom=rom(index_mcp=80.0 - fall), tam=None)
    assert ROM_FALLING not in flags_of(sessions, versions)
    sessions, versions = clean_patient()
    set_last(sessions, 3, rom=rom(index_dip=70.0 - fall), tam=None)
    assert "index DIP flexion from 70°" in flags_of(sessions, versions)[ROM_FALLING]


def test_the_noise_of_a_median_of_three_sessions():
    """Normal noise of s.d. 1: a median of three has s.d. 0.670 (variance 0.449), the change
    of two such medians s.d. 0.947, its 95th percentile 1.96 x 0.947 = 1.86."""
    noise = np.random.default_rng(7).normal(0.0, 1.0, 5000)
    assert median_change_p95(noise, 3) == pytest.approx(1.86, abs=0.08)
    assert median_change_p95(noise * 10, 1) == pytest.approx(27.7, rel=0.05)
    assert drop_threshold(16.7) == 20 and drop_threshold(3.0) == DROP_FLOOR_DEG
    with pytest.raises(ValueError):
        median_change_p95(np.array([np.nan, 1.0]), 3)


def test_rom_noise_without_its_file_is_the_floor(tmp_path):
    noise = RomNoise.load(tmp_path / "missing.json")
    assert noise.drop_deg("index", "mcp") == DROP_FLOOR_DEG
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    assert RomNoise.load(tmp_path / "bad.json").drop_deg("thumb", "ip") == DROP_FLOOR_DEG


def test_rom_is_compared_within_an_exercise():
    sessions, versions = clean_patient()
    versions = [prescription(1, berlin(FIRST_DAY, 8), {"fist": (2, 40),
                                                       "finger_spread": (3, 60)})]
    spread = rom(**{f"{f}_{j}": 10.0 for f in FINGERS for j in FIST_MAX})
    sessions += [session(TODAY - timedelta(days=n), "finger_spread", at=time(h), rom_=spread)
                 for n in range(7) for h in (8, 12, 20)]
    assert flags_of(sessions, versions) == {}


def test_over_prescription():
    sessions, versions = clean_patient()
    sessions.append(session(date(2026, 11, 20), at=time(20), reps=25))  # before the week
    assert flags_of(sessions, versions) == {}
    sessions.append(session(date(2026, 11, 29), at=time(20), reps=25))
    assert flags_of(sessions, versions) == {
        OVER_PRESCRIPTION: "More than prescribed: 45 fist reps on 2026-11-29 (daily maximum 40)"}
    set_last(sessions, 1, extra_reps=3)
    assert flags_of(sessions, versions)[OVER_PRESCRIPTION].endswith(
        "; 3 reps beyond the prescription in 1 session")


def test_extra_reps_alone_are_over_prescription():
    sessions, versions = clean_patient()
    set_last(sessions, 2, extra_reps=2)
    assert flags_of(sessions, versions) == {
        OVER_PRESCRIPTION: "More than prescribed: 4 reps beyond the prescription in 2 sessions"}


def test_form_warnings():
    sessions, versions = clean_patient()
    week = [s for s in sessions if s.started_at.astimezone(TZ).date() > TODAY - timedelta(days=7)]
    assert len(week) == 14
    for s in week:  # 4 a session, 56 in 140 reps: 0.4 per rep
        s.warning_codes = {"PARTIAL_RANGE": 3, "TOO_FAST": 1, "HAND_NOT_VISIBLE": 9}
    assert FORM_WARNINGS not in flags_of(sessions, versions)
    for s in week:  # 5 a session: 0.5 per rep
        s.warning_codes = {"PARTIAL_RANGE": 3, "TOO_FAST": 2, "HAND_NOT_VISIBLE": 9}
    assert flags_of(sessions, versions) == {
        FORM_WARNINGS: "70 form warnings in 140 reps this week, mostly partial range"}


def test_few_form_warnings_are_not_a_pattern():
    versions = [prescription(1, berlin(TODAY, 8), {"fist": (1, 40)})]
    few = [session(TODAY, reps=4, warnings={"WRONG_POSITION": 4})]
    assert flags_of(few, versions) == {}
    five = [session(TODAY, reps=4, warnings={"WRONG_POSITION": 5})]
    assert flags_of(five, versions) == {
        FORM_WARNINGS: "5 form warnings in 4 reps this week, mostly wrong position"}


def test_sessions_after_today_are_ignored():
    sessions, versions = clean_patient(skip=(date(2026, 11, 26), date(2026, 11, 27)))
    later = [session(date(2026, 12, 1), reps=80, extra=40, pain=(1, 8))]
    assert set(flags_of(sessions + later, versions, today=date(2026, 11, 27))) == {MISSED_DAYS}


# --- trends ----------------------------------------------------------------------------

def test_trend_rows_are_long_format_and_skip_unmeasured_values():
    day = date(2026, 11, 10)
    partial = rom()
    partial["little"]["dip"]["max"] = None
    first = session(day, at=time(9), rom_=partial, pain=(2, None),
                    tam={"index": 245, "middle": 245, "ring": 245, "little": None})
    second = session(day, at=time(18), hand="left", pain=(1, 3))
    rows = rom_trend([second, first])
    assert [r["session_id"] for r in rows][0] == first.id  # in start order
    assert len(rows) == 13 + 14
    assert rows[0] == {"session_id": first.id, "start": first.started_at, "exercise": "fist",
                       "hand": "right", "finger": "index", "joint": "mcp", "max_deg": 80.0,
                       "readings": None}
    assert {r["hand"] for r in rom_trend([first, second], side="left")} == {"left"}
    tams = tam_trend([first, second], side="right")
    assert [(r["finger"], r["tam_deg"]) for r in tams] == [("index", 245.0), ("middle", 245.0),
                                                           ("ring", 245.0)]
    pains = pain_trend([second, first])
    assert [(r["session_id"], r["when"], r["pain"]) for r in pains] == [
        (first.id, "before", 2), (second.id, "before", 1), (second.id, "after", 3)]


# --- per-rep export --------------------------------------------------------------------

def test_rep_export_columns_and_values():
    s = session(date(2026, 11, 10), "tendon_glides", at=time(9, 5))
    peak = np.full(len(ANGLE_NAMES), np.nan)
    peak[angle_index("index", "pip")] = 86.6
    peak[angle_index("thumb", "ip")] = 40.2
    low = np.zeros(len(ANGLE_NAMES))
    low[angle_index("index", "pip")] = -4.4
    rep = Rep(number=3, start=12.341, end=19.0, positions=("hook", "full_fist"),
              holds_s=(3.04, 2.96), peak_flexion=peak, min_flexion=low,
              flags=frozenset({"extra", "short_hold"}), set_number=2)
    rows = rep_rows(s, [rep])
    assert len(rows) == 1
    row = rows[0]
    assert list(row) == rep_columns()
    assert rep_columns()[:13] == ["session_id", "patient", "exercise", "hand", "session_start",
                                  "rep", "set_number", "start_s", "end_s", "duration_s",
                                  "positions", "holds_s", "flags"]
    assert len(rep_columns()) == 13 + 2 * len(ANGLE_NAMES)
    assert row["session_start"] == "2026-11-10T08:05:00+00:00"  # 09:05 Berlin, in UTC
    assert (row["rep"], row["set_number"], row["start_s"], row["end_s"], row["duration_s"]) == \
        (3, 2, 12.34, 19.0, 6.66)
    assert row["positions"] == "hook > full_fist"
    assert row["holds_s"] == "3.0 > 3.0"
    assert row["flags"] == "extra short_hold"
    assert (row["index_pip_peak"], row["index_pip_min"]) == (87, -4)
    assert (row["thumb_ip_peak"], row["index_mcp_peak"], row["index_mcp_min"]) == (40, None, 0)

    text = csv_text(rows, rep_columns())
    back = list(csv.DictReader(io.StringIO(text)))
    assert back[0]["index_pip_peak"] == "87" and back[0]["index_mcp_peak"] == ""
    assert back[0]["patient"] == "Ana Pereira"
    assert csv_text([], rep_columns()) == ",".join(rep_columns()) + "\n"


def test_rep_export_of_a_rep_never_seen():
    s = session(date(2026, 11, 10))
    nan = np.full(len(ANGLE_NAMES), math.nan)
    row = rep_rows(s, [Rep(1, 0.0, 2.0, (), (), nan, nan)])[0]
    assert all(row[f"{f}_{j}_{m}"] is None for f, j in ANGLE_NAMES for m in ("peak", "min"))
    assert (row["positions"], row["holds_s"], row["flags"]) == ("", "", "")


# --- the clinic's monthly summary ------------------------------------------------------

def test_a_month_counts_days_with_data_sessions_and_reps_against_the_prescription():
    from handcoach.review.monthly import MONTH_COLUMNS, month_summary

    first, last = date(2026, 11, 1), date(2026, 11, 30)
    # Prescribed from the 21st: fist twice a day, 10 reps x 1 set each.
    versions = [prescription(1, berlin(date(2026, 11, 21), 9), {"fist": (2, 30)})]
    sessions = [session(date(2026, 11, 10), reps=6),                 # before any prescription
                session(date(2026, 11, 22), reps=10),
                session(date(2026, 11, 22), at=time(18), reps=12, extra=2),
                session(date(2026, 11, 22), at=time(20), reps=10),   # a third: not counted
                session(date(2026, 11, 25), reps=0),                 # started, no rep
                session(date(2026, 11, 29), reps=8)]
    m = month_summary(sessions, versions, first, last, TZ)
    assert (m.days, m.days_with_data) == (30, 3)          # the 10th, 22nd and 29th
    assert (m.sessions_done, m.sessions_prescribed) == (3, 2 * 10)   # 21st-30th, 2 a day
    assert (m.reps, m.extra_reps) == (6 + 10 + 12 + 10 + 8, 2)
    assert m.reps_prescribed == 10 * 2 * 10
    row = m.row("Ana Pereira")
    assert list(row) == list(MONTH_COLUMNS) and row["month"] == "2026-11"
