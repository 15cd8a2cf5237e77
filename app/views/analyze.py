"""Analyze a recording: a bundled sample (no webcam needed) or an uploaded video, with the
same results as `handcoach analyze`, and a button to save it as a session."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from app.patient import patient_name, program, store
from app.safe_text import plain
from app.videos import discard, samples, upload_field
from app.wording import PAIN_SCALE, dose_text, pain_label
from exercises.catalog import EXERCISE_IDS
from exercises.library import load_library
from handcoach.analysis import AnalysisResult, analyze_video, save_analysis
from handcoach.storage import StoreError
from vision.landmarks import ANGLE_NAMES, FINGERS, angle_index
from vision.sources import SourceError

UPLOAD = "Upload my own video"

name = patient_name()
plan = program()
st.title("Analyze a recording")
st.write("Choose one of the sample videos, or upload a video of your exercise. "
         "HandCoach measures how far each finger joint bends. Nothing leaves this computer.")

clips = samples()
choice = st.radio("Video", [UPLOAD, *clips], index=1 if clips else 0, horizontal=True)
path: Path | None = None
if choice == UPLOAD:
    path = upload_field("Video file", "This video cannot be read: {reason}. Nothing was saved.")
else:
    path = clips[choice]
    st.video(str(path))

library = load_library(plan.overrides)
guess = path.stem if path is not None and path.stem in EXERCISE_IDS else None
names = {library[i].name: i for i in EXERCISE_IDS}
picked = st.selectbox("Exercise", ["Just measure my joints", *names],
                      index=[*names.values()].index(guess) + 1 if guess else 0)
exercise = names.get(picked)
if exercise is not None:
    ex = library[exercise]
    with st.expander(f"About {ex.name.lower()}", expanded=False):
        st.write(ex.instructions)
        st.write(f"**Why:** {ex.purpose} {ex.benefit}")
        st.write(f"**Dose:** {dose_text(ex.dose)}. Your therapist's prescription comes first.")

model = st.segmented_control("Model", ["lite", "full"], default="lite",
                             help="lite is faster; full can be a little more accurate")

if path is not None and st.button("Analyze", type="primary"):
    bar = st.progress(0.0, text="Looking at your hand...")
    try:
        result = analyze_video(path, exercise=exercise, model=model or "lite",
                               program=plan.overrides or None,
                               progress=lambda share: bar.progress(share))
    except (SourceError, ValueError) as exc:
        st.error(f"This video could not be read: {plain(exc)}")
        st.stop()
    finally:
        discard(path)             # an upload is not kept once analysed (samples are)
    bar.progress(1.0, text="Done")
    st.session_state.analysis = result
    st.session_state.analysis_saved = None

result: AnalysisResult | None = st.session_state.get("analysis")
if result is not None and path is not None and Path(result.video) == path \
        and result.exercise == exercise:
    seen = result.frames_with_hand / result.frames if result.frames else 0.0
    cols = st.columns(2)
    cols[0].metric("Hand seen", f"{seen:.0%} of {result.frames} frames")
    if exercise is not None:
        extra = f" + {result.extra_reps} extra" if result.extra_reps else ""
        cols[1].metric("Repetitions", f"{len(result.reps) - result.extra_reps}{extra}")
        if result.reps:
            st.dataframe(pd.DataFrame(
                [{"rep": r.number, "from s": round(r.start, 2), "to s": round(r.end, 2),
                  "positions": ", ".join(r.positions),
                  "held s": ", ".join(f"{h:.1f}" for h in r.holds_s),
                  "notes": ", ".join(sorted(r.flags)).replace("_", " ")}
                 for r in result.reps]), hide_index=True)
    if result.ended_early:
        st.warning(f"The video ends early: analysed up to where it stops ({result.ended_early}).")
    if result.retimed:
        st.warning(f"Some frames had no proper time: {result.retimed}.")
    for alert in result.warnings:
        st.warning(f"At {alert.t:.1f} s: {alert.message}")
    if result.frames_with_hand:
        rom = result.rom()
        st.subheader("Range of motion (degrees of bend)")
        st.dataframe(pd.DataFrame(
            [{"finger": f, "joint": j.upper(), "least": round(a), "most": round(b)}
             for (f, j), a, b in zip(ANGLE_NAMES, rom.lo, rom.hi, strict=True)]),
            hide_index=True)
        st.write("Total active motion: " + ", ".join(
            f"{f} {v}°" for f, v in rom.tam_json().items()) + " (normal about 260°)")
        pips = [angle_index(f, "pip") for f in FINGERS]
        curves = pd.DataFrame(result.angles[:, pips],
                              columns=[f"{f} PIP" for f in FINGERS], index=result.times)
        st.subheader("Finger middle-joint (PIP) bend over time")
        st.line_chart(curves, x_label="seconds", y_label="degrees")

    st.subheader("Save as a session")
    saved = st.session_state.get("analysis_saved")
    if saved:
        st.success(f"Saved as session {saved} for {plain(name)}. It is in My progress.")
    else:
        with st.form("save"):
            cols = st.columns(2)
            before = cols[0].select_slider("Pain before (0-10)", PAIN_SCALE, value=0,
                                           format_func=pain_label)
            after = cols[1].select_slider("Pain after (0-10)", PAIN_SCALE, value=0,
                                          format_func=pain_label)
            if st.form_submit_button(f"Save for {plain(name)}", key="save-session"):
                try:
                    dose = library[exercise].dose if exercise else None
                    st.session_state.analysis_saved = save_analysis(
                        result, name, store(), pain_before=int(before),
                        pain_after=int(after), side=plan.hand,
                        prescribed_reps=dose.reps if dose else None,
                        prescribed_sets=dose.sets if dose else None,
                        prescription_id=plan.prescription_id)
                    st.rerun()
                except StoreError as exc:
                    st.error(f"Not saved: {plain(exc)}. The results are still shown here; try "
                             "again in a moment.")
