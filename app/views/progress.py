"""My progress: what the patient has done, their pain, and how far their joints bend.

In the patient's words: days as days, pain as "3 / 10" or "not rated", bends from
0 = straight, the joints each exercise moves (a finger spread is not charted as a
fist it never was), local 24-hour times.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import streamlit as st

from app.joints import bends, measured_joints
from app.local_time import local_naive, when_text
from app.patient import patient_name, program, saved_sessions
from app.patient_charts import bend_over_time, pain_over_time, reps_per_day
from app.wording import PLAIN_JOINTS, bend_deg, duration_text, pain_rose, pain_text
from exercises.library import load_library

#: days shown on the reps chart: a week and a half, so each day is a bar one can read.
CHART_DAYS = 10
STATUS = {"complete": "done", "interrupted": "stopped early", "open": "not finished"}

name = patient_name()
plan = program()
library = load_library(plan.overrides)
st.title("My progress")
sessions = saved_sessions(name)
if sessions is None:
    st.stop()
if not sessions:
    st.info("No sessions saved yet. Start with today's exercises; each session you finish "
            "appears here.")
    st.stop()


def exercise_name(ex_id: str | None) -> str:
    return library[ex_id].name if ex_id in library else (ex_id or "-")


today = datetime.now().astimezone().date()
days_done = [s.started_at.astimezone().date() for s in sessions]
week = [s for s, d in zip(sessions, days_done, strict=True) if d > today - timedelta(days=7)]
cols = st.columns(3)
cols[0].metric("Days exercised, last 7", len({s.started_at.astimezone().date() for s in week}))
cols[1].metric("Sessions, last 7 days", len(week))
cols[2].metric("Reps, last 7 days", sum(s.reps for s in week))

st.subheader("Reps per day")
days = [today - timedelta(days=n) for n in range(CHART_DAYS - 1, -1, -1)]
st.altair_chart(reps_per_day(
    [{"day": d, "exercise": exercise_name(s.exercise), "reps": s.reps}
     for s, d in zip(sessions, days_done, strict=True)], days), width="stretch")

pain_rows = [{"started": local_naive(s.started_at), "when": when, "pain": value,
              "exercise": exercise_name(s.exercise)}
             for s in sessions for when, value in (("before", s.pain_before),
                                                   ("after", s.pain_after))
             if value is not None]
if pain_rows:
    st.subheader("Pain before and after")
    st.altair_chart(pain_over_time(pain_rows), width="stretch")
    rated = [s for s in sessions if s.pain_before is not None and s.pain_after is not None]
    if len(rated) and all(pain_rose(s.pain_before, s.pain_after) for s in rated[-3:]):
        st.warning("Your pain went up by 2 or more in your last sessions. Tell your "
                   "therapist before you go on.")

measured = [s for s in sessions if s.frames_with_hand and s.rom
            and bends(library.get(s.exercise or ""))]
if measured:
    st.subheader("How far your joints bend")
    shown = list(dict.fromkeys(s.exercise for s in reversed(measured)))
    ex_id = st.selectbox("Exercise", shown, format_func=exercise_name,
                         help="Each exercise bends the joints differently: compare a "
                              "session with others of the same exercise.")
    pairs = measured_joints(library[ex_id])
    kinds = list(dict.fromkeys(j for _, j in pairs))
    kind = st.segmented_control("Joint", kinds, default=kinds[0],
                                format_func=lambda j: PLAIN_JOINTS[j]) or kinds[0]
    rows = [{"started": local_naive(s.started_at), "finger": f, "deg": deg}
            for s in measured if s.exercise == ex_id for f, j in pairs if j == kind
            for deg in [bend_deg(((s.rom or {}).get(f, {}).get(j) or {}).get("max"))]
            if deg is not None]
    st.altair_chart(bend_over_time(rows), width="stretch")

st.subheader("All sessions")
st.dataframe(pd.DataFrame([{
    "when": when_text(s.started_at), "exercise": exercise_name(s.exercise),
    "reps": s.reps, "time": duration_text(s.duration_s),
    "pain before": pain_text(s.pain_before), "pain after": pain_text(s.pain_after),
    "messages to change something": s.cautions, "status": STATUS.get(s.status, s.status),
    "video": "camera" if s.source == "live" else "recording",
} for s in reversed(sessions)]), hide_index=True)
