"""My progress: what the patient has done, their pain, and how far their joints bend."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import streamlit as st

from app.patient import patient_name, program, saved_sessions
from exercises.library import load_library
from vision.landmarks import FINGERS

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

rows = [{
    "started": s.started_at.astimezone().replace(tzinfo=None),
    "day": s.started_at.astimezone().date(),
    "exercise": library[s.exercise].name if s.exercise in library else (s.exercise or "-"),
    "reps": s.reps, "pain before": s.pain_before, "pain after": s.pain_after,
    "warnings": s.warnings, "status": s.status, "source": s.source, "id": s.id,
} for s in sessions]
table = pd.DataFrame(rows)

today = datetime.now().astimezone().date()
week = table[table["day"] > today - timedelta(days=7)]
cols = st.columns(3)
cols[0].metric("Days exercised, last 7", int(week["day"].nunique()))
cols[1].metric("Sessions, last 7 days", len(week))
cols[2].metric("Reps, last 7 days", int(week["reps"].sum()))

st.subheader("Reps per day")
days = pd.date_range(today - timedelta(days=27), today).date
per_day = (table.pivot_table(index="day", columns="exercise", values="reps", aggfunc="sum")
           .reindex(days).fillna(0))
st.bar_chart(per_day, x_label="day", y_label="reps")

pain = table.dropna(subset=["pain before", "pain after"], how="all")
if not pain.empty:
    st.subheader("Pain before and after (0-10)")
    st.line_chart(pain.set_index("started")[["pain before", "pain after"]],
                  x_label="session", y_label="pain")
    rising = pain.dropna(subset=["pain before", "pain after"])
    if len(rising) and (rising["pain after"] - rising["pain before"]).tail(3).min() >= 2:
        st.warning("Your pain went up by 2 or more in your last sessions. Tell your "
                   "therapist before you go on.")

measured = [s for s in sessions if s.frames_with_hand and s.rom]
if measured:
    st.subheader("How far your joints bend (most bend per session, degrees)")
    joint = st.segmented_control("Joint", ["MCP", "PIP", "DIP"], default="PIP",
                                 help="MCP: knuckle; PIP: middle joint; DIP: end joint")
    key = (joint or "PIP").lower()
    trend = pd.DataFrame(
        [{"started": s.started_at.astimezone().replace(tzinfo=None),
          **{f: (s.rom.get(f, {}).get(key) or {}).get("max") for f in FINGERS}}
         for s in measured]).set_index("started")
    st.line_chart(trend, x_label="session", y_label="degrees")

st.subheader("All sessions")
st.dataframe(table.drop(columns=["day", "id"]).iloc[::-1], hide_index=True)
