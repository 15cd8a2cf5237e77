"""Today's program: the prescribed exercises, their dose, and what is done today."""

from __future__ import annotations

import streamlit as st

from app.patient import patient_name, program, reps_today, saved_sessions, sessions_today
from app.safe_text import plain
from app.wording import dose_text

name = patient_name()
plan = program()
st.title("Today's exercises")
st.write(f"Hello {plain(name)}. Do each exercise slowly and gently. Stop if it hurts more than "
         "usual. **Your therapist's prescription comes first.**")
if plan.note:
    st.info(f"From your therapist: {plain(plan.note)}")
if plan.hand:
    st.write(f"Exercise your **{plan.hand}** hand.")

sessions = saved_sessions(name)
for ex in plan.exercises:
    dose = ex.dose
    done = reps_today(sessions, ex.id)
    times = sessions_today(sessions, ex.id)
    with st.container(border=True):
        left, right = st.columns([3, 1], vertical_alignment="center")
        left.subheader(ex.name)
        left.write(dose_text(dose))
        share = min(times / dose.sessions_per_day, 1.0) if dose.sessions_per_day else 0.0
        left.progress(share, text=f"Done today: {times} of {dose.sessions_per_day} sessions, "
                                  f"{done} reps")
        if done >= dose.max_reps_per_day:
            left.warning("You have done today's most. Rest your hand until tomorrow.")
        if right.button("Start", key=f"start-{ex.id}", type="primary",
                        width="stretch"):
            st.session_state.exercise = ex.id
            st.switch_page("views/exercise.py")
